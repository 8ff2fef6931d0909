// One `local` run: every pre-run check first (the plan: exit 2 before a server is started or anything is
// sent), then the server under test (when configured), then the plan executed, then the server stopped,
// whatever happened. Watch mode (src/watch/watch.ts) runs this in a child process per change.
import { readFileSync, writeFileSync } from 'node:fs';
import { ConnectError, UserError } from '../errors.js';
import type { RunPlan } from '../run/plan.js';
import type { LoadedScenario } from '../scenario/loader.js';
import type { ServerUnderTest } from '../server-under-test/server.js';
import { localTarget, type Target } from '../target/target.js';
import { withLocalAuth } from '../target/local-auth.js';
import type { LocalFlags } from './commands/local.js';
import { loadSuite, preRunChecks, runOnTarget } from './run-suite.js';
import { installRunSignals, interruptExitCode, runAbortSignal } from './signals.js';

export interface PreparedLocal {
  target: Target;
  scenarios: LoadedScenario[];
  plan: RunPlan;
  /** No scenario files were given: the bundled travel suite runs. */
  bundled: boolean;
}

/** Everything checked before anything starts or connects. */
export async function prepareLocal(paths: string[], flags: LocalFlags, url: URL): Promise<PreparedLocal> {
  const target = withLocalAuth(localTarget(url), flags);
  const scenarios = flags.suite === 'protocol' ? [] : await loadSuite(paths);
  return { target, scenarios, plan: await preRunChecks(scenarios, flags, target), bundled: flags.suite !== 'protocol' && paths.length === 0 };
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

/** Runs the prepared plan (on the managed server if any); `first` puts these scenario ids first. */
export async function runPrepared(p: PreparedLocal, flags: LocalFlags, managed: { sut?: ServerUnderTest; failed?: ConnectError }, first: string[] = [], onFailed?: (ids: string[]) => void): Promise<number> {
  let plan = p.plan;
  if (managed.failed) {
    const reason = managed.failed.message.split(/; its last output|; it printed nothing/)[0]!;
    // Every request fails with the reason, whichever way it goes out (a session's middleware chain or a raw exchange).
    const unreachable = () => Promise.reject(new ConnectError(reason));
    plan = { ...plan, target: { ...plan.target, http: unreachable, fetch: unreachable } };
  }
  const { attachServerOutput } = await import('../server-under-test/attach.js');
  const sut = managed.sut && !managed.sut.reused ? managed.sut : undefined;
  return runOnTarget(plan.target, p.scenarios, flags, {
    plan,
    first,
    // No scenario files: the bundled travel suite, which is for the reference server; check it fits first.
    checkBundledSuite: p.bundled,
    ...(sut ? { decorate: (ls) => attachServerOutput(ls, sut, plan.target.secrets) } : {}),
    ...(onFailed ? { onResult: (run) => onFailed(run.scenarios.filter((s) => s.status === 'failed' || s.status === 'interrupted').map((s) => s.id)) } : {}),
  });
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
    return await runPrepared(p, flags, managed, first, stateFile ? (failed) => writeFileSync(stateFile, JSON.stringify({ failed })) : undefined);
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

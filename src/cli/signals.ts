// SIGINT / SIGTERM during a run: stop promptly, but never lose a report. The first signal aborts the
// run through the one shared AbortController (the runner stops starting scenarios, the running request
// is cancelled, open sessions get their DELETE, every reporter still writes with the unfinished
// scenarios marked "interrupted"); the exit code is then 130 (SIGINT) or 143 (SIGTERM). A further
// signal after that exits at once.
//
// Interactive mode cooperates through `onInterrupt`: while a prompt is open it registers a handler that
// cancels just that request and returns true ("handled"); a Ctrl-C it does not handle (the second one)
// falls through and stops the run. A prompt in raw mode sees Ctrl-C as a key, not a signal: it calls
// `interruptRun('SIGINT')` to stop the run the same way.
import { ExitCode } from '../errors.js';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';
/** Returns true when it handled the interrupt itself (e.g. cancelled the open prompt). */
export type InterruptHandler = (signal: InterruptSignal) => boolean;

let controller = new AbortController();
let received: InterruptSignal | undefined;
const handlers: InterruptHandler[] = [];
let installed = 0;

/** The signal every run takes (RunOptions.signal); aborted by the first unhandled interrupt. */
export function runAbortSignal(): AbortSignal {
  return controller.signal;
}

/** The signal that stopped the run, if one did. */
export function interruptReceived(): InterruptSignal | undefined {
  return received;
}

/** 130 or 143 when a signal stopped the run, else undefined. */
export function interruptExitCode(): number | undefined {
  return received === 'SIGTERM' ? ExitCode.Terminated : received === 'SIGINT' ? ExitCode.Interrupted : undefined;
}

/** Registers a handler asked first (newest first); returns its removal. */
export function onInterrupt(handler: InterruptHandler): () => void {
  handlers.push(handler);
  return () => {
    const i = handlers.lastIndexOf(handler);
    if (i >= 0) handlers.splice(i, 1);
  };
}

/** Stops the run as if the signal had arrived (used by prompts in raw mode, and by the handlers). */
export function interruptRun(signal: InterruptSignal): void {
  if (received) {
    // Asked twice: the person wants out now.
    process.stderr.write(`mcp-verify: ${signal} again: stopping at once (reports may be incomplete)\n`);
    process.exit(signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted);
  }
  received = signal;
  process.stderr.write(`mcp-verify: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'} (${signal}): ending open sessions and writing reports; send it again to stop at once\n`);
  controller.abort(new Error(`interrupted by ${signal}`));
}

function onSignal(signal: NodeJS.Signals): void {
  const sig = signal as InterruptSignal;
  if (!received) for (const h of [...handlers].reverse()) if (h(sig)) return;
  interruptRun(sig);
}

/**
 * Installs the handlers for the length of a run; returns the uninstall. Nested runs (compare runs two)
 * share one installation.
 */
export function installRunSignals(): () => void {
  if (installed++ === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installed === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}

/** How long output still being flushed may hold up the exit after a signal. */
export const FLUSH_AFTER_SIGNAL_MS = 2_000;

/**
 * The last phase of every command: what the reporters wrote to stdout and stderr is still being
 * flushed (a slow reader, a full pipe) after the report files are complete. A signal now is honoured:
 * the exit code becomes 130 / 143 and the process ends once the output is out, or after 2 s if nobody
 * reads it. After a run a signal stopped, the process ends as soon as the output is out, even if work
 * nobody waits for (a credential_process that hangs, a server's open socket) would keep it alive.
 */
export async function flushOutputThenExit(): Promise<void> {
  let signalled = received;
  // A signal decides the exit code even when it came before this point, while the run's own handlers
  // were still installed and the command had already set process.exitCode from its (finished) result.
  const exitNow = () => process.exit(signalled === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted);
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) exitNow(); // a second signal: at once
    signalled = signal as InterruptSignal;
    setTimeout(exitNow, FLUSH_AFTER_SIGNAL_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await new Promise((resolve) => process.stdout.write('', resolve));
    await new Promise((resolve) => process.stderr.write('', resolve));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (signalled) exitNow();
}

/** For tests in one process: forget a previous interrupt. */
export function resetInterrupts(): void {
  controller = new AbortController();
  received = undefined;
}

/** For long-running servers (`example-server`, `emulate-agentcore`): resolves on the first SIGINT or SIGTERM. */
export function untilStopSignal(): Promise<InterruptSignal> {
  return new Promise((resolve) => {
    const stop = (signal: InterruptSignal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Waits for `work`, or for the run's signal (an interrupt), whichever comes first: true when the work
 * finished, false when the run was stopped first (the work is left to itself; its failure is ignored).
 * For the phases a run goes through before its first scenario (credentials, the bundled-suite probe,
 * LLM clients): the run then goes on, with every scenario INTERRUPTED and every report written.
 */
export async function unlessInterrupted(work: Promise<unknown> | undefined, signal: AbortSignal = controller.signal): Promise<boolean> {
  if (!work) return !signal.aborted;
  if (signal.aborted) {
    work.catch(() => {});
    return false;
  }
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work.then(() => true as const), stopped]);
  } catch (e) {
    if (signal.aborted) return false;
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort!);
    work.catch(() => {});
  }
}

/**
 * For a phase before any run or report exists (credential resolution): SIGINT / SIGTERM end the
 * process at once with 130 / 143 and one line, instead of waiting on work that may never finish.
 */
export async function exitWhileWaiting<T>(what: string, work: Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`mcp-verify: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'} (${signal}) while ${what}; nothing ran\n`, () =>
      process.exit(signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// Regular expressions from scenario files are matched against text a server chose. A backtracking
// pattern such as ^(a+)+$ against "aaaa…b" runs for minutes, and on the main thread nothing else runs:
// not the step timeout, not the SIGINT handler. So every match runs in a worker thread with a
// deadline (default 1 s, `--regex-timeout`), on input of bounded length; the main thread only waits,
// so signals and timers keep working, and a match past its deadline is a FAIL naming the pattern
// (the worker is terminated). Patterns keep JavaScript's own syntax and semantics.
import { Worker } from 'node:worker_threads';

/** Longest text a regex is run on; a longer one fails saying so rather than being matched in part. */
export const MAX_REGEX_INPUT_CHARS = 1024 * 1024;
export const DEFAULT_REGEX_TIMEOUT_MS = 1000;

let deadlineMs = DEFAULT_REGEX_TIMEOUT_MS;

/** The run's regex deadline (from --regex-timeout). */
export function setRegexTimeout(ms: number): void {
  deadlineMs = ms;
}

export function regexTimeout(): number {
  return deadlineMs;
}

export type RegexOutcome = { matched: boolean } | { problem: string };

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ pattern, flags, input }) => {
  let reply;
  try {
    reply = { matched: new RegExp(pattern, flags).test(input) };
  } catch (e) {
    reply = { error: String(e && e.message || e) };
  }
  parentPort.postMessage(reply);
});
`;

const idle: Worker[] = [];
const MAX_IDLE = 2;

function acquire(): Worker {
  const w = idle.pop() ?? new Worker(WORKER_SOURCE, { eval: true });
  w.unref();
  return w;
}

function release(w: Worker): void {
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  if (idle.length < MAX_IDLE) idle.push(w);
  else void w.terminate();
}

/**
 * Tests `pattern` against `input` off the main thread. Resolves to whether it matched, or a problem:
 * too slow (past the deadline), input too long, invalid pattern, or interrupted by `signal`.
 */
export function safeRegexTest(pattern: string, input: string, opts: { flags?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<RegexOutcome> {
  const shown = `/${pattern}/${opts.flags ?? ''}`;
  if (input.length > MAX_REGEX_INPUT_CHARS) {
    return Promise.resolve({ problem: `is ${input.length} characters, over the ${MAX_REGEX_INPUT_CHARS}-character bound for matching ${shown}` });
  }
  const limit = opts.timeoutMs ?? deadlineMs;
  if (opts.signal?.aborted) return Promise.resolve({ problem: `was not matched against ${shown}: interrupted` });
  return new Promise((resolve) => {
    const w = acquire();
    let settled = false;
    const finish = (outcome: RegexOutcome, keep: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (keep) release(w);
      else void w.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ problem: `could not be matched: ${shown} took longer than ${limit}ms (a pattern that backtracks catastrophically on this text); the match was stopped` }, false), limit);
    const onAbort = () => finish({ problem: `was not matched against ${shown}: interrupted` }, false);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    w.on('message', (m: { matched?: boolean; error?: string }) =>
      finish(m.error !== undefined ? { problem: `could not be matched: ${shown} is not a valid regular expression (${m.error})` } : { matched: !!m.matched }, true),
    );
    w.on('error', (e) => finish({ problem: `could not be matched against ${shown}: ${e.message}` }, false));
    w.postMessage({ pattern, flags: opts.flags ?? '', input });
  });
}

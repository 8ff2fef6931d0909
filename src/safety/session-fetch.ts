// What a session's HTTP traffic may hold at once, whatever the server makes it send, and how long its
// end may take. Bounds on the fetch the SDK transport is given (src/session/session.ts wraps its whole
// chain in these):
// - The DELETE that ends the session has a deadline (5 s; 1.5 s once a signal stopped the run, so the
//   process exits within 2 s of it). The SDK passes the transport's own signal, which never fires on a hung DELETE.
// - Each request gets a signal of its own that follows the transport's. The SDK passes one long-lived
//   AbortSignal to every request of a session, and undici's Request adds an abort listener to it that is
//   removed only when that Request is garbage-collected: over ~1,500 requests in one session Node printed
//   `MaxListenersExceededWarning` and the listeners (with what they reach) piled up between collections.
//   AbortSignal.any() links without a listener on the parent (a weak reference), so the parent's
//   listener count stays at what the session itself added.
// - Answers to the server's requests (elicitation and sampling results, POSTs that carry no `method`) go
//   out at most MAX_ANSWERS_IN_FLIGHT at a time; the rest wait in a queue. A server that sends 3,000
//   elicitations in one call otherwise had 3,000 POSTs (3,000 sockets, their buffers and parsers) open
//   at once. Requests and notifications are never queued: a step never waits behind an answer.
import type { FetchLike } from '../target/target.js';

/** Answer POSTs one session sends at once; each is a small body answered 202, so the queue drains fast. */
export const MAX_ANSWERS_IN_FLIGHT = 16;
/** The DELETE that ends a session: it must not hold up the run (a hung server)... */
export const DELETE_TIMEOUT_MS = 5_000;
/** ...nor, once a signal stopped the run, the exit (which must come within 2 s of the signal). */
export const DELETE_AFTER_SIGNAL_MS = 1_500;

/**
 * `fetch` with each request's signal its own, linked to the caller's without a listener on it. The
 * session's DELETE also gets a deadline: 5 s, or 1.5 s once `stopped` (the run's signal) has fired.
 */
export function ownSignalPerRequest(inner: FetchLike, stopped?: AbortSignal): FetchLike {
  return (url, init) => {
    const signals = init?.signal ? [init.signal] : [];
    if ((init?.method ?? 'GET').toUpperCase() === 'DELETE') signals.push(AbortSignal.timeout(stopped?.aborted ? DELETE_AFTER_SIGNAL_MS : DELETE_TIMEOUT_MS));
    return signals.length ? inner(url, { ...init, signal: AbortSignal.any(signals) }) : inner(url, init);
  };
}

/** Whether a request is a POST of JSON-RPC answers only (results or errors for the server's requests). */
export function isAnswerPost(init: RequestInit | undefined): boolean {
  // Every request and notification has a "method" key (the SDK writes JSON with JSON.stringify); an
  // answer never does, except inside a value, which at worst leaves that answer unqueued.
  return (init?.method ?? 'GET').toUpperCase() === 'POST' && typeof init?.body === 'string' && !init.body.includes('"method"');
}

/** `fetch` with at most `max` answer POSTs in flight; the others start as earlier ones get their response. */
export function limitAnswersInFlight(inner: FetchLike, max = MAX_ANSWERS_IN_FLIGHT): FetchLike {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async (url, init) => {
    if (!isAnswerPost(init)) return inner(url, init);
    if (running >= max) {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          init?.signal?.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          const i = waiting.indexOf(go);
          if (i >= 0) waiting.splice(i, 1);
          reject(init?.signal?.reason);
        };
        if (init?.signal?.aborted) return stop();
        init?.signal?.addEventListener('abort', stop, { once: true });
        waiting.push(go);
      });
    }
    running++;
    try {
      // The slot is held until the answer's response arrives (202, no body), not while a body is read.
      return await inner(url, init);
    } finally {
      release();
    }
  };
}

/** Both bounds: the request's own signal first, so a queued answer listens on that, not on the session's. */
export function boundSessionFetch(inner: FetchLike, stopped?: AbortSignal): FetchLike {
  return ownSignalPerRequest(limitAnswersInFlight(inner), stopped);
}

// The wire checks: hostile-server defences on every response, as a fetch middleware between the SDK
// transport and the retries (session.ts composes the chain; retry.ts retries below it):
// - a response size cap (--max-response): a larger response is cut off and reported, per message and per
//   stream, by the one bounded reader (safety/bounded-body.ts);
// - an inspector of every JSON / SSE response to a request: invalid JSON, a stream that ends (or breaks)
//   before the result, an answer for an id nobody asked, a second answer for the same id. Each becomes a
//   cause a person can read instead of a silent hang until the step timeout: the request is answered
//   with a JSON-RPC error whose message starts "mcp-verify:" (the transcript, recorded underneath, still
//   shows what really came over the wire);
// - a network failure in words ("connection refused: POST initialize got no response").
// Nothing the server sends is executed or opened here: bodies are only parsed as JSON.
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { networkErrorText } from '../errors.js';
import { boundStream, describeCut, limitsFrom, readTextBounded, withBoundedBody, type BodyLimits, type CutReason } from '../safety/bounded-body.js';
import { requestInfo, type RpcRequestInfo } from './rpc-body.js';
import { sseText } from './sse-text.js';

export interface WireCheckOptions {
  /** Largest response body accepted, in bytes (default 16 MiB). */
  maxResponseBytes?: number;
  /** A transcript note (resumption, cut-offs, broken answers). */
  note(text: string): void;
  /** A wire problem the running step must fail with (one the request itself does not surface). */
  fault(reason: string): void;
}

export { DEFAULT_MAX_RESPONSE_BYTES } from '../safety/bounded-body.js';
/** DELETE at the end of a session must not hold up the run (a hung server, a signal). */
const DELETE_TIMEOUT_MS = 5_000;
/** The JSON-RPC code of the errors mcp-verify puts in place of a broken answer. */
export const WIRE_ERROR_CODE = -32000;

export function withWireChecks(opts: WireCheckOptions): Middleware {
  const limits = limitsFrom(opts.maxResponseBytes);
  const cap = limits.maxMessageBytes;
  return createMiddleware(async (next, url, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const rpc = requestInfo(init?.body);
    const what = `${method} ${rpc.label}`;
    if (method === 'GET') {
      const lastEventId = new Headers(init?.headers).get('last-event-id');
      if (lastEventId) opts.note(`resuming the SSE stream with Last-Event-ID ${lastEventId}`);
    }
    if (method === 'DELETE' && !init?.signal) init = { ...init, signal: AbortSignal.timeout(DELETE_TIMEOUT_MS) };
    let res: Response;
    try {
      res = await next(url, init);
    } catch (e) {
      if (init?.signal?.aborted) throw e;
      // Keep the original as the cause so connect errors still read "connection refused".
      throw Object.assign(new Error(`${networkErrorText(e)}: ${what} got no response`, { cause: e }), { code: (e as { code?: string })?.code });
    }
    if (method === 'POST' && rpc.ids.length > 0) return inspect(res, rpc, limits, opts);
    const type = (res.headers.get('content-type') ?? '').toLowerCase();
    if (method === 'POST' && res.status === 200 && type.includes('application/json')) {
      // An answer to a notification: the SDK wants 202, so a body too large to read is dropped whole.
      const read = await readTextBounded(res, cap);
      if (read.cut) {
        const problem = `the response to ${rpc.label} exceeded the ${cap}-byte response cap and was cut off (--max-response)`;
        opts.note(problem);
        opts.fault(problem);
        return new Response(null, { status: 202, statusText: res.statusText, headers: res.headers });
      }
      return new Response(read.text, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    // Everything else (the GET stream, a DELETE's answer) is bounded the same way.
    const where = method === 'GET' ? 'the standalone GET stream' : `the answer to ${what}`;
    return withBoundedBody(res, limits, (r) => {
      const problem = describeCut(where, r);
      opts.note(problem);
      opts.fault(problem);
    });
  });
}

function wireError(id: string | number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code: WIRE_ERROR_CODE, message: `mcp-verify: ${message}` } });
}

function responseId(msg: unknown): { id: string | number } | undefined {
  if (!msg || typeof msg !== 'object' || 'method' in msg) return undefined;
  const m = msg as { id?: unknown; result?: unknown; error?: unknown };
  if ((typeof m.id === 'string' || typeof m.id === 'number') && ('result' in m || 'error' in m)) return { id: m.id };
  return undefined;
}

const idKey = (id: string | number) => `${typeof id}:${id}`;

/** Checks one response to a POST carrying requests; replaces what cannot be used by a clear error. */
async function inspect(res: Response, rpc: RpcRequestInfo, limits: BodyLimits, opts: WireCheckOptions): Promise<Response> {
  const cap = limits.maxMessageBytes;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');

  // A server error the SDK would only report as "Error POSTing to endpoint": say the status instead.
  if (res.status >= 500 || res.status === 429 || res.status === 409) {
    const body = (await readTextBounded(res, 4096)).text;
    const detail = body.replace(/\s+/g, ' ').trim().slice(0, 200);
    headers.set('content-type', 'application/json');
    return new Response(wireBatch(rpc.ids, `the server answered ${status} to ${rpc.label}${detail ? `: ${detail}` : ''}`), { status: 200, headers });
  }
  if (!res.ok || !res.body) return res;

  if (type === 'application/json') {
    const { text, cut, bytes } = await readTextBounded(res, cap);
    let problem: string | undefined;
    if (cut) problem = `the response to ${rpc.label} exceeded the ${cap}-byte response cap and was cut off (--max-response)`;
    else {
      try {
        const msg = JSON.parse(text) as unknown;
        const answered = new Set((Array.isArray(msg) ? msg : [msg]).map(responseId).filter(Boolean).map((r) => idKey(r!.id)));
        const missing = rpc.ids.filter((id) => !answered.has(idKey(id)));
        if (missing.length) {
          const got = (Array.isArray(msg) ? msg : [msg]).map(responseId).filter(Boolean).map((r) => JSON.stringify(r!.id));
          problem = got.length
            ? `the server answered id ${got.join(', ')} to ${rpc.label}, but the request's id is ${missing.map((m) => JSON.stringify(m)).join(', ')}`
            : `the response to ${rpc.label} carries no JSON-RPC response`;
        }
      } catch (e) {
        problem = `the response to ${rpc.label} is not valid JSON (${bytes} bytes${bytes ? `, starting ${JSON.stringify(text.slice(0, 40))}` : ''}): ${(e as Error).message}`;
      }
    }
    if (!problem) return new Response(text, { status: res.status, statusText: res.statusText, headers });
    opts.note(problem);
    return new Response(wireBatch(rpc.ids, problem), { status: 200, headers });
  }
  if (type === 'text/event-stream') {
    let cutBy: CutReason | undefined;
    const bounded = boundStream(res.body, limits, { sse: true, onCut: (r) => (cutBy = r) });
    return new Response(sseInspector(bounded, rpc, () => cutBy, opts), { status: res.status, statusText: res.statusText, headers });
  }
  return res;
}

function wireBatch(ids: (string | number)[], message: string): string {
  return ids.length === 1 ? wireError(ids[0]!, message) : `[${ids.map((id) => wireError(id, message)).join(',')}]`;
}

/**
 * Passes an SSE stream through event by event, checking it as it goes. It is parsed with
 * eventsource-parser, the parser the SDK's transport reads it with, so both see the same events.
 * Responses for ids nobody asked and second responses are dropped (and reported); a stream that ends or
 * breaks before every request is answered gets an error event in place of the missing result, unless the
 * server gave event ids, in which case the SDK resumes with Last-Event-ID and we only note it.
 */
function sseInspector(body: ReadableStream<Uint8Array>, rpc: RpcRequestInfo, cutBy: () => CutReason | undefined, opts: WireCheckOptions): ReadableStream<Uint8Array> {
  const pending = new Map(rpc.ids.map((id) => [idKey(id), id]));
  const answered = new Set<string>();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const reader = body.getReader();
  /** What the SDK gets next: events passed on, replaced or added. */
  const out: string[] = [];
  let bytes = 0;
  let events = 0;
  let sawEventId = false;
  let finished = false;

  const handleEvent = (e: EventSourceMessage): string | undefined => {
    events++;
    if (e.id) sawEventId = true;
    // Another event type, or the priming event 2025-11-25 says servers SHOULD send (an event id and empty
    // data, so the client can resume): no message, and no fault. Passed on so the SDK sees its id.
    if ((e.event !== undefined && e.event !== 'message') || e.data === '') return sseText(e);
    let msg: unknown;
    try {
      msg = JSON.parse(e.data);
    } catch (err) {
      opts.note(`an SSE event for ${rpc.label} carries data that is not JSON (${JSON.stringify(e.data.slice(0, 60))}): ${(err as Error).message}`);
      return undefined;
    }
    const r = responseId(msg);
    if (!r) return sseText(e);
    const key = idKey(r.id);
    if (pending.has(key)) {
      pending.delete(key);
      answered.add(key);
      return sseText(e);
    }
    if (answered.has(key)) {
      opts.fault(`the server sent a second response for id ${JSON.stringify(r.id)} (${rpc.label}); it was ignored`);
      return undefined;
    }
    const expected = [...pending.values()].map((id) => JSON.stringify(id)).join(', ') || 'none outstanding';
    const problem = `the server answered id ${JSON.stringify(r.id)} on the stream of ${rpc.label}, but the request's id is ${expected}`;
    if (pending.size === 0) {
      opts.fault(`${problem}; the answer was ignored`);
      return undefined;
    }
    // The request's own answer is not coming on this stream: fail it now instead of waiting out the timeout.
    opts.fault(`${problem}; the request was failed at once`);
    const errors = [...pending.values()].map((id) => `event: message\ndata: ${wireError(id, problem)}\n\n`).join('');
    for (const id of pending.values()) answered.add(idKey(id));
    pending.clear();
    return errors;
  };
  const parser = createParser({
    onEvent: (e) => {
      const kept = handleEvent(e);
      if (kept !== undefined) out.push(kept);
    },
    // The server's reconnection delay is the SDK's to honour: pass it on.
    onRetry: (ms) => out.push(`retry: ${ms}\n\n`),
  });

  const endWith = (why: string, whole?: string) => {
    finished = true;
    if (pending.size && !sawEventId) {
      const problem = whole ?? `the response stream for ${rpc.label} ended before the result (${why})`;
      opts.note(problem);
      for (const id of pending.values()) out.push(`event: message\ndata: ${wireError(id, problem)}\n\n`);
      pending.clear();
    } else if (pending.size) opts.note(`the response stream for ${rpc.label} ended before the result (${why}); the server gave event ids, so the client may resume it`);
  };

  const readMore = async (): Promise<void> => {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      endWith(`${networkErrorText(e)} after ${bytes} bytes, ${events} event(s)`);
      return;
    }
    if (chunk.done) {
      const cut = cutBy();
      if (cut) {
        const problem =
          cut.kind === 'message'
            ? `a single message in the response to ${rpc.label} exceeded the ${cut.limit}-byte response cap and was cut off (--max-response)`
            : `the response to ${rpc.label} exceeded the ${cut.limit}-byte response cap and was cut off (--max-response)`;
        endWith(`cut off at the ${cut.limit}-byte response cap`, problem);
        return;
      }
      // A last event the server never ended with a blank line still counts (as it always has here).
      parser.feed(decoder.decode() + '\n\n');
      endWith(events ? `the server closed it after ${events} event(s)` : bytes ? `the server closed it after ${bytes} bytes with no valid SSE event` : 'the server closed it without sending anything');
      return;
    }
    bytes += chunk.value.byteLength;
    parser.feed(decoder.decode(chunk.value, { stream: true }));
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!out.length && !finished) await readMore();
      if (out.length) controller.enqueue(encoder.encode(out.splice(0).join('')));
      if (finished && !out.length) controller.close();
    },
    async cancel(reason) {
      finished = true;
      await reader.cancel(reason).catch(() => {});
    },
  });
}


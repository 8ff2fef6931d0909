// Resilience and hostile-server defences on the wire, as a fetch wrapper inside the Session:
// - retries of 429 / 503 and AgentCore's "session operation in progress" (HTTP 409, or HTTP 200 with
//   JSON-RPC -32005), with bounded backoff that honours Retry-After, each retry a transcript note;
// - a response size cap: a larger response is cut off and reported;
// - an inspector of every JSON / SSE response to a request: invalid JSON, invalid SSE framing, a stream
//   that ends (or breaks) before the result, an answer for an id nobody asked, a second answer for the
//   same id. Each becomes a cause a person can read instead of a silent hang until the step timeout:
//   the request is answered with a JSON-RPC error whose message starts "mcp-verify:" (the transcript,
//   recorded underneath, still shows what really came over the wire).
// Nothing the server sends is executed or opened here: bodies are only parsed as JSON.
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { FetchLike } from '../target/target.js';
import { boundStream, describeCut, limitsFrom, readTextBounded, withBoundedBody, type BodyLimits, type CutReason } from '../safety/bounded-body.js';

export interface ResilienceOptions {
  /** Largest response body accepted, in bytes (default 16 MiB). */
  maxResponseBytes?: number;
  /** Retries of a retryable answer (default 3). */
  retries?: number;
  /** Longest single wait between retries, whatever Retry-After says (default 5 s). */
  maxRetryDelayMs?: number;
  /** A transcript note (retries, resumption, cut-offs). */
  note(text: string): void;
  /** A wire problem the running step must fail with (one the request itself does not surface). */
  fault(reason: string): void;
}

export { DEFAULT_MAX_RESPONSE_BYTES } from '../safety/bounded-body.js';
/** DELETE at the end of a session must not hold up the run (a hung server, a signal). */
const DELETE_TIMEOUT_MS = 5_000;
/** How much of an error body (429, 503, 409, 5xx) is read: enough for a message, never the whole. */
const ERROR_BODY_BYTES = 64 * 1024;
/** The JSON-RPC code of the errors mcp-verify puts in place of a broken answer. */
export const WIRE_ERROR_CODE = -32000;

interface RpcRequestInfo {
  ids: (string | number)[];
  label: string;
}

export function resilientFetch(inner: FetchLike, opts: ResilienceOptions): FetchLike {
  const retries = opts.retries ?? 3;
  const maxDelay = opts.maxRetryDelayMs ?? 5_000;
  const limits = limitsFrom(opts.maxResponseBytes);
  const cap = limits.maxMessageBytes;
  return async (url, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const rpc = requestInfo(init?.body);
    const what = `${method} ${rpc.label}`;
    if (method === 'GET') {
      const lastEventId = new Headers(init?.headers).get('last-event-id');
      if (lastEventId) opts.note(`resuming the SSE stream with Last-Event-ID ${lastEventId}`);
    }
    if (method === 'DELETE' && !init?.signal) init = { ...init, signal: AbortSignal.timeout(DELETE_TIMEOUT_MS) };

    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await inner(url, init);
      } catch (e) {
        if (init?.signal?.aborted) throw e;
        const cause = networkErrorText(e);
        // Keep the original as the cause so connect errors still read "connection refused".
        throw Object.assign(new Error(`${cause}: ${what} got no response`, { cause: e }), { code: (e as { code?: string })?.code });
      }
      const checked = await retryable(res, cap);
      res = checked.res;
      if (checked.cut) {
        // The body was larger than the cap: what little was read is not an answer.
        const problem = `the response to ${rpc.label} exceeded the ${cap}-byte response cap and was cut off (--max-response)`;
        opts.note(problem);
        if (rpc.ids.length === 0 || method !== 'POST') {
          opts.fault(problem);
          return new Response(null, { status: res.status === 200 ? 202 : res.status, statusText: res.statusText, headers: res.headers });
        }
        const headers = new Headers(res.headers);
        headers.set('content-type', 'application/json');
        headers.delete('content-length');
        return new Response(wireBatch(rpc.ids, problem), { status: 200, headers });
      }
      if (checked.reason) {
        const after = res.headers.get('retry-after');
        const waitMs = Math.min(maxDelay, retryAfterMs(after) ?? 250 * 2 ** attempt);
        if (attempt < retries) {
          opts.note(`${checked.reason} for ${what}: retry ${attempt + 1} of ${retries} in ${waitMs}ms${after ? ` (Retry-After: ${after})` : ''}`);
          await res.body?.cancel().catch(() => {});
          // node:timers/promises: rejects with the signal's AbortError when the run is stopped.
          await sleep(waitMs, undefined, { signal: init?.signal ?? undefined });
          continue;
        }
        opts.note(`${checked.reason} for ${what}: gave up after ${retries} retries`);
      }
      // Everything else (the GET stream, a notification's answer) is bounded the same way.
      if (rpc.ids.length === 0 || method !== 'POST') {
        const where = method === 'GET' ? 'the standalone GET stream' : `the answer to ${what}`;
        return withBoundedBody(res, limits, (r) => {
          const problem = describeCut(where, r);
          opts.note(problem);
          opts.fault(problem);
        });
      }
      return inspect(res, rpc, limits, opts);
    }
  };
}

/**
 * Whether an answer means "try again". Reading the body to decide consumes it, so the answer comes
 * back as a readable copy either way.
 */
async function retryable(res: Response, cap: number): Promise<{ reason?: string; res: Response; cut?: boolean }> {
  if (res.status === 429 || res.status === 503) {
    // Only the first bytes can matter for a retry; the body is never read whole.
    const body = (await readTextBounded(res, ERROR_BODY_BYTES)).text;
    return { reason: `HTTP ${res.status}${res.status === 429 ? ' (too many requests)' : ' (service unavailable)'}`, res: copy(res, body) };
  }
  const type = res.headers.get('content-type') ?? '';
  if (res.status === 409 || (res.status === 200 && type.includes('application/json'))) {
    const read = await readTextBounded(res, res.status === 409 ? ERROR_BODY_BYTES : cap);
    if (read.cut && res.status === 200) return { res, cut: true };
    const body = read.text;
    const inProgress = /session operation in progress/i.test(body) || jsonRpcErrorCode(body) === -32005;
    return { ...(inProgress ? { reason: `session operation in progress (HTTP ${res.status})` } : {}), res: copy(res, body) };
  }
  return { res };
}

function copy(res: Response, body: string): Response {
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

function jsonRpcErrorCode(body: string): number | undefined {
  try {
    const m = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof m?.error?.code === 'number' ? m.error.code : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function requestInfo(body: unknown): RpcRequestInfo {
  if (typeof body !== 'string') return { ids: [], label: '-' };
  try {
    const msg = JSON.parse(body) as unknown;
    const list = (Array.isArray(msg) ? msg : [msg]) as { id?: unknown; method?: unknown }[];
    const ids = list.filter((m) => m && typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number')).map((m) => m.id as string | number);
    const label = list.map((m) => (typeof m?.method === 'string' ? m.method : 'response')).join(',') || '-';
    return { ids, label };
  } catch {
    return { ids: [], label: '-' };
  }
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
async function inspect(res: Response, rpc: RpcRequestInfo, limits: BodyLimits, opts: ResilienceOptions): Promise<Response> {
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
    if (cut) problem = `the response to ${rpc.label} exceeded the ${cap}-byte response cap and was cut off`;
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

/** One parsed SSE event written out again, as the SDK's parser (eventsource-parser) will read it. */
function sseText(e: EventSourceMessage): string {
  const id = e.id !== undefined ? `id: ${e.id}\n` : '';
  const type = e.event !== undefined ? `event: ${e.event}\n` : '';
  return `${id}${type}${e.data.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`;
}

/**
 * Passes an SSE stream through event by event, checking it as it goes. It is parsed with
 * eventsource-parser, the parser the SDK's transport reads it with, so both see the same events.
 * Responses for ids nobody asked and second responses are dropped (and reported); a stream that ends or
 * breaks before every request is answered gets an error event in place of the missing result, unless the
 * server gave event ids, in which case the SDK resumes with Last-Event-ID and we only note it.
 */
function sseInspector(body: ReadableStream<Uint8Array>, rpc: RpcRequestInfo, cutBy: () => CutReason | undefined, opts: ResilienceOptions): ReadableStream<Uint8Array> {
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

/** The root cause of a fetch failure in words ("connection refused"), not "fetch failed". */
export function networkErrorText(e: unknown): string {
  let err = e as { message?: string; code?: string; cause?: unknown } | undefined;
  for (let i = 0; i < 5 && err; i++) {
    const code = err.code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
    if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
    if (!err.cause) break;
    err = err.cause as typeof err;
  }
  return (e as Error)?.message ?? String(e);
}

// Stream attribution: which HTTP stream each server→client message came on. Streamable HTTP gives a
// server two ways to reach the client: the SSE response stream of the POST it is answering (where
// everything tied to a tool call belongs), and the standalone GET stream (for messages unrelated to any
// request). Through AgentCore the GET is answered 405, so a server that puts a call's elicitation,
// sampling or logs on the GET stream works locally and breaks once deployed. This module makes that a
// fact in the transcript instead of a race:
// - the standalone GET stream is opened (or learnt refused, 405) before the first step runs
//   (`ready()`), so nothing the server sends on it is lost to a call POSTed before it was open;
// - every SSE event on every stream is parsed (eventsource-parser, as the SDK does) and queued by a key
//   (server request id, or method + params), so the Session's handlers can ask which stream a message
//   they received came on (`originOf`);
// - GET-stream activity is timestamped, for the settle window after a result (`settle()`).
// It is an SDK fetch middleware (the outermost but one) and never changes a byte the SDK reads.
import { createParser } from 'eventsource-parser';
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';

export type StreamKind = 'post' | 'get';

export type GetStreamState = 'not-opened' | 'opening' | 'open' | 'refused' | 'failed' | 'closed';

/**
 * After a result, GET-stream notifications that belong to the call may still be in flight (the server
 * wrote them just before the result, on another connection). The step waits until the GET stream has
 * been quiet this long, at most SETTLE_MAX_MS, and only when a GET stream is open. Documented in README.
 */
export const SETTLE_QUIET_MS = 50;
export const SETTLE_MAX_MS = 250;
/** While a GET-stream message the tee has seen is still on its way to its handler, wait up to this long. */
export const SETTLE_PENDING_MAX_MS = 2_000;
/** The methods the Session handles: a GET-stream record of one of these is consumed by `originOf`. */
const HANDLED = new Set([
  'elicitation/create',
  'sampling/createMessage',
  'roots/list',
  'notifications/message',
  'notifications/progress',
  // The Session's fallback handler records these (expect.notifications).
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
]);
/** How long a session waits for the standalone GET stream to open (or be refused) before its first step. */
export const GET_READY_TIMEOUT_MS = 2_000;

interface Queued {
  key: string;
  stream: StreamKind;
}

export class StreamTracker {
  getState: GetStreamState = 'not-opened';
  /** HTTP status of the standalone GET, once answered. */
  getStatus: number | null = null;
  private lastGetActivity = 0;
  private readonly queues = new Map<string, Queued[]>();
  /** Event ids seen per stream kind, to attribute a resumed stream (GET with Last-Event-ID) to its origin. */
  private readonly eventIds = new Map<string, StreamKind>();
  private getExpected = false;
  /** When each GET-stream message seen by the tee, and not yet asked about by a handler, was read (bounded: one nobody handles expires). */
  private pendingGet: number[] = [];
  private readyResolve?: () => void;
  private readonly readyPromise: Promise<void>;

  constructor(private readonly note?: (text: string) => void) {
    this.readyPromise = new Promise<void>((resolve) => {
      this.readyResolve = resolve;
    });
  }

  /** The middleware that watches every stream the SDK transport reads. */
  middleware(): Middleware {
    return createMiddleware(async (inner, url, init) => {
      const method = (init?.method ?? 'GET').toUpperCase();
      const headers = new Headers(init?.headers);
      const lastEventId = headers.get('last-event-id');
      const standalone = method === 'GET' && !lastEventId;
      if (standalone) this.getState = 'opening';
      let res: Response;
      try {
        res = await inner(url, init);
      } catch (e) {
        if (standalone) this.settleGet('failed', null);
        throw e;
      }
      const type = (res.headers.get('content-type') ?? '').toLowerCase();
      if (method === 'POST' && typeof init?.body === 'string' && init.body.includes('notifications/initialized') && res.status === 202) {
        // The SDK opens the standalone GET stream right after this 202 (not awaited): expect it.
        this.getExpected = true;
      }
      if (standalone) {
        if (res.ok && type.includes('text/event-stream')) this.settleGet('open', res.status);
        else this.settleGet(res.status === 405 ? 'refused' : 'failed', res.status);
      }
      if (!res.ok || !res.body || !type.includes('text/event-stream')) return res;
      // A resumed stream keeps the kind of the stream its Last-Event-ID came from.
      const kind: StreamKind = method === 'GET' ? (lastEventId ? (this.eventIds.get(lastEventId) ?? 'get') : 'get') : 'post';
      return new Response(this.tee(res.body, kind, standalone), { status: res.status, statusText: res.statusText, headers: res.headers });
    });
  }

  /**
   * Resolves once the standalone GET stream is open, refused or failed; at once when the SDK will not
   * open one (initialized was not answered 202). Bounded: a GET that never answers is noted, not awaited.
   */
  async ready(timeoutMs = GET_READY_TIMEOUT_MS): Promise<void> {
    if (!this.getExpected && this.getState === 'not-opened') return;
    if (this.getState !== 'not-opened' && this.getState !== 'opening') return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref?.();
    });
    const r = await Promise.race([this.readyPromise.then(() => 'ready' as const), timedOut]);
    clearTimeout(timer);
    if (r === 'timeout') this.note?.(`the standalone GET stream did not open within ${timeoutMs}ms; continuing without waiting for it`);
  }

  /** The stream a message the SDK delivered came on; consumes the matching record. */
  originOf(method: string, idOrParams: { id?: string | number; params?: unknown }): StreamKind | undefined {
    const q = this.queues.get(method);
    if (!q?.length) return undefined;
    const key = idOrParams.id !== undefined ? `id:${String(idOrParams.id)}` : paramsKey(method, idOrParams.params);
    let i = q.findIndex((x) => x.key === key);
    if (i < 0) i = 0;
    const stream = q.splice(i, 1)[0]!.stream;
    if (stream === 'get' && HANDLED.has(method)) this.pendingGet.shift();
    return stream;
  }

  /** Waits for GET-stream traffic tied to a just-finished call (see SETTLE_QUIET_MS). */
  async settle(signal?: AbortSignal): Promise<void> {
    if (this.getState !== 'open' && this.pendingGet.length === 0) return;
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const now = performance.now();
      const elapsed = now - started;
      if (signal?.aborted) return;
      // A message already read off the GET stream but not yet handled is waited for (a busy machine
      // delays the SDK's dispatch, not the bytes), within its own bound.
      this.pendingGet = this.pendingGet.filter((t) => now - t < SETTLE_PENDING_MAX_MS);
      if (this.pendingGet.length > 0) {
        if (elapsed >= SETTLE_PENDING_MAX_MS) return;
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      if (elapsed >= SETTLE_MAX_MS) return;
      const quiet = now - Math.max(this.lastGetActivity, started);
      if (quiet >= SETTLE_QUIET_MS) return;
      await new Promise((r) => setTimeout(r, Math.min(SETTLE_QUIET_MS - quiet, SETTLE_MAX_MS - elapsed) + 1));
    }
  }

  private settleGet(state: GetStreamState, status: number | null): void {
    this.getState = state;
    this.getStatus = status;
    this.readyResolve?.();
  }

  private record(kind: StreamKind, data: string): void {
    let msg: { method?: unknown; id?: unknown; params?: unknown };
    try {
      msg = JSON.parse(data) as typeof msg;
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.method !== 'string') return;
    const key = msg.id !== undefined && msg.id !== null ? `id:${String(msg.id)}` : paramsKey(msg.method, msg.params);
    const q = this.queues.get(msg.method) ?? this.queues.set(msg.method, []).get(msg.method)!;
    q.push({ key, stream: kind });
    if (kind === 'get' && HANDLED.has(msg.method) && this.pendingGet.push(performance.now()) > 1000) this.pendingGet.shift();
    // Bounded: a flood nobody consumes (a method without a handler) must not grow without end.
    if (q.length > 1000) q.shift();
  }

  private tee(body: ReadableStream<Uint8Array>, kind: StreamKind, standalone: boolean): ReadableStream<Uint8Array> {
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent: (ev) => {
        if (ev.id) {
          this.eventIds.set(ev.id, kind);
          if (this.eventIds.size > 5000) this.eventIds.delete(this.eventIds.keys().next().value!);
        }
        if (ev.data && (!ev.event || ev.event === 'message')) this.record(kind, ev.data);
      },
    });
    const tracker = this;
    return body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (kind === 'get') tracker.lastGetActivity = performance.now();
          parser.feed(decoder.decode(chunk, { stream: true }));
          controller.enqueue(chunk);
        },
        flush() {
          if (standalone) tracker.getState = 'closed';
        },
      }),
    );
  }
}

/** A key for a notification or request without id: method and params with sorted keys (progress tokens left out: the SDK strips them). */
function paramsKey(method: string, params: unknown): string {
  const p = params && typeof params === 'object' ? { ...(params as Record<string, unknown>) } : params;
  if (p && typeof p === 'object' && method === 'notifications/progress') delete (p as Record<string, unknown>).progressToken;
  return `p:${stable(p)}`;
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** The AgentCore-readiness fix for a server that sends a call's traffic on the GET stream. */
export const GET_STREAM_FIX =
  'fix in the server: TypeScript SDK: pass { relatedRequestId: extra.requestId } to server.elicitInput / createMessage / sendLoggingMessage, or use extra.sendRequest / extra.sendNotification from the tool handler; Python SDK / FastMCP: use the ctx methods (ctx.elicit, ctx.sample, ctx.info, ctx.report_progress)';

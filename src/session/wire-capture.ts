// The wire capture: every HTTP exchange of a session as it went over the wire, for the HTML report's
// session timeline and the HAR trace. The Transcript says what happened in MCP terms; this keeps the raw
// material behind it: request and response headers and bodies, timings, and each server→client message
// with the stream it arrived on (a POST's own response stream, or the standalone GET stream).
//
// It is the SDK fetch middleware closest to the wire (below the signer and the retries, so every attempt
// is there as it went out, signature and all) and it never changes what the client sees: response bodies are passed through chunk by chunk while a bounded copy is
// kept. Bounded: bodies past MAX_BODY_CHARS, events past MAX_EVENTS per stream and exchanges past
// MAX_EXCHANGES per session are cut and counted. Credential headers are masked as they are recorded;
// everything else is redacted with the run's Redactor when the results are written (runner.ts).
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { redactHeaderValue } from '../redact.js';
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';

export const MAX_BODY_CHARS = 64 * 1024;
export const MAX_EVENTS = 2000;
export const MAX_EXCHANGES = 1000;
const MAX_EVENT_DATA_CHARS = 16 * 1024;

/** One JSON-RPC message, classified: enough to place it on the timeline without re-parsing. */
export interface RpcSummary {
  kind: 'request' | 'notification' | 'response' | 'error' | 'invalid';
  method?: string;
  id?: string | number;
}

/** One SSE event as it arrived. `t` is on the session clock (ms since the session opened). */
export interface WireEvent {
  t: number;
  id?: string;
  event?: string;
  data: string;
  truncated?: boolean;
  messages: RpcSummary[];
}

export interface WireExchange {
  /** 1-based order of the request in the session. */
  seq: number;
  /** The step that was running (-1 while the session opens or closes). */
  step: number;
  /** Wall clock of the request (epoch ms), for HAR's startedDateTime. */
  startedAt: number;
  /** Session clock of the request. */
  t: number;
  method: string;
  url: string;
  requestHeaders: [string, string][];
  requestBody?: string;
  requestBodyTruncated?: boolean;
  /** The JSON-RPC messages the request carried. */
  requestMessages: RpcSummary[];
  status: number | null;
  statusText?: string;
  responseHeaders: [string, string][];
  contentType: string | null;
  sessionIdSent: string | null;
  sessionIdReceived: string | null;
  /** Time until the response headers arrived (ms). */
  waitMs: number | null;
  /** Time until the body ended (ms); null while it was still open when the session closed. */
  durationMs: number | null;
  /** The response body as text (for SSE: the event stream's text), bounded. */
  responseBody?: string;
  responseBodyTruncated?: boolean;
  responseBytes: number;
  /** For an SSE response: its stream, named for the timeline ("POST #3", "GET #1"), and its events. */
  stream?: string;
  events?: WireEvent[];
  eventsDropped?: number;
  /** The JSON-RPC messages of a JSON response. */
  responseMessages?: RpcSummary[];
  /** How the body ended: read to the end, cancelled by the client, broken, or still open. */
  ended?: 'complete' | 'cancelled' | 'error' | 'open';
  error?: string;
}

/** What a scenario's trace holds in the results (plain data). */
export interface WireTrace {
  /** Wall clock of the session's start (epoch ms); `t` values count from here. */
  startedAt: number;
  exchanges: WireExchange[];
  /** Exchanges not kept past MAX_EXCHANGES. */
  dropped: number;
}

export class WireCapture {
  readonly exchanges: WireExchange[] = [];
  readonly startedAt = Date.now();
  dropped = 0;
  private seq = 0;
  private posts = 0;
  private gets = 0;
  constructor(
    /** The session clock (the Transcript's), so wire and transcript times line up. */
    private readonly clock: () => number,
    private readonly step: () => number,
  ) {}

  /** A plain copy for the results; exchanges still open say so. */
  snapshot(): WireTrace {
    return {
      startedAt: this.startedAt,
      exchanges: this.exchanges.map((x) => ({ ...x, ...(x.events ? { events: [...x.events] } : {}), ...(x.ended === undefined ? { ended: 'open' as const } : {}) })),
      dropped: this.dropped,
    };
  }

  /** The middleware that captures every exchange through it. */
  middleware(): Middleware {
    return createMiddleware(async (inner, url, init) => {
      const method = (init?.method ?? 'GET').toUpperCase();
      const headers = new Headers(init?.headers);
      // What the HTTP client adds from the URL, so the record shows it as it went out.
      if (!headers.has('host')) headers.set('host', new URL(url).host);
      const body = typeof init?.body === 'string' ? init.body : init?.body instanceof Uint8Array ? Buffer.from(init.body).toString('utf8') : undefined;
      const x: WireExchange = {
        seq: ++this.seq,
        step: this.step(),
        startedAt: Date.now(),
        t: Math.round(this.clock()),
        method,
        url: String(url),
        requestHeaders: headerList(headers),
        ...(body !== undefined ? bounded(body, 'requestBody') : {}),
        requestMessages: body !== undefined ? classify(body) : [],
        status: null,
        responseHeaders: [],
        contentType: null,
        sessionIdSent: headers.get('mcp-session-id'),
        sessionIdReceived: null,
        waitMs: null,
        durationMs: null,
        responseBytes: 0,
      };
      if (this.exchanges.length >= MAX_EXCHANGES) {
        // The oldest finished exchange goes; a long-lived GET stream stays.
        const i = this.exchanges.findIndex((e) => e.ended !== undefined);
        this.exchanges.splice(i >= 0 ? i : 0, 1);
        this.dropped++;
      }
      this.exchanges.push(x);
      const t0 = this.clock();
      let res: Response;
      try {
        res = await inner(url, init);
      } catch (e) {
        x.durationMs = Math.round(this.clock() - t0);
        x.ended = 'error';
        x.error = (e as Error)?.message ?? String(e);
        throw e;
      }
      x.waitMs = Math.round(this.clock() - t0);
      x.status = res.status;
      if (res.statusText) x.statusText = res.statusText;
      x.responseHeaders = headerList(res.headers);
      x.contentType = res.headers.get('content-type');
      x.sessionIdReceived = res.headers.get('mcp-session-id');
      if (!res.body || [101, 204, 205, 304].includes(res.status)) {
        x.durationMs = x.waitMs;
        x.ended = 'complete';
        return res;
      }
      const sse = (x.contentType ?? '').toLowerCase().includes('text/event-stream');
      if (sse) {
        x.stream = method === 'GET' ? `GET #${++this.gets}` : `${method} #${++this.posts}`;
        x.events = [];
      }
      const tapped = this.tap(res.body, x, t0, sse);
      return new Response(tapped, { status: res.status, statusText: res.statusText, headers: res.headers });
    });
  }

  /** Passes the body through unchanged, keeping a bounded copy and (for SSE) each event as it arrives. */
  private tap(body: ReadableStream<Uint8Array>, x: WireExchange, t0: number, sse: boolean): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const finish = (how: WireExchange['ended'], error?: string) => {
      if (x.ended !== undefined) return;
      text += decoder.decode();
      if (sse) parser?.feed('\n\n'); // an unterminated last event still shows what arrived
      Object.assign(x, bounded(text, 'responseBody'));
      if (!sse && text) x.responseMessages = classify(text);
      x.durationMs = Math.round(this.clock() - t0);
      x.ended = how;
      if (error) x.error = error;
    };
    const parser = sse
      ? createParser({
          onEvent: (e: EventSourceMessage) => {
            if (x.events!.length >= MAX_EVENTS) {
              x.eventsDropped = (x.eventsDropped ?? 0) + 1;
              return;
            }
            const cut = e.data.length > MAX_EVENT_DATA_CHARS;
            x.events!.push({
              t: Math.round(this.clock()),
              ...(e.id !== undefined ? { id: e.id } : {}),
              ...(e.event !== undefined ? { event: e.event } : {}),
              data: cut ? e.data.slice(0, MAX_EVENT_DATA_CHARS) : e.data,
              ...(cut ? { truncated: true } : {}),
              messages: e.data.trim() ? classify(e.data) : [],
            });
          },
        })
      : undefined;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          finish('error', (e as Error)?.message ?? String(e));
          controller.error(e);
          return;
        }
        if (chunk.done) {
          finish('complete');
          controller.close();
          return;
        }
        x.responseBytes += chunk.value.byteLength;
        const piece = decoder.decode(chunk.value, { stream: true });
        if (text.length <= MAX_BODY_CHARS) text += piece;
        parser?.feed(piece);
        controller.enqueue(chunk.value);
      },
      cancel: async (reason) => {
        finish('cancelled');
        await reader.cancel(reason).catch(() => {});
      },
    });
  }
}

function headerList(h: Headers): [string, string][] {
  const out: [string, string][] = [];
  h.forEach((value, name) => out.push([name, redactHeaderValue(name, value)]));
  return out;
}

function bounded<K extends 'requestBody' | 'responseBody'>(text: string, key: K): Record<string, string | boolean> {
  if (text.length <= MAX_BODY_CHARS) return { [key]: text };
  return { [key]: text.slice(0, MAX_BODY_CHARS), [`${key}Truncated`]: true };
}

/** The JSON-RPC messages in a body or event: requests, notifications, responses (by id). */
export function classify(text: string): RpcSummary[] {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return [{ kind: 'invalid' }];
  }
  return (Array.isArray(msg) ? msg : [msg]).map((m): RpcSummary => {
    if (!m || typeof m !== 'object') return { kind: 'invalid' };
    const o = m as { method?: unknown; id?: unknown; error?: unknown; result?: unknown };
    const id = typeof o.id === 'string' || typeof o.id === 'number' ? o.id : undefined;
    if (typeof o.method === 'string') return id !== undefined ? { kind: 'request', method: o.method, id } : { kind: 'notification', method: o.method };
    if ('error' in o) return { kind: 'error', ...(id !== undefined ? { id } : {}) };
    if ('result' in o) return { kind: 'response', ...(id !== undefined ? { id } : {}) };
    return { kind: 'invalid' };
  });
}

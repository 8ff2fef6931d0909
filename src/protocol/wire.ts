// Raw HTTP exchanges for the protocol checks. They go through the Target's own fetch, so a check on a
// remote (SigV4 or bearer) endpoint is signed like every other request, and they deliberately break
// the rules the SDK client would never break (no Accept, a stale session id, a bad Origin).
import { createParser } from 'eventsource-parser';
import { networkErrorText } from '../errors.js';
import { boundStream, DEFAULT_MAX_RESPONSE_BYTES, describeCut, limitsFrom, readTextBounded, type CutReason } from '../safety/bounded-body.js';
import { describeRedirect, isRedirect, REDIRECT_POLICY } from '../safety/redirects.js';
import type { Target } from '../target/target.js';
import { VERSION } from '../version.js';

export const REQUESTED_PROTOCOL_VERSION = '2025-11-25';
export const FULL_ACCEPT = 'application/json, text/event-stream';

export interface JsonRpcMessage {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

export interface WireExchange {
  method: string;
  /** What was sent, in words, for the evidence: "POST tools/list (no Mcp-Session-Id)". */
  what: string;
  status: number | null;
  contentType: string | null;
  sessionId: string | null;
  /** JSON-RPC messages read from the body (JSON or SSE), up to the stop condition. */
  messages: JsonRpcMessage[];
  /** SSE event ids seen, in order, paired with the message they carried. */
  events: { id: string | null; message: JsonRpcMessage | null }[];
  /** Network error text, when nothing came back. */
  error?: string;
  /** The answer was a redirect, reported as such (never followed). */
  redirect?: string;
  /** The body was larger than the response cap and was cut off there. */
  cut?: string;
  durationMs: number;
}

export interface ExchangeOptions {
  method?: 'POST' | 'GET' | 'DELETE';
  body?: JsonRpcMessage | JsonRpcMessage[];
  /** Headers to send; `null` leaves a default header out. */
  headers?: Record<string, string | null>;
  sessionId?: string | null;
  protocolVersion?: string | null;
  what?: string;
  timeoutMs?: number;
  /** Stop reading the body once this returns true (an SSE stream stays open otherwise). */
  until?: (m: JsonRpcMessage, eventId: string | null) => boolean;
  /** Read only the status and headers, then drop the body (a GET stream). */
  headersOnly?: boolean;
  /** Response cap (per message and per stream), default 16 MiB. */
  maxResponseBytes?: number;
}

/** One raw exchange; never throws for HTTP or network failures (they are evidence). */
export async function exchange(target: Target, opts: ExchangeOptions): Promise<WireExchange> {
  const method = opts.method ?? 'POST';
  const headers: Record<string, string> = {};
  const defaults: Record<string, string | null | undefined> = {
    accept: method === 'GET' ? 'text/event-stream' : FULL_ACCEPT,
    'content-type': method === 'POST' ? 'application/json' : undefined,
    'mcp-session-id': opts.sessionId ?? undefined,
    'mcp-protocol-version': opts.protocolVersion ?? undefined,
  };
  for (const [k, v] of Object.entries({ ...defaults, ...lowerKeys(opts.headers ?? {}) })) if (typeof v === 'string') headers[k] = v;
  const rpc = opts.body ? (Array.isArray(opts.body) ? opts.body : [opts.body]).map((m) => m.method ?? 'response').join(',') : '';
  const what = opts.what ?? `${method}${rpc ? ` ${rpc}` : ''}`;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? 10_000);
  const started = performance.now();
  const out: WireExchange = { method, what, status: null, contentType: null, sessionId: null, messages: [], events: [], durationMs: 0 };
  try {
    const res = await target.fetch(target.url, {
      method,
      headers,
      ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
      signal: abort.signal,
      redirect: REDIRECT_POLICY,
    });
    out.status = res.status;
    out.contentType = res.headers.get('content-type');
    out.sessionId = res.headers.get('mcp-session-id');
    const cap = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (isRedirect(res.status)) {
      out.redirect = describeRedirect(target.url, res.status, res.headers.get('location'));
      await res.body?.cancel().catch(() => {});
    } else if (opts.headersOnly) {
      await res.body?.cancel().catch(() => {});
    } else if (out.contentType?.includes('text/event-stream')) {
      await readSse(res, out, cap, opts.until);
      abort.abort();
    } else {
      const { text, cut } = await readTextBounded(res, cap);
      if (cut) {
        out.cut = `the response to ${what} exceeded the ${cap}-byte response cap and was cut off (--max-response)`;
        return out;
      }
      const parsed = parseJson(text);
      for (const m of Array.isArray(parsed) ? parsed : parsed ? [parsed] : []) if (m && typeof m === 'object') out.messages.push(m as JsonRpcMessage);
    }
  } catch (e) {
    if (out.status === null) out.error = abort.signal.aborted ? `no answer within ${opts.timeoutMs ?? 10_000}ms` : causeText(e);
  } finally {
    clearTimeout(timer);
    out.durationMs = Math.round(performance.now() - started);
  }
  return out;
}

/** Reads SSE events with eventsource-parser (the SDK's parser) from the bounded body, until `until` says stop. */
async function readSse(res: Response, out: WireExchange, cap: number, until?: ExchangeOptions['until']): Promise<void> {
  if (!res.body) return;
  let cutBy: CutReason | undefined;
  const bounded = boundStream(res.body, limitsFrom(cap), { sse: true, onCut: (r) => (cutBy = r) });
  const reader = bounded.getReader();
  const decoder = new TextDecoder();
  let stop = false;
  const parser = createParser({
    onEvent: (e) => {
      if (stop) return;
      const id = e.id ?? null;
      const message = e.data ? ((parseJson(e.data) as JsonRpcMessage | undefined) ?? null) : null;
      out.events.push({ id, message });
      if (message) {
        out.messages.push(message);
        if (until?.(message, id)) stop = true;
      }
    },
  });
  try {
    while (!stop) {
      const { value, done } = await reader.read();
      if (done) {
        if (cutBy) out.cut = describeCut(`the response stream for ${out.what}`, cutBy);
        break;
      }
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** "fetch failed" says nothing; the cause ("bad port", "connection refused") does. */
function causeText(e: unknown): string {
  const text = networkErrorText(e);
  const cause = (e as { cause?: { message?: string } })?.cause?.message;
  return text === 'fetch failed' && cause ? cause : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function lowerKeys(h: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

export function initializeRequest(id: number | string = 1): JsonRpcMessage {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: REQUESTED_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcp-verify-protocol', version: VERSION } },
  };
}

export function request(id: number, method: string, params: Record<string, unknown> = {}): JsonRpcMessage {
  return { jsonrpc: '2.0', id, method, params };
}

/** A session opened by hand: initialize + notifications/initialized, with the negotiated version. */
export interface RawSession {
  init: WireExchange;
  id: string | null;
  protocolVersion: string;
  evidence: string[];
}

export async function openRawSession(target: Target, timeoutMs: number): Promise<RawSession> {
  const init = await exchange(target, { body: initializeRequest(), timeoutMs, until: (m) => m.id === 1 });
  const evidence = [describeExchange(init)];
  const result = init.messages.find((m) => m.id === 1)?.result;
  const protocolVersion = typeof result?.protocolVersion === 'string' ? result.protocolVersion : REQUESTED_PROTOCOL_VERSION;
  if (init.status !== null && init.status < 300 && result) {
    const ack = await exchange(target, {
      body: { jsonrpc: '2.0', method: 'notifications/initialized' },
      sessionId: init.sessionId,
      protocolVersion,
      timeoutMs,
    });
    evidence.push(describeExchange(ack));
  }
  return { init, id: init.sessionId, protocolVersion, evidence };
}

export function initialized(raw: RawSession): boolean {
  return raw.init.status !== null && raw.init.status < 300 && raw.init.messages.some((m) => m.id === 1 && m.result);
}

/** Ends a session we opened by hand; what the server says does not matter here. */
export async function closeRawSession(target: Target, raw: RawSession): Promise<void> {
  if (raw.id) await exchange(target, { method: 'DELETE', sessionId: raw.id, protocolVersion: raw.protocolVersion, timeoutMs: 3000 });
}

/** One evidence line: "POST tools/list (no Mcp-Session-Id) → 400 application/json: Bad Request: …". */
export function describeExchange(x: WireExchange): string {
  if (x.status === null) return `${x.what} → no response (${x.error ?? 'unknown error'})`;
  if (x.redirect) return `${x.what} → ${x.redirect}`;
  // A body is whatever the server sent: a gateway's `{"error": "invalid_token"}` is not a JSON-RPC error.
  const raw = x.messages.find((m) => m && typeof m === 'object' && m.error !== undefined && m.error !== null)?.error as unknown;
  const parts = [`${x.what} → ${x.status}`];
  if (x.contentType) parts.push(x.contentType.split(';')[0]!);
  if (x.sessionId) parts.push(`Mcp-Session-Id: ${x.sessionId}`);
  if (raw && typeof raw === 'object') {
    const e = raw as { code?: unknown; message?: unknown };
    parts.push(`error ${typeof e.code === 'number' ? e.code : '?'}: ${String(e.message ?? JSON.stringify(raw)).slice(0, 120)}`);
  } else if (raw !== undefined) parts.push(`error: ${String(raw).slice(0, 120)}`);
  if (x.cut) parts.push(`(${x.cut})`);
  return parts.join(' ');
}

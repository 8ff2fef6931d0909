// SSE priming and `retry:` (2025-11-25 transports, Sending Messages item 6). When a server answers a POST
// with an SSE stream it SHOULD first send an event of an event id and an empty `data` field, so a client
// whose connection drops can reconnect with that id as Last-Event-ID; and when it closes the connection
// before the stream's end (the response), it SHOULD send a `retry:` field first, which the client MUST
// then wait before reconnecting. Both are SHOULDs: a miss is WARN with the spec section, never FAIL.
//
// Two streams are read field by field with eventsource-parser (the SSE parser the SDK itself uses), from
// the bounded body: a `ping` (every server answers it) for the priming event, and the progress tool's
// call (the kind of long call a server closes early to poll) for an early close and its `retry:`.
import { createParser } from 'eventsource-parser';
import { pass, skip, type CheckOutcome, type ProtocolCheck } from '../check.js';
import type { ProtocolContext } from '../context.js';
import { SPEC } from '../spec.js';
import { closeRawSession, FULL_ACCEPT, initialized, openRawSession, request, type JsonRpcMessage, type RawSession } from '../wire.js';
import { boundStream, DEFAULT_MAX_RESPONSE_BYTES, limitsFrom } from '../../safety/bounded-body.js';
import { REDIRECT_POLICY } from '../../safety/redirects.js';

/** What a stream carried, in order: events (id, type, data) and `retry:` fields. Bounded. */
type SseItem = { kind: 'event'; id?: string; event?: string; data: string } | { kind: 'retry'; ms: number };

interface StreamRead {
  status: number | null;
  contentType: string | null;
  items: SseItem[];
  /** The response to the request arrived on the stream. */
  answered: boolean;
  /** The server ended the stream (closed the connection) before the response. */
  closedEarly: boolean;
  error?: string;
}

/** Items kept per stream (the rest are read, not kept); a call that streams forever ends at the timeout. */
const MAX_ITEMS = 200;

async function readStream(ctx: ProtocolContext, raw: RawSession, body: JsonRpcMessage): Promise<StreamRead> {
  const out: StreamRead = { status: null, contentType: null, items: [], answered: false, closedEarly: false };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ctx.timeoutMs);
  try {
    const headers: Record<string, string> = { accept: FULL_ACCEPT, 'content-type': 'application/json', 'mcp-protocol-version': raw.protocolVersion };
    if (raw.id) headers['mcp-session-id'] = raw.id;
    const res = await ctx.target.fetch(ctx.target.url, { method: 'POST', headers, body: JSON.stringify(body), signal: abort.signal, redirect: REDIRECT_POLICY });
    out.status = res.status;
    out.contentType = res.headers.get('content-type');
    if (!res.body || !(out.contentType ?? '').toLowerCase().includes('text/event-stream')) {
      await res.body?.cancel().catch(() => {});
      return out;
    }
    const push = (item: SseItem) => {
      if (out.items.length < MAX_ITEMS) out.items.push(item);
    };
    const parser = createParser({
      onEvent: (e) => {
        push({ kind: 'event', ...(e.id !== undefined ? { id: e.id } : {}), ...(e.event !== undefined ? { event: e.event } : {}), data: e.data });
        try {
          const m = JSON.parse(e.data) as JsonRpcMessage;
          if (m && typeof m === 'object' && m.id === body.id && (m.result !== undefined || m.error !== undefined)) out.answered = true;
        } catch {
          // Not JSON (the priming event's empty data, a comment-like event): an item, not a message.
        }
      },
      // A retry: field belongs to the event it is written in, which the parser dispatches after it.
      onRetry: (ms) => push({ kind: 'retry', ms }),
    });
    let cut = false;
    const reader = boundStream(res.body, limitsFrom(DEFAULT_MAX_RESPONSE_BYTES), { sse: true, onCut: () => (cut = true) }).getReader();
    const decoder = new TextDecoder();
    try {
      while (!out.answered) {
        const { value, done } = await reader.read();
        if (done) {
          // Cut at the response cap is ours, not the server closing early.
          if (cut) out.error = `the stream exceeded the ${DEFAULT_MAX_RESPONSE_BYTES}-byte cap and was cut off`;
          else out.closedEarly = true;
          break;
        }
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  } catch (e) {
    if (out.status === null) out.error = abort.signal.aborted ? `no answer within ${ctx.timeoutMs}ms` : (e as Error).message;
    // Aborted mid-stream at the timeout: neither answered nor closed by the server.
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return out;
}

function describeItems(items: SseItem[]): string {
  const shown = items.slice(0, 6).map((i) => (i.kind === 'retry' ? `retry:${i.ms}` : `{${i.id !== undefined ? `id:${JSON.stringify(i.id)} ` : ''}${i.event ? `event:${i.event} ` : ''}data:${JSON.stringify(i.data.slice(0, 60))}}`));
  return `${shown.join(' ')}${items.length > 6 ? ` … (${items.length} in all)` : ''}` || '(nothing)';
}

const isPriming = (i: SseItem | undefined): boolean => i?.kind === 'event' && i.id !== undefined && i.id !== '' && i.data === '';
const firstEvent = (items: SseItem[]): Extract<SseItem, { kind: 'event' }> | undefined => items.find((i): i is Extract<SseItem, { kind: 'event' }> => i.kind === 'event');

export const ssePriming: ProtocolCheck = {
  id: 'http.sse-priming',
  title: 'SSE streams start with a priming event (id, empty data); retry: before an early close',
  spec: SPEC.sendingMessages,
  async run(ctx): Promise<CheckOutcome> {
    const raw = await openRawSession(ctx.target, ctx.timeoutMs);
    const evidence = [...raw.evidence];
    try {
      if (!initialized(raw)) return skip('initialize did not succeed, so no stream could be opened', evidence);
      if (!raw.id) return skip('the server issued no Mcp-Session-Id (it runs stateless): there is no stream to reconnect to, so priming does not apply', evidence);
      const ping = await readStream(ctx, raw, request(2, 'ping'));
      evidence.push(`POST ping → ${ping.status ?? `no response (${ping.error})`} ${ping.contentType?.split(';')[0] ?? ''}; SSE: ${describeItems(ping.items)}`);
      if (ping.status === null || ping.status >= 300) return skip(`ping was not answered (${ping.status ?? ping.error}), so no stream could be read`, evidence);
      if (!(ping.contentType ?? '').toLowerCase().includes('text/event-stream')) return skip('the server answers POST requests with JSON, not an SSE stream: priming applies to SSE streams', evidence);

      const warnings: string[] = [];
      const notes: string[] = [];
      const firstPing = firstEvent(ping.items);
      if (isPriming(firstPing)) notes.push(`the ping stream opened with a priming event (id ${JSON.stringify(firstPing!.id)}, empty data)`);
      else {
        warnings.push(
          `the ping stream did not open with a priming event (an event id and an empty data field); its first event was ${firstPing ? describeItems([firstPing]) : 'none'}. Without an event id a client whose connection drops cannot resume the stream (SHOULD)`,
        );
      }

      // An early close is the server's choice: look for one where it would happen, on a streaming call.
      const choice = await ctx.choose('progress');
      if ('skip' in choice) notes.push(`no streaming call to watch for an early close (${choice.skip})`);
      else {
        const call = await readStream(ctx, raw, request(3, 'tools/call', { name: choice.name, arguments: choice.args, _meta: { progressToken: 'mcp-verify-priming' } }));
        evidence.push(`POST tools/call ${choice.name} → ${call.status ?? `no response (${call.error})`} ${call.contentType?.split(';')[0] ?? ''}; SSE: ${describeItems(call.items)}${call.closedEarly ? ' — connection closed before the result' : ''}`);
        const retry = call.items.find((i): i is Extract<SseItem, { kind: 'retry' }> => i.kind === 'retry');
        if (call.closedEarly) {
          if (retry) notes.push(`the ${choice.name} stream was closed before its result after retry: ${retry.ms} ms, as it should be`);
          else warnings.push(`the server closed the ${choice.name} stream before its result without sending a retry: field first (SHOULD); the client cannot know when to reconnect`);
        } else if (call.answered) notes.push(`the ${choice.name} stream stayed open to its result, so no retry: was needed${retry ? ` (it announced retry: ${retry.ms} ms)` : ''}`);
        else notes.push(call.error ? `the ${choice.name} stream: ${call.error}; no early close seen` : `the ${choice.name} stream gave no result within ${ctx.timeoutMs}ms; no early close seen`);
      }
      const sentence = (t: string) => (t ? `${t[0]!.toUpperCase()}${t.slice(1)}.` : '');
      if (warnings.length) return { verdict: 'warning', message: [...warnings, notes.join('; ')].map(sentence).filter(Boolean).join(' '), evidence };
      return pass(notes.join('; '), evidence);
    } finally {
      await closeRawSession(ctx.target, raw);
    }
  },
};

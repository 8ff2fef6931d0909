// Server→client messages the SDK would refuse before any handler runs, taken off the SSE streams so the
// Session answers them itself, as a fetch middleware seeing the bytes (the SDK has no hook for it). Today
// that is a form elicitation whose schema is not a flat object of primitives: the SDK answers it -32602
// on its own, so the step would never hear of it, while the hostile-server rule is to report it and
// answer decline unless scripted. Every other event goes on to the SDK as it came.
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { sseText } from './sse-text.js';

/** Returns true when it takes the message (and answers it); the SDK then never sees it. */
export type Claim = (message: unknown) => boolean;

export function withDiversion(claim: Claim): Middleware {
  return createMiddleware(async (next, url, init) => {
    const res = await next(url, init);
    const type = (res.headers.get('content-type') ?? '').toLowerCase();
    if (!res.ok || !res.body || !type.includes('text/event-stream')) return res;
    return new Response(divert(res.body, claim), { status: res.status, statusText: res.statusText, headers: res.headers });
  });
}

function claimed(e: EventSourceMessage, claim: Claim): boolean {
  if ((e.event !== undefined && e.event !== 'message') || !e.data.includes('"method"')) return false;
  try {
    return claim(JSON.parse(e.data));
  } catch {
    return false;
  }
}

function divert(body: ReadableStream<Uint8Array>, claim: Claim): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let out = '';
  const parser = createParser({
    onEvent: (e) => {
      if (claimed(e, claim)) return;
      out += sseText(e);
    },
    onRetry: (ms) => {
      out += `retry: ${ms}\n\n`;
    },
  });
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (out) controller.enqueue(encoder.encode(out));
        out = '';
      },
      flush(controller) {
        parser.feed(decoder.decode());
        if (out) controller.enqueue(encoder.encode(out));
      },
    }),
  );
}

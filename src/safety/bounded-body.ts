// The one bounded reader: every byte mcp-verify reads from a server goes through here, so no answer
// (a multi-gigabyte JSON body, an SSE event that never ends, a flood of events) can make the process
// hold more than the cap. Two limits, both from --max-response:
// - per message: one JSON body, or one SSE event (the bytes between blank lines);
// - per stream: everything one HTTP response body carries (a POST's SSE stream, the GET stream).
// Over a limit the body is cut (the server's stream cancelled) and `onCut` says why, once; what was
// read before the cut is still delivered, so the reader sees a clean end, never a half-event.

export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface BodyLimits {
  /** Largest single message: a JSON body or one SSE event. */
  maxMessageBytes: number;
  /** Largest whole response body (all events of one stream). */
  maxStreamBytes: number;
}

export function limitsFrom(maxResponseBytes: number | undefined): BodyLimits {
  const cap = maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return { maxMessageBytes: cap, maxStreamBytes: cap };
}

export interface BoundedRead {
  /** The bytes read (at most the cap). */
  bytes: Buffer;
  /** The body was larger than the cap and was cut off there. */
  cut: boolean;
  /** The body broke off (network error) before its end. */
  broken?: unknown;
}

/** Reads a whole body, but never more than `cap` bytes: past it the server's stream is cancelled. */
export async function readBounded(res: Response, cap: number): Promise<BoundedRead> {
  if (!res.body) return { bytes: Buffer.alloc(0), cut: false };
  const declared = Number(res.headers.get('content-length'));
  const reader = res.body.getReader();
  if (Number.isFinite(declared) && declared > cap) {
    await reader.cancel().catch(() => {});
    return { bytes: Buffer.alloc(0), cut: true };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (size + value.byteLength > cap) {
        chunks.push(value.subarray(0, cap - size));
        size = cap;
        await reader.cancel().catch(() => {});
        return { bytes: Buffer.concat(chunks), cut: true };
      }
      size += value.byteLength;
      chunks.push(value);
    }
  } catch (e) {
    return { bytes: Buffer.concat(chunks), cut: false, broken: e };
  }
  return { bytes: Buffer.concat(chunks), cut: false };
}

/**
 * The first bytes of a body (at most `max`), as text, and the same response with its body whole again:
 * what was read put back in front of what was not. For a look at an answer (is it a retryable error?)
 * that must not consume it.
 */
export async function peekBody(res: Response, max: number): Promise<{ text: string; res: Response }> {
  if (!res.body) return { text: '', res };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  let broken: unknown;
  try {
    while (size < max) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        break;
      }
      chunks.push(r.value);
      size += r.value.byteLength;
    }
  } catch (e) {
    broken = e;
  }
  const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(size, max));
  const init = { status: res.status, statusText: res.statusText, headers: res.headers };
  if (done) return { text, res: new Response(Buffer.concat(chunks), init) };
  const body = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const first = chunks.shift();
        if (first) return controller.enqueue(first);
        if (broken !== undefined) return controller.error(broken);
        try {
          const r = await reader.read();
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        } catch (e) {
          controller.error(e);
        }
      },
      cancel: (reason) => reader.cancel(reason).catch(() => {}),
    },
    { highWaterMark: 0 },
  );
  return { text, res: new Response(body, init) };
}

/** Reads a whole body as UTF-8 text, bounded (see readBounded). */
export async function readTextBounded(res: Response, cap: number): Promise<{ text: string; cut: boolean; bytes: number; broken?: unknown }> {
  const r = await readBounded(res, cap);
  return { text: r.bytes.toString('utf8'), cut: r.cut, bytes: r.bytes.byteLength, ...(r.broken !== undefined ? { broken: r.broken } : {}) };
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the SSE event being read (since the last blank line), across chunks: CRLF, LF
 * and CR line ends all count, as in the SSE spec. `push` returns the offset in the chunk at which the
 * event in progress passed `max`, or -1.
 */
export class SseEventMeter {
  private eventBytes = 0;
  private lineBytes = 0;
  private lastWasCR = false;
  constructor(private readonly max: number) {}

  push(chunk: Uint8Array): number {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === LF && this.lastWasCR) {
        this.lastWasCR = false;
        continue;
      }
      if (b === LF || b === CR) {
        this.lastWasCR = b === CR;
        if (this.lineBytes === 0) this.eventBytes = 0;
        this.lineBytes = 0;
        continue;
      }
      this.lastWasCR = false;
      this.lineBytes++;
      if (++this.eventBytes > this.max) return i;
    }
    return -1;
  }
}

export type CutReason = { kind: 'message' | 'stream'; limit: number; bytes: number };

export function describeCut(what: string, r: CutReason): string {
  return r.kind === 'message'
    ? `a single message on ${what} exceeded the ${r.limit}-byte response cap (--max-response) and the stream was cut off`
    : `${what} exceeded the ${r.limit}-byte response cap after ${r.bytes} bytes and was cut off (--max-response)`;
}

/**
 * A body that ends (cleanly, at an event boundary when `sse`) once it passes a limit. The server's
 * stream is cancelled at the cut, so nothing more is read from the socket.
 */
export function boundStream(body: ReadableStream<Uint8Array>, limits: BodyLimits, opts: { sse: boolean; onCut(r: CutReason): void }): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const meter = opts.sse ? new SseEventMeter(limits.maxMessageBytes) : undefined;
  let total = 0;
  let done = false;
  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>, r: CutReason) => {
    done = true;
    await reader.cancel().catch(() => {});
    opts.onCut(r);
    controller.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (done) return;
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          done = true;
          controller.error(e);
          return;
        }
        if (chunk.done) {
          done = true;
          controller.close();
          return;
        }
        const value = chunk.value;
        if (meter) {
          const over = meter.push(value);
          if (over >= 0) {
            // The event in progress is dropped whole: deliver nothing of it.
            return finish(controller, { kind: 'message', limit: limits.maxMessageBytes, bytes: total + over });
          }
        }
        if (total + value.byteLength > limits.maxStreamBytes) {
          return finish(controller, { kind: 'stream', limit: limits.maxStreamBytes, bytes: total + value.byteLength });
        }
        total += value.byteLength;
        controller.enqueue(value);
      },
      async cancel(reason) {
        done = true;
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}

/** The same response with its body bounded (see boundStream). */
export function withBoundedBody(res: Response, limits: BodyLimits, onCut: (r: CutReason) => void): Response {
  if (!res.body) return res;
  const sse = (res.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(boundStream(res.body, limits, { sse, onCut }), { status: res.status, statusText: res.statusText, headers });
}

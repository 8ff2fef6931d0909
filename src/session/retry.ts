// Retries, as a fetch middleware under the wire checks and above the transcript recorder (so every
// attempt is in the transcript as sent, and signed afresh below): 429 and 503, and AgentCore's "session
// operation in progress" (HTTP 409, or HTTP 200 carrying JSON-RPC error -32005). Backoff doubles from
// 250 ms, honours Retry-After, never waits longer than maxRetryDelayMs for one retry, and is cut short
// by the request's signal (node:timers/promises). Each retry and each give-up is a transcript note.
import { setTimeout as sleep } from 'node:timers/promises';
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';
import { peekBody } from '../safety/bounded-body.js';
import { requestInfo } from './rpc-body.js';

export interface RetryOptions {
  /** Retries of a retryable answer (default 3). */
  retries?: number;
  /** Longest single wait between retries, whatever Retry-After says (default 5 s). */
  maxRetryDelayMs?: number;
  note(text: string): void;
}

/** AgentCore's JSON-RPC code for "session operation in progress". */
export const SESSION_BUSY_CODE = -32005;
/** How much of an answer is looked at to decide (an error body, a small JSON-RPC error): never the whole. */
const PEEK_BYTES = 64 * 1024;

export function withRetry(opts: RetryOptions): Middleware {
  const retries = opts.retries ?? 3;
  const maxDelay = opts.maxRetryDelayMs ?? 5_000;
  return createMiddleware(async (next, url, init) => {
    const what = `${(init?.method ?? 'GET').toUpperCase()} ${requestInfo(init?.body).label}`;
    for (let attempt = 0; ; attempt++) {
      const checked = await retryReason(await next(url, init));
      if (!checked.reason) return checked.res;
      if (attempt >= retries) {
        opts.note(`${checked.reason} for ${what}: gave up after ${retries} retries`);
        return checked.res;
      }
      const after = checked.res.headers.get('retry-after');
      const waitMs = Math.min(maxDelay, retryAfterMs(after) ?? 250 * 2 ** attempt);
      opts.note(`${checked.reason} for ${what}: retry ${attempt + 1} of ${retries} in ${waitMs}ms${after ? ` (Retry-After: ${after})` : ''}`);
      await checked.res.body?.cancel().catch(() => {});
      // Rejects with the signal's AbortError when the run is stopped.
      await sleep(waitMs, undefined, { signal: init?.signal ?? undefined });
    }
  });
}

/** Whether an answer means "try again". What is looked at is put back: the answer goes on unchanged. */
async function retryReason(res: Response): Promise<{ reason?: string; res: Response }> {
  if (res.status === 429 || res.status === 503) {
    return { reason: `HTTP ${res.status}${res.status === 429 ? ' (too many requests)' : ' (service unavailable)'}`, res };
  }
  const json = (res.headers.get('content-type') ?? '').includes('application/json');
  if (res.status !== 409 && !(res.status === 200 && json)) return { res };
  const peeked = await peekBody(res, PEEK_BYTES);
  const busy = /session operation in progress/i.test(peeked.text) || jsonRpcErrorCode(peeked.text) === SESSION_BUSY_CODE;
  return { ...(busy ? { reason: `session operation in progress (HTTP ${res.status})` } : {}), res: peeked.res };
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

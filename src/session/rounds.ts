// Multi-round-trip requests (2026-07-28): on the modern wire a server that needs the client's input
// (elicitation, sampling, roots) answers tools/call, prompts/get or resources/read with
// `{resultType: "input_required", inputRequests, requestState}`, and the client retries the call with this
// round's `inputResponses` and the `requestState` echoed byte-exact, on a new JSON-RPC id. The SDK can do
// this by itself; a test harness must not, since every round is evidence. So the client runs with
// `inputRequired: {autoFulfill: false}` and `driveRounds` sends each leg with `allowInputRequired`,
// answers the round's requests through the same responders the legacy wire's server->client requests
// get (Session.answerInputRequest), records the round in the transcript and sends the next leg.
//
// RoundWire is the other half: what actually went over the wire for every JSON-RPC request of a modern
// session (id, method, the requestState and inputResponses sent, the client capabilities declared in its
// _meta, and what came back: resultType, inputRequests, requestState, error). The scenario's modern checks
// (scenario/modern-checks.ts) read only this, never what the SDK says it did.
import { createHash } from 'node:crypto';
import { createParser } from 'eventsource-parser';
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';
import type { FetchLike } from '../target/target.js';
import type { RoundEntry, StateEvidence } from './transcript.js';

/** The methods 2026-07-28 allows to answer `input_required`. */
export const MRTR_METHODS = ['tools/call', 'prompts/get', 'resources/read'] as const;
export type MrtrMethod = (typeof MRTR_METHODS)[number];

/** Rounds one request may take before the step fails (the SDK's own default cap). */
export const MAX_ROUNDS = 10;
/** A requestState-only round (the server asks to be asked again, nothing to answer) waits this long first. */
export const STATE_ONLY_PAUSE_MS = 250;
/** requestState bytes kept in the transcript; longer ones are kept as their length and SHA-256. */
export const STATE_KEEP_CHARS = 4096;
/** Requests recorded per session; older ones are dropped (and counted). */
const MAX_RECORDS = 2000;
/** Bytes of one response body read for the record (the client's own read is capped by resilience.ts). */
const MAX_READ_BYTES = 4 * 1024 * 1024;

export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';
const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';

export function stateEvidence(state: string): StateEvidence {
  const bytes = Buffer.byteLength(state, 'utf8');
  return {
    bytes,
    sha256: createHash('sha256').update(state, 'utf8').digest('hex'),
    text: state.slice(0, STATE_KEEP_CHARS),
    ...(state.length > STATE_KEEP_CHARS ? { truncated: true } : {}),
  };
}

/** One JSON-RPC request of a modern session, as sent and as answered. */
export interface RoundRecord {
  id: string | number;
  method: string;
  /** The step that was running when it was sent. */
  step: number;
  /** The requestState the request carried, verbatim (absent: none sent). */
  requestStateSent?: string;
  /** The keys of the inputResponses it carried (absent: none sent). */
  inputResponseKeys?: string[];
  /** The client capabilities its _meta declared (absent: no _meta envelope). */
  declared?: Record<string, unknown>;
  /** What came back; absent while no answer was seen. */
  answer?: {
    /** A JSON-RPC error instead of a result. */
    error?: { code: unknown; message: string };
    /** `result.resultType` as sent (undefined: missing). */
    resultType?: unknown;
    /** The methods of `result.inputRequests`, by key. */
    inputRequests?: Record<string, string>;
    /** `result.requestState` as sent (any type: a non-string is a violation). */
    requestState?: unknown;
  };
}

/** Records every JSON-RPC request of a session and its answer, from the wire. */
export class RoundWire {
  readonly records: RoundRecord[] = [];
  dropped = 0;
  private readonly byId = new Map<string, RoundRecord>();
  private pending = new Set<Promise<void>>();

  constructor(private readonly step: () => number) {}

  /** Every record of one step (modern checks, after the step's answers were read). */
  forStep(step: number): RoundRecord[] {
    return this.records.filter((r) => r.step === step);
  }

  /** The latest request of this method sent after `mark` records (the leg driveRounds just sent). */
  lastSince(mark: number, method: string): RoundRecord | undefined {
    for (let i = this.records.length - 1; i >= Math.max(0, mark - this.dropped); i--) if (this.records[i]!.method === method) return this.records[i];
    return undefined;
  }

  /** How many records were ever added (a mark for lastSince). */
  get mark(): number {
    return this.records.length + this.dropped;
  }

  /** Waits until every response body seen so far has been read for its record. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** As the SDK's fetch middleware (session.ts builds the wire from them). */
  middleware(): Middleware {
    return createMiddleware((next, url, init) => this.wrap(next as FetchLike)(url, init));
  }

  wrap(inner: FetchLike): FetchLike {
    return async (url, init) => {
      const body = typeof init?.body === 'string' ? init.body : undefined;
      const sent = body !== undefined ? this.recordRequests(body) : [];
      const res = await inner(url, init);
      if (!sent.length || !res.body) return res;
      const copy = res.clone();
      const done = this.readAnswers(copy).finally(() => this.pending.delete(done));
      this.pending.add(done);
      return res;
    };
  }

  private recordRequests(body: string): RoundRecord[] {
    let msg: unknown;
    try {
      msg = JSON.parse(body);
    } catch {
      return [];
    }
    const out: RoundRecord[] = [];
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      const o = m as { id?: unknown; method?: unknown; params?: Record<string, unknown> } | null;
      if (!o || typeof o.method !== 'string' || (typeof o.id !== 'string' && typeof o.id !== 'number')) continue;
      const p = o.params ?? {};
      const meta = p._meta as Record<string, unknown> | undefined;
      const rec: RoundRecord = {
        id: o.id,
        method: o.method,
        step: this.step(),
        ...(typeof p.requestState === 'string' ? { requestStateSent: p.requestState } : {}),
        ...(p.inputResponses && typeof p.inputResponses === 'object' ? { inputResponseKeys: Object.keys(p.inputResponses) } : {}),
        ...(meta && typeof meta[CLIENT_CAPABILITIES_META_KEY] === 'object' ? { declared: meta[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown> } : {}),
      };
      if (this.records.length >= MAX_RECORDS) {
        const gone = this.records.shift()!;
        this.byId.delete(String(gone.id));
        this.dropped++;
      }
      this.records.push(rec);
      this.byId.set(String(rec.id), rec);
      out.push(rec);
    }
    return out;
  }

  private async readAnswers(res: Response): Promise<void> {
    const sse = (res.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let read = 0;
    const parser = sse ? createParser({ onEvent: (e) => this.recordAnswer(e.data) }) : undefined;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        read += chunk.value.byteLength;
        const piece = decoder.decode(chunk.value, { stream: true });
        if (parser) parser.feed(piece);
        else text += piece;
        if (read > MAX_READ_BYTES) break;
      }
    } catch {
      /* the client's own read reports a broken body */
    } finally {
      await reader.cancel().catch(() => {});
    }
    if (!parser) this.recordAnswer(text + decoder.decode());
  }

  private recordAnswer(data: string): void {
    if (!data.trim()) return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      const o = m as { id?: unknown; method?: unknown; result?: Record<string, unknown>; error?: { code?: unknown; message?: unknown } } | null;
      if (!o || o.method !== undefined || (typeof o.id !== 'string' && typeof o.id !== 'number')) continue;
      const rec = this.byId.get(String(o.id));
      if (!rec || rec.answer) continue;
      if (o.error) {
        rec.answer = { error: { code: o.error.code, message: String(o.error.message ?? '') } };
        continue;
      }
      const r = o.result && typeof o.result === 'object' ? o.result : {};
      const reqs = r.inputRequests && typeof r.inputRequests === 'object' ? (r.inputRequests as Record<string, { method?: unknown }>) : undefined;
      rec.answer = {
        resultType: r.resultType,
        ...(reqs ? { inputRequests: Object.fromEntries(Object.entries(reqs).map(([k, v]) => [k, typeof v?.method === 'string' ? v.method : '?'])) } : {}),
        ...('requestState' in r ? { requestState: r.requestState } : {}),
      };
    }
  }
}

/** An input_required result, as the SDK hands it to a manual caller. */
export interface InputRequiredResult {
  resultType: 'input_required';
  inputRequests?: Record<string, { method?: string; params?: Record<string, unknown> }>;
  requestState?: string;
}

export function isInputRequired(r: unknown): r is InputRequiredResult {
  return !!r && typeof r === 'object' && (r as { resultType?: unknown }).resultType === 'input_required';
}

/** What a Session gives the driver. */
export interface RoundHost {
  rounds: RoundWire;
  transcript: { currentRound: number; add(e: RoundEntryInput): unknown };
  /** Answers one embedded request exactly as the legacy handler answers the same server->client request. */
  answerInputRequest(key: string, request: { method?: string; params?: Record<string, unknown> }, signal?: AbortSignal): Promise<unknown>;
}

/** A round as the transcript records it (without seq, t and step, which the transcript adds). */
export type RoundEntryInput = Omit<RoundEntry, 'seq' | 't' | 'step' | 'stream' | 'round'> & { round: number };

export class RoundsExceeded extends Error {}

/**
 * Sends `method` with its params, then every retry the server asks for, one leg per round; returns the
 * complete result. Every leg is a transcript `round` entry; the answers given go through the responders.
 */
export async function driveRounds(
  host: RoundHost,
  method: MrtrMethod,
  params: Record<string, unknown>,
  send: (params: Record<string, unknown>) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<unknown> {
  const meta = (params._meta as Record<string, unknown> | undefined) ?? {};
  // Logs flow on the modern wire only for requests that ask for them; the legacy wire sends them unasked.
  const base = { ...params, _meta: { [LOG_LEVEL_META_KEY]: 'debug', ...meta } };
  let retry: { inputResponses?: Record<string, unknown>; requestState?: string } = {};
  let summary: Record<string, string> | undefined;
  try {
    for (let round = 1; ; round++) {
      host.transcript.currentRound = round;
      const mark = host.rounds.mark;
      const result = await send({ ...base, ...retry });
      const leg = host.rounds.lastSince(mark, method);
      const entry: RoundEntryInput = {
        kind: 'round',
        method,
        round,
        id: leg?.id ?? null,
        ...(summary ? { inputResponses: summary } : {}),
        ...(retry.requestState !== undefined ? { requestStateSent: stateEvidence(retry.requestState) } : {}),
        resultType: isInputRequired(result) ? 'input_required' : 'complete',
      };
      if (!isInputRequired(result)) {
        host.transcript.add(entry);
        return result;
      }
      const requests = Object.entries(result.inputRequests ?? {});
      host.transcript.add({
        ...entry,
        ...(requests.length ? { inputRequests: Object.fromEntries(requests.map(([k, r]) => [k, String(r?.method ?? '?')])) } : {}),
        ...(typeof result.requestState === 'string' ? { requestState: stateEvidence(result.requestState) } : {}),
      });
      if (round >= MAX_ROUNDS) throw new RoundsExceeded(`${method} still asked for input after ${MAX_ROUNDS} rounds; a server that needs more is looping (each round's requests are in the transcript)`);
      if (!requests.length) await pause(STATE_ONLY_PAUSE_MS, signal);
      // One at a time, in the server's order: scripted rules, a person or an LLM answer them as they would
      // answer the same requests sent as server->client requests on the legacy wire.
      const responses: Record<string, unknown> = {};
      summary = {};
      for (const [key, request] of requests) {
        signal?.throwIfAborted();
        const answer = await host.answerInputRequest(key, request ?? {}, signal);
        responses[key] = answer;
        summary[key] = describeAnswer(answer);
      }
      retry = {
        ...(requests.length ? { inputResponses: responses } : {}),
        // Echoed byte-exact, and only when one was issued.
        ...(typeof result.requestState === 'string' ? { requestState: result.requestState } : {}),
      };
      if (!requests.length) summary = undefined;
    }
  } finally {
    host.transcript.currentRound = 0;
  }
}

function describeAnswer(answer: unknown): string {
  const a = answer as { action?: unknown; model?: unknown; roots?: unknown } | undefined;
  if (typeof a?.action === 'string') return a.action;
  if (a?.model !== undefined) return 'sampled';
  if (Array.isArray(a?.roots)) return 'roots';
  return 'answered';
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

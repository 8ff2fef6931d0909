// The Transcript is the evidence every check reads: HTTP exchanges, notifications, and server→client
// requests with the answers given, each with a sequence number so "before/after" is exact.
// Checks never poke at the wire themselves; they read this, through the running tallies (step-tally.ts),
// which see every entry, not only the ones the display bound keeps.
import { TallyBook } from './step-tally.js';

export type TranscriptEntry =
  | HttpExchangeEntry
  | ProgressEntry
  | LogEntry
  | ElicitationEntry
  | SamplingEntry
  | NoteEntry
  | ResultEntry
  | RoundEntry
  | NotificationEntry
  | ServerRequestEntry;

interface EntryBase {
  /** Monotonic per session: ordering evidence ("progress arrived before the result"). */
  seq: number;
  /** Milliseconds since the session opened. */
  t: number;
  /** Index of the step that was running, or -1 during open/close. */
  step: number;
  /** For server→client messages: the stream it came on (the call's POST response stream, or the standalone GET stream). */
  stream?: 'post' | 'get';
  /** On the 2026-07-28 wire: the round of the multi-round-trip request it belongs to (rounds.ts), from 1. */
  round?: number;
}

export interface HttpExchangeEntry extends EntryBase {
  kind: 'http';
  method: string;
  /** JSON-RPC methods (or "response"/"notification") carried by a POST body. */
  rpc: string[];
  status: number | null;
  sessionIdSent: string | null;
  sessionIdReceived: string | null;
  protocolVersionSent: string | null;
  contentType: string | null;
  durationMs: number;
  error?: string;
}

export interface ProgressEntry extends EntryBase {
  kind: 'progress';
  progress: number;
  total?: number;
  message?: string;
}

export interface LogEntry extends EntryBase {
  kind: 'log';
  level: string;
  logger?: string;
  data: unknown;
}

export interface ElicitationEntry extends EntryBase {
  kind: 'elicitation';
  mode: 'form' | 'url';
  message: string;
  requestedSchema?: unknown;
  url?: string;
  elicitationId?: string;
  /** Who answered: a scripted rule, a person, or nobody (unmatched). */
  answeredBy: 'script' | 'person' | 'unanswered' | 'policy';
  action: 'accept' | 'decline' | 'cancel';
  content?: unknown;
  note?: string;
}

export interface SamplingEntry extends EntryBase {
  kind: 'sampling';
  maxTokens: number | undefined;
  systemPrompt?: string;
  text: string;
  answeredBy: 'script' | 'person' | 'unanswered' | 'llm';
  reply?: string;
  model?: string;
  stopReason?: string;
  /** For an LLM answer: the provider and the tokens it reported. */
  provider?: string;
  usage?: { inputTokens: number; outputTokens: number };
  note?: string;
}

export interface NoteEntry extends EntryBase {
  kind: 'note';
  text: string;
}

export interface ResultEntry extends EntryBase {
  kind: 'result';
  method: string;
  ok: boolean;
  /** A tool result with isError: true (the request succeeded, the tool failed). */
  isError?: boolean;
  /** The start of the result text or error message: enough to read a failure without the wire. */
  preview?: string;
}

/** A requestState as evidence (rounds.ts stateEvidence): its byte length, SHA-256, and the first 4 KB of it. */
export interface StateEvidence {
  bytes: number;
  sha256: string;
  text: string;
  truncated?: boolean;
}

/**
 * One leg of a multi-round-trip request on the 2026-07-28 wire (rounds.ts): its round number and JSON-RPC
 * id, the inputResponses and requestState it sent, and what came back (resultType, inputRequests, the new
 * requestState). The requests answered in between are the elicitation / sampling entries of that round.
 */
export interface RoundEntry extends EntryBase {
  kind: 'round';
  method: string;
  round: number;
  id: string | number | null;
  /** inputResponses sent on this leg: key -> how it was answered (accept, decline, cancel, sampled). */
  inputResponses?: Record<string, string>;
  requestStateSent?: StateEvidence;
  resultType: string;
  /** inputRequests that came back: key -> method. */
  inputRequests?: Record<string, string>;
  requestState?: StateEvidence;
}

/** A server notification other than progress and log messages: resources/updated, list_changed, … */
export interface NotificationEntry extends EntryBase {
  kind: 'notification';
  method: string;
  params?: unknown;
}

/** A server→client request other than elicitation and sampling (roots/list), with what was answered. */
export interface ServerRequestEntry extends EntryBase {
  kind: 'request';
  method: string;
  answer: string;
}

type Without<T> = T extends unknown ? Omit<T, 'seq' | 't' | 'step'> & { stream?: 'post' | 'get' } : never;
export type NewEntry = Without<TranscriptEntry>;

/**
 * Records a session's evidence. Bounded: past `limit` entries the oldest HTTP exchanges are
 * dropped (counted in `dropped`) so a 1,000-call session does not grow without bound; the
 * aggregate facts that checks need (session ids seen) are kept as running summaries.
 */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  readonly started = performance.now();
  dropped = 0;
  /** The round of the multi-round-trip request being driven (rounds.ts), 0 outside one. */
  currentRound = 0;
  private seq = 0;
  private httpKept = 0;
  /** Every distinct session id sent or received after initialize: persistence evidence. */
  readonly sessionIdsSent = new Set<string>();
  readonly sessionIdsReceived = new Set<string>();
  exchangesWithoutId = 0;
  exchanges = 0;
  /** Per-step aggregates over every entry ever added (what the checks read). */
  readonly tallies = new TallyBook();
  /** Live listener (progress bar, verbose output); called after each entry is recorded. */
  onEntry?: (entry: TranscriptEntry) => void;
  constructor(
    private readonly limit = 2000,
    /** The step now running, or -1: the Session's to say (Session.inStep), read here to place each entry. */
    private readonly stepNow: () => number = () => -1,
  ) {}

  /** The step now running (-1 while the session opens, idles or closes). Read-only: the Session sets it. */
  get currentStep(): number {
    return this.stepNow();
  }

  /** Records an entry, as part of the running step unless `step` names another (a retried step's notes). */
  add(entry: NewEntry, step = this.currentStep): TranscriptEntry {
    const full = { ...entry, seq: ++this.seq, t: Math.round(performance.now() - this.started), step, ...(this.currentRound > 0 && entry.kind !== 'round' ? { round: this.currentRound } : {}) } as TranscriptEntry;
    if (full.kind === 'http') this.noteExchange(full);
    this.tallies.add(full);
    this.entries.push(full);
    if (full.kind === 'http') this.httpKept++;
    if (this.entries.length > this.limit) {
      // The oldest HTTP exchange goes first; with none left in the window, the oldest entry.
      const i = this.httpKept > 0 ? this.entries.findIndex((e) => e.kind === 'http') : 0;
      const [gone] = this.entries.splice(i >= 0 ? i : 0, 1);
      if (gone?.kind === 'http') this.httpKept--;
      this.dropped++;
    }
    this.onEntry?.(full);
    return full;
  }

  note(text: string, step?: number): void {
    this.add({ kind: 'note', text }, step);
  }

  forStep(step: number): TranscriptEntry[] {
    return this.entries.filter((e) => e.step === step);
  }

  private noteExchange(e: HttpExchangeEntry): void {
    const isInitialize = e.rpc.includes('initialize');
    if (isInitialize) return;
    if (e.sessionIdSent) this.sessionIdsSent.add(e.sessionIdSent);
    if (e.sessionIdReceived) this.sessionIdsReceived.add(e.sessionIdReceived);
    // --era auto's server/discover probe comes before any session: not a later exchange of one.
    if (e.rpc.includes('server/discover')) return;
    this.exchanges++;
    if (!e.sessionIdSent) this.exchangesWithoutId++;
  }
}

/** One line a person can read, for failure evidence and verbose output. */
export function describeEntry(e: TranscriptEntry): string {
  const at = `#${e.seq} +${e.t}ms${e.stream === 'get' ? ' [GET stream]' : ''}${e.round !== undefined && e.kind !== 'round' ? ` [round ${e.round}]` : ''}`;
  switch (e.kind) {
    case 'http': {
      const parts = [`${e.method} ${e.rpc.join(',') || '-'}`, `→ ${e.status ?? 'no response'}`];
      if (e.contentType) parts.push(e.contentType.split(';')[0]!);
      parts.push(`session sent=${e.sessionIdSent ?? '-'} received=${e.sessionIdReceived ?? '-'}`);
      if (e.protocolVersionSent) parts.push(`version=${e.protocolVersionSent}`);
      parts.push(`${e.durationMs}ms`);
      if (e.error) parts.push(`error: ${e.error}`);
      return `${at} http ${parts.join(' ')}`;
    }
    case 'progress':
      return `${at} progress ${e.progress}${e.total !== undefined ? `/${e.total}` : ''}${e.message ? ` "${e.message}"` : ''}`;
    case 'log':
      return `${at} log [${e.level}] ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}`;
    case 'elicitation':
      return `${at} elicitation ${JSON.stringify(e.message)} → ${e.action} (${e.answeredBy})${e.content !== undefined ? ` ${JSON.stringify(e.content)}` : ''}${e.note ? ` — ${e.note}` : ''}`;
    case 'sampling':
      return `${at} sampling maxTokens=${e.maxTokens ?? 'missing'} ${JSON.stringify(e.text.slice(0, 120))} → ${e.answeredBy}${e.model && e.answeredBy !== 'unanswered' ? ` (${e.provider ? `${e.provider} ` : ''}${e.model}${e.usage ? `, ${e.usage.inputTokens}+${e.usage.outputTokens} tokens` : ''})` : ''}${e.note ? ` — ${e.note}` : ''}`;
    case 'note':
      return `${at} note ${e.text}`;
    case 'round': {
      const sent = [
        e.inputResponses ? `inputResponses ${Object.entries(e.inputResponses).map(([k, v]) => `${k}=${v}`).join(', ')}` : 'no inputResponses',
        e.requestStateSent ? `requestState echoed (${e.requestStateSent.bytes} bytes, sha256 ${e.requestStateSent.sha256.slice(0, 12)})` : 'no requestState',
      ];
      const got = e.resultType === 'input_required'
        ? `input_required${e.inputRequests ? `: ${Object.entries(e.inputRequests).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}${e.requestState ? `, requestState ${e.requestState.bytes} bytes (sha256 ${e.requestState.sha256.slice(0, 12)})` : ''}`
        : e.resultType;
      return `${at} round ${e.round} of ${e.method} id=${e.id ?? '?'}: ${sent.join(', ')} → ${got}`;
    }
    case 'notification':
      return `${at} notification ${e.method}${e.params !== undefined ? ` ${JSON.stringify(e.params).slice(0, 200)}` : ''}`;
    case 'request':
      return `${at} request ${e.method} → ${e.answer}`;
    case 'result':
      return `${at} result of ${e.method}: ${e.isError ? 'tool error (isError: true)' : e.ok ? 'ok' : 'error'}${e.preview ? ` ${JSON.stringify(e.preview)}` : ''}`;
  }
}

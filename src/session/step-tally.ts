// What the checks need, computed on every transcript entry as it arrives, per step: counts, progress
// monotonicity, first/last, before-result, the distinct values a check compares. The Transcript keeps
// only the last N entries for display (a 100,000-notification call must not hold 100,000 lines), but
// no verdict reads that window: a MUST violated early and pushed out of the display is still a FAIL,
// and 3,000 elicitations are counted as 3,000. Content checks (messages by index, "contains") read the
// first KEEP entries of each kind, which is far beyond any display bound, and say so past it.
import { flatSchemaProblem, type ElicitationSchema } from '../responders/responder.js';
import type { ElicitationEntry, LogEntry, NotificationEntry, ProgressEntry, RoundEntry, SamplingEntry, TranscriptEntry } from './transcript.js';

/** Entries of each kind kept per step for content checks. */
export const KEEP_PER_KIND = 10_000;
/** Distinct values kept for "every one equals" checks (progress total, maxTokens, log level). */
const DISTINCT = 16;

export class Kept<E> {
  count = 0;
  readonly first: E[] = [];
  push(e: E): void {
    this.count++;
    if (this.first.length < KEEP_PER_KIND) this.first.push(e);
  }
  /** "(checked the first 10,000 of 12,345)" when not all were kept, else "". */
  get partial(): string {
    return this.count > this.first.length ? ` (checked the first ${this.first.length.toLocaleString('en-US')} of ${this.count.toLocaleString('en-US')})` : '';
  }
}

/** Distinct values in arrival order, bounded. */
export class Distinct<V> {
  readonly values: V[] = [];
  add(v: V): void {
    if (this.values.length < DISTINCT && !this.values.includes(v)) this.values.push(v);
  }
  /** The first value that is not `want`, if any. */
  other(want: V): V | undefined {
    return this.values.find((v) => v !== want);
  }
}

/** Counts by name (notification method, request method), bounded: past DISTINCT names the rest count as one. */
export class Counts {
  static readonly OTHER = '(others)';
  private readonly counts = new Map<string, number>();
  add(name: string): void {
    const key = this.counts.has(name) || this.counts.size < DISTINCT ? name : Counts.OTHER;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
  get names(): string[] {
    return [...this.counts.keys()];
  }
}

/**
 * What a step's expectations wait for, counted as entries arrive (a notification with these params, a
 * log with this text): registered before the step runs, so every entry is counted, however many come.
 */
export class Watch {
  count = 0;
  /** The first entry it accepted (evidence for the check's message). */
  first?: TranscriptEntry;
  constructor(readonly matches: (e: TranscriptEntry) => boolean) {}
}

export class ProgressTally {
  count = 0;
  first?: ProgressEntry;
  last?: ProgressEntry;
  /** The first pair where progress did not increase. */
  firstNonIncrease?: { from: number; to: number };
  readonly totals = new Distinct<number | undefined>();
  readonly values: number[] = [];

  add(e: ProgressEntry): void {
    this.count++;
    // On the 2026-07-28 wire each round is its own request with its own progress token: progress
    // increases within a round, and may start again in the next.
    const sameRequest = !this.last || this.last.round === e.round;
    if (this.last && sameRequest && !(e.progress > this.last.progress) && !this.firstNonIncrease) this.firstNonIncrease = { from: this.last.progress, to: e.progress };
    this.first ??= e;
    this.last = e;
    this.totals.add(e.total);
    if (this.values.length < 50) this.values.push(e.progress);
  }
}

export class StepTally {
  /** Every entry recorded during the step. */
  entries = 0;
  readonly progress = new ProgressTally();
  readonly elicitations = new Kept<ElicitationEntry>();
  /** The first form elicitation whose schema is not a flat object of primitives. */
  firstSchemaProblem?: string;
  readonly sampling = new Kept<SamplingEntry>();
  readonly maxTokens = new Distinct<number | undefined>();
  readonly logs = new Kept<LogEntry>();
  readonly logLevels = new Distinct<string>();
  /** Notifications other than progress and logs (resources/updated, list_changed, …). */
  readonly notifications = new Kept<NotificationEntry>();
  readonly notificationMethods = new Counts();
  /** Server→client requests other than elicitation and sampling (roots/list), by method. */
  readonly serverRequests = new Counts();
  private readonly watches = new Map<string, Watch>();
  /** Server→client messages of each kind (elicitation, sampling, log, progress) that came on the standalone GET stream. */
  readonly onGetStream = new Map<TranscriptEntry['kind'], number>();
  /** Multi-round-trip legs (2026-07-28): how many, the highest round, and how many asked for input. */
  readonly rounds = { count: 0, max: 0, inputRequired: 0, requests: 0, first: [] as RoundEntry[] };
  /** Token usage of the step's LLM answers (every one, for the reports). */
  readonly llm = { calls: 0, inputTokens: 0, outputTokens: 0, models: new Set<string>() };

  /** Counts the entries `matches` accepts from now on, under `name` (the check that reads it). */
  watch(name: string, matches: (e: TranscriptEntry) => boolean): Watch {
    let w = this.watches.get(name);
    if (!w) this.watches.set(name, (w = new Watch(matches)));
    return w;
  }

  /** The watch registered under `name`, if any. */
  watched(name: string): Watch | undefined {
    return this.watches.get(name);
  }

  add(e: TranscriptEntry): void {
    this.entries++;
    for (const w of this.watches.values()) {
      if (!w.matches(e)) continue;
      w.count++;
      w.first ??= e;
    }
    if (e.stream === 'get') this.onGetStream.set(e.kind, (this.onGetStream.get(e.kind) ?? 0) + 1);
    switch (e.kind) {
      case 'progress':
        this.progress.add(e);
        break;
      case 'elicitation':
        this.elicitations.push(e);
        if (e.mode === 'form' && this.firstSchemaProblem === undefined) this.firstSchemaProblem = flatSchemaProblem(e.requestedSchema as ElicitationSchema);
        break;
      case 'sampling':
        this.sampling.push(e);
        this.maxTokens.add(e.maxTokens);
        if (e.usage !== undefined) {
          this.llm.calls++;
          this.llm.inputTokens += e.usage.inputTokens ?? 0;
          this.llm.outputTokens += e.usage.outputTokens ?? 0;
          const model = e.provider && e.model ? `${e.provider}:${e.model}` : e.model;
          if (model && this.llm.models.size < DISTINCT) this.llm.models.add(model);
        }
        break;
      case 'log':
        this.logs.push(e);
        this.logLevels.add(e.level);
        break;
      case 'round':
        this.rounds.count++;
        this.rounds.max = Math.max(this.rounds.max, e.round);
        if (e.resultType === 'input_required') this.rounds.inputRequired++;
        this.rounds.requests += Object.keys(e.inputRequests ?? {}).length;
        if (this.rounds.first.length < 64) this.rounds.first.push(e);
        break;
      case 'notification':
        this.notifications.push(e);
        this.notificationMethods.add(e.method);
        break;
      case 'request':
        this.serverRequests.add(e.method);
        break;
    }
  }
}

/** A tally over entries already recorded (doctor's probe). */
export function tallyOf(entries: Iterable<TranscriptEntry>): StepTally {
  const t = new StepTally();
  for (const e of entries) t.add(e);
  return t;
}

/** One StepTally per step index (-1: while the session opens or closes). */
export class TallyBook {
  private readonly steps = new Map<number, StepTally>();
  add(e: TranscriptEntry): void {
    let t = this.steps.get(e.step);
    if (!t) this.steps.set(e.step, (t = new StepTally()));
    t.add(e);
  }
  forStep(step: number): StepTally {
    return this.steps.get(step) ?? new StepTally();
  }
  /** The step's tally, made now if nothing was recorded for it yet (to register watches before it runs). */
  open(step: number): StepTally {
    let t = this.steps.get(step);
    if (!t) this.steps.set(step, (t = new StepTally()));
    return t;
  }
}

// Load metrics: one HDR histogram (hdr-histogram-js, microsecond resolution, 3 significant digits) per
// phase (cold / warm) and name (requests, iteration, ready, first_result, first_elicitation, a JSON-RPC
// method or tools/call:NAME, scenario:NAME), plus counters: iterations, failures by cause and by check.
// Memory is bounded whatever the run's length: histograms are fixed-size, the cause and check tables are
// capped, nothing per iteration is kept. Histograms travel in the JSON report compressed (the HdrHistogram
// base64 encoding) so shards merge losslessly.
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { percentileOf, type ThresholdSource } from './thresholds.js';

export type Phase = 'cold' | 'warm';
export const PHASES: readonly Phase[] = ['cold', 'warm'];

/** Latencies up to an hour, in microseconds. */
const HIGHEST_US = 3_600_000_000;
const MAX_TABLE = 200;

function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, bitBucketSize: 32, autoResize: true });
}

export interface Tally {
  count: number;
  /** The first message seen (redacted by the report), to read a cause without the wire. */
  example: string;
}

export interface LatencySummary {
  count: number;
  min: number;
  avg: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** The metrics as they travel in the JSON report. */
export interface MetricsJson {
  iterations: Record<Phase, number>;
  failedIterations: Record<Phase, number>;
  /** Cut short by Ctrl-C or the graceful stop: neither passed nor failed, not in any latency. */
  interruptedIterations: number;
  requests: number;
  failedRequests: number;
  scenarios: Record<string, { iterations: number; failed: number }>;
  /** Failed iterations by first cause: `HTTP 503`, `JSON-RPC -32603`, `timeout`, `connect`, `expectation json`. */
  errors: Record<string, Tally>;
  /** Failed iterations by check: `scenario › step › check`. */
  failedChecks: Record<string, Tally>;
  /** `phase|name` -> HdrHistogram compressed base64 (microseconds). */
  histograms: Record<string, string>;
}

export class LoadMetrics implements ThresholdSource {
  readonly histograms = new Map<string, Histogram>();
  iterationsBy: Record<Phase, number> = { cold: 0, warm: 0 };
  failedBy: Record<Phase, number> = { cold: 0, warm: 0 };
  interrupted = 0;
  requests = 0;
  failedRequests = 0;
  readonly scenarios = new Map<string, { iterations: number; failed: number }>();
  readonly errors = new Map<string, Tally>();
  readonly failedChecks = new Map<string, Tally>();
  /** Wall time the metrics cover (set by the engine, or by merge-reports from the shards' times). */
  elapsedMs = 0;

  get iterations(): number {
    return this.iterationsBy.cold + this.iterationsBy.warm;
  }

  get failedIterations(): number {
    return this.failedBy.cold + this.failedBy.warm;
  }

  record(phase: Phase, name: string, ms: number): void {
    const key = `${phase}|${name}`;
    let h = this.histograms.get(key);
    if (!h) this.histograms.set(key, (h = newHistogram()));
    h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
  }

  tally(table: 'errors' | 'failedChecks', key: string, example: string): void {
    const map = this[table];
    const k = map.has(key) || map.size < MAX_TABLE ? key : 'other';
    const t = map.get(k);
    if (t) t.count++;
    else map.set(k, { count: 1, example: example.length > 300 ? `${example.slice(0, 300)}…` : example });
  }

  scenario(name: string, failed: boolean): void {
    const s = this.scenarios.get(name) ?? { iterations: 0, failed: 0 };
    s.iterations++;
    if (failed) s.failed++;
    if (this.scenarios.has(name) || this.scenarios.size < MAX_TABLE) this.scenarios.set(name, s);
  }

  /** The histogram for a threshold metric: `cold.ready`, `warm.requests`, `tools/call:noop` (both phases). */
  histogramFor(metric: string): Histogram | undefined {
    const m = /^(cold|warm)\.(.+)$/.exec(metric);
    const phases: readonly Phase[] = m ? [m[1] as Phase] : PHASES;
    const name = m ? m[2]! : metric;
    const parts = phases.map((p) => this.histograms.get(`${p}|${name}`)).filter((h): h is Histogram => !!h && h.totalCount > 0);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return parts[0];
    const sum = newHistogram();
    for (const h of parts) sum.add(h);
    return sum;
  }

  summary(metric: string): LatencySummary | undefined {
    const h = this.histogramFor(metric);
    if (!h) return undefined;
    const at = (p: number) => h.getValueAtPercentile(p) / 1000;
    return { count: h.totalCount, min: h.minNonZeroValue / 1000, avg: h.mean / 1000, p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: h.maxValue / 1000 };
  }

  latency(metric: string, aggregate: string): number | null {
    const h = this.histogramFor(metric);
    if (!h) return null;
    if (aggregate === 'count') return h.totalCount;
    if (aggregate === 'min') return h.minNonZeroValue / 1000;
    if (aggregate === 'max') return h.maxValue / 1000;
    if (aggregate === 'avg') return h.mean / 1000;
    const p = percentileOf(aggregate);
    return p === undefined ? null : h.getValueAtPercentile(p) / 1000;
  }

  /** Metric names with samples, as thresholds spell them. */
  known(): string[] {
    const names = new Set<string>();
    for (const [key, h] of this.histograms) {
      if (h.totalCount === 0) continue;
      const [phase, name] = key.split('|') as [Phase, string];
      names.add(name);
      names.add(`${phase}.${name}`);
    }
    return [...names].sort();
  }

  /** Names (without phase) with samples in either phase, in a stable reading order. */
  names(): string[] {
    const order = (n: string) =>
      n === 'ready' ? 0 : n === 'first_result' ? 1 : n === 'iteration' ? 2 : n === 'requests' ? 3 : n.startsWith('first_') ? 5 : n.startsWith('scenario:') ? 6 : 4;
    const names = new Set([...this.histograms.keys()].map((k) => k.split('|')[1]!));
    return [...names].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  }

  merge(other: LoadMetrics): void {
    for (const p of PHASES) {
      this.iterationsBy[p] += other.iterationsBy[p];
      this.failedBy[p] += other.failedBy[p];
    }
    this.interrupted += other.interrupted;
    this.requests += other.requests;
    this.failedRequests += other.failedRequests;
    for (const [name, s] of other.scenarios) {
      const mine = this.scenarios.get(name) ?? { iterations: 0, failed: 0 };
      this.scenarios.set(name, { iterations: mine.iterations + s.iterations, failed: mine.failed + s.failed });
    }
    for (const table of ['errors', 'failedChecks'] as const) {
      for (const [k, t] of other[table]) {
        const mine = this[table].get(k);
        if (mine) mine.count += t.count;
        else this[table].set(k, { ...t });
      }
    }
    for (const [key, h] of other.histograms) {
      let mine = this.histograms.get(key);
      if (!mine) this.histograms.set(key, (mine = newHistogram()));
      mine.add(h);
    }
  }

  toJSON(): MetricsJson {
    return {
      iterations: { ...this.iterationsBy },
      failedIterations: { ...this.failedBy },
      interruptedIterations: this.interrupted,
      requests: this.requests,
      failedRequests: this.failedRequests,
      scenarios: Object.fromEntries(this.scenarios),
      errors: Object.fromEntries(this.errors),
      failedChecks: Object.fromEntries(this.failedChecks),
      histograms: Object.fromEntries([...this.histograms].map(([k, h]) => [k, hdr.encodeIntoCompressedBase64(h)])),
    };
  }

  static fromJSON(j: MetricsJson): LoadMetrics {
    const m = new LoadMetrics();
    m.iterationsBy = { cold: j.iterations.cold, warm: j.iterations.warm };
    m.failedBy = { cold: j.failedIterations.cold, warm: j.failedIterations.warm };
    m.interrupted = j.interruptedIterations;
    m.requests = j.requests;
    m.failedRequests = j.failedRequests;
    for (const [k, v] of Object.entries(j.scenarios)) m.scenarios.set(k, { ...v });
    for (const [k, v] of Object.entries(j.errors)) m.errors.set(k, { ...v });
    for (const [k, v] of Object.entries(j.failedChecks)) m.failedChecks.set(k, { ...v });
    for (const [k, v] of Object.entries(j.histograms)) {
      const h = newHistogram();
      h.add(hdr.decodeFromCompressedBase64(v, 32));
      m.histograms.set(k, h);
    }
    return m;
  }
}

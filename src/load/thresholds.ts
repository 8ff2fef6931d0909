// Thresholds, as k6 users write them: `p99<500ms`, `tools/call:plan_trip p95<2s`, `errors<0.1%`,
// `cold.ready p99<3s`, `throughput>100`. Parsed before the run (a typo is exit 2), evaluated on the
// final metrics (and again by merge-reports on the merged ones), each with the value it saw.
//
//   THRESHOLD := [METRIC " "] AGGREGATE OP VALUE
//   METRIC    := [cold. | warm.] NAME   (latency: requests (default), iteration, ready, first_result,
//                first_elicitation, first_progress, first_sampling, a JSON-RPC method such as
//                tools/call or tools/call:NAME, scenario:NAME)  |  errors | throughput | iterations
//   AGGREGATE := p50 p90 p95 p99 p99.9 p(N) min max avg mean med count  (errors: rate count;
//                throughput / iterations: rate count)
//   OP        := < <= > >= ==
//   VALUE     := a duration (500ms, 2s, 1m, 250us; bare = ms) for latency, N% or a fraction for
//                rates, a number for counts and per-second rates
import { UsageError } from '../errors.js';

export type Op = '<' | '<=' | '>' | '>=' | '==';

export interface Threshold {
  /** As the user wrote it. */
  expression: string;
  /** `requests`, `cold.ready`, `tools/call:plan_trip`, `errors`, `throughput`, `iterations`. */
  metric: string;
  /** `p99`, `p99.9`, `max`, `avg`, `count`, `rate`. */
  aggregate: string;
  op: Op;
  /** In ms for latency, a fraction for error rates, per second for throughput, a count otherwise. */
  value: number;
  /** True when the user did not write it (the default `errors==0`). */
  implicit?: boolean;
}

export interface ThresholdResult extends Threshold {
  ok: boolean;
  /** The value seen, in the threshold's unit, or null when there were no samples. */
  actual: number | null;
  /** One line: what was seen, or why it could not be judged. */
  detail: string;
}

const COUNTERS = new Set(['errors', 'throughput', 'iterations']);
const LATENCY_AGGREGATES = /^(p\(\d+(?:\.\d+)?\)|p\d+(?:\.\d+)?|min|max|avg|mean|med|count)$/;
const GRAMMAR = /^(?:(\S+)\s+)?([a-z_]+|p\d+(?:\.\d+)?|p\(\d+(?:\.\d+)?\))\s*(<=|>=|==|<|>|=)\s*(\S+)$/i;

export const THRESHOLD_HELP = `p99<500ms · tools/call:plan_trip p95<2s · errors<0.1% · cold.ready p99<3s · warm.requests p50<50ms · throughput>100 · iterations count>=1000`;

export function parseThresholds(expressions: string[]): Threshold[] {
  const out = expressions.flatMap((e) => e.split(/\s*;\s*/)).filter((e) => e.trim()).map(parseThreshold);
  return out;
}

export function parseThreshold(expression: string): Threshold {
  const text = expression.trim();
  const m = GRAMMAR.exec(text);
  const bad = (why: string) => new UsageError(`--threshold "${expression}": ${why}; e.g. ${THRESHOLD_HELP}`);
  const phased = /^(cold|warm)\.(errors|throughput|iterations)\b/.exec(text);
  if (phased) throw bad(`${phased[2]} is counted for the whole run; drop the ${phased[1]}. prefix`);
  if (!m) throw bad('expected [METRIC] AGGREGATE OP VALUE');
  let [, metric, aggregate, op, raw] = m as unknown as [string, string | undefined, string, string, string];
  aggregate = aggregate.toLowerCase();
  if (op === '=') op = '==';
  if (metric === undefined && COUNTERS.has(aggregate)) {
    metric = aggregate;
    aggregate = metric === 'iterations' ? 'count' : 'rate';
  }
  metric ??= 'requests';
  const base = metric.replace(/^(cold|warm)\./, '');
  if (COUNTERS.has(base)) {
    if (base !== metric) throw bad(`${base} is counted for the whole run; drop the ${metric.split('.')[0]}. prefix`);
    if (aggregate !== 'rate' && aggregate !== 'count') throw bad(`${metric} takes rate or count`);
    const value = base === 'errors' && aggregate === 'rate' ? parseRate(raw) : Number(raw);
    if (value === undefined || !Number.isFinite(value) || value < 0) throw bad(base === 'errors' && aggregate === 'rate' ? `"${raw}" is not a rate (0.1% or 0.001)` : `"${raw}" is not a number`);
    return { expression: text, metric, aggregate, op: op as Op, value };
  }
  if (!LATENCY_AGGREGATES.test(aggregate)) throw bad(`unknown aggregate "${aggregate}" for a latency (p50, p90, p95, p99, p(99.9), min, max, avg, med, count)`);
  if (percentileOf(aggregate) !== undefined && percentileOf(aggregate)! > 100) throw bad(`${aggregate} is past p100`);
  if (aggregate === 'count') {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw bad(`"${raw}" is not a count`);
    return { expression: text, metric, aggregate, op: op as Op, value };
  }
  const value = parseLatency(raw);
  if (value === undefined) throw bad(`"${raw}" is not a duration (250us, 500ms, 2s, 1m; a bare number is ms)`);
  return { expression: text, metric, aggregate: aggregate === 'mean' ? 'avg' : aggregate === 'med' ? 'p50' : aggregate, op: op as Op, value };
}

/** The percentile an aggregate names (`p99` -> 99, `p(99.9)` -> 99.9), or undefined. */
export function percentileOf(aggregate: string): number | undefined {
  const m = /^p\(?(\d+(?:\.\d+)?)\)?$/.exec(aggregate);
  return m ? Number(m[1]) : undefined;
}

function parseLatency(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m)?$/.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'us' || m[2] === 'µs' ? n / 1000 : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
}

function parseRate(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(%)?$/.exec(raw);
  if (!m) return undefined;
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

/** Without an `errors` threshold, every iteration must pass: a test tool does not hide failures. */
export function withDefaultThresholds(thresholds: Threshold[]): Threshold[] {
  if (thresholds.some((t) => t.metric === 'errors')) return thresholds;
  return [...thresholds, { expression: 'errors==0', metric: 'errors', aggregate: 'count', op: '==', value: 0, implicit: true }];
}

export function compare(actual: number, op: Op, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
  }
}

/** What a threshold evaluator needs from the metrics (metrics.ts implements it). */
export interface ThresholdSource {
  /** A latency aggregate in ms (count as a number), or null when the metric has no samples. */
  latency(metric: string, aggregate: string): number | null;
  iterations: number;
  failedIterations: number;
  requests: number;
  elapsedMs: number;
  /** Metric names that have samples, for "did you mean". */
  known(): string[];
}

export function evaluateThresholds(thresholds: Threshold[], src: ThresholdSource): ThresholdResult[] {
  return thresholds.map((t): ThresholdResult => {
    const seconds = Math.max(src.elapsedMs, 1) / 1000;
    if (t.metric === 'errors') {
      const actual = t.aggregate === 'count' ? src.failedIterations : src.iterations ? src.failedIterations / src.iterations : null;
      if (actual === null) return { ...t, ok: false, actual, detail: 'no iterations completed, so there is no error rate to judge' };
      const shown = t.aggregate === 'count' ? `${actual}` : `${(actual * 100).toFixed(2)}%`;
      return { ...t, ok: compare(actual, t.op, t.value), actual, detail: `errors ${t.aggregate === 'count' ? '' : 'rate '}${shown} (${src.failedIterations} of ${src.iterations} iterations failed)` };
    }
    if (t.metric === 'throughput' || t.metric === 'iterations') {
      const n = t.metric === 'throughput' ? src.requests : src.iterations;
      const actual = t.aggregate === 'count' ? n : n / seconds;
      const unit = t.metric === 'throughput' ? 'requests' : 'iterations';
      return { ...t, ok: compare(actual, t.op, t.value), actual, detail: t.aggregate === 'count' ? `${n} ${unit}` : `${actual.toFixed(1)} ${unit}/s (${n} in ${seconds.toFixed(1)}s)` };
    }
    const actual = src.latency(t.metric, t.aggregate);
    if (actual === null) {
      const known = src.known();
      return { ...t, ok: false, actual, detail: `no samples for ${t.metric}${known.length ? ` (metrics with samples: ${known.join(', ')})` : ''}` };
    }
    const shown = t.aggregate === 'count' ? String(actual) : formatMs(actual);
    return { ...t, ok: compare(actual, t.op, t.value), actual, detail: `${t.metric} ${t.aggregate} = ${shown}` };
  });
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  return `${ms.toFixed(2)}ms`;
}

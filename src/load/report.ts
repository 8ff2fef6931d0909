// The load report: what a run (or several shards, merged) measured, as one JSON-ready value. The raw
// histograms travel inside (metrics.histograms) so `merge-reports` can add shards losslessly and
// re-apply thresholds; everything else here is derived from them.
import { UsageError } from '../errors.js';
import type { TargetSummary } from '../results.js';
import { LoadMetrics, PHASES, type LatencySummary, type MetricsJson } from './metrics.js';
import type { LoadMode } from './options.js';
import { evaluateThresholds, parseThresholds, withDefaultThresholds, type Threshold, type ThresholdResult } from './thresholds.js';

export const LOAD_REPORT_SCHEMA_VERSION = 1;

export interface LoadConfig {
  mode: LoadMode;
  /** Virtual users of the whole run (all shards). */
  concurrency: number;
  /** The logical virtual users (0-based) this report covers. */
  users: number[];
  shard: { index: number; count: number } | null;
  durationMs: number | null;
  iterations: number | null;
  rampUpMs: number;
  rate: number | null;
  sessionIterations: number | null;
  timeoutMs: number;
  scenarios: string[];
}

export type StopReason = 'duration' | 'iterations' | 'interrupted' | 'connect';

export interface LoadReport {
  tool: 'mcp-verify';
  kind: 'load';
  schemaVersion: number;
  version: string;
  target: TargetSummary;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  config: LoadConfig;
  stoppedBy: StopReason;
  interrupted: boolean;
  connectError?: string;
  warnings: string[];
  summary: {
    iterations: number;
    coldIterations: number;
    warmIterations: number;
    failedIterations: number;
    interruptedIterations: number;
    errorRate: number;
    requests: number;
    failedRequests: number;
    iterationsPerSecond: number;
    requestsPerSecond: number;
  };
  /** Derived percentiles (ms) by metric name as thresholds spell it: `cold.ready`, `warm.requests`, `tools/call:noop`. */
  latency: Record<string, LatencySummary>;
  /** The thresholds as given (without the default), so merge-reports can re-apply them. */
  thresholdsGiven: string[];
  thresholds: ThresholdResult[];
  /** Every threshold held (and nothing stopped the run early). */
  passed: boolean;
  metrics: MetricsJson;
  /** The load generator's own cost (this process; summed over merged shards): CPU time and peak RSS. */
  generator: { cpuMs: number; maxRssMiB: number };
  /** Merged reports: the parts. */
  parts?: { shard: { index: number; count: number } | null; users: number; startedAt: string; endedAt: string }[];
}

export interface ReportInput {
  version: string;
  target: TargetSummary;
  startedAt: number;
  endedAt: number;
  config: LoadConfig;
  stoppedBy: StopReason;
  connectError?: string;
  warnings: string[];
  metrics: LoadMetrics;
  thresholds: Threshold[];
  generator: LoadReport['generator'];
  /** False when this shard was given no iterations at all (more users than --iterations). */
  expectWork?: boolean;
  parts?: LoadReport['parts'];
}

export function buildReport(input: ReportInput): LoadReport {
  const m = input.metrics;
  const durationMs = Math.max(0, input.endedAt - input.startedAt);
  m.elapsedMs = durationMs;
  const seconds = Math.max(durationMs, 1) / 1000;
  const latency: Record<string, LatencySummary> = {};
  for (const name of m.names()) {
    for (const metric of [...PHASES.map((p) => `${p}.${name}`), name]) {
      const s = m.summary(metric);
      if (s) latency[metric] = s;
    }
  }
  const thresholds = evaluateThresholds(withDefaultThresholds(input.thresholds), m);
  const interrupted = input.stoppedBy === 'interrupted';
  // Nothing measured is not a pass: a run that completed no iteration says so and fails.
  if (m.iterations === 0 && !interrupted && !input.connectError && input.expectWork !== false) {
    thresholds.push({ expression: 'iterations>0', metric: 'iterations', aggregate: 'count', op: '>', value: 0, implicit: true, ok: false, actual: 0, detail: 'no iteration completed: nothing was measured' });
  }
  return {
    tool: 'mcp-verify',
    kind: 'load',
    schemaVersion: LOAD_REPORT_SCHEMA_VERSION,
    version: input.version,
    target: input.target,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: new Date(input.endedAt).toISOString(),
    durationMs,
    config: input.config,
    stoppedBy: input.stoppedBy,
    interrupted,
    ...(input.connectError ? { connectError: input.connectError } : {}),
    warnings: input.warnings,
    summary: {
      iterations: m.iterations,
      coldIterations: m.iterationsBy.cold,
      warmIterations: m.iterationsBy.warm,
      failedIterations: m.failedIterations,
      interruptedIterations: m.interrupted,
      errorRate: m.iterations ? m.failedIterations / m.iterations : 0,
      requests: m.requests,
      failedRequests: m.failedRequests,
      iterationsPerSecond: round(m.iterations / seconds),
      requestsPerSecond: round(m.requests / seconds),
    },
    latency,
    thresholdsGiven: input.thresholds.map((t) => t.expression),
    thresholds,
    passed: thresholds.every((t) => t.ok) && !input.connectError,
    generator: input.generator,
    metrics: m.toJSON(),
    ...(input.parts ? { parts: input.parts } : {}),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Reads what `--reporter json=F` wrote; anything else is a usage error naming the file. */
export function parseLoadReport(text: string, file: string): LoadReport {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = j as Partial<LoadReport>;
  if (!r || typeof r !== 'object' || r.kind !== 'load' || r.tool !== 'mcp-verify') {
    throw new UsageError(`${file}: not an mcp-verify load report (write one with: mcp-verify load ... --reporter json=${file})`);
  }
  if (r.schemaVersion !== LOAD_REPORT_SCHEMA_VERSION) throw new UsageError(`${file}: load report schemaVersion ${r.schemaVersion}; this mcp-verify reads ${LOAD_REPORT_SCHEMA_VERSION}`);
  if (!r.metrics || typeof r.metrics.histograms !== 'object' || !r.config || !Array.isArray(r.config.users)) throw new UsageError(`${file}: the load report has no metrics or config (was it cut short?)`);
  return r as LoadReport;
}

/**
 * Shards (or any load reports of the same test) merged: histograms added, counts summed, wall time
 * from the earliest start to the latest end, thresholds re-applied. A virtual user in two reports is
 * an error (it would count twice); a missing shard is a warning.
 */
export function mergeReports(reports: { report: LoadReport; file: string }[], thresholds: Threshold[] | undefined, version: string): LoadReport {
  if (reports.length === 0) throw new UsageError('merge-reports needs at least one report');
  const first = reports[0]!.report;
  const warnings: string[] = [];
  const seen = new Map<number, string>();
  const metrics = new LoadMetrics();
  for (const { report, file } of reports) {
    const c = report.config;
    if (c.concurrency !== first.config.concurrency || c.mode !== first.config.mode) {
      throw new UsageError(`${file}: --mode ${c.mode} --concurrency ${c.concurrency} differs from ${reports[0]!.file} (--mode ${first.config.mode} --concurrency ${first.config.concurrency}): these are not shards of one run`);
    }
    for (const u of c.users) {
      const other = seen.get(u);
      if (other !== undefined) throw new UsageError(`${file}: virtual user ${u + 1} is also in ${other}; merging would count it twice (the same shard given twice?)`);
      seen.set(u, file);
    }
    if (report.target.url !== first.target.url) warnings.push(`${file} ran against ${report.target.url}, not ${first.target.url}`);
    for (const w of report.warnings) if (!warnings.includes(w)) warnings.push(w);
    metrics.merge(LoadMetrics.fromJSON(report.metrics));
  }
  if (seen.size < first.config.concurrency) {
    warnings.push(`the reports cover ${seen.size} of ${first.config.concurrency} virtual users (a shard is missing?)`);
  }
  const startedAt = Math.min(...reports.map((r) => Date.parse(r.report.startedAt)));
  const endedAt = Math.max(...reports.map((r) => Date.parse(r.report.endedAt)));
  const stops = reports.map((r) => r.report.stoppedBy);
  const stoppedBy: StopReason = stops.includes('connect') ? 'connect' : stops.includes('interrupted') ? 'interrupted' : first.stoppedBy;
  // Without --threshold, the thresholds the shards ran with (they are the same in a CI matrix).
  const given = thresholds ?? parseThresholds([...new Set(reports.flatMap((r) => r.report.thresholdsGiven))]);
  return buildReport({
    version,
    target: first.target,
    startedAt,
    endedAt,
    config: { ...first.config, users: [...seen.keys()].sort((a, b) => a - b), shard: null },
    stoppedBy,
    connectError: reports.find((r) => r.report.connectError)?.report.connectError,
    warnings,
    metrics,
    thresholds: given,
    generator: {
      cpuMs: reports.reduce((a, r) => a + (r.report.generator?.cpuMs ?? 0), 0),
      maxRssMiB: Math.max(0, ...reports.map((r) => r.report.generator?.maxRssMiB ?? 0)),
    },
    parts: reports.map(({ report }) => ({ shard: report.config.shard, users: report.config.users.length, startedAt: report.startedAt, endedAt: report.endedAt })),
  });
}

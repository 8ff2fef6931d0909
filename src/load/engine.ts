// The load engine: virtual users running iterations until the run's bound, paced and ramped, each
// iteration's outcome folded into the metrics at once (nothing per iteration is kept: memory stays
// flat over long runs). Deterministic partition: iteration k (0-based, of the whole run) belongs to
// logical virtual user k mod concurrency, and iteration k runs scenario k mod S; a shard runs its users
// with their iterations, so shards merged count exactly what one run of the whole counts.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetSummary } from '../results.js';
import type { LoadedScenario } from '../scenario/loader.js';
import type { VariableSources } from '../scenario/variables.js';
import type { Target } from '../target/target.js';
import { planScenario } from '../run/plan.js';
import { runIteration, type IterationResult, type LoadSession, type SessionSettings } from './iteration.js';
import { LoadMetrics } from './metrics.js';
import { shardUsers, type LoadOptions } from './options.js';
import { buildReport, type LoadConfig, type LoadReport, type StopReason } from './report.js';

export interface LoadSnapshot {
  elapsedMs: number;
  /** Planned length (ms), when --duration bounds the run. */
  plannedMs?: number;
  iterations: number;
  failed: number;
  /** Iterations per second over the last interval. */
  rate: number;
  p50?: number;
  p99?: number;
  activeUsers: number;
  stopping: boolean;
}

export interface LoadBeginInfo {
  target: TargetSummary;
  config: LoadConfig;
  warnings: string[];
}

export interface LoadListener {
  onBegin?(info: LoadBeginInfo): void;
  /** Every status interval (and once at the end): the live status line. */
  onTick?(s: LoadSnapshot): void;
  onEnd?(report: LoadReport): void | Promise<void>;
}

export interface LoadRunInput {
  target: Target;
  /** Redacted target for reports. */
  targetSummary: TargetSummary;
  scenarios: LoadedScenario[];
  options: LoadOptions;
  settings: SessionSettings;
  variables: VariableSources;
  /** Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  listeners: LoadListener[];
  warnings: string[];
  version: string;
  /** How often listeners get a snapshot (ms). */
  tickMs: number;
  /** Applied to the report before listeners see it (secrets). */
  redact: <T>(value: T) => T;
}

/** Open-model pacing: iteration starts spaced 1/rate apart; a late start does not make a burst. */
export class Pacer {
  private next: number;
  late = 0;
  constructor(
    private readonly interval: number,
    start: number,
  ) {
    this.next = start;
  }
  /** Resolves at this caller's slot; false when stopped while waiting. */
  async wait(signal: AbortSignal): Promise<boolean> {
    const now = performance.now();
    if (now > this.next + this.interval) this.late++;
    const slot = Math.max(this.next, now);
    this.next = slot + this.interval;
    return pause(slot - now, signal);
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

export async function runLoad(input: LoadRunInput): Promise<LoadReport> {
  const { options: o, scenarios } = input;
  const metrics = new LoadMetrics();
  const users = shardUsers(o);
  const config: LoadConfig = {
    mode: o.mode,
    concurrency: o.concurrency,
    users,
    shard: o.shard ?? null,
    durationMs: o.durationMs ?? null,
    iterations: o.iterations ?? null,
    rampUpMs: o.rampUpMs,
    rate: o.rate ?? null,
    sessionIterations: o.mode === 'mixed' ? o.sessionIterations : null,
    timeoutMs: o.timeoutMs,
    scenarios: scenarios.map((s) => s.scenario.name),
  };
  const warnings = [...input.warnings];
  // Resolved once, as every command's plan resolves them: kinds, labels, timeouts (step > scenario > run).
  const plans = scenarios.map((s) => planScenario(s, o.timeoutMs));
  for (const l of input.listeners) l.onBegin?.({ target: input.targetSummary, config, warnings });

  const startedAt = Date.now();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // `stop`: start no more iterations. `abort`: cut running ones short (Ctrl-C, or the graceful stop ran out).
  const stop = new AbortController();
  const graceOver = new AbortController();
  const abort = AbortSignal.any([input.signal, graceOver.signal]);
  // Every virtual user waits on these (and every request of theirs on `abort`): not a leak.
  for (const s of [stop.signal, abort, input.signal]) setMaxListeners(0, s);
  let stoppedBy: StopReason = o.durationMs !== undefined ? 'duration' : 'iterations';
  let connectError: string | undefined;
  let opened = 0;
  const timers: NodeJS.Timeout[] = [];
  const stopNow = (why: StopReason) => {
    if (stop.signal.aborted) return;
    stoppedBy = why;
    stop.abort();
    if (why === 'duration' || why === 'iterations') timers.push(setTimeout(() => graceOver.abort(), o.gracefulStopMs).unref());
  };
  const onInterrupt = () => stopNow('interrupted');
  input.signal.addEventListener('abort', onInterrupt, { once: true });
  if (input.signal.aborted) onInterrupt();
  if (o.durationMs !== undefined) timers.push(setTimeout(() => stopNow('duration'), o.durationMs).unref());
  // This shard's share of the whole run's rate.
  const pacer = o.rate !== undefined ? new Pacer(1000 / ((o.rate * users.length) / o.concurrency), t0) : undefined;

  let active = 0;
  let lastTick = { at: t0, iterations: 0 };
  const snapshot = (): LoadSnapshot => {
    const now = performance.now();
    const done = metrics.iterations;
    const s: LoadSnapshot = {
      elapsedMs: now - t0,
      plannedMs: o.durationMs,
      iterations: done,
      failed: metrics.failedIterations,
      rate: ((done - lastTick.iterations) * 1000) / Math.max(1, now - lastTick.at),
      p50: metrics.latency('requests', 'p50') ?? undefined,
      p99: metrics.latency('requests', 'p99') ?? undefined,
      activeUsers: active,
      stopping: stop.signal.aborted,
    };
    lastTick = { at: now, iterations: done };
    return s;
  };
  const ticker = input.tickMs > 0 && input.listeners.some((l) => l.onTick) ? setInterval(() => tick(snapshot()), input.tickMs).unref() : undefined;
  const tick = (s: LoadSnapshot) => {
    for (const l of input.listeners) l.onTick?.(s);
  };

  const record = (r: IterationResult) => {
    if (r.interrupted) {
      metrics.interrupted++;
      return;
    }
    const phase = r.cold ? 'cold' : 'warm';
    metrics.iterationsBy[phase]++;
    if (r.failed) metrics.failedBy[phase]++;
    metrics.scenario(r.scenario, r.failed);
    metrics.record(phase, 'iteration', r.durationMs);
    metrics.record(phase, `scenario:${r.scenario}`, r.durationMs);
    if (r.readyMs !== undefined) metrics.record('cold', 'ready', r.readyMs);
    if (r.cold && r.firstResultMs !== undefined) metrics.record('cold', 'first_result', r.firstResultMs);
    for (const st of r.steps) {
      if (st.verdict === 'skipped') continue;
      metrics.requests++;
      if (st.verdict === 'failed') metrics.failedRequests++;
      metrics.record(phase, 'requests', st.latencyMs);
      metrics.record(phase, st.method, st.latencyMs);
      const colon = st.method.indexOf(':');
      if (colon > 0) metrics.record(phase, st.method.slice(0, colon), st.latencyMs);
      for (const [kind, ms] of Object.entries(st.firsts)) metrics.record(phase, `first_${kind}`, ms);
    }
    if (r.failed) {
      metrics.tally('errors', r.cause ?? 'failed', r.failedChecks[0]?.message ?? 'failed');
      for (const key of new Set(r.failedChecks.map((c) => c.key))) metrics.tally('failedChecks', key, r.failedChecks.find((c) => c.key === key)!.message);
    }
  };

  const virtualUser = async (v: number) => {
    if (!(await pause(o.rampUpMs ? (o.rampUpMs * v) / o.concurrency : 0, stop.signal))) return;
    active++;
    let session: LoadSession | undefined;
    try {
      for (let j = 0; ; j++) {
        const k = v + j * o.concurrency;
        if (o.iterations !== undefined && k >= o.iterations) break;
        if (stop.signal.aborted) break;
        if (pacer && !(await pacer.wait(stop.signal))) break;
        const fresh = !session || o.mode === 'cold' || (o.mode === 'mixed' && session.iterations >= o.sessionIterations);
        if (fresh && session) {
          await session.close();
          session = undefined;
        }
        const planned = plans[k % plans.length]!;
        const variables: VariableSources = { ...input.variables, cli: { ...input.variables.cli, 'load.vu': String(v + 1), 'load.iteration': String(k + 1) } };
        const { result, session: next } = await runIteration({ target: input.target, planned, session, settings: input.settings, variables, signal: abort });
        session = next;
        if (result.readyMs !== undefined) opened++;
        if (result.connectError && opened === 0) {
          // Nothing ever opened: the endpoint is unreachable or refuses us; hammering it teaches nothing.
          connectError ??= result.connectError;
          stopNow('connect');
          graceOver.abort();
        }
        record(result);
        if (o.mode === 'cold' && session) {
          await session.close();
          session = undefined;
        }
      }
    } finally {
      active--;
      await session?.close();
    }
  };

  try {
    await Promise.all(users.map((v) => virtualUser(v)));
  } finally {
    input.signal.removeEventListener('abort', onInterrupt);
    for (const t of timers) clearTimeout(t);
    if (ticker) clearInterval(ticker);
  }
  const endedAt = Date.now();
  if (!stop.signal.aborted) stoppedBy = 'iterations'; // every user ran its share before the duration
  if (pacer && pacer.late > 0) {
    warnings.push(`--rate ${o.rate}/s was not reached: ${pacer.late} iteration(s) started late because every virtual user was busy (raise --concurrency)`);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  // A saturated generator measures its own queueing, not the server: say so rather than report it as latency.
  if (endedAt - startedAt >= 2000 && cpuMs / (endedAt - startedAt) > 0.9) {
    warnings.push(`the load generator was CPU-bound (${Math.round((100 * cpuMs) / (endedAt - startedAt))}% of a core): latencies include its own queueing; use fewer users per machine (--shard across machines)`);
  }
  const assigned = o.iterations === undefined ? users.length : users.filter((v) => v < o.iterations!).length;
  if (assigned === 0) warnings.push(`this shard has no iterations: --iterations ${o.iterations} gives none to its virtual users`);
  const generator = { cpuMs, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
  tick(snapshot());
  const report = input.redact(
    buildReport({ version: input.version, target: input.targetSummary, startedAt, endedAt, config, stoppedBy, connectError, warnings, metrics, thresholds: o.thresholds, generator, expectWork: assigned > 0 }),
  );
  for (const l of input.listeners) await l.onEnd?.(report);
  return report;
}

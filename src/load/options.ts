// `mcp-verify load` settings, resolved once from the flags: how many virtual users, which mode, what
// bounds the run (duration and/or iterations: it always stops by itself), pacing (--rate, --ramp-up),
// this machine's shard of the virtual users, and the thresholds. Every mistake is a usage error (exit 2)
// before anything connects. Durations follow the project's one rule: a bare number is milliseconds,
// or 500ms / 30s / 2m.
import { UsageError } from '../errors.js';
import { parseDuration } from '../scenario/duration.js';
import { parseThresholds, type Threshold } from './thresholds.js';

export type LoadMode = 'cold' | 'warm' | 'mixed';
export const LOAD_MODES: readonly LoadMode[] = ['cold', 'warm', 'mixed'];

/** AgentCore's documented limit: about 25 invocations per second per endpoint (shared/reference/agentcore.md). */
export const AGENTCORE_RATE_LIMIT = 25;

export interface LoadOptions {
  /** Virtual users of the whole run (all shards). */
  concurrency: number;
  mode: LoadMode;
  /** mixed: a virtual user starts a new session every this many iterations. */
  sessionIterations: number;
  /** Stop starting iterations after this long (ms). */
  durationMs?: number;
  /** Iterations of the whole run (all shards); iteration k belongs to virtual user k mod concurrency. */
  iterations?: number;
  /** Virtual user v (0-based) starts at rampUpMs * v / concurrency. */
  rampUpMs: number;
  /** Iteration starts per second for the whole run (all shards), or undefined for as fast as the users go. */
  rate?: number;
  /** 1-based shard of the virtual users, or undefined for all of them. */
  shard?: { index: number; count: number };
  /** After the duration: how long running iterations may take to finish before they are cut off. */
  gracefulStopMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Non-TTY status line interval (ms); 0 turns the periodic lines off. */
  statusIntervalMs: number;
  thresholds: Threshold[];
}

export interface LoadFlags {
  concurrency?: string;
  mode?: string;
  sessionIterations?: string;
  duration?: string;
  iterations?: string;
  rampUp?: string;
  rate?: string;
  shard?: string;
  gracefulStop?: string;
  timeout?: string;
  statusInterval?: string;
  threshold?: string[];
}

export const DEFAULT_DURATION_MS = 30_000;

/** A duration flag: bare number = ms, or 500ms / 30s / 2m; `allowZero` for delays that may be none. */
export function parseLoadDuration(value: string, flag: string, allowZero = false): number {
  // The project's one Duration rule (scenario/duration.ts); delays such as --ramp-up may also be 0.
  if (allowZero && /^0+(?:\.0+)?\s*(ms|s|m)?$/.test(value.trim())) return 0;
  const r = parseDuration(value);
  if ('problem' in r) throw new UsageError(`${flag} ${r.problem}`);
  return r.ms;
}

function positiveInt(value: string | undefined, flag: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 1_000_000_000) throw new UsageError(`${flag} takes a whole number of at least 1 (got "${value}")`);
  return Number(value);
}

export function parseLoadShard(value: string | undefined, concurrency: number): LoadOptions['shard'] {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes i/n with 1 <= i <= n, e.g. --shard 2/4 (got "${value}")`);
  if (count > concurrency) throw new UsageError(`--shard ${value}: ${count} shards cannot split ${concurrency} virtual user(s); use --concurrency ${count} or more`);
  return { index, count };
}

export function resolveLoadOptions(flags: LoadFlags): LoadOptions {
  const concurrency = positiveInt(flags.concurrency, '--concurrency', 10)!;
  if (concurrency > 10_000) throw new UsageError(`--concurrency takes at most 10000 virtual users (got ${concurrency})`);
  const mode = (flags.mode ?? 'warm') as LoadMode;
  if (!LOAD_MODES.includes(mode)) throw new UsageError(`--mode takes cold, warm or mixed (got "${flags.mode}")`);
  const sessionIterations = positiveInt(flags.sessionIterations, '--session-iterations', 10)!;
  if (flags.sessionIterations !== undefined && mode !== 'mixed') throw new UsageError('--session-iterations applies to --mode mixed only');
  const iterations = positiveInt(flags.iterations, '--iterations');
  const durationMs = flags.duration !== undefined ? parseLoadDuration(flags.duration, '--duration') : iterations === undefined ? DEFAULT_DURATION_MS : undefined;
  const rampUpMs = flags.rampUp !== undefined ? parseLoadDuration(flags.rampUp, '--ramp-up', true) : 0;
  if (durationMs !== undefined && rampUpMs > durationMs) throw new UsageError(`--ramp-up (${flags.rampUp}) is longer than --duration (${flags.duration ?? '30s'}): the last users would never start`);
  let rate: number | undefined;
  if (flags.rate !== undefined) {
    const r = /^\d+(?:\.\d+)?(?:\/s)?$/.test(flags.rate.trim()) ? Number(flags.rate.trim().replace(/\/s$/, '')) : NaN;
    if (!Number.isFinite(r) || r <= 0 || r > 1_000_000) throw new UsageError(`--rate takes iterations per second, a number more than zero, e.g. --rate 20 (got "${flags.rate}")`);
    rate = r;
  }
  const shard = parseLoadShard(flags.shard, concurrency);
  const gracefulStopMs = flags.gracefulStop !== undefined ? parseLoadDuration(flags.gracefulStop, '--graceful-stop', true) : 10_000;
  const timeoutMs = flags.timeout !== undefined ? parseLoadDuration(flags.timeout, '--timeout') : 30_000;
  const statusIntervalMs = flags.statusInterval !== undefined ? parseLoadDuration(flags.statusInterval, '--status-interval', true) : 5_000;
  const thresholds = parseThresholds(flags.threshold ?? []);
  return { concurrency, mode, sessionIterations, durationMs, iterations, rampUpMs, rate, shard, gracefulStopMs, timeoutMs, statusIntervalMs, thresholds };
}

/** The logical virtual users (0-based) this machine runs: v with v mod n = i - 1. */
export function shardUsers(opts: Pick<LoadOptions, 'concurrency' | 'shard'>): number[] {
  const all = Array.from({ length: opts.concurrency }, (_, v) => v);
  return opts.shard ? all.filter((v) => v % opts.shard!.count === opts.shard!.index - 1) : all;
}

/** Warnings about the settings and the target, shown in the header and kept in the report. */
export function loadWarnings(opts: LoadOptions, targetKind: 'local' | 'remote'): string[] {
  const out: string[] = [];
  if (targetKind === 'remote') {
    if (opts.rate !== undefined && opts.rate > AGENTCORE_RATE_LIMIT) {
      out.push(
        `--rate ${opts.rate}/s exceeds AgentCore's documented rate of about ${AGENTCORE_RATE_LIMIT} invocations per second per endpoint (every MCP request is one invocation): expect throttling (JSON-RPC -32003)`,
      );
    } else if (opts.rate === undefined) {
      out.push(`no --rate: ${opts.concurrency} virtual user(s) go as fast as the endpoint answers; AgentCore documents about ${AGENTCORE_RATE_LIMIT} invocations per second per endpoint (set --rate to stay under it)`);
    }
  }
  return out;
}

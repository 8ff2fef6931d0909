// The protocol suite: the checks in the order they run, and the runner that turns them into plain
// results. Checks that share a tool run come after the one that makes it, so "every schema seen"
// includes what the concurrent sessions saw.
import type { ProtocolCheck, ProtocolCheckResult } from './check.js';
import { concurrentSessions } from './checks/concurrency.js';
import { acceptHeader, hostHeader, originHeader, protocolVersionHeader } from './checks/headers.js';
import { completionCheck, pingCheck, setLevelCheck, subscribeCheck, toolSchemasCheck } from './checks/utilities.js';
import { progressOrder } from './checks/progress.js';
import { resumption } from './checks/resumption.js';
import { ssePriming } from './checks/sse-priming.js';
import { elicitationSchema, samplingMaxTokens } from './checks/server-requests.js';
import { deletedSession, sessionRequired, unknownSession } from './checks/sessions.js';
import { modernUndeclaredCapability } from './checks/modern-capabilities.js';
import { modernDiscover } from './checks/modern-discover.js';
import { modernMethodHeader, modernNameHeader, modernUnsupportedVersion } from './checks/modern-headers.js';
import { modernInputRequiredScope, modernResultType } from './checks/modern-results.js';
import { modernRetryMissing, modernRoundsComplete, modernTamperedState } from './checks/modern-rounds.js';
import { modernHttpMethods, modernSessionIgnored } from './checks/modern-transport.js';
import { ProtocolContext, type ProtocolOptions } from './context.js';
import { cite } from './spec.js';
import type { Target } from '../target/target.js';
import { describeExchange, exchange, initializeRequest, closeRawSession } from './wire.js';

export const PROTOCOL_CHECKS: ProtocolCheck[] = [
  acceptHeader,
  sessionRequired,
  unknownSession,
  deletedSession,
  protocolVersionHeader,
  originHeader,
  hostHeader,
  pingCheck,
  setLevelCheck,
  completionCheck,
  subscribeCheck,
  toolSchemasCheck,
  concurrentSessions,
  progressOrder,
  elicitationSchema,
  samplingMaxTokens,
  resumption,
  ssePriming,
];

/**
 * The 2026-07-28 checks, run when the suite's era is modern. The two that judge every result seen
 * come last, after the others have made their requests.
 */
export const MODERN_PROTOCOL_CHECKS: ProtocolCheck[] = [
  modernDiscover,
  modernUnsupportedVersion,
  modernMethodHeader,
  modernNameHeader,
  modernHttpMethods,
  modernSessionIgnored,
  modernUndeclaredCapability,
  modernRoundsComplete,
  modernTamperedState,
  modernRetryMissing,
  modernResultType,
  modernInputRequiredScope,
];

/** The checks an era runs: legacy (2025-11-25 sessions) or modern (2026-07-28 requests). */
export function checksFor(era: 'legacy' | 'modern' = 'legacy'): ProtocolCheck[] {
  return era === 'modern' ? MODERN_PROTOCOL_CHECKS : PROTOCOL_CHECKS;
}

export interface SuiteHooks {
  onCheckBegin?(check: ProtocolCheck, index: number): void;
  onCheckEnd?(result: ProtocolCheckResult, index: number): void;
  signal?: AbortSignal;
}

/** Can anything be reached at all? One initialize; a network error means exit 3, nothing else runs. */
export async function probeReachable(target: Target, timeoutMs: number): Promise<{ ok: true; status: number } | { ok: false; error: string; status: number | null }> {
  const x = await exchange(target, { body: initializeRequest(), timeoutMs, until: (m) => m.id === 1 });
  if (x.sessionId) await closeRawSession(target, { init: x, id: x.sessionId, protocolVersion: '2025-11-25', evidence: [] });
  if (x.status === null) return { ok: false, status: null, error: `cannot reach ${target.url}: ${x.error}` };
  if (x.status === 401 || x.status === 403) return { ok: false, status: x.status, error: `${target.url} refused authentication (HTTP ${x.status}) during initialize: ${describeExchange(x)}` };
  return { ok: true, status: x.status };
}

export async function runProtocolChecks(target: Target, options: ProtocolOptions = {}, hooks: SuiteHooks = {}): Promise<ProtocolCheckResult[]> {
  const ctx = new ProtocolContext(target, options);
  const results: ProtocolCheckResult[] = [];
  // A server that does not speak 2026-07-28 gets one reason on every modern row, not a FAIL per rule.
  const discovery = ctx.era === 'modern' ? await ctx.modern.discover() : undefined;
  const notSpoken = discovery && !discovery.speaks ? discovery : undefined;
  for (const [i, check] of checksFor(ctx.era).entries()) {
    if (hooks.signal?.aborted) break;
    hooks.onCheckBegin?.(check, i);
    const started = performance.now();
    let outcome;
    try {
      outcome = notSpoken ? { verdict: 'skipped' as const, message: `not run: ${notSpoken.why}`, evidence: notSpoken.evidence } : await check.run(ctx);
    } catch (e) {
      // A session that could not open mid-suite (or a bug): the check fails with the reason, the rest go on.
      outcome = { verdict: 'failed' as const, message: `could not run: ${(e as Error).message}`, evidence: [] };
    }
    const result: ProtocolCheckResult = { id: check.id, title: check.title, spec: check.spec, ...outcome, durationMs: Math.round(performance.now() - started) };
    if (result.verdict === 'failed' || result.verdict === 'warning') result.message = `${result.message} ${cite(check.spec)}`;
    results.push(result);
    hooks.onCheckEnd?.(result, i);
  }
  return results;
}

// The protocol suite as a scenario suite (`mcp-verify local --suite protocol`): one ScenarioResult per
// check, feature "Protocol", each carrying its spec reference and evidence, through the same
// buildRunResult and RunListeners as YAML scenarios (executeRun calls it for a protocol plan).
import { ConnectError } from '../errors.js';
import { Redactor } from '../redact.js';
import type { RunResult, ScenarioInfo, ScenarioResult, SessionSummary } from '../results.js';
import type { RunListener } from '../run/listeners.js';
import { buildRunResult, targetSummary } from '../run/run-result.js';
import { EraNotSpoken } from '../session/era-client.js';
import { Session } from '../session/session.js';
import type { Target } from '../target/target.js';
import type { ProtocolCheck, ProtocolCheckResult } from './check.js';
import type { ProtocolOptions } from './context.js';
import { PolicyResponder } from './policy-responder.js';
import { checksFor, runProtocolChecks } from './suite.js';

export const PROTOCOL_FEATURE = 'Protocol';
const FILE = 'protocol';

export interface ProtocolSuiteOptions extends ProtocolOptions {
  listeners?: RunListener[];
  signal?: AbortSignal;
}

/** What listeners learn when a check begins: the same plain ScenarioInfo a YAML scenario gives. */
export function checkInfo(check: ProtocolCheck, i: number): ScenarioInfo {
  return { id: `${FILE}#${check.id}`, name: check.title, file: FILE, line: i + 1, feature: PROTOCOL_FEATURE, tags: ['protocol'] };
}

export function checkToScenario(r: ProtocolCheckResult, i: number, session: SessionSummary | null): ScenarioResult {
  return {
    id: `${FILE}#${r.id}`,
    name: r.title,
    file: FILE,
    line: i + 1,
    feature: PROTOCOL_FEATURE,
    tags: ['protocol'],
    status: r.verdict,
    attempts: 1,
    durationMs: r.durationMs,
    session,
    checks: [],
    steps: [
      {
        index: 0,
        id: r.id,
        label: `${r.spec.section} (${r.spec.url})`,
        file: FILE,
        line: i + 1,
        verdict: r.verdict,
        durationMs: r.durationMs,
        checks: [
          {
            name: `protocol.${r.id}`,
            verdict: r.verdict,
            message: r.message,
            ...(r.expected !== undefined ? { expected: r.expected } : {}),
            ...(r.actual !== undefined ? { actual: r.actual } : {}),
          },
        ],
        evidence: [`spec: ${r.spec.section} — ${r.spec.url}`, ...r.evidence],
      },
    ],
    // Reporters show `error` for skipped scenarios as the reason (as the runner does for "not run").
    ...(r.verdict === 'skipped' ? { error: r.message } : {}),
  };
}

export async function runProtocolSuite(target: Target, opts: ProtocolSuiteOptions = {}): Promise<RunResult> {
  const redactor = new Redactor(target.secrets);
  const started = Date.now();
  const summary = redactor.value(targetSummary(target));
  const listeners = opts.listeners ?? [];
  const era = opts.era ?? 'legacy';
  const checks = checksFor(era);
  for (const l of listeners) l.onBegin?.({ target: summary, total: checks.length });

  // One ordinary session first: reachability (exit 3 when nothing answers) and the facts for the header.
  // On 2026-07-28 the client is pinned: a legacy-only server is a connect error that says so in one
  // line (exit 3), and every modern row is skipped with that reason rather than failed.
  let session: SessionSummary | null = null;
  let connectError: string | undefined;
  let notSpoken: string | undefined;
  try {
    const s = await Session.open(target, { responder: new PolicyResponder(), timeoutMs: opts.timeoutMs ?? 30_000, clientName: 'mcp-verify-protocol', era: opts.era ?? 'legacy' });
    const { deleteStatus } = await s.close();
    session = {
      id: s.facts.idAtInitialize,
      format: s.facts.idFormat,
      protocolVersion: s.facts.protocolVersion,
      era: s.facts.era,
      serverName: s.facts.serverName,
      deleteStatus,
      exchanges: s.transcript.exchanges + 1,
    };
  } catch (e) {
    if (!(e instanceof ConnectError)) throw e;
    connectError = redactor.text(e.message);
    // Not a failure of any check: the server speaks the other era (the migration table says "not spoken").
    if (e instanceof EraNotSpoken) notSpoken = connectError;
  }

  const scenarios: ScenarioResult[] = [];
  if (!connectError) {
    await runProtocolChecks(target, opts, {
      signal: opts.signal,
      onCheckBegin: (check, i) => {
        for (const l of listeners) l.onScenarioBegin?.(checkInfo(check, i));
      },
      onCheckEnd: (r, i) => {
        const sr = redactor.value(checkToScenario(r, i, i === 0 ? session : null));
        scenarios.push(sr);
        for (const l of listeners) l.onScenarioEnd?.(sr);
      },
    });
  }
  const interrupted = opts.signal?.aborted ?? false;
  for (const [i, check] of checks.entries()) {
    if (scenarios.some((s) => s.id === `${FILE}#${check.id}`)) continue;
    const reason = notSpoken ? `not run: ${notSpoken}` : connectError ? 'not run: the target could not be reached' : 'interrupted before it ran';
    scenarios.push({ ...checkToScenario({ id: check.id, title: check.title, spec: check.spec, verdict: 'skipped', message: reason, evidence: [], durationMs: 0 }, i, null), status: connectError ? 'skipped' : 'interrupted', attempts: 0 });
  }
  const built = buildRunResult(summary, scenarios, started, interrupted, connectError);
  const run = { ...built, requestedEra: era, ...(notSpoken ? { eraNotSpoken: notSpoken } : {}) };
  for (const l of listeners) await l.onEnd?.(run);
  return run;
}

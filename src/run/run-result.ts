// Building a RunResult from scenario results: counts, features, the first session's facts. Shared by
// the scenario path and the protocol suite, so every reporter sees one shape.
import { RESULTS_SCHEMA_VERSION, type FeatureSummary, type RunResult, type ScenarioResult, type TargetSummary } from '../results.js';
import { FEATURES } from '../scenario/schema.js';
import type { Target } from '../target/target.js';
import { VERSION } from '../version.js';
import { runDiagnosis } from '../scenario/diagnosis.js';

export function targetSummary(target: Target): TargetSummary {
  return { label: target.label, kind: target.kind, url: target.url.toString(), authMethod: target.authMethod, ...(target.details ? { details: target.details } : {}) };
}

export function buildRunResult(target: TargetSummary, scenarios: ScenarioResult[], started: number, interrupted: boolean, connectError?: string): RunResult {
  const firstSession = scenarios.find((s) => s.session)?.session ?? null;
  const count = (st: ScenarioResult['status']) => scenarios.filter((s) => s.status === st).length;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'mcp-verify', version: VERSION },
    target,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    era: firstSession?.era ?? null,
    protocolVersion: firstSession?.protocolVersion ?? null,
    sessionIdFormat: firstSession?.format ?? 'none',
    scenarios,
    features: summarizeFeatures(scenarios),
    ...(runDiagnosis(scenarios) ? { diagnosis: runDiagnosis(scenarios) } : {}),
    summary: {
      total: scenarios.length,
      warnings: count('warning'),
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      flaky: count('flaky'),
      interrupted: count('interrupted'),
      expectedFailures: count('expected-failure'),
    },
    interrupted,
    ...(connectError ? { connectError } : {}),
  };
}

/** One verdict per feature; Session ID Persistence also takes every scenario's session checks. */
export function summarizeFeatures(scenarios: ScenarioResult[]): FeatureSummary[] {
  const names = [...FEATURES, ...new Set(scenarios.map((s) => s.feature).filter((f): f is string => !!f && !(FEATURES as readonly string[]).includes(f)))];
  const out: FeatureSummary[] = [];
  for (const feature of names) {
    const all = scenarios.filter((s) => s.feature === feature);
    const mine = all.filter((s) => s.status !== 'skipped');
    let failed = mine.filter((s) => s.status === 'failed' || s.status === 'interrupted').length;
    let warned = mine.filter((s) => s.status === 'warning').length;
    let total = mine.length;
    if (feature === 'Session ID Persistence') {
      const others = scenarios.filter((s) => s.feature !== feature && s.status !== 'skipped' && s.checks.some((c) => c.name.startsWith('session.')));
      total += others.length;
      failed += others.filter((s) => s.checks.some((c) => c.name.startsWith('session.') && c.verdict === 'failed')).length;
      warned += others.filter((s) => s.checks.some((c) => c.name.startsWith('session.') && c.verdict === 'warning')).length;
    }
    // A row whose scenarios were all skipped shows nothing about the server: SKIP, never PASS.
    if (total === 0) {
      if (all.length) out.push({ feature, verdict: 'skipped', scenarios: all.length, failed: 0 });
      continue;
    }
    out.push({ feature, verdict: failed ? 'failed' : warned ? 'warning' : 'passed', scenarios: total, failed, ...(warned ? { warned } : {}) });
  }
  return out;
}

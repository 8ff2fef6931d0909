// The TAP 14 report: one test point per scenario, its steps as an indented subtest, and YAML
// diagnostics (the expectation, what was seen, file and line, transcript lines) under each failure.
// Expected failures are TODO (TAP's word for a known failure); capability skips are SKIP.
import { stringify } from 'yaml';
import type { RunResult, ScenarioResult, StepResult } from '../results.js';
import { describeUsage } from './llm-usage.js';

export function renderTap(run: RunResult): string {
  const out: string[] = ['TAP version 14', `1..${run.scenarios.length}`];
  if (run.connectError) out.push(`# ${oneLine(run.connectError)}`);
  run.scenarios.forEach((s, i) => out.push(...scenarioLines(s, i + 1)));
  if (run.diagnosis) out.push(`# diagnosis: ${oneLine(run.diagnosis)}`);
  out.push(`# ${run.summary.passed + run.summary.flaky + (run.summary.warnings ?? 0)} passed, ${run.summary.failed} failed, ${run.summary.warnings ?? 0} with warnings, ${run.summary.skipped} skipped, ${run.summary.expectedFailures} expected failures`);
  return out.join('\n') + '\n';
}

function scenarioLines(s: ScenarioResult, n: number): string[] {
  const lines: string[] = [];
  const xfail = s.status === 'expected-failure';
  if (s.steps.length) {
    lines.push(`# Subtest: ${desc(s.name)}`);
    lines.push(`    1..${s.steps.length}`);
    s.steps.forEach((st, i) => lines.push(...stepLines(st, i + 1, xfail).map((l) => `    ${l}`)));
  }
  const diag: Record<string, unknown> = { file: s.file, line: s.line, status: s.status };
  if (s.session?.id) diag.session = s.session.id;
  if (s.error) diag.message = s.error;
  const failedChecks = s.checks.filter((c) => c.verdict === 'failed');
  if (failedChecks.length) diag.checks = failedChecks.map((c) => ({ name: c.name, message: c.message, ...(c.expected !== undefined ? { expected: c.expected } : {}) }));
  if (s.status === 'flaky') Object.assign(diag, { attempts: s.attempts, failedAttempts: s.failedAttempts ?? [] });
  if (s.diagnosis) diag.diagnosis = s.diagnosis;
  const ok = s.status === 'passed' || s.status === 'flaky' || s.status === 'skipped' || s.status === 'warning';
  const directive = s.status === 'skipped' ? ` # SKIP ${oneLine(s.error ?? 'not run')}` : xfail ? ' # TODO expected failure' : '';
  lines.push(`${ok ? 'ok' : 'not ok'} ${n} - ${desc(s.name)}${directive}`);
  if (s.status !== 'passed' && s.status !== 'skipped' && s.status !== 'warning') lines.push(...yamlBlock(diag));
  for (const c of s.checks.filter((x) => x.verdict === 'warning')) lines.push(`# warning: ${oneLine(`${c.name}: ${c.message ?? ''}`)}`);
  return lines;
}

function stepLines(st: StepResult, n: number, xfail: boolean): string[] {
  const label = desc(`${st.id}: ${st.label}${st.description ? ` — ${st.description}` : ''}`);
  if (st.verdict === 'skipped') return [`ok ${n} - ${label} # SKIP ${oneLine(st.checks[0]?.message ?? 'skipped')}`];
  const usage = st.llm ? [`# llm: ${oneLine(describeUsage(st.llm))}`] : [];
  if (st.verdict === 'passed') return [`ok ${n} - ${label}`, ...usage];
  // TAP has no warning directive: a passing point with a comment per warning (fix included).
  if (st.verdict === 'warning') return [`ok ${n} - ${label}`, ...usage, ...st.checks.filter((c) => c.verdict === 'warning').map((c) => `# warning: ${oneLine(`${c.name}: ${c.message ?? ''}${c.fix ? ` (${c.fix})` : ''}`)} at ${st.file}:${st.line}`)];
  const failed = st.checks.filter((c) => c.verdict === 'failed');
  const diag: Record<string, unknown> = {
    message: failed.map((c) => `${c.name}: ${c.message ?? 'failed'}`).join('; '),
    severity: 'fail',
    at: { file: st.file, line: st.line },
  };
  const first = failed.find((c) => c.expected !== undefined || c.actual !== undefined);
  if (first?.expected !== undefined) diag.expected = first.expected;
  if (first?.actual !== undefined) diag.actual = first.actual;
  const withDiff = failed.find((c) => c.diff?.length);
  if (withDiff) diag.diff = withDiff.diff!.join('\n');
  if (st.evidence?.length) diag.transcript = st.evidence.slice(-20);
  if (st.llm) diag.llm = st.llm;
  if (st.serverOutput?.length) diag.serverOutput = st.serverOutput;
  return [`not ok ${n} - ${label}${xfail ? ' # TODO expected failure' : ''}`, ...yamlBlock(diag)];
}

function yamlBlock(v: Record<string, unknown>): string[] {
  const body = stringify(v, { lineWidth: 0 }).trimEnd().split('\n');
  return ['  ---', ...body.map((l) => `  ${l}`), '  ...'];
}

/** A description may not contain an unescaped "#" (it would start a directive) or a newline. */
function desc(s: string): string {
  return oneLine(s).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

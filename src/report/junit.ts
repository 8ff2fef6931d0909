// The JUnit XML report, in the shape CI systems read (Jenkins, GitLab, GitHub test-report actions,
// Azure): <testsuites> → one <testsuite> per scenario → one <testcase> per step, plus a "session"
// testcase for the scenario-level checks. A failure carries the expectation and what was seen; the
// (redacted) transcript lines behind it go to <system-out>. Expected failures are <skipped> (as pytest
// reports xfail); a scenario that could not run (connect error, interrupted, scenario timeout) is <error>.
import type { CheckResult, RunResult, ScenarioResult, StepResult } from '../results.js';
import { preview } from '../scenario/matchers.js';
import { describeUsage, scenarioUsage } from './llm-usage.js';
import { eraText } from './era-text.js';

export function renderJunit(run: RunResult): string {
  const suites = run.scenarios.map((s, i) => renderSuite(s, i, run));
  const totals = suites.reduce((a, s) => ({ tests: a.tests + s.tests, failures: a.failures + s.failures, errors: a.errors + s.errors, skipped: a.skipped + s.skipped }), { tests: 0, failures: 0, errors: 0, skipped: 0 });
  const attrs = attr({ name: `mcp-verify ${run.target.label} (${eraText(run)})`, tests: totals.tests, failures: totals.failures, errors: totals.errors, skipped: totals.skipped, time: secs(run.durationMs), timestamp: run.startedAt });
  const body = suites.map((s) => s.xml).join('');
  const runError = [run.connectError, run.diagnosis && `diagnosis: ${run.diagnosis}`].filter(Boolean).map((t) => `  <!-- ${comment(t!)} -->\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs}>\n${runError}${body}</testsuites>\n`;
}

interface Case {
  name: string;
  time: number;
  file: string;
  line: number;
  /** At most one of these. */
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string; body: string };
  skipped?: string;
  out?: string;
  /** Warnings: a <property name="warning"> each, and their text in <system-out>. */
  warnings?: string[];
}

function renderSuite(s: ScenarioResult, index: number, run: RunResult): { xml: string; tests: number; failures: number; errors: number; skipped: number } {
  const cases: Case[] = [];
  const xfail = s.status === 'expected-failure';
  for (const st of s.steps) cases.push(stepCase(st, xfail));
  const scenarioFailures = s.checks.filter((c) => c.verdict === 'failed');
  if (s.checks.length) {
    cases.push({
      name: 'session',
      time: 0,
      file: s.file,
      line: s.line,
      ...(scenarioFailures.length ? (xfail ? { skipped: `expected failure: ${checkLine(scenarioFailures[0]!)}` } : { failure: failureOf(scenarioFailures) }) : {}),
    });
  }
  if (s.error || s.steps.length === 0) {
    const c: Case = { name: 'scenario', time: s.durationMs, file: s.file, line: s.line };
    if (s.status === 'skipped') c.skipped = s.error ?? 'not run';
    else if (s.error && xfail) c.skipped = `expected failure: ${s.error}`;
    else if (s.error || s.status === 'interrupted' || s.status === 'failed') c.error = { message: s.error ?? s.status, type: s.status === 'interrupted' ? 'interrupted' : 'error', body: s.error ?? s.status };
    cases.push(c);
  }
  const classname = s.id;
  const props: Record<string, string> = { status: s.status, attempts: String(s.attempts) };
  if (s.feature) props.feature = s.feature;
  if (s.tags.length) props.tags = s.tags.join(',');
  if (s.session?.id) props['session.id'] = s.session.id;
  if (s.session) props['session.format'] = s.session.format;
  if (s.session?.protocolVersion) props.protocolVersion = s.session.protocolVersion;
  if (s.session) props.era = s.session.era;
  const llm = scenarioUsage(s);
  if (llm) Object.assign(props, { 'llm.calls': String(llm.calls), 'llm.inputTokens': String(llm.inputTokens), 'llm.outputTokens': String(llm.outputTokens), 'llm.models': llm.models.join(',') });
  const warningCount = s.steps.reduce((n, st) => n + st.checks.filter((x) => x.verdict === 'warning').length, 0) + s.checks.filter((x) => x.verdict === 'warning').length;
  if (warningCount) props.warnings = String(warningCount);
  const out = [
    s.status === 'flaky' ? `FLAKY: passed on attempt ${s.attempts}\n${(s.failedAttempts ?? []).join('\n')}` : '',
    s.diagnosis ? `diagnosis: ${s.diagnosis}` : '',
  ].filter(Boolean);
  const count = (p: (c: Case) => boolean) => cases.filter(p).length;
  const head = attr({
    name: s.name,
    tests: cases.length,
    failures: count((c) => !!c.failure),
    errors: count((c) => !!c.error),
    skipped: count((c) => c.skipped !== undefined),
    time: secs(s.durationMs),
    timestamp: run.startedAt,
    hostname: hostOf(run.target.url),
    id: index,
    package: s.file,
    file: s.file,
  });
  const xml = [
    `  <testsuite${head}>\n`,
    `    <properties>\n${Object.entries(props).map(([k, v]) => `      <property${attr({ name: k, value: v })}/>\n`).join('')}    </properties>\n`,
    ...cases.map((c) => renderCase(c, classname)),
    out.length ? `    <system-out>${text(out.join('\n'))}</system-out>\n` : '',
    `  </testsuite>\n`,
  ].join('');
  return { xml, tests: cases.length, failures: count((c) => !!c.failure), errors: count((c) => !!c.error), skipped: count((c) => c.skipped !== undefined) };
}

function stepCase(st: StepResult, xfail: boolean): Case {
  const c: Case = { name: `${st.id}: ${st.label}${st.description ? ` — ${st.description}` : ''}`, time: st.durationMs, file: st.file, line: st.line };
  const failed = st.checks.filter((x) => x.verdict === 'failed');
  if (st.verdict === 'skipped') c.skipped = st.checks.find((x) => x.verdict === 'skipped')?.message ?? 'skipped';
  else if (st.verdict === 'failed' && xfail) c.skipped = `expected failure: ${checkLine(failed[0]!)}`;
  else if (st.verdict === 'failed') c.failure = failureOf(failed);
  if (st.verdict === 'failed' && st.evidence?.length) c.out = `transcript (${st.file}:${st.line}):\n${st.evidence.join('\n')}`;
  if (st.llm) c.out = [`llm: ${describeUsage(st.llm)}`, c.out].filter(Boolean).join('\n');
  const warnings = st.checks.filter((x) => x.verdict === 'warning');
  if (warnings.length) {
    c.warnings = warnings.map((w) => checkLine(w));
    const text = warnings.map((w) => [`WARNING ${checkLine(w)} (${st.file}:${st.line})`, w.reference && `  spec: ${w.reference}`, w.fix && `  ${w.fix}`].filter(Boolean).join('\n')).join('\n');
    c.out = c.out ? `${text}\n${c.out}` : text;
  }
  if (st.verdict === 'failed' && st.serverOutput?.length) c.out = `${c.out ? `${c.out}\n` : ''}server output (last ${st.serverOutput.length} lines):\n${st.serverOutput.join('\n')}`;
  return c;
}

function failureOf(failed: CheckResult[]): { message: string; type: string; body: string } {
  const first = failed[0];
  const body = failed
    .map((ch) =>
      [checkLine(ch), ...(ch.diff?.length ? ch.diff.map((d) => `  ${d}`) : [ch.expected !== undefined ? `  expected: ${preview(ch.expected, 1000)}` : '', ch.actual !== undefined ? `  actual:   ${preview(ch.actual, 1000)}` : ''])].filter(Boolean).join('\n'),
    )
    .join('\n');
  return { message: first ? checkLine(first) : 'failed', type: first?.name ?? 'failed', body };
}

function checkLine(ch: CheckResult): string {
  return `${ch.name}: ${ch.message ?? ch.verdict}`;
}

function renderCase(c: Case, classname: string): string {
  const head = `    <testcase${attr({ name: c.name, classname, time: secs(c.time), file: c.file, line: c.line })}`;
  const inner = [
    c.warnings?.length ? `      <properties>\n${c.warnings.map((w) => `        <property${attr({ name: 'warning', value: w })}/>\n`).join('')}      </properties>\n` : '',
    c.failure ? `      <failure${attr({ message: c.failure.message, type: c.failure.type })}>${text(c.failure.body)}</failure>\n` : '',
    c.error ? `      <error${attr({ message: c.error.message, type: c.error.type })}>${text(c.error.body)}</error>\n` : '',
    c.skipped !== undefined ? `      <skipped${attr({ message: c.skipped })}/>\n` : '',
    c.out ? `      <system-out>${text(c.out)}</system-out>\n` : '',
  ].join('');
  return inner ? `${head}>\n${inner}    </testcase>\n` : `${head}/>\n`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown';
  }
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// Characters XML 1.0 cannot carry at all (most control characters): a server's output may contain them.
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${text(String(v)).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')}"`)
    .join('');
}

function comment(s: string): string {
  return text(s).replace(/--/g, '- -');
}

// The GitHub Actions report: `::error file=…,line=…::` annotations that point at the failing step's line
// in the scenario file (shown on the pull request's diff), `::warning` for flaky scenarios, and a
// Markdown summary appended to $GITHUB_STEP_SUMMARY (or the file given as github=PATH).
import { eraText } from './era-text.js';
import { warningsOf, type RunResult, type ScenarioResult } from '../results.js';
import { preview } from '../scenario/matchers.js';
import { describeUsage, runUsage } from './llm-usage.js';

/** The workflow commands for a run, one per line. */
export function githubAnnotations(run: RunResult): string {
  const out: string[] = [];
  if (run.connectError) out.push(command('error', { title: 'mcp-verify: could not connect' }, run.connectError));
  for (const s of run.scenarios) {
    if (s.status === 'flaky') {
      out.push(command('warning', { file: s.file, line: s.line, title: `mcp-verify: ${s.name} is flaky` }, `passed on attempt ${s.attempts}\n${(s.failedAttempts ?? []).join('\n')}`));
    }
    // Warnings at the step's YAML line, with the spec reference and the fix.
    for (const { step, check } of warningsOf(s)) {
      const where = step ? { file: step.file, line: step.line } : { file: s.file, line: s.line };
      const title = `mcp-verify: ${s.name}${step ? ` › ${step.label}` : ''}: ${check.name}`;
      out.push(command('warning', { ...where, title }, [check.message ?? 'warning', check.reference && `spec: ${check.reference}`, check.fix].filter(Boolean).join('\n')));
    }
    if (s.status !== 'failed' && s.status !== 'interrupted') continue;
    let annotated = false;
    for (const st of s.steps.filter((x) => x.verdict === 'failed')) {
      const lines = st.checks
        .filter((c) => c.verdict === 'failed')
        .flatMap((c) => [
          `${c.name}: ${c.message ?? 'failed'}`,
          ...(c.diff?.length ? c.diff.map((d) => `  ${d}`) : [...(c.expected !== undefined ? [`  expected: ${preview(c.expected, 300)}`] : []), ...(c.actual !== undefined ? [`  actual: ${preview(c.actual, 300)}`] : [])]),
        ]);
      if (st.serverOutput?.length) lines.push(`server output (last ${st.serverOutput.length} lines):`, ...st.serverOutput.map((l) => `  | ${l}`));
      out.push(command('error', { file: st.file, line: st.line, title: `mcp-verify: ${s.name} › ${st.label}` }, lines.join('\n')));
      annotated = true;
    }
    const scenarioLevel = [s.error, ...s.checks.filter((c) => c.verdict === 'failed').map((c) => `${c.name}: ${c.message ?? 'failed'}`), s.diagnosis && `diagnosis: ${s.diagnosis}`].filter(Boolean);
    if (scenarioLevel.length && (!annotated || s.error || s.checks.some((c) => c.verdict === 'failed'))) {
      out.push(command('error', { file: s.file, line: s.line, title: `mcp-verify: ${s.name}` }, scenarioLevel.join('\n')));
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The job summary: a verdict line, the table of scenarios, and each failure's checks. */
export function githubSummary(run: RunResult): string {
  const s = run.summary;
  const ok = run.scenarios.every((x) => x.status !== 'failed' && x.status !== 'interrupted') && !run.connectError;
  const lines = [
    `## mcp-verify: ${ok ? '✅ passed' : '❌ failed'} — ${md(run.target.label)} \`${md(run.target.url)}\``,
    '',
    `${s.passed + (s.warnings ?? 0)} passed, ${s.failed} failed, ${s.warnings ?? 0} with warnings, ${s.flaky} flaky, ${s.skipped} skipped, ${s.expectedFailures} expected failures · ${md(eraText(run))} · session id format ${run.sessionIdFormat} · ${(run.durationMs / 1000).toFixed(1)}s`,
    '',
  ];
  if (run.connectError) lines.push(`> ${md(run.connectError)}`, '');
  const llm = runUsage(run);
  if (llm) lines.push(`LLM sampling: ${md(describeUsage(llm))}`, '');
  if (run.scenarios.length) {
    lines.push('| Scenario | Feature | Result | Time | Where |', '| --- | --- | --- | --- | --- |');
    for (const x of run.scenarios) lines.push(`| ${md(x.name)} | ${md(x.feature ?? '-')} | ${word(x)} | ${(x.durationMs / 1000).toFixed(2)}s | \`${md(x.file)}:${x.line}\` |`);
    lines.push('');
  }
  for (const x of run.scenarios.filter((y) => y.status === 'failed' || y.status === 'interrupted')) {
    lines.push(`<details><summary>❌ ${md(x.name)}</summary>`, '');
    if (x.error) lines.push(`- ${md(x.error)}`);
    for (const c of x.checks.filter((c) => c.verdict === 'failed')) lines.push(`- \`${c.name}\`: ${md(c.message ?? 'failed')}`);
    for (const st of x.steps.filter((y) => y.verdict === 'failed')) {
      lines.push(`- step ${st.index + 1} \`${md(st.label)}\`${st.description ? ` — ${md(st.description)}` : ''} (\`${md(st.file)}:${st.line}\`)`);
      for (const c of st.checks.filter((c) => c.verdict === 'failed')) lines.push(`  - \`${c.name}\`: ${md(c.message ?? 'failed')}`);
      if (st.serverOutput?.length) lines.push('', '  server output:', '', '  ```', ...st.serverOutput.map((l) => `  ${l.replace(/`/g, "'")}`), '  ```');
    }
    if (x.diagnosis) lines.push(`- diagnosis: ${md(x.diagnosis)}`);
    lines.push('', '</details>', '');
  }
  for (const x of run.scenarios.filter((y) => warningsOf(y).length)) {
    lines.push(`<details><summary>⚠️ ${md(x.name)}: ${warningsOf(x).length} warning(s)</summary>`, '');
    for (const { step, check } of warningsOf(x)) lines.push(`- ${step ? `step ${step.index + 1} \`${md(step.label)}\` (\`${md(step.file)}:${step.line}\`): ` : ''}\`${check.name}\`: ${md(check.message ?? 'warning')}${check.fix ? ` — ${md(check.fix)}` : ''}`);
    lines.push('', '</details>', '');
  }
  if (run.diagnosis) lines.push(`> diagnosis: ${md(run.diagnosis)}`, '');
  return lines.join('\n') + '\n';
}

function word(s: ScenarioResult): string {
  return { passed: '✅ PASS', failed: '❌ FAIL', skipped: '⏭️ SKIP', flaky: '⚠️ FLAKY', interrupted: '❌ INTERRUPTED', 'expected-failure': '☑️ XFAIL', warning: '⚠️ WARN' }[s.status];
}

/** Markdown-safe inline text: no table breaks, no HTML. */
function md(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// GitHub's workflow-command escaping: data escapes %, CR, LF; properties also ":" and ",".
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: 'error' | 'warning', props: Record<string, string | number>, message: string): string {
  const p = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind} ${p}::${escapeData(message)}`;
}

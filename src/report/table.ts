// The PASS/FAIL table: one row per scenario, a summary by feature, the session id and its format, the
// negotiated protocol version, and for each failure the expectation, what was seen and the transcript
// lines behind it.
import { eraText } from './era-text.js';
import { warningsOf, type CheckResult, type RunResult, type ScenarioResult } from '../results.js';
import type { RunListener } from '../run/listeners.js';
import { columns, styleFor, type Style } from './style.js';
import { preview } from '../scenario/matchers.js';
import { describeUsage, runUsage, usageLines } from './llm-usage.js';

export interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
}

export function tableReporter(out: Writable, opts: { noColor?: boolean; verbose?: boolean; stderr?: Writable } = {}): RunListener {
  return {
    name: 'table',
    onEnd(run) {
      // Nothing was reached: a table of SKIPs is noise; the one line (on the context's stderr) says what to do.
      if (run.connectError && !run.scenarios.some((s) => s.session)) {
        (opts.stderr ?? out).write(`mcp-verify: ${run.connectError}\n`);
        return;
      }
      out.write(renderTable(run, styleFor(out, opts.noColor), opts.verbose));
    },
  };
}

/** A line per scenario as it ends, for CI logs. */
export function plainReporter(out: Writable, opts: { noColor?: boolean; verbose?: boolean } = {}): RunListener {
  const c = styleFor(out, opts.noColor);
  return {
    name: 'plain',
    onScenarioEnd(s) {
      const first = warningsOf(s)[0];
      out.write(`${verdictWord(s.status, c)} ${s.name} (${s.file}:${s.line}) ${fmtMs(s.durationMs)}${s.status === 'failed' ? ` — ${firstFailure(s)}` : s.status === 'warning' && first ? ` — ${first.check.name}: ${first.check.message}` : ''}\n`);
    },
    onEnd(run) {
      out.write(renderFailures(run, c, false));
      if (opts.verbose) out.write(renderPassingTranscripts(run, c));
      const usage = runUsage(run);
      if (usage) out.write(`LLM usage: ${describeUsage(usage)}\n`);
      out.write(summaryLine(run) + '\n');
    },
  };
}

export function verdictWord(status: ScenarioResult['status'] | CheckResult['verdict'], c: Style): string {
  switch (status) {
    case 'passed':
      return c.green('PASS');
    case 'failed':
      return c.red('FAIL');
    case 'skipped':
      return c.yellow('SKIP');
    case 'flaky':
      return c.yellow('FLAKY');
    case 'interrupted':
      return c.red('INTERRUPTED');
    case 'expected-failure':
      return c.yellow('XFAIL');
    case 'warning':
      return c.yellow('WARN');
  }
}

export function renderTable(run: RunResult, c: Style, verbose = false): string {
  const lines: string[] = [];
  const t = run.target;
  lines.push(c.bold(`mcp-verify ${run.tool.version}: ${t.label} ${t.url} (auth: ${t.authMethod})`));
  const session = run.scenarios.find((s) => s.session)?.session;
  lines.push(
    `${eraText(run)} · session id ${session?.id ?? 'none'} · format: ${run.sessionIdFormat}`,
  );
  const deleteStatuses = new Set(run.scenarios.map((s) => s.session?.deleteStatus).filter((x) => x !== null && x !== undefined));
  if (deleteStatuses.has(405)) lines.push('session end: DELETE answered 405, not supported by the endpoint (not a failure)');
  lines.push('');
  const rows = [['Scenario', 'Feature', 'Result', 'Time', 'Session ID'], ...run.scenarios.map((s) => [s.name, s.feature ?? '-', plainWord(s.status), fmtMs(s.durationMs), s.session?.id ?? '-'])];
  lines.push(...columns(rows, (cell, r, col) => (r === 0 ? c.bold(cell) : col === 2 ? colourWord(cell, c) : cell)));
  if (run.features.length) {
    lines.push('');
    const frows = [['Feature', 'Result'], ...run.features.map((f) => [f.feature, plainWord(f.verdict)])];
    lines.push(...columns(frows, (cell, r, col) => (r === 0 ? c.bold(cell) : col === 1 ? colourWord(cell, c) : cell)));
  }
  lines.push(renderFailures(run, c, verbose).trimEnd());
  if (verbose) lines.push(renderPassingTranscripts(run, c).trimEnd());
  const usage = usageLines(run);
  if (usage.length) lines.push('', ...usage);
  lines.push('');
  lines.push(summaryLine(run));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

export function renderFailures(run: RunResult, c: Style, verbose: boolean): string {
  const lines: string[] = [];
  if (run.connectError) lines.push('', c.red(run.connectError));
  for (const s of run.scenarios) {
    if (s.status !== 'failed' && !(verbose && s.diagnosis)) continue;
    lines.push('', c.red(`✗ ${s.name}`) + c.dim(`  ${s.file}:${s.line}`));
    if (s.error) lines.push(`  ${s.error}`);
    for (const ch of s.checks.filter((x) => x.verdict === 'failed')) lines.push(`  ${ch.name}: ${ch.message ?? 'failed'}`);
    for (const st of s.steps.filter((x) => x.verdict === 'failed')) {
      lines.push(`  step ${st.index + 1} "${st.label}"${st.description ? ` — ${st.description}` : ''} (${st.file}:${st.line})`);
      for (const ch of st.checks.filter((x) => x.verdict === 'failed')) {
        lines.push(`    ${c.red('✗')} ${ch.name}: ${ch.message ?? 'failed'}`);
        if (ch.diff?.length) for (const d of ch.diff) lines.push(`      ${d.startsWith('+') ? c.green(d) : d.startsWith('-') ? c.red(d) : c.dim(d)}`);
        else {
          if (ch.expected !== undefined) lines.push(c.dim(`      expected: ${preview(ch.expected, 300)}`));
          if (ch.actual !== undefined) lines.push(c.dim(`      actual:   ${preview(ch.actual, 300)}`));
        }
      }
      if (st.evidence?.length) {
        lines.push(c.dim('    transcript:'));
        for (const e of st.evidence.slice(-12)) lines.push(c.dim(`      ${e}`));
      }
      if (st.serverOutput?.length) {
        lines.push(c.dim(`    server output (last ${st.serverOutput.length} lines):`));
        for (const e of st.serverOutput) lines.push(c.dim(`      | ${e}`));
      }
    }
    if (s.diagnosis) lines.push(c.yellow(`  diagnosis: ${s.diagnosis}`));
  }
  lines.push(...renderWarnings(run, c));
  if (run.diagnosis) lines.push('', c.yellow(`diagnosis: ${run.diagnosis}`));
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** `-v`: the transcript of every step that did not fail (failing ones are in renderFailures). */
export function renderPassingTranscripts(run: RunResult, c: Style): string {
  const lines: string[] = [];
  for (const s of run.scenarios) {
    const steps = s.steps.filter((st) => st.verdict !== 'failed' && st.evidence?.length);
    if (!steps.length) continue;
    lines.push('', c.green(`✓ ${s.name}`) + c.dim(`  ${s.file}:${s.line}`));
    for (const st of steps) {
      lines.push(`  step ${st.index + 1} "${st.label}" ${plainWord(st.verdict)} (${st.file}:${st.line})`);
      for (const e of st.evidence!.slice(-12)) lines.push(c.dim(`      ${e}`));
    }
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** Each warning with where it happened, its reference and its fix. */
export function renderWarnings(run: RunResult, c: Style): string[] {
  const lines: string[] = [];
  for (const s of run.scenarios) {
    const warnings = warningsOf(s);
    if (!warnings.length) continue;
    lines.push('', c.yellow(`⚠ ${s.name}`) + c.dim(`  ${s.file}:${s.line}`));
    for (const { step, check } of warnings) {
      lines.push(`  ${c.yellow('⚠')} ${step ? `step ${step.index + 1} "${step.label}" (${step.file}:${step.line}): ` : ''}${check.name}: ${check.message ?? 'warning'}`);
      if (check.reference) lines.push(c.dim(`      spec: ${check.reference}`));
      if (check.fix) lines.push(c.dim(`      ${check.fix.startsWith('fix') ? '' : 'fix: '}${check.fix}`));
    }
  }
  return lines;
}

export function summaryLine(run: RunResult): string {
  const s = run.summary;
  const extra = [
    s.warnings ? `${s.warnings} with warnings` : '',
    s.skipped ? `${s.skipped} skipped` : '',
    s.flaky ? `${s.flaky} flaky` : '',
    s.expectedFailures ? `${s.expectedFailures} expected failures` : '',
    s.interrupted ? `${s.interrupted} interrupted` : '',
  ].filter(Boolean);
  return `${s.passed + s.flaky + (s.warnings ?? 0)} passed, ${s.failed} failed${extra.length ? `, ${extra.join(', ')}` : ''} (${fmtMs(run.durationMs)}) · ${eraText(run)}`;
}

function firstFailure(s: ScenarioResult): string {
  if (s.error) return s.error;
  const ch = s.checks.find((x) => x.verdict === 'failed');
  if (ch) return `${ch.name}: ${ch.message}`;
  for (const st of s.steps) {
    const f = st.checks.find((x) => x.verdict === 'failed');
    if (f) return `step ${st.index + 1} ${st.label}: ${f.name}: ${f.message}`;
  }
  return 'failed';
}

function plainWord(status: string): string {
  return { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', flaky: 'FLAKY', interrupted: 'INTERRUPTED', 'expected-failure': 'XFAIL', warning: 'WARN' }[status] ?? status;
}

function colourWord(cell: string, c: Style): string {
  const w = cell.trim();
  return w === 'PASS' ? c.green(cell) : w === 'FAIL' || w === 'INTERRUPTED' ? c.red(cell) : c.yellow(cell);
}

export function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

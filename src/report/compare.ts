// The seed article's Local vs Remote table: the same suite on two targets, one row per feature, then
// Auth Method and Session ID Format, with rows that differ marked. The Comparison is plain data so any
// reporter (or --json) can take it.
import { FEATURES } from '../scenario/schema.js';
import type { RunResult } from '../results.js';
import { columns, type Style } from './style.js';
import { renderFailures, summaryLine } from './table.js';

export interface ComparisonRow {
  name: string;
  /** PASS / FAIL / SKIP / "-" (not run), or a value (auth method, id format). */
  values: [string, string];
  differs: boolean;
}

export interface Comparison {
  labels: [string, string];
  rows: ComparisonRow[];
  runs: [RunResult, RunResult];
}

function featureCell(run: RunResult, feature: string): string {
  if (run.connectError && !run.scenarios.some((s) => s.session)) return 'ERROR';
  const f = run.features.find((x) => x.feature === feature);
  return f ? ({ passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', warning: 'WARN' } as const)[f.verdict] : '-';
}

export function compareRuns(a: RunResult, b: RunResult): Comparison {
  const features = [...FEATURES, ...new Set([...a.features, ...b.features].map((f) => f.feature).filter((f) => !(FEATURES as readonly string[]).includes(f)))];
  const rows: ComparisonRow[] = features.map((name) => {
    const values: [string, string] = [featureCell(a, name), featureCell(b, name)];
    return { name, values, differs: values[0] !== values[1] };
  });
  const extra: [string, string, string][] = [
    ['Auth Method', a.target.authMethod, b.target.authMethod],
    ['Session ID Format', formatName(a.sessionIdFormat), formatName(b.sessionIdFormat)],
    ['Protocol Version', a.protocolVersion ?? 'unknown', b.protocolVersion ?? 'unknown'],
  ];
  for (const [name, x, y] of extra) rows.push({ name, values: [x, y], differs: x !== y });
  return { labels: [a.target.label, b.target.label], rows, runs: [a, b] };
}

function formatName(f: RunResult['sessionIdFormat']): string {
  return f === 'hex string' ? 'Hex string' : f === 'none' ? 'None' : f === 'other' ? 'Other' : f;
}

export function renderComparison(cmp: Comparison, c: Style): string {
  const [a, b] = cmp.runs;
  const lines: string[] = [];
  lines.push(c.bold(`mcp-verify ${a.tool.version}: ${cmp.labels[0]} vs ${cmp.labels[1]}`));
  lines.push(`${cmp.labels[0]}: ${a.target.url}`);
  lines.push(`${cmp.labels[1]}: ${b.target.url}`);
  lines.push('');
  const rows = [['Test', cmp.labels[0], cmp.labels[1], ''], ...cmp.rows.map((r) => [r.name, r.values[0], r.values[1], r.differs ? 'differs' : ''])];
  lines.push(
    ...columns(rows, (cell, ri, ci) => {
      if (ri === 0) return c.bold(cell);
      const w = cell.trim();
      if (ci === 3) return c.yellow(cell);
      return w === 'PASS' ? c.green(cell) : w === 'FAIL' || w === 'ERROR' ? c.red(cell) : w === 'WARN' || w === 'SKIP' ? c.yellow(cell) : cell;
    }),
  );
  for (const [label, run] of [
    [cmp.labels[0], a],
    [cmp.labels[1], b],
  ] as const) {
    const failures = renderFailures(run, c, false).trimEnd();
    lines.push('', `${label}: ${summaryLine(run)}`);
    if (failures) lines.push(failures.replace(/^\n/, ''));
  }
  return lines.join('\n') + '\n';
}

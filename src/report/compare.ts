// The seed article's Local vs Remote table: the same suite on two targets, one row per feature, then
// Auth Method and Session ID Format, with rows that differ marked. The Comparison is plain data so any
// reporter (or --json) can take it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURES } from '../scenario/schema.js';
import { isRunsDocument, type RunListener } from '../run/listeners.js';
import { buildRunResult } from '../run/run-result.js';
import type { RunResult } from '../results.js';
import { columns, styleFor, type Style } from './style.js';
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
  return f ? (f.verdict === 'passed' ? 'PASS' : f.verdict === 'failed' ? 'FAIL' : 'SKIP') : '-';
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
      return w === 'PASS' ? c.green(cell) : w === 'FAIL' || w === 'ERROR' ? c.red(cell) : cell;
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

/**
 * One run made of both sides, for the reporters that take a single run (json, junit, tap, github,
 * plain) in `compare` and `demo`: every scenario of each side, its name prefixed by the side's label
 * and its id by the side's kind, so `--reporter junit=F` writes F with both sides in it.
 */
export function mergeRuns(a: RunResult, b: RunResult): RunResult {
  const tag = (run: RunResult) =>
    run.scenarios.map((s) => ({
      ...s,
      id: `${run.target.kind}:${s.id}`,
      name: `${run.target.label}: ${s.name}`,
    }));
  const target = { ...a.target, label: `${a.target.label} vs ${b.target.label}`, details: { ...(a.target.details ?? {}), ...(b.target.details ?? {}), [`${b.target.label} url`]: b.target.url } };
  const connectError = a.connectError && b.connectError ? `${a.target.label}: ${a.connectError}; ${b.target.label}: ${b.connectError}` : undefined;
  const merged = buildRunResult(target, [...tag(a), ...tag(b)], Date.parse(a.startedAt), a.interrupted || b.interrupted, connectError);
  return { ...merged, durationMs: Math.max(a.durationMs, b.durationMs), era: a.era ?? b.era, protocolVersion: a.protocolVersion ?? b.protocolVersion, sessionIdFormat: a.sessionIdFormat };
}

export interface ComparisonOutput {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  noColor?: boolean;
  /** `--json FILE`: the Comparison (both full results). */
  json?: string;
  /** Reporters other than the table, fed the merged run once both sides have ended. */
  reporters: RunListener[];
}

/**
 * The comparison as listeners: one per side. When both sides have ended it prints the Local vs Remote
 * table, writes --json, and feeds the merged run to the other reporters. Listeners that throw are
 * caught by the executeRun multiplexer like any other.
 */
export function comparisonListeners(out: ComparisonOutput): [RunListener, RunListener] {
  const ended: (RunResult | undefined)[] = [undefined, undefined];
  const finish = async () => {
    const [a, b] = ended as [RunResult, RunResult];
    const cmp = compareRuns(a, b);
    out.stdout.write(renderComparison(cmp, styleFor(out.stdout, out.noColor)));
    if (out.json) {
      await mkdir(path.dirname(path.resolve(out.json)), { recursive: true });
      // The raw wire traces (kept for --reporter html / --trace) have formats of their own.
      const withoutTraces = (r: RunResult): RunResult => ({ ...r, scenarios: r.scenarios.map(({ trace: _trace, ...sc }) => sc) });
      await writeFile(out.json, JSON.stringify({ ...cmp, runs: cmp.runs.map(withoutTraces) }, null, 2) + '\n');
    }
    const merged = mergeRuns(a, b);
    const failures: string[] = [];
    for (const r of out.reporters) {
      try {
        // The HTML report and the HAR hold both sides as they are, side by side.
        if (isRunsDocument(r)) {
          r.onRuns([a, b]);
          continue;
        }
        r.onBegin?.({ target: merged.target, total: merged.scenarios.length });
        for (const s of merged.scenarios) r.onScenarioEnd?.(s);
        await r.onEnd?.(merged);
      } catch (e) {
        failures.push(`reporter ${r.name ?? 'a reporter'} failed: ${(e as Error).message}`);
      }
    }
    if (failures.length) throw new Error(failures.join('; '));
  };
  const side = (i: 0 | 1): RunListener => ({
    name: 'comparison',
    async onEnd(run) {
      ended[i] = run;
      if (ended[0] && ended[1]) await finish();
    },
  });
  return [side(0), side(1)];
}

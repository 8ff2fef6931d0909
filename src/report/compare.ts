// The seed article's Local vs Remote table: the same suite on two targets, one row per feature, then
// Era, Auth Method, Session ID Format and Protocol Version, with rows that differ marked. With `--era both`
// it is the migration table: one column per target and era (legacy, then modern), so what changes when a
// server moves to 2026-07-28 reads off one row; an era a server does not speak is "not spoken", never a
// column of FAILs. The Comparison is plain data so any reporter (or --json) can take it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURES } from '../scenario/schema.js';
import { isRunsDocument, type RunListener } from '../run/listeners.js';
import { buildRunResult } from '../run/run-result.js';
import type { RunResult } from '../results.js';
import { columns, styleFor, type Style } from './style.js';
import { renderFailures, summaryLine } from './table.js';
import { LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION } from '../era.js';
import { NOT_SPOKEN, eraCell } from './era-text.js';

export interface ComparisonRow {
  name: string;
  /** One per column: PASS / FAIL / SKIP / "-" (not run) / "not spoken", or a value (auth method, id format). */
  values: string[];
  differs: boolean;
}

export interface Comparison {
  labels: string[];
  rows: ComparisonRow[];
  runs: RunResult[];
  /** The runs span both eras (`--era both`): the migration table, legacy vs modern on each target. */
  migration?: boolean;
}

export { NOT_SPOKEN, eraCell } from './era-text.js';

function featureCell(run: RunResult, feature: string): string {
  if (run.eraNotSpoken) return NOT_SPOKEN;
  if (run.connectError && !run.scenarios.some((s) => s.session)) return 'ERROR';
  const f = run.features.find((x) => x.feature === feature);
  return f ? ({ passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', warning: 'WARN' } as const)[f.verdict] : '-';
}

const spansEras = (runs: RunResult[]) => new Set(runs.map((r) => r.requestedEra ?? 'legacy')).size > 1;

/** A run's column label: its target, and its era when the runs span eras. */
export function runLabel(run: RunResult, runs: RunResult[]): string {
  if (!spansEras(runs)) return run.target.label;
  const era = run.requestedEra ?? 'legacy';
  const eraName = era === 'legacy' ? 'Legacy' : era === 'modern' ? 'Modern' : 'Auto';
  if (new Set(runs.map((r) => r.target.label)).size === 1) return eraName;
  // Two targets on two eras: "Local legacy", "Remote modern" (the header lines name each target in full).
  const byKind = new Set(runs.map((r) => r.target.kind)).size === new Set(runs.map((r) => r.target.label)).size;
  return `${byKind ? (run.target.kind === 'local' ? 'Local' : 'Remote') : run.target.label} ${era}`;
}

export function compareRuns(...runs: RunResult[]): Comparison {
  const features = [...FEATURES, ...new Set(runs.flatMap((r) => r.features.map((f) => f.feature)).filter((f) => !(FEATURES as readonly string[]).includes(f)))];
  const row = (name: string, values: string[]): ComparisonRow => ({ name, values, differs: new Set(values).size > 1 });
  const rows: ComparisonRow[] = features.map((name) => row(name, runs.map((r) => featureCell(r, name))));
  rows.push(row('Era', runs.map(eraCell)));
  rows.push(row('Auth Method', runs.map((r) => r.target.authMethod)));
  rows.push(row('Session ID Format', runs.map((r) => (r.eraNotSpoken ? '-' : r.era === 'modern' ? 'None (no sessions)' : formatName(r.sessionIdFormat)))));
  rows.push(row('Protocol Version', runs.map((r) => (r.eraNotSpoken ? '-' : (r.protocolVersion ?? 'unknown')))));
  return { labels: runs.map((r) => runLabel(r, runs)), rows, runs, ...(spansEras(runs) ? { migration: true } : {}) };
}

function formatName(f: RunResult['sessionIdFormat']): string {
  return f === 'hex string' ? 'Hex string' : f === 'none' ? 'None' : f === 'other' ? 'Other' : f;
}

export function renderComparison(cmp: Comparison, c: Style): string {
  const first = cmp.runs[0]!;
  const lines: string[] = [];
  lines.push(c.bold(`mcp-verify ${first.tool.version}: ${cmp.migration ? `migration table, ${LEGACY_PROTOCOL_VERSION} (legacy) vs ${MODERN_PROTOCOL_VERSION} (modern)` : cmp.labels.join(' vs ')}`));
  const urls = new Map<string, string>();
  for (const r of cmp.runs) urls.set(r.target.label, r.target.url);
  for (const [label, url] of urls) lines.push(`${label}: ${url}`);
  lines.push('');
  const last = cmp.labels.length + 1;
  const rows = [['Test', ...cmp.labels, ''], ...cmp.rows.map((r) => [r.name, ...r.values, r.differs ? 'differs' : ''])];
  lines.push(
    ...columns(rows, (cell, ri, ci) => {
      if (ri === 0) return c.bold(cell);
      const w = cell.trim();
      if (ci === last) return c.yellow(cell);
      return w === 'PASS' ? c.green(cell) : w === 'FAIL' || w === 'ERROR' ? c.red(cell) : w === 'WARN' || w === 'SKIP' || w === NOT_SPOKEN ? c.yellow(cell) : cell;
    }),
  );
  for (const [i, run] of cmp.runs.entries()) {
    const label = cmp.labels[i]!;
    if (run.eraNotSpoken) {
      lines.push('', `${label}: ${NOT_SPOKEN}: ${run.eraNotSpoken}`);
      continue;
    }
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
export function mergeRuns(...runs: RunResult[]): RunResult {
  const a = runs[0]!;
  const eras = spansEras(runs);
  const tag = (run: RunResult) =>
    run.scenarios.map((s) => ({
      ...s,
      id: `${run.target.kind}:${eras ? `${run.requestedEra ?? 'legacy'}:` : ''}${s.id}`,
      name: `${runLabel(run, runs)}: ${s.name}`,
    }));
  const labels = [...new Set(runs.map((r) => runLabel(r, runs)))];
  const details: Record<string, string> = {};
  for (const r of runs) Object.assign(details, r.target.details ?? {});
  for (const r of runs.slice(1)) if (r.target.url !== a.target.url) details[`${r.target.label} url`] = r.target.url;
  if (eras) details.eras = runs.map((r) => `${runLabel(r, runs)}: ${eraCell(r)}`).join('; ');
  const target = { ...a.target, label: labels.join(' vs '), details };
  // Unreachable only when every side was (a side that does not speak an era is not a failure of the others).
  const connectError = runs.every((r) => r.connectError) ? runs.map((r) => `${runLabel(r, runs)}: ${r.connectError}`).join('; ') : undefined;
  const merged = buildRunResult(target, runs.flatMap(tag), Date.parse(a.startedAt), runs.some((r) => r.interrupted), connectError);
  const spoken = runs.find((r) => r.era) ?? a;
  return { ...merged, durationMs: Math.max(...runs.map((r) => r.durationMs)), era: spoken.era, protocolVersion: spoken.protocolVersion, ...(eras ? {} : a.requestedEra ? { requestedEra: a.requestedEra } : {}), sessionIdFormat: spoken.sessionIdFormat };
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
export function comparisonListeners(out: ComparisonOutput, sides = 2): RunListener[] {
  const ended: (RunResult | undefined)[] = new Array(sides).fill(undefined);
  const finish = async () => {
    const runs = ended as RunResult[];
    const cmp = compareRuns(...runs);
    out.stdout.write(renderComparison(cmp, styleFor(out.stdout, out.noColor)));
    if (out.json) {
      await mkdir(path.dirname(path.resolve(out.json)), { recursive: true });
      // The raw wire traces (kept for --reporter html / --trace) have formats of their own.
      const withoutTraces = (r: RunResult): RunResult => ({ ...r, scenarios: r.scenarios.map(({ trace: _trace, ...sc }) => sc) });
      await writeFile(out.json, JSON.stringify({ ...cmp, runs: cmp.runs.map(withoutTraces) }, null, 2) + '\n');
    }
    const merged = mergeRuns(...runs);
    const failures: string[] = [];
    for (const r of out.reporters) {
      try {
        // The HTML report and the HAR hold both sides as they are, side by side.
        if (isRunsDocument(r)) {
          r.onRuns(runs);
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
  const side = (i: number): RunListener => ({
    name: 'comparison',
    async onEnd(run) {
      ended[i] = run;
      if (ended.every(Boolean)) await finish();
    },
  });
  return Array.from({ length: sides }, (_, i) => side(i));
}

// What a load report looks like to a person: the final table (terminal), the same as Markdown (a file or
// the GitHub job summary), the GitHub annotations for violated thresholds, and the live status line.
import type { LatencySummary } from './metrics.js';
import type { LoadSnapshot } from './engine.js';
import type { LoadReport } from './report.js';
import { formatMs } from './thresholds.js';

const ROW_LABELS: Record<string, string> = {
  ready: 'session ready (initialize + initialized)',
  first_result: 'time to first result',
  iteration: 'iteration',
  requests: 'all requests',
  first_elicitation: 'first elicitation in a step',
  first_progress: 'first progress in a step',
  first_sampling: 'first sampling in a step',
};

interface Row {
  phase: string;
  metric: string;
  label: string;
  s: LatencySummary;
}

/** Latency rows, cold then warm for each name; the per-name aggregate is left to the JSON. */
function rows(r: LoadReport): Row[] {
  const names = [...new Set(Object.keys(r.latency).map((k) => k.replace(/^(cold|warm)\./, '')))];
  const order = (n: string) => (n === 'ready' ? 0 : n === 'first_result' ? 1 : n === 'iteration' ? 2 : n === 'requests' ? 3 : n.startsWith('first_') ? 5 : n.startsWith('scenario:') ? 6 : 4);
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const out: Row[] = [];
  for (const n of names) {
    // tools/call and tools/call:NAME: show the aggregate only when it sums more than one tool.
    if (!n.includes(':') && /\//.test(n) && names.filter((x) => x.startsWith(`${n}:`)).length === 1) continue;
    for (const phase of ['cold', 'warm']) {
      const s = r.latency[`${phase}.${n}`];
      if (s) out.push({ phase, metric: `${phase}.${n}`, label: ROW_LABELS[n] ?? n, s });
    }
  }
  return out;
}

function header(r: LoadReport): string[] {
  const c = r.config;
  const bound = [c.durationMs !== null ? `${formatMs(c.durationMs)}` : undefined, c.iterations !== null ? `${c.iterations} iterations` : undefined].filter(Boolean).join(' or ');
  const parts = [
    `${c.mode} mode`,
    `${c.concurrency} virtual user(s)${c.shard ? ` (shard ${c.shard.index}/${c.shard.count}: ${c.users.length})` : r.parts ? ` (${r.parts.length} reports merged)` : ''}`,
    `bound: ${bound}`,
    ...(c.rate !== null ? [`rate ${c.rate}/s`] : []),
    ...(c.rampUpMs ? [`ramp-up ${formatMs(c.rampUpMs)}`] : []),
    ...(c.sessionIterations !== null ? [`new session every ${c.sessionIterations} iterations`] : []),
  ];
  return [`mcp-verify load: ${r.target.label} ${r.target.url} (auth: ${r.target.authMethod})`, `  ${parts.join(' · ')}`];
}

const STOPPED: Record<LoadReport['stoppedBy'], string> = {
  duration: 'the duration ran out',
  iterations: 'every iteration ran',
  interrupted: 'interrupted: partial results',
  connect: 'could not connect',
};

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

export function renderLoadTable(r: LoadReport): string {
  const s = r.summary;
  const lines = [...header(r), ''];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.warnings.length) lines.push('');
  lines.push(
    `iterations  ${s.iterations} (cold ${s.coldIterations}, warm ${s.warmIterations})  failed ${s.failedIterations} (${pct(s.errorRate)})${s.interruptedIterations ? `  interrupted ${s.interruptedIterations}` : ''}  ${s.iterationsPerSecond}/s`,
    `requests    ${s.requests}  failed ${s.failedRequests}  ${s.requestsPerSecond}/s`,
    `duration    ${formatMs(r.durationMs)} (${STOPPED[r.stoppedBy]})`,
    `generator   ${formatMs(r.generator.cpuMs)} CPU, peak RSS ${r.generator.maxRssMiB} MiB`,
    '',
  );
  if (r.connectError) lines.push(`could not connect: ${r.connectError}`, '');
  const table = rows(r);
  if (table.length) {
    const head = ['', 'latency', 'count', 'p50', 'p90', 'p95', 'p99', 'max'];
    const body = table.map((x) => [x.phase, x.label, String(x.s.count), formatMs(x.s.p50), formatMs(x.s.p90), formatMs(x.s.p95), formatMs(x.s.p99), formatMs(x.s.max)]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
    lines.push(line(head), ...body.map(line), '');
  }
  const errors = Object.entries(r.metrics.errors).sort((a, b) => b[1].count - a[1].count);
  if (errors.length) {
    lines.push('failed iterations by cause:');
    for (const [cause, t] of errors) lines.push(`  ${String(t.count).padStart(6)}  ${cause}: ${t.example}`);
    lines.push('');
  }
  const checks = Object.entries(r.metrics.failedChecks).sort((a, b) => b[1].count - a[1].count);
  if (checks.length) {
    lines.push('failed iterations by check:');
    for (const [key, t] of checks) lines.push(`  ${String(t.count).padStart(6)}  ${key}`);
    lines.push('');
  }
  lines.push('thresholds:');
  for (const t of r.thresholds) lines.push(`  ${t.ok ? 'PASS' : 'FAIL'}  ${t.expression}${t.implicit && t.metric === 'errors' ? ' (default: every iteration passes; allow some with --threshold errors<1%)' : t.implicit ? ' (always)' : ''}  ${t.detail}`);
  const failed = r.thresholds.filter((t) => !t.ok);
  lines.push('', r.connectError ? 'FAILED: could not connect' : failed.length ? `FAILED: ${failed.length} threshold(s) violated: ${failed.map((t) => t.expression).join(', ')}` : r.interrupted ? 'interrupted: thresholds held on the partial results' : 'PASSED: every threshold held');
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/([|\\`*_[\]<>])/g, '\\$1');

export function renderLoadMarkdown(r: LoadReport): string {
  const s = r.summary;
  const failed = r.thresholds.filter((t) => !t.ok);
  const ok = failed.length === 0 && !r.connectError;
  const lines = [
    `## mcp-verify load: ${ok ? '✅ thresholds held' : '❌ thresholds violated'} — ${md(r.target.label)} \`${r.target.url}\``,
    '',
    header(r)[1]!.trim(),
    '',
    `**${s.iterations}** iterations (cold ${s.coldIterations}, warm ${s.warmIterations}), **${s.failedIterations}** failed (${pct(s.errorRate)}), ${s.iterationsPerSecond} iterations/s · **${s.requests}** requests, ${s.requestsPerSecond}/s · ${formatMs(r.durationMs)} (${STOPPED[r.stoppedBy]})`,
    '',
  ];
  for (const w of r.warnings) lines.push(`> ⚠️ ${md(w)}`, '');
  if (r.connectError) lines.push(`> could not connect: ${md(r.connectError)}`, '');
  const table = rows(r);
  if (table.length) {
    lines.push('| phase | latency | count | p50 | p90 | p95 | p99 | max |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const x of table) lines.push(`| ${x.phase} | ${md(x.label)} | ${x.s.count} | ${formatMs(x.s.p50)} | ${formatMs(x.s.p90)} | ${formatMs(x.s.p95)} | ${formatMs(x.s.p99)} | ${formatMs(x.s.max)} |`);
    lines.push('');
  }
  lines.push('| threshold | result | seen |', '| --- | --- | --- |');
  for (const t of r.thresholds) lines.push(`| \`${t.expression}\`${t.implicit ? ' (default)' : ''} | ${t.ok ? '✅ pass' : '❌ fail'} | ${md(t.detail)} |`);
  lines.push('');
  const errors = Object.entries(r.metrics.errors);
  if (errors.length) {
    lines.push('<details><summary>Failed iterations by cause and check</summary>', '');
    for (const [cause, t] of errors) lines.push(`- ${t.count} × ${md(cause)}: ${md(t.example)}`);
    for (const [key, t] of Object.entries(r.metrics.failedChecks)) lines.push(`- ${t.count} × \`${md(key)}\``);
    lines.push('', '</details>', '');
  }
  return lines.join('\n') + '\n';
}

/** `::error` for every violated threshold, so the job's page says which. */
export function githubLoadAnnotations(r: LoadReport): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const out = r.thresholds.filter((t) => !t.ok).map((t) => `::error title=${esc(`mcp-verify load: threshold ${t.expression}`).replace(/,/g, '%2C').replace(/:/g, '%3A')}::${esc(`${t.expression} violated: ${t.detail}`)}`);
  if (r.connectError) out.unshift(`::error title=mcp-verify load%3A could not connect::${esc(r.connectError)}`);
  return out.length ? out.join('\n') + '\n' : '';
}

export function statusLine(s: LoadSnapshot): string {
  const elapsed = `${(s.elapsedMs / 1000).toFixed(0)}s${s.plannedMs ? `/${(s.plannedMs / 1000).toFixed(0)}s` : ''}`;
  const lat = s.p50 !== undefined ? `p50 ${formatMs(s.p50)} p99 ${formatMs(s.p99 ?? s.p50)}` : 'p50 - p99 -';
  return `load ${elapsed}  ${s.iterations} iterations  ${s.rate.toFixed(1)}/s  ${lat}  errors ${s.failed}  users ${s.activeUsers}${s.stopping ? '  (stopping)' : ''}`;
}

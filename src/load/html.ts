// The HTML report of a load run (`mcp-verify load ... --reporter html=load.html`, and `merge-reports`): one
// self-contained file, plain HTML and one inline stylesheet, no script at all, so it reads the same with
// JavaScript off. Summary, thresholds with pass/fail, the latency table (cold and warm, per method, tool
// and scenario) with a small inline-SVG bar chart per metric, failed iterations by cause and by check.
//
// Same rules as the run report (src/report/html.ts): every string that came from a server, a scenario file
// or the command line goes through its `esc`, nothing of theirs is placed in a style, a URL or an attribute
// that could load anything, and the Content-Security-Policy allows only this stylesheet (by hash), no
// script and no network access. Secrets are already redacted: the engine passes the report through the
// run's Redactor before any reporter sees it.
import { esc } from '../report/html.js';
import { htmlPage, REPORT_CSS } from '../report/html-assets.js';
import type { LatencySummary } from './metrics.js';
import { header, pct, rows, STOPPED, type Row } from './render.js';
import type { LoadReport } from './report.js';
import { formatMs } from './thresholds.js';

/** Fixed text (never anything from a run): the run report's stylesheet plus the load report's few rules. */
export const LOAD_CSS =
  REPORT_CSS +
  `
.lat td,.lat th{padding:3px 12px 3px 0}.lat td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.lat tr.cold td:first-child{color:var(--info)}.lat tr.warm td:first-child{color:var(--pass)}
.bars{display:block}.bars rect{fill:#b6d4fe}.bars rect.max{fill:#ffd8b5}.bars text{font:10px system-ui,sans-serif;fill:var(--muted)}
.verdict{font-size:16px;font-weight:700;margin:8px 0}.verdict.ok{color:var(--pass)}.verdict.bad{color:var(--fail)}
`;

const PCTS: (keyof LatencySummary)[] = ['p50', 'p90', 'p95', 'p99', 'max'];

export function renderLoadHtml(r: LoadReport): string {
  const failed = r.thresholds.filter((t) => !t.ok);
  const ok = failed.length === 0 && !r.connectError;
  const title = `${r.target.label} ${r.target.url}`;
  const verdictText = r.connectError ? 'FAILED: could not connect' : failed.length ? `FAILED: ${failed.length} threshold(s) violated` : r.interrupted ? 'interrupted: thresholds held on the partial results' : 'PASSED: every threshold held';
  const body = [
    `<header><h1>mcp-verify load: ${esc(title)}</h1>`,
    `<div class="muted">mcp-verify ${esc(r.version)} · ${esc(r.startedAt)} to ${esc(r.endedAt)}</div></header>`,
    `<div class="verdict ${ok ? 'ok' : 'bad'}">${esc(verdictText)}</div>`,
    summary(r),
    thresholds(r),
    latency(r),
    causes(r),
  ].join('\n');
  return htmlPage({ title: `mcp-verify load: ${esc(title)}`, css: LOAD_CSS, imgSrc: "'none'", body });
}

function summary(r: LoadReport): string {
  const s = r.summary;
  const c = r.config;
  const facts: [string, string][] = [
    ['Target', `${r.target.label} · ${r.target.url}`],
    ['Auth', r.target.authMethod],
    ['Mode', c.mode],
    ['Concurrency', `${c.concurrency} virtual user(s)${c.shard ? ` (shard ${c.shard.index}/${c.shard.count}: ${c.users.length})` : r.parts ? ` (${r.parts.length} reports merged)` : ''}`],
    ['Iterations', `${s.iterations} (cold ${s.coldIterations}, warm ${s.warmIterations})${c.iterations !== null ? ` of ${c.iterations} planned` : ''}${s.interruptedIterations ? `, ${s.interruptedIterations} interrupted` : ''} · ${s.iterationsPerSecond}/s`],
    ['Duration', `${formatMs(r.durationMs)} (${STOPPED[r.stoppedBy]})${c.durationMs !== null ? ` · bound ${formatMs(c.durationMs)}` : ''}`],
    ['Errors', `${s.failedIterations} failed iteration(s) (${pct(s.errorRate)}) · ${s.failedRequests} failed request(s) of ${s.requests} · ${s.requestsPerSecond} requests/s`],
    ['Plan', header(r)[1]!.trim()],
    ['Scenarios', c.scenarios.join(', ') || '-'],
    ['Generator', `${formatMs(r.generator.cpuMs)} CPU, peak RSS ${r.generator.maxRssMiB} MiB`],
    ...Object.entries(r.target.details ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
  ];
  const chips: [string, number][] = [
    ['iterations', s.iterations],
    ['failed', s.failedIterations],
    ['requests', s.requests],
    ['thresholds violated', r.thresholds.filter((t) => !t.ok).length],
  ];
  return [
    `<section class="summary">`,
    `<div class="chips">${chips.map(([k, n]) => `<span class="chip"><b>${n}</b> ${esc(k)}</span>`).join('')}</div>`,
    r.connectError ? `<div class="diag"><b>Could not connect:</b> ${esc(r.connectError)}</div>` : '',
    r.interrupted ? `<div class="diag"><b>Interrupted:</b> the run was stopped by a signal; these are partial results.</div>` : '',
    `<table class="facts">${facts.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`,
    r.warnings.length ? `<div class="warnings"><b>Warnings (${r.warnings.length})</b><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>` : '',
    `</section>`,
  ].join('\n');
}

function thresholds(r: LoadReport): string {
  const body = r.thresholds
    .map((t) => {
      const note = t.implicit && t.metric === 'errors' ? ' (default: every iteration passes)' : t.implicit ? ' (always)' : '';
      return `<tr><td><code>${esc(t.expression)}</code>${esc(note)}</td><td><span class="v v-${t.ok ? 'passed' : 'failed'}">${t.ok ? 'PASS' : 'FAIL'}</span></td><td>${esc(t.detail)}</td></tr>`;
    })
    .join('');
  return `<section><h2>Thresholds</h2><table class="thresholds"><tr><th>Threshold</th><th>Result</th><th>Seen</th></tr>${body}</table></section>`;
}

function latency(r: LoadReport): string {
  const table = rows(r);
  if (!table.length) return `<section><h2>Latency</h2><p class="muted">Nothing was measured.</p></section>`;
  const head = `<tr><th>Phase</th><th>Latency</th><th>Metric</th><th>Count</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>Chart</th></tr>`;
  const body = table
    .map((x) => `<tr class="${x.phase === 'cold' ? 'cold' : 'warm'}"><td>${esc(x.phase)}</td><td>${esc(x.label)}</td><td><code>${esc(x.metric)}</code></td><td class="n">${x.s.count}</td>${PCTS.map((k) => `<td class="n">${esc(formatMs(x.s[k]))}</td>`).join('')}<td>${bars(x)}</td></tr>`)
    .join('');
  return `<section><h2>Latency</h2><p class="muted">Cold: the iteration opened a session; warm: it reused one. Each chart is scaled to its own max.</p><table class="lat">${head}${body}</table></section>`;
}

/** p50/p90/p95/p99/max as horizontal bars, scaled to the row's max: the shape of the tail at a glance. */
function bars(x: Row): string {
  const W = 160;
  const LABEL = 28;
  const H = 9;
  const max = Math.max(x.s.max, 1e-9);
  const parts = PCTS.map((k, i) => {
    const v = x.s[k];
    const w = Math.max(1, (v / max) * W);
    const y = i * (H + 2);
    return `<text x="0" y="${y + H - 1}">${k}</text><rect class="${k === 'max' ? 'max' : ''}" x="${LABEL}" y="${y}" width="${w.toFixed(1)}" height="${H}"><title>${esc(`${x.metric} ${k} ${formatMs(v)}`)}</title></rect>`;
  }).join('');
  const height = PCTS.length * (H + 2);
  return `<svg class="bars" width="${LABEL + W}" height="${height}" viewBox="0 0 ${LABEL + W} ${height}" role="img" aria-label="${esc(`${x.metric} latency percentiles`)}">${parts}</svg>`;
}

function causes(r: LoadReport): string {
  const errors = Object.entries(r.metrics.errors).sort((a, b) => b[1].count - a[1].count);
  const checks = Object.entries(r.metrics.failedChecks).sort((a, b) => b[1].count - a[1].count);
  const errorsHtml = errors.length
    ? `<table class="errors"><tr><th>Count</th><th>Cause</th><th>First message</th></tr>${errors.map(([cause, t]) => `<tr><td class="n">${t.count}</td><td>${esc(cause)}</td><td>${esc(t.example)}</td></tr>`).join('')}</table>`
    : `<p class="muted">No iteration failed.</p>`;
  const checksHtml = checks.length
    ? `<table class="checks"><tr><th>Count</th><th>Check</th><th>First message</th></tr>${checks.map(([key, t]) => `<tr><td class="n">${t.count}</td><td><code>${esc(key)}</code></td><td>${esc(t.example)}</td></tr>`).join('')}</table>`
    : `<p class="muted">No check failed.</p>`;
  return `<section><h2>Failed iterations by cause</h2>${errorsHtml}<h2>Failed checks</h2>${checksHtml}</section>`;
}

// The HTML report (`--reporter html=report.html`): one self-contained file over the plain results of one
// run (local, remote) or two (compare: side by side). Plain templates rendered here, one small inline
// script for filters, search and "click a timeline item for its raw body" (src/report/html-assets.ts).
// Readable without JavaScript: the summary, the scenario list and every detail are plain HTML
// (<details>), the script only adds filtering and linking.
//
// Everything from a server or a scenario file is hostile input: every string goes through `esc` (HTML
// escaping, control characters and escape sequences shown as visible symbols), nothing from them is ever
// placed in a script, a style, a URL or an event handler, and the Content-Security-Policy allows only the
// report's own script and stylesheet (by hash) and no network access at all. Secrets are already redacted
// in the results by the run's Redactor.
import { diffJson, diffLines, diffWordsWithSpace, type ChangeObject } from 'diff';
import type { CheckResult, RunResult, ScenarioResult, SessionTrace, StepResult } from '../results.js';
import type { TranscriptEntry } from '../session/transcript.js';
import { describeEntry } from '../session/transcript.js';
import type { RpcSummary, WireEvent, WireExchange } from '../session/wire-capture.js';
import { sanitizeForTerminal } from '../terminal/sanitize.js';
import { compareRuns, eraCell, runLabel } from './compare.js';
import { htmlPage, REPORT_CSS, REPORT_JS } from './html-assets.js';

const STATUS_WORD: Record<string, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  skipped: 'SKIP',
  flaky: 'FLAKY',
  interrupted: 'INTERRUPTED',
  'expected-failure': 'XFAIL',
  warning: 'WARN',
};

/** HTML-escaped, with control characters, escape sequences and bidi overrides made visible. */
export function esc(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : jsonText(value, 0);
  return sanitizeForTerminal(text, { maxChars: 1_000_000, maxLines: 100_000 }).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function jsonText(v: unknown, indent = 2): string {
  try {
    return JSON.stringify(v, null, indent) ?? String(v);
  } catch {
    return String(v);
  }
}

function verdict(status: string): string {
  return `<span class="v v-${esc(status)}">${esc(STATUS_WORD[status] ?? status.toUpperCase())}</span>`;
}

function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  return n < 1000 ? `${n}ms` : `${(n / 1000).toFixed(1)}s`;
}

export function renderHtml(runs: RunResult[]): string {
  const compare = runs.length >= 2;
  const title = compare ? runs.map((r) => runLabel(r, runs)).join(' vs ') : (runs[0]?.target.label ?? 'no run');
  const body = [
    `<header><h1>mcp-verify report: ${esc(title)}</h1>`,
    `<div class="muted">mcp-verify ${esc(runs[0]?.tool.version ?? '')} · started ${esc(runs[0]?.startedAt ?? '')}</div></header>`,
    ...runs.map((r) => summarySection(r, compare ? runLabel(r, runs) : undefined)),
    compare ? comparisonSection(runs) : '',
    filters(runs),
    `<div class="runs${compare ? ' compare' : ''}">`,
    ...runs.map((r, i) => runSection(r, i, compare ? runLabel(r, runs) : undefined)),
    `</div>`,
  ].join('\n');
  return htmlPage({ title: `mcp-verify: ${esc(title)}`, css: REPORT_CSS, js: REPORT_JS, imgSrc: 'data:', body });
}

function summarySection(run: RunResult, label: string | undefined): string {
  const s = run.summary;
  const session = run.scenarios.find((x) => x.session)?.session;
  const facts: [string, string][] = [
    ['Target', `${run.target.label} · ${run.target.url}`],
    ['Auth method', run.target.authMethod],
    ['Era', eraCell(run)],
    ['Protocol version', run.protocolVersion ?? 'unknown'],
    ['Session id format', run.sessionIdFormat],
    ['First session id', session?.id ?? 'none'],
    ['Duration', ms(run.durationMs)],
    ...Object.entries(run.target.details ?? {}).map(([k, v]): [string, string] => [k, v]),
  ];
  const chips = [
    ['total', s.total],
    ['passed', s.passed],
    ['failed', s.failed],
    ['skipped', s.skipped],
    ['flaky', s.flaky],
    ['expected failures', s.expectedFailures],
    ['interrupted', s.interrupted],
  ]
    .filter(([k, n]) => k === 'total' || k === 'passed' || k === 'failed' || (n as number) > 0)
    .map(([k, n]) => `<span class="chip"><b>${n}</b> ${esc(k)}</span>`)
    .join('');
  const warnings = runWarnings(run);
  return [
    `<section class="summary">`,
    label ? `<h2>${esc(label)}</h2>` : '',
    `<div class="chips">${chips}</div>`,
    run.eraNotSpoken ? `<div class="diag"><b>Era not spoken:</b> ${esc(run.eraNotSpoken)}</div>` : run.connectError ? `<div class="diag"><b>Could not connect:</b> ${esc(run.connectError)}</div>` : '',
    run.interrupted ? `<div class="diag"><b>Interrupted:</b> the run was stopped by a signal; unfinished scenarios are INTERRUPTED.</div>` : '',
    `<div class="cols"><table class="facts">${facts.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`,
    run.features.length
      ? `<table class="features"><tr><th>Feature</th><th>Result</th><th>Scenarios</th></tr>${run.features
          .map((f) => `<tr><td>${esc(f.feature)}</td><td>${verdict(f.verdict)}</td><td>${f.scenarios}${f.failed ? ` (${f.failed} failed)` : ''}</td></tr>`)
          .join('')}</table>`
      : '',
    `</div>`,
    warnings.length ? `<div class="warnings"><b>Warnings (${warnings.length})</b><ul>${warnings.map((w) => `<li>${w}</li>`).join('')}</ul></div>` : '',
    `</section>`,
  ].join('\n');
}

/** What a reader should know though nothing failed: flaky, known failures, GET-stream traffic, retries, notes. */
function runWarnings(run: RunResult): string[] {
  const out: string[] = [];
  for (const s of run.scenarios) {
    const where = `<b>${esc(s.name)}</b> <span class="muted">${esc(s.file)}:${s.line}</span>`;
    if (s.status === 'flaky') out.push(`${where}: FLAKY, passed on attempt ${s.attempts} (${esc((s.failedAttempts ?? []).join('; '))})`);
    if (s.status === 'expected-failure') out.push(`${where}: failed as expected (listed in --expected-failures)`);
    const fixOf = (c: { fix?: string }) => (c.fix ? ` <span class="muted">${esc(c.fix)}</span>` : '');
    for (const st of s.steps) for (const c of st.checks) if (!['passed', 'failed', 'skipped'].includes(c.verdict)) out.push(`${where} step ${st.index + 1}: ${esc(c.name)}: ${esc(c.message ?? c.verdict)}${fixOf(c)}`);
    for (const c of s.checks) if (!['passed', 'failed', 'skipped'].includes(c.verdict)) out.push(`${where}: ${esc(c.name)}: ${esc(c.message ?? c.verdict)}`);
    const onGet = new Set<string>();
    for (const t of s.trace ?? []) {
      for (const x of t.wire.exchanges) {
        if (x.method !== 'GET' || !x.events) continue;
        for (const e of x.events) for (const m of e.messages) if (m.method && (m.kind === 'request' || m.method === 'notifications/progress')) onGet.add(m.method);
      }
      for (const e of t.transcript) if (e.kind === 'note' && /retry|resum|cut off|gave up/i.test(e.text)) out.push(`${where}: ${esc(e.text)}`);
    }
    // The agentcore.getStream check already says this (with its fix) for scenario runs; the wire's own view is
    // for runs that have no such check (the protocol suite, a step the check did not cover).
    const checked = s.steps.some((st) => st.checks.some((c) => c.name === 'agentcore.getStream'));
    if (onGet.size && !checked)
      out.push(
        `${where}: ${esc([...onGet].join(', '))} arrived on the standalone GET stream, not on the call's own response stream. It will not reach a client through AgentCore (GET is 405 there). ` +
          `Fix in the server: TypeScript SDK <code>{ relatedRequestId: extra.requestId }</code> or <code>extra.sendRequest</code>; Python: the <code>ctx</code> methods.`,
      );
  }
  if (run.scenarios.some((s) => s.session?.deleteStatus === 405)) out.push('DELETE at the end of a session answered 405: ending a session is not supported by the endpoint (not a failure).');
  return out;
}

function comparisonSection(runs: RunResult[]): string {
  const cmp = compareRuns(...runs);
  const rows = cmp.rows
    .map((r) => `<tr><td>${esc(r.name)}</td>${r.values.map((v) => `<td${r.differs ? ' class="differs"' : ''}>${esc(v)}</td>`).join('')}<td>${r.differs ? '<b>differs</b>' : ''}</td></tr>`)
    .join('');
  const names = [...new Set(runs.flatMap((r) => r.scenarios.map((s) => s.name)))];
  const scen = names
    .map((n) => {
      const st = runs.map((r) => r.scenarios.find((s) => s.name === n)?.status ?? '-');
      const d = new Set(st).size > 1;
      return `<tr><td>${esc(n)}</td>${st.map((x) => `<td${d ? ' class="differs"' : ''}>${x === '-' ? '-' : verdict(x)}</td>`).join('')}<td>${d ? '<b>differs</b>' : ''}</td></tr>`;
    })
    .join('');
  const head = `<tr><th>Test</th>${cmp.labels.map((l) => `<th>${esc(l)}</th>`).join('')}<th></th></tr>`;
  return `<section><h2>${cmp.migration ? 'Migration table: legacy vs modern' : 'Side by side'}</h2><table class="cmp">${head}${rows}</table><h3>Scenarios</h3><table class="cmp">${head.replace('Test', 'Scenario')}${scen}</table></section>`;
}

function filters(runs: RunResult[]): string {
  const statuses = ['failed', 'passed', 'skipped', 'flaky', 'expected-failure', 'interrupted'].filter((st) => runs.some((r) => r.scenarios.some((s) => s.status === st)));
  return `<nav class="filters" aria-label="Filter scenarios"><button type="button" data-status="all" aria-pressed="true">All</button>${statuses
    .map((st) => `<button type="button" data-status="${st}" aria-pressed="false">${esc(STATUS_WORD[st] ?? st)}</button>`)
    .join('')}<input type="search" placeholder="Search scenarios, steps, files" aria-label="Search"><span class="shown muted"></span>` +
    `<button type="button" data-expand="open">Expand all</button><button type="button" data-expand="close">Collapse all</button></nav>`;
}

function runSection(run: RunResult, r: number, label: string | undefined): string {
  return `<section class="run">${label ? `<h2>${esc(label)}</h2>` : '<h2>Scenarios</h2>'}${run.scenarios.map((s, i) => scenarioBlock(run, s, `r${r}s${i}`)).join('\n')}</section>`;
}

function scenarioBlock(run: RunResult, s: ScenarioResult, key: string): string {
  const search = [s.name, s.id, s.file, s.feature ?? '', ...s.tags, ...s.steps.map((st) => st.label)].join(' ').toLowerCase();
  const stepStatuses = new Set(s.steps.map((st) => st.verdict));
  const statuses = [s.status, ...[...stepStatuses].filter((v) => v !== s.status)].join(' ');
  const session = s.session;
  const facts: [string, string][] = session
    ? [
        ['Session id', `${session.id ?? 'none'} (${session.format})`],
        ['Protocol', `${session.protocolVersion ?? 'unknown'} (${session.era} era)`],
        ['Server', session.serverName ?? 'unknown'],
        ['Exchanges', String(session.exchanges)],
        ['Session end', session.deleteStatus === null ? 'no DELETE sent' : `DELETE → ${session.deleteStatus}${session.deleteStatus === 405 ? ' (not supported by the endpoint)' : ''}`],
      ]
    : [];
  return [
    `<details class="scenario" id="${key}" data-status="${esc(statuses)}" data-search="${esc(search)}">`,
    `<summary>${verdict(s.status)} ${esc(s.name)} <span class="muted">· ${esc(s.feature ?? 'no feature')} · ${esc(s.file)}:${s.line} · ${ms(s.durationMs)}${s.attempts > 1 ? ` · ${s.attempts} attempts` : ''}</span></summary>`,
    s.error ? `<div class="diag"><b>Error:</b> ${esc(s.error)}${hintFor(s.error)}</div>` : '',
    s.diagnosis ? `<div class="diag"><b>Diagnosis:</b> ${esc(s.diagnosis)}</div>` : '',
    s.failedAttempts?.length ? `<div class="muted">Earlier attempts: ${esc(s.failedAttempts.join('; '))}</div>` : '',
    facts.length ? `<table class="facts">${facts.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>` : '',
    s.checks.length ? `<h3>Session checks</h3>${s.checks.map((c) => checkBlock(c)).join('')}` : '',
    s.steps.length ? `<h3>Steps</h3>${s.steps.map((st) => stepBlock(st)).join('')}` : '',
    ...(s.trace ?? []).map((t, k) => traceBlock(run, s, t, `${key}t${k}`, (s.trace?.length ?? 0) > 1 ? k + 1 : 0)),
    `</details>`,
  ].join('\n');
}

function stepBlock(st: StepResult): string {
  const open = st.verdict === 'failed' ? ' open' : '';
  return [
    `<details class="step ${esc(st.verdict)}"${open}>`,
    `<summary>${verdict(st.verdict)} step ${st.index + 1}: ${esc(st.label)} <span class="muted">· ${esc(st.file)}:${st.line} · ${ms(st.durationMs)}</span></summary>`,
    st.checks.map((c) => checkBlock(c)).join(''),
    st.evidence?.length ? `<details><summary>Transcript (${st.evidence.length} lines)</summary><pre>${esc(st.evidence.join('\n'))}</pre></details>` : '',
    `</details>`,
  ].join('\n');
}

function checkBlock(c: CheckResult): string {
  const hasEA = c.expected !== undefined || c.actual !== undefined;
  const failed = c.verdict === 'failed';
  const ea = hasEA && (failed || c.expected !== undefined)
    ? `<div class="ea"><div><h4>expected</h4><pre class="expected">${c.expected === undefined ? '<span class="muted">(not set)</span>' : esc(display(c.expected))}</pre></div>` +
      `<div><h4>actual</h4><pre class="actual">${c.actual === undefined ? '<span class="muted">(nothing)</span>' : esc(display(c.actual))}</pre></div></div>`
    : '';
  const diff = failed ? diffBlock(c) : '';
  const body = failed || c.message || (hasEA && c.verdict !== 'passed') ? `${ea}${diff}${failed ? hintFor(`${c.name} ${c.message ?? ''}`) : ''}` : '';
  const line = `${verdict(c.verdict)} <code>${esc(c.name)}</code>${c.message ? `<span class="msg">${esc(c.message)}</span>` : c.verdict === 'passed' && c.actual !== undefined ? `<span class="msg muted">${esc(shortText(c.actual))}</span>` : ''}`;
  if (!body) return `<div class="check">${line}</div>`;
  return `<div class="check ${esc(c.verdict)}">${line}${body}</div>`;
}

function display(v: unknown): string {
  return typeof v === 'string' ? v : jsonText(v);
}

function shortText(v: unknown): string {
  const s = typeof v === 'string' ? v : jsonText(v, 0);
  return s.length > 160 ? s.slice(0, 160) + '…' : s;
}

/** A readable diff of expected vs actual: words for one-line text, lines for text, JSON for values. */
function diffBlock(c: CheckResult): string {
  let expected = c.expected;
  let actual = c.actual;
  if (expected && typeof expected === 'object' && !Array.isArray(expected) && 'equals' in expected && typeof (expected as { equals: unknown }).equals === 'string') expected = (expected as { equals: string }).equals;
  let changes: ChangeObject<string>[] | undefined;
  let note = '';
  if (typeof expected === 'string' && typeof actual === 'string') {
    changes = expected.includes('\n') || actual.includes('\n') ? diffLines(expected, actual) : diffWordsWithSpace(expected, actual);
  } else if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    const projected = project(actual, expected);
    if (projected !== actual) note = ' (actual narrowed to the keys the expectation names)';
    changes = diffJson(expected as object, projected as object);
  }
  if (!changes || changes.every((ch) => !ch.added && !ch.removed)) return '';
  const html = changes.map((ch) => (ch.added ? `<ins>${esc(ch.value)}</ins>` : ch.removed ? `<del>${esc(ch.value)}</del>` : esc(ch.value))).join('');
  return `<h4 class="muted">diff: <del>expected</del> <ins>actual</ins>${esc(note)}</h4><pre class="diff">${html}</pre>`;
}

/** The parts of `actual` an expectation (a subset match) speaks of, so the diff shows only what matters. */
function project(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.length > expected.length ? actual.slice(0, expected.length).map((a, i) => project(a, expected[i])) : actual.map((a, i) => project(a, expected[i]));
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(expected)) if (k in (actual as object)) out[k] = project((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
    return out;
  }
  return actual;
}

/** What to do about a failure, by what the check or error says. */
const FIX_HINTS: [RegExp, string][] = [
  [/idIssued|no Mcp-Session-Id/i, 'Run the server stateful so it issues an Mcp-Session-Id at initialize (FastMCP: stateless_http=False; SDK: a sessionIdGenerator).'],
  [/session\.persistent/i, 'Every request after initialize must carry the Mcp-Session-Id the server issued, and the server must keep answering with the same one.'],
  [/session\.expired|answered 404/i, 'The server forgot the session (restart, idle timeout, another instance behind a load balancer). Allow re-initializing with session: { reinitialize: true } if that is expected.'],
  [/responders\.answered|unanswered/i, 'Add a scripted answer (elicitation: / sampling: with a match on the message) to the step or scenario, or run with --interactive.'],
  [/elicitations/i, 'Check the server sends elicitation/create on the tool call\'s own stream (TypeScript SDK: relatedRequestId / extra.sendRequest; Python: ctx.elicit).'],
  [/sampling/i, 'Check the server sends sampling/createMessage on the tool call\'s own stream, with maxTokens.'],
  [/progress/i, 'Progress must rise with each notification and arrive before the result, on the request\'s own response stream, with the progressToken the request sent.'],
  [/capability/i, 'Declare the capability in the server\'s initialize result, or mark the step requires: [...] only where it must fail.'],
  [/timed? ?out|timeout/i, 'The server did not answer in time: raise --timeout or timeout: on the step, or look at the timeline for where it stopped.'],
  [/wire|not valid JSON|ended before the result|response cap/i, 'The server broke the wire protocol here; the raw bodies below show exactly what it sent.'],
  [/isError/i, 'The tool returned isError: true; its text in "actual" says why.'],
  [/connection refused|cannot connect/i, 'Start the server, or point --url at it.'],
];

function hintFor(text: string): string {
  const hit = FIX_HINTS.find(([re]) => re.test(text));
  return hit ? `<div class="hint"><b>Fix:</b> ${esc(hit[1])}</div>` : '';
}

// ---------------------------------------------------------------------------------------------------
// The session timeline: lanes for the client, each POST response stream and the standalone GET stream.

interface Lane {
  key: string;
  label: string;
}

interface Item {
  lane: number;
  t: number;
  end?: number;
  kind: string;
  raw: string;
  title: string;
}

const LANE_H = 26;
const LABEL_W = 210;
const PLOT_W = 900;

function traceBlock(run: RunResult, s: ScenarioResult, trace: SessionTrace, key: string, sessionNo: number): string {
  const era = s.session?.era ?? run.era;
  const xs = trace.wire.exchanges;
  const byId = answersById(xs);

  const lanes: Lane[] = [{ key: 'client', label: 'client → server' }];
  const laneOf = new Map<string, number>();
  const items: Item[] = [];
  const stepStarts = new Map<number, number>();
  const progress: { t: number; value: number; total?: number; stream: string }[] = [];
  let end = 0;
  const rows: string[] = [];

  for (const x of xs) {
    const rawId = `${key}x${x.seq}`;
    if (x.step >= 0 && !stepStarts.has(x.step)) stepStarts.set(x.step, x.t);
    const xEnd = x.t + (x.durationMs ?? x.waitMs ?? 0);
    end = Math.max(end, xEnd);
    const what = rpcLabel(x.requestMessages, x.requestBody) || (x.method === 'GET' ? 'open the standalone stream' : x.method === 'DELETE' ? 'end the session' : '-');
    items.push({ lane: 0, t: x.t, ...(x.stream ? {} : { end: xEnd }), kind: x.status === null || (x.status ?? 0) >= 400 ? 'error' : 'client', raw: rawId, title: `${x.method} ${what} → ${x.status ?? 'no response'} (${ms(x.durationMs)})` });
    if (x.stream) {
      const laneKey = x.stream;
      const label = era === 'modern' ? `round ${lanes.length}: ${what}` : x.method === 'GET' ? `${x.stream}: standalone GET stream` : `${x.stream}: ${what}`;
      laneOf.set(laneKey, lanes.length);
      lanes.push({ key: laneKey, label });
      const lane = lanes.length - 1;
      items.push({ lane, t: x.t + (x.waitMs ?? 0), end: x.ended === 'open' || x.durationMs === null ? undefined : xEnd, kind: 'bar', raw: rawId, title: `${x.stream} ${x.ended ?? ''}` });
      (x.events ?? []).forEach((e, k) => {
        end = Math.max(end, e.t);
        const m = e.messages[0];
        const kind = !m ? 'notification' : m.method === 'notifications/progress' ? 'progress' : m.method === 'notifications/message' ? 'log' : m.kind;
        let title = `${e.messages.map((mm) => mm.method ?? mm.kind).join(', ') || 'event'} +${e.t}ms`;
        const p = progressOf(e);
        if (p) {
          progress.push({ t: e.t, ...p, stream: x.stream! });
          title += ` ${p.value}${p.total !== undefined ? `/${p.total}` : ''}`;
        }
        if (m?.kind === 'request' && m.id !== undefined) {
          const ans = byId.get(`${typeof m.id}:${m.id}`);
          if (ans) title += ` → answered in POST #${ans.seq}`;
        }
        items.push({ lane, t: e.t, kind, raw: `${rawId}e${k}`, title });
      });
    }
    rows.push(exchangeBlock(x, rawId, byId));
  }
  for (const e of trace.transcript) end = Math.max(end, e.t);
  // The answers mcp-verify gave, in words (who answered, which action), beside the raw bodies.
  const answered = trace.transcript.filter((e) => e.kind === 'elicitation' || e.kind === 'sampling');

  const svg = timelineSvg(lanes, items, progress, stepStarts, s, Math.max(end, 1));
  const transcriptLines = trace.transcript.map((e) => describeEntry(e));
  return [
    `<h3>Session timeline${sessionNo ? ` (session ${sessionNo})` : ''}${trace.sessionId ? ` <span class="muted mono">${esc(trace.sessionId)}</span>` : ''}</h3>`,
    `<div class="muted">${xs.length} HTTP exchange(s)${trace.wire.dropped ? `, ${trace.wire.dropped} earlier one(s) not kept` : ''} · lanes: the client, ${era === 'modern' ? 'each round' : 'each POST response stream and the standalone GET stream'} · <span class="ctl">click an item for its raw body</span></div>`,
    `<div class="timeline">${svg}</div>`,
    `<div class="legend muted"><span class="sw k-client"></span>client request <span class="sw k-response"></span>response <span class="sw k-request"></span>server → client request <span class="sw k-progress"></span>progress <span class="sw k-log"></span>log <span class="sw k-notification"></span>other notification <span class="sw k-error"></span>error / HTTP ≥ 400</div>`,
    answered.length ? `<details><summary>Server → client requests and the answers given (${answered.length})</summary><pre>${esc(answered.map(describeAnswer).join('\n'))}</pre></details>` : '',
    logsBlock(trace.transcript),
    `<details><summary>HTTP exchanges with raw bodies (${xs.length})</summary>${rows.join('')}</details>`,
    `<details><summary>Transcript (${transcriptLines.length} entries${trace.transcriptDropped ? `, ${trace.transcriptDropped} earlier not kept` : ''})</summary><pre>${esc(transcriptLines.join('\n'))}</pre></details>`,
  ].join('\n');
}

function describeAnswer(e: TranscriptEntry): string {
  if (e.kind === 'elicitation') return `+${e.t}ms elicitation ${JSON.stringify(e.message)} → ${e.action} by ${e.answeredBy}${e.content !== undefined ? ` ${JSON.stringify(e.content)}` : ''}${e.note ? ` (${e.note})` : ''}`;
  if (e.kind === 'sampling') return `+${e.t}ms sampling ${JSON.stringify(e.text.slice(0, 160))} → ${e.answeredBy}${e.reply !== undefined ? ` ${JSON.stringify(e.reply.slice(0, 160))}` : ''}${e.model ? ` (model ${e.model})` : ''}${e.note ? ` (${e.note})` : ''}`;
  return describeEntry(e);
}

function logsBlock(entries: TranscriptEntry[]): string {
  const logs = entries.filter((e) => e.kind === 'log');
  if (!logs.length) return '';
  return `<details><summary>Logs (${logs.length})</summary><pre>${esc(logs.map((e) => describeEntry(e)).join('\n'))}</pre></details>`;
}

/** The client POSTs that answered a server→client request, by that request's JSON-RPC id. */
function answersById(xs: WireExchange[]): Map<string, WireExchange> {
  const out = new Map<string, WireExchange>();
  for (const x of xs) for (const m of x.requestMessages) if ((m.kind === 'response' || m.kind === 'error') && m.id !== undefined) out.set(`${typeof m.id}:${m.id}`, x);
  return out;
}

function rpcLabel(msgs: RpcSummary[], body: string | undefined): string {
  const parts = msgs.map((m) => {
    if (m.kind === 'response' || m.kind === 'error') return `${m.kind} to id ${JSON.stringify(m.id)}`;
    return m.method ?? m.kind;
  });
  // The tool or resource name makes a lane readable: "tools/call plan_trip".
  if (msgs.length === 1 && body && msgs[0]!.kind === 'request') {
    try {
      const p = (JSON.parse(body) as { params?: { name?: unknown; uri?: unknown } }).params;
      const name = typeof p?.name === 'string' ? p.name : typeof p?.uri === 'string' ? p.uri : '';
      if (name) return `${parts[0]} ${name.slice(0, 60)}`;
    } catch {
      /* not JSON: the method is enough */
    }
  }
  return parts.join(', ');
}

function progressOf(e: WireEvent): { value: number; total?: number } | undefined {
  if (e.messages[0]?.method !== 'notifications/progress') return undefined;
  try {
    const p = (JSON.parse(e.data) as { params?: { progress?: unknown; total?: unknown } }).params;
    if (typeof p?.progress !== 'number') return undefined;
    return { value: p.progress, ...(typeof p.total === 'number' ? { total: p.total } : {}) };
  } catch {
    return undefined;
  }
}

function timelineSvg(lanes: Lane[], items: Item[], progress: { t: number; value: number; total?: number; stream: string }[], stepStarts: Map<number, number>, s: ScenarioResult, end: number): string {
  const rowsN = lanes.length + (progress.length ? 1 : 0);
  const top = 18;
  const height = top + rowsN * LANE_H + 16;
  const width = LABEL_W + PLOT_W + 10;
  const x = (t: number) => LABEL_W + Math.max(0, Math.min(1, t / end)) * PLOT_W;
  const parts: string[] = [];
  lanes.forEach((l, i) => {
    const y = top + i * LANE_H;
    parts.push(`<rect class="lane-bg" x="${LABEL_W}" y="${y + 2}" width="${PLOT_W}" height="${LANE_H - 4}"/>`);
    parts.push(`<text class="lane-label" data-lane="${esc(l.key)}" x="4" y="${y + LANE_H / 2 + 4}">${esc(clip(l.label, 34))}<title>${esc(l.label)}</title></text>`);
  });
  // Ticks: 0 and the end, and the start of each step.
  parts.push(`<text class="axis" x="${LABEL_W}" y="${height - 2}">0</text><text class="axis" x="${LABEL_W + PLOT_W}" y="${height - 2}" text-anchor="end">${esc(ms(end))}</text>`);
  for (const [step, t] of stepStarts) {
    const label = s.steps[step]?.label ?? `step ${step + 1}`;
    parts.push(`<line class="step-line" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="14" y2="${height - 14}"/><text class="axis" x="${(x(t) + 2).toFixed(1)}" y="12">${esc(clip(`${step + 1}. ${label}`, 28))}<title>${esc(label)}</title></text>`);
  }
  for (const it of items) {
    const y = top + it.lane * LANE_H;
    const lane = `data-lane="${esc(lanes[it.lane]!.key)}" data-kind="${it.kind}"`;
    if (it.kind === 'bar') {
      const x1 = x(it.t);
      const x2 = it.end === undefined ? LABEL_W + PLOT_W : Math.max(x1 + 2, x(it.end));
      parts.push(`<g class="ti" ${lane} data-raw="${it.raw}" tabindex="0"><rect class="stream-bar" x="${x1.toFixed(1)}" y="${y + 8}" width="${(x2 - x1).toFixed(1)}" height="${LANE_H - 16}" rx="3"/><title>${esc(it.title)}</title></g>`);
    } else if (it.end !== undefined) {
      const x1 = x(it.t);
      const x2 = Math.max(x1 + 4, x(it.end));
      parts.push(`<g class="ti" ${lane} data-raw="${it.raw}" tabindex="0"><rect class="k-${it.kind}" x="${x1.toFixed(1)}" y="${y + 6}" width="${(x2 - x1).toFixed(1)}" height="${LANE_H - 12}" rx="3"/><title>${esc(it.title)}</title></g>`);
    } else {
      parts.push(`<g class="ti k-${it.kind}" ${lane} data-raw="${it.raw}" tabindex="0"><circle class="k-${it.kind}" cx="${x(it.t).toFixed(1)}" cy="${y + LANE_H / 2 + nudge(it.kind)}" r="4.5"/><title>${esc(it.title)}</title></g>`);
    }
  }
  if (progress.length) {
    // Progress as a bar over time: each notification's share of its total, held until the next one.
    const y = top + lanes.length * LANE_H;
    const max = Math.max(...progress.map((p) => p.total ?? p.value), 1);
    parts.push(`<rect class="lane-bg" x="${LABEL_W}" y="${y + 2}" width="${PLOT_W}" height="${LANE_H - 4}"/><text class="lane-label" data-lane="progress" x="4" y="${y + LANE_H / 2 + 4}">progress (${esc(progress[0]!.stream)})</text>`);
    progress.forEach((p, i) => {
      const x1 = x(p.t);
      const x2 = i + 1 < progress.length ? x(progress[i + 1]!.t) : x(end);
      const frac = Math.max(0, Math.min(1, p.value / (p.total ?? max)));
      const h = (LANE_H - 6) * frac;
      parts.push(`<rect class="prog" data-stream="${esc(p.stream)}" x="${x1.toFixed(1)}" y="${(y + LANE_H - 3 - h).toFixed(1)}" width="${Math.max(1, x2 - x1).toFixed(1)}" height="${h.toFixed(1)}"><title>${esc(`${p.value}${p.total !== undefined ? `/${p.total}` : ''} at +${p.t}ms`)}</title></rect>`);
    });
  }
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="session timeline">${parts.join('')}</svg>`;
}

/** Notifications sit a little below requests and responses, so a progress sent with an elicitation stays visible. */
function nudge(kind: string): number {
  return kind === 'progress' || kind === 'log' || kind === 'notification' ? 5 : kind === 'request' || kind === 'response' || kind === 'error' ? -4 : 0;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function exchangeBlock(x: WireExchange, rawId: string, byId: Map<string, WireExchange>): string {
  const what = rpcLabel(x.requestMessages, x.requestBody) || '-';
  const head = `#${x.seq} +${x.t}ms ${x.method} ${what} → ${x.status ?? 'no response'}${x.contentType ? ` ${x.contentType.split(';')[0]}` : ''} · session sent=${x.sessionIdSent ?? '-'} received=${x.sessionIdReceived ?? '-'} · wait ${ms(x.waitMs)} · total ${ms(x.durationMs)}${x.stream ? ` · ${x.stream}` : ''}${x.ended && x.ended !== 'complete' ? ` · ${x.ended}` : ''}`;
  const events = (x.events ?? [])
    .map((e, k) => {
      const m = e.messages[0];
      let answer = '';
      if (m?.kind === 'request' && m.id !== undefined) {
        const a = byId.get(`${typeof m.id}:${m.id}`);
        answer = a ? ` · answered by POST #${a.seq}` : ' · no answer was POSTed';
      }
      return `<details class="x ev" id="${rawId}e${k}"><summary>+${e.t}ms ${esc(e.messages.map((mm) => mm.method ?? `${mm.kind}${mm.id !== undefined ? ` id ${JSON.stringify(mm.id)}` : ''}`).join(', ') || 'event')}${e.id !== undefined ? ` · id ${esc(e.id)}` : ''}${answer}</summary><pre>${esc(pretty(e.data))}${e.truncated ? '\n[cut]' : ''}</pre></details>`;
    })
    .join('');
  return [
    `<details class="x" id="${rawId}"><summary>${esc(head)}</summary>`,
    x.error ? `<div class="diag">${esc(x.error)}</div>` : '',
    `<table class="hdrs"><tr><th colspan="2">${esc(x.method)} ${esc(x.url)}</th></tr>${x.requestHeaders.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`,
    x.requestBody !== undefined ? `<pre>${esc(pretty(x.requestBody))}${x.requestBodyTruncated ? '\n[cut]' : ''}</pre>` : '',
    `<table class="hdrs"><tr><th colspan="2">${x.status ?? 'no response'} ${esc(x.statusText ?? '')}</th></tr>${x.responseHeaders.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`,
    x.events ? events || '<div class="muted">no events</div>' : x.responseBody ? `<pre>${esc(pretty(x.responseBody))}${x.responseBodyTruncated ? '\n[cut]' : ''}</pre>` : '',
    x.eventsDropped ? `<div class="muted">${x.eventsDropped} more event(s) not kept</div>` : '',
    `</details>`,
  ].join('');
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// The HTML report's inline stylesheet and script (src/report/html.ts). Both are fixed text: nothing from a
// server or a scenario file is ever put in them. The report's Content-Security-Policy allows exactly these
// two (by hash) and nothing else: no other script runs and nothing is fetched, whatever a page holds.
import { createHash } from 'node:crypto';

export const REPORT_CSS = `
:root{--fg:#1d2430;--muted:#5b6573;--bg:#fff;--panel:#f5f7fa;--line:#d9dee5;--pass:#1a7f37;--fail:#cf222e;--skip:#9a6700;--warn:#bc4c00;--info:#0969da;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1400px;margin:0 auto;padding:16px 20px 60px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px}h3{font-size:14px;margin:14px 0 6px}
.muted{color:var(--muted)}code,pre,.mono{font-family:var(--mono);font-size:12px}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px;margin:4px 0;overflow:auto;max-height:420px;white-space:pre-wrap;word-break:break-word}
table{border-collapse:collapse;margin:6px 0}th,td{text-align:left;padding:3px 10px 3px 0;vertical-align:top}th{font-weight:600}
.facts td:first-child{color:var(--muted);padding-right:16px}
.chips{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}
.chip{border:1px solid var(--line);border-radius:14px;padding:2px 10px;background:var(--panel)}
.v{display:inline-block;min-width:46px;text-align:center;font-weight:700;font-size:11px;border-radius:4px;padding:1px 5px;color:#fff;background:var(--muted)}
.v-passed{background:var(--pass)}.v-failed,.v-interrupted{background:var(--fail)}.v-skipped{background:var(--skip)}.v-flaky,.v-expected-failure,.v-warning{background:var(--warn)}
.warnings{border-left:4px solid var(--warn);background:#fff8f2;padding:6px 12px;margin:10px 0}
.warnings li{margin:3px 0}
.filters{display:none;gap:8px;align-items:center;margin:12px 0;flex-wrap:wrap}
html.js .filters{display:flex}
.filters button{border:1px solid var(--line);background:var(--panel);border-radius:14px;padding:3px 12px;cursor:pointer;font:inherit}
.filters button[aria-pressed=true]{background:var(--fg);color:#fff;border-color:var(--fg)}
.filters input{border:1px solid var(--line);border-radius:6px;padding:4px 8px;font:inherit;min-width:240px}
details{margin:4px 0}
summary{cursor:pointer;padding:3px 0}
details.scenario{border:1px solid var(--line);border-radius:8px;padding:4px 12px;margin:8px 0}
details.scenario>summary{font-weight:600}
details.step{border-left:3px solid var(--line);padding-left:10px;margin:6px 0}
details.step.failed{border-left-color:var(--fail)}details.step.skipped{border-left-color:var(--skip)}details.step.passed{border-left-color:var(--pass)}
.check{margin:6px 0 6px 4px}
.check .msg{margin-left:4px}
.ea{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.ea h4{margin:4px 0 0;font-size:12px;color:var(--muted);font-weight:600}
.diff ins{background:#dafbe1;text-decoration:none}.diff del{background:#ffebe9;text-decoration:line-through}
.diag{border-left:4px solid var(--info);background:#f1f8ff;padding:6px 12px;margin:8px 0}
.hint{color:var(--muted);margin:2px 0 0 4px}.hint b{color:var(--fg)}
.timeline{margin:8px 0;overflow-x:auto}
.timeline svg{display:block;min-width:640px;width:100%;height:auto;font:11px system-ui,sans-serif}
.lane-bg{fill:#f7f8fa}.lane-label{fill:var(--muted)}
.ti{cursor:pointer}.ti:focus{outline:none}.ti:focus rect,.ti:focus circle,.ti.sel rect,.ti.sel circle{stroke:#000;stroke-width:2}
.k-client{fill:#57606a}.k-response{fill:var(--pass)}.k-error{fill:var(--fail)}.k-request{fill:var(--warn)}.k-progress{fill:var(--info)}.k-log{fill:#8250df}.k-notification{fill:#6e7781}.k-invalid{fill:#000}
.stream-bar{fill:#dde3ea}.prog{fill:#b6d4fe;stroke:var(--info);stroke-width:1}
.step-line{stroke:#afb8c1;stroke-dasharray:3 3}.axis{fill:var(--muted)}
.cols{display:flex;flex-wrap:wrap;gap:10px 40px;align-items:flex-start}
.legend{font-size:12px;margin:2px 0 6px}.legend .sw{display:inline-block;width:10px;height:10px;border-radius:5px;margin:0 3px 0 10px;vertical-align:-1px}
.sw.k-client{background:#57606a}.sw.k-response{background:var(--pass)}.sw.k-request{background:var(--warn)}.sw.k-progress{background:var(--info)}.sw.k-log{background:#8250df}.sw.k-notification{background:#6e7781}.sw.k-error{background:var(--fail)}
.x{border-top:1px solid var(--line);margin:0}
.x>summary{font-family:var(--mono);font-size:12px}
.x.sel>summary{background:#fff8c5}
.hdrs td{font-family:var(--mono);font-size:12px;padding:1px 12px 1px 0}
.ev{margin-left:14px}
.cmp td.differs{background:#fff8c5;font-weight:600}
.runs.compare{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:20px}
.ctl{display:none}html.js .ctl{display:inline}
@media (max-width:900px){.runs.compare,.ea{grid-template-columns:1fr}}
`;

export const REPORT_JS = `
(function(){
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');
  var scenarios = Array.prototype.slice.call(document.querySelectorAll('details.scenario'));
  var buttons = Array.prototype.slice.call(document.querySelectorAll('.filters button[data-status]'));
  var search = document.querySelector('.filters input[type=search]');
  var count = document.querySelector('.filters .shown');
  var status = 'all';
  function apply(){
    var q = search ? search.value.trim().toLowerCase() : '';
    var shown = 0;
    scenarios.forEach(function(el){
      var okStatus = status === 'all' || (el.getAttribute('data-status') || '').split(' ').indexOf(status) >= 0;
      var okText = !q || (el.getAttribute('data-search') || '').indexOf(q) >= 0;
      el.hidden = !(okStatus && okText);
      if (!el.hidden) shown++;
    });
    if (count) count.textContent = shown + ' of ' + scenarios.length + ' shown';
  }
  buttons.forEach(function(b){
    b.addEventListener('click', function(){
      status = b.getAttribute('data-status');
      buttons.forEach(function(o){ o.setAttribute('aria-pressed', o === b ? 'true' : 'false'); });
      apply();
    });
  });
  if (search) search.addEventListener('input', apply);
  apply();
  var selected = [];
  function reveal(id){
    var target = document.getElementById(id);
    if (!target) return;
    selected.forEach(function(el){ el.classList.remove('sel'); });
    selected = [];
    for (var el = target; el; el = el.parentElement) { if (el.tagName === 'DETAILS') el.open = true; }
    target.classList.add('sel');
    selected.push(target);
    target.scrollIntoView({block: 'nearest'});
  }
  function activate(item){
    var id = item.getAttribute('data-raw');
    if (!id) return;
    reveal(id);
    item.classList.add('sel');
    selected.push(item);
  }
  document.addEventListener('click', function(e){
    var t = e.target;
    while (t && t.nodeType === 1 && !(t.classList && t.classList.contains('ti'))) t = t.parentNode;
    if (t && t.nodeType === 1) activate(t);
  });
  document.addEventListener('keydown', function(e){
    var t = e.target;
    if ((e.key === 'Enter' || e.key === ' ') && t && t.classList && t.classList.contains('ti')) { e.preventDefault(); activate(t); }
  });
  var toggles = document.querySelectorAll('button[data-expand]');
  Array.prototype.forEach.call(toggles, function(b){
    b.addEventListener('click', function(){
      var open = b.getAttribute('data-expand') === 'open';
      scenarios.forEach(function(el){ if (!el.hidden) el.open = open; });
    });
  });
})();
`;

/** A CSP source for exactly this inline text. */
const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * One self-contained page (the run report and the load report): its stylesheet and its script, if any,
 * allowed by hash; nothing else loads. `title` and `body` are HTML already (every server string escaped).
 */
export function htmlPage(p: { title: string; css: string; js?: string; imgSrc: string; body: string }): string {
  const csp = `default-src 'none'; script-src ${p.js === undefined ? "'none'" : hashSource(p.js)}; style-src ${hashSource(p.css)}; img-src ${p.imgSrc}; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${p.title}</title>
<style>${p.css}</style>
</head>
<body>
<main>
${p.body}
</main>
${p.js === undefined ? '' : `<script>${p.js}</script>\n`}</body>
</html>
`;
}

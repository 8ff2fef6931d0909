// Doctor's report as text: a header, one aligned line per finding with its verdict, the fix under
// each finding that needs one, the diagnosis, and a pointer to the full protocol suite.
import { columns, type Style } from '../report/style.js';
import type { DoctorReport, FindingVerdict } from './findings.js';

export function renderDoctor(r: DoctorReport, c: Style, suiteCommand?: string): string {
  const lines = [c.bold(`mcp-verify doctor: ${r.target.label} ${r.target.url} (auth: ${r.target.authMethod})`), ''];
  const rows = r.findings.map((f) => [f.verdict, f.topic, f.detail]);
  const painted = columns(rows, (cell, _row, col) => (col === 0 ? paint(cell, c) : col === 1 ? c.bold(cell) : cell));
  r.findings.forEach((f, i) => {
    lines.push(`  ${painted[i]}`);
    if (f.fix && (f.verdict === 'FAIL' || f.verdict === 'WARN')) lines.push(`        ${c.cyan('fix:')} ${f.fix}`);
  });
  if (r.diagnosis) lines.push('', c.yellow(`diagnosis: ${r.diagnosis}`));
  const count = (v: FindingVerdict) => r.findings.filter((f) => f.verdict === v).length;
  lines.push('', `${count('PASS')} passed, ${count('FAIL')} failed${count('WARN') ? `, ${count('WARN')} warnings` : ''}${count('SKIP') ? `, ${count('SKIP')} skipped` : ''}`);
  if (suiteCommand && !r.unreachable) lines.push(c.dim(`the full protocol suite: ${suiteCommand}`));
  return lines.join('\n') + '\n';
}

function paint(cell: string, c: Style): string {
  const w = cell.trim();
  return w === 'PASS' ? c.green(cell) : w === 'FAIL' ? c.red(cell) : w === 'WARN' || w === 'SKIP' ? c.yellow(cell) : c.dim(cell);
}

// Load reporters: `--reporter table,json=F,markdown=F,github` (NAME or NAME=FILE; without a file, stdout;
// github appends its summary to $GITHUB_STEP_SUMMARY unless given a file). Each is a LoadListener; the
// live status line is one too, on stderr. Every report is written when thresholds fail, when the run is
// interrupted, and when nothing could connect.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { LoadListener } from './engine.js';
import type { LoadReport } from './report.js';
import { githubLoadAnnotations, renderLoadMarkdown, renderLoadTable, statusLine } from './render.js';

export const LOAD_REPORTERS = ['table', 'json', 'markdown', 'github'] as const;

export interface LoadReporterSpec {
  name: (typeof LOAD_REPORTERS)[number];
  file?: string;
}

export function parseLoadReporters(spec: string | undefined): LoadReporterSpec[] {
  const parts = (spec ?? 'table').split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('--reporter needs at least one reporter, e.g. --reporter table,json=load.json');
  return parts.map((p) => {
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq);
    const file = eq < 0 ? undefined : p.slice(eq + 1);
    if (name === 'html') throw new UsageError('the html reporter does not cover load runs yet; use json, markdown or github');
    if (!(LOAD_REPORTERS as readonly string[]).includes(name)) throw new UsageError(`unknown load reporter "${name}"; choose from: ${LOAD_REPORTERS.join(', ')}`);
    if (eq >= 0 && !file) throw new UsageError(`--reporter ${name}= needs a file name`);
    return { name: name as LoadReporterSpec['name'], ...(file ? { file } : {}) };
  });
}

/** A report path that cannot be written is exit 2 before the run, not lost after it. */
export function checkReportPaths(specs: LoadReporterSpec[]): void {
  for (const s of specs) {
    if (!s.file) continue;
    try {
      mkdirSync(path.dirname(path.resolve(s.file)), { recursive: true });
      appendFileSync(s.file, '');
    } catch (e) {
      throw new UsageError(`cannot write the ${s.name} report to ${s.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

function write(file: string, text: string, append = false): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  (append ? appendFileSync : writeFileSync)(file, text);
}

export function createLoadReporters(specs: LoadReporterSpec[], out: { write(s: string): unknown }): LoadListener[] {
  return specs.map((s): LoadListener => ({
    onEnd(r: LoadReport) {
      switch (s.name) {
        case 'table': {
          const text = renderLoadTable(r);
          return void (s.file ? write(s.file, text) : out.write(text));
        }
        case 'json': {
          const text = JSON.stringify(r, null, 2) + '\n';
          return void (s.file ? write(s.file, text) : out.write(text));
        }
        case 'markdown': {
          const text = renderLoadMarkdown(r);
          return void (s.file ? write(s.file, text) : out.write(text));
        }
        case 'github': {
          out.write(githubLoadAnnotations(r));
          const file = s.file ?? process.env.GITHUB_STEP_SUMMARY;
          if (file) write(file, renderLoadMarkdown(r), true);
          return;
        }
      }
    },
  }));
}

/**
 * The live status: on a terminal one line rewritten in place; otherwise a plain line every interval
 * (CI logs), and nothing when the interval is 0.
 */
export function statusListener(err: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean }, intervalMs: number): { listener: LoadListener; tickMs: number } {
  const tty = !!(err as { isTTY?: boolean }).isTTY && process.env.CI !== 'true';
  let drawn = false;
  const listener: LoadListener = {
    onBegin(info) {
      for (const w of info.warnings) err.write(`mcp-verify: warning: ${w}\n`);
    },
    onTick(s) {
      if (tty) {
        err.write(`\r\x1b[2K${statusLine(s)}`);
        drawn = true;
      } else if (intervalMs > 0) err.write(`${statusLine(s)}\n`);
    },
    onEnd() {
      if (tty && drawn) err.write('\n');
    },
  };
  return { listener, tickMs: tty ? 500 : intervalMs };
}

// Reporter selection: `--reporter table,plain,...` names listeners that all receive the same run events.
// Each output format is a sibling module over the same Results.
import { UsageError } from '../errors.js';
import type { RunListener, RunsDocumentListener } from '../run/listeners.js';
import { plainReporter, tableReporter, type Writable } from './table.js';
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../results.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderTap } from './tap.js';
import { githubAnnotations, githubSummary } from './github.js';
import { renderHtml } from './html.js';
import { renderHar } from './har.js';

export interface ReporterContext {
  stdout: Writable;
  /** Where a reporter's one-line messages go (never process.stderr directly). */
  stderr: Writable;
  noColor?: boolean;
  verbose?: boolean;
}

export const REPORTER_NAMES = ['table', 'plain', 'json', 'junit', 'tap', 'github', 'html'] as const;

export interface ReporterSpec {
  name: string;
  /** `name=path`: write to this file instead of stdout. */
  file?: string;
}

export function parseReporterSpecs(spec: string | undefined): ReporterSpec[] {
  const parts = (spec ?? 'table').split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('--reporter needs at least one reporter, e.g. --reporter table');
  return parts.map((p) => {
    const [name, ...rest] = p.split('=');
    const file = rest.join('=');
    if (!(REPORTER_NAMES as readonly string[]).includes(name!)) {
      throw new UsageError(`unknown reporter "${name}"; choose from: ${REPORTER_NAMES.join(', ')}`);
    }
    return { name: name!, ...(file ? { file } : {}) };
  });
}

export function createReporters(specs: ReporterSpec[], ctx: ReporterContext): RunListener[] {
  return specs.map((s): RunListener => ({ ...createReporter(s, ctx), name: s.file ? `${s.name}=${s.file}` : s.name }));
}

function createReporter(s: ReporterSpec, ctx: ReporterContext): RunListener {
  {
    switch (s.name) {
      case 'json':
        return documentReporter(s, ctx, renderJson);
      case 'junit':
        return documentReporter(s, ctx, renderJunit);
      case 'tap':
        return documentReporter(s, ctx, renderTap);
      case 'github':
        return githubReporter(s, ctx);
      case 'html':
        return runsDocumentReporter(s.file, `--reporter html${s.file ? `=${s.file}` : ''}`, ctx, renderHtml);
      case 'plain':
        return plainReporter(ctx.stdout, ctx);
      default:
        return tableReporter(ctx.stdout, ctx);
    }
  }
}

/**
 * A report rendered once at the end of the run (also a failed, interrupted or unreachable one: the runner
 * always calls onEnd). `name=path` writes the file, creating its directories; the path is checked
 * (created empty) before the run, so a bad path is exit 2 before anything is sent, not a lost report.
 */
function documentReporter(spec: ReporterSpec, ctx: ReporterContext, render: (run: RunResult) => string): RunListener {
  if (spec.file) prepareReportFile(spec.file, `--reporter ${spec.name}=${spec.file}`);
  return {
    onEnd(run) {
      const text = render(run);
      if (spec.file) writeFileSync(spec.file, text);
      else ctx.stdout.write(text);
    },
  };
}

/** Whether the run must keep each scenario's wire trace: an HTML report or a HAR trace needs it. */
export function needsWireCapture(specs: ReporterSpec[], traceFile?: string): boolean {
  return !!traceFile || specs.some((s) => s.name === 'html');
}

/** `--trace FILE`: every HTTP exchange of the run as a HAR 1.2 file (src/report/har.ts). */
export function harTraceWriter(file: string, ctx: ReporterContext): RunListener {
  return { ...runsDocumentReporter(file, `--trace ${file}`, ctx, renderHar), name: `trace=${file}` };
}

/** A document over one run (onEnd) or several (onRuns), written whole each time, after failures and signals too. */
function runsDocumentReporter(file: string | undefined, flag: string, ctx: ReporterContext, render: (runs: RunResult[]) => string): RunsDocumentListener {
  if (file) prepareReportFile(file, flag);
  const write = (runs: RunResult[]) => {
    const text = render(runs);
    if (file) writeFileSync(file, text);
    else ctx.stdout.write(text);
  };
  return { onEnd: (run) => write([run]), onRuns: write };
}

/** Annotations on stdout; the summary appended to github=PATH, else $GITHUB_STEP_SUMMARY when set. */
function githubReporter(spec: ReporterSpec, ctx: ReporterContext): RunListener {
  const summaryFile = spec.file ?? process.env.GITHUB_STEP_SUMMARY;
  if (spec.file) mkdirSync(path.dirname(path.resolve(spec.file)), { recursive: true });
  return {
    onEnd(run) {
      ctx.stdout.write(githubAnnotations(run));
      if (summaryFile) appendFileSync(summaryFile, githubSummary(run));
    },
  };
}

function prepareReportFile(file: string, flag: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, '');
  } catch (e) {
    throw new UsageError(`${flag}: cannot write the report file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

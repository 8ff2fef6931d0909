// Reporter selection: `--reporter table,plain,...` names listeners that all receive the same run events.
// Each output format is a sibling module over the same Results.
import { UsageError } from '../errors.js';
import type { RunListener } from '../scenario/runner.js';
import { plainReporter, tableReporter, type Writable } from './table.js';

export interface ReporterContext {
  stdout: Writable;
  noColor?: boolean;
  verbose?: boolean;
}

export const REPORTER_NAMES = ['table', 'plain'] as const;

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
  return specs.map((s) => {
    switch (s.name) {
      case 'plain':
        return plainReporter(ctx.stdout, ctx);
      default:
        return tableReporter(ctx.stdout, ctx);
    }
  });
}

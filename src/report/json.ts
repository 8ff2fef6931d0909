// The JSON report: the RunResult exactly as the runner produced it (already redacted). Its shape is
// versioned by `schemaVersion` (src/results.ts); README "JSON report" documents the fields.
import type { RunResult } from '../results.js';

export function renderJson(run: RunResult): string {
  return JSON.stringify(run, null, 2) + '\n';
}

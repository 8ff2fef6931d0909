// The JSON report: the RunResult as the runner produced it (already redacted). Its shape is
// versioned by `schemaVersion` (src/results.ts); README "JSON report" documents the fields. The raw
// wire traces (kept for the HTML report and HAR) are left out: they have their own formats.
import type { RunResult } from '../results.js';

export function renderJson(run: RunResult): string {
  return JSON.stringify({ ...run, scenarios: run.scenarios.map(({ trace: _trace, ...s }) => s) }, null, 2) + '\n';
}

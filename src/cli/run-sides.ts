// Several plans run at once and shown side by side: `compare` (local and remote), `--era both` (legacy
// and modern), and both together (the migration table: each target on each era). Every plan ran the same
// pre-run checks (exit 2 before anything connects); a comparison listener per side prints the table once
// all have ended, and the other reporters get one run holding every side.
import type { RunResult } from '../results.js';
import type { RunPlan } from '../run/plan.js';
import type { RunListener } from '../run/listeners.js';
import type { RunControl } from '../run/execute.js';

/** What the caller (run-suite.ts, compare.ts) gives: its reporters and run control, so this module needs neither. */
export interface SidesOptions {
  /** `compare --json FILE`: the comparison with every side's full result. */
  json?: string;
  noColor?: boolean;
  /** The CLI reporters (every --reporter and --trace). */
  reporters: RunListener[];
  control: (plan: RunPlan, signal: AbortSignal) => RunControl;
}

export async function runSides(plans: RunPlan[], flags: SidesOptions, decorate?: (listeners: RunListener[]) => RunListener[]): Promise<number> {
  const { executeRun } = await import('../run/execute.js');
  const { exitCode } = await import('../run/exit-code.js');
  const { comparisonListeners } = await import('../report/compare.js');
  // The table reporter is the comparison itself; the others get the merged run.
  const others = flags.reporters.filter((r) => r.name !== 'table');
  const sides = comparisonListeners({ stdout: process.stdout, noColor: flags.noColor, json: flags.json, reporters: others }, plans.length);
  // Each side's listener wrapped as a single run's would be (the server under test's output on failing steps).
  const listeners = decorate ? sides.map((l) => decorate([l])[0]!) : sides;
  const { installRunSignals, runAbortSignal, interruptReceived, unlessInterrupted } = await import('./signals.js');
  // A signal stops every side, in any phase from here on; the comparison of what ran is still printed and written.
  const release = installRunSignals();
  let runs: RunResult[];
  try {
    // AWS credentials are resolved inside the run (a credential_process may hang): a signal then
    // leaves every side INTERRUPTED, with every report written.
    let ready = true;
    for (const target of new Set(plans.map((p) => p.target))) if (ready) ready = !!(await unlessInterrupted(target.prepare?.(), runAbortSignal()));
    // One set of LLM clients and one budget for every side (the keys were checked by buildPlan).
    const llm = ready ? await (await import('./llm-flags.js')).prepareLlm(plans[0]!, runAbortSignal()) : undefined;
    const control = { ...flags.control(plans[0]!, runAbortSignal()), ...llm?.control };
    runs = await Promise.all(plans.map((plan, i) => executeRun(plan, [listeners[i]!], { ...control })));
  } finally {
    release();
  }
  return exitCode(spokenRuns(runs), interruptReceived());
}

/**
 * The runs the exit code is judged on: an era a server does not speak is shown as "not spoken", not
 * counted as unreachable, as long as some era of the run was spoken; when none was, every run counts (exit 3).
 */
export function spokenRuns(runs: RunResult[]): RunResult[] {
  const spoken = runs.filter((r) => !r.eraNotSpoken);
  return spoken.length ? spoken : runs;
}

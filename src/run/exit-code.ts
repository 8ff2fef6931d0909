// The exit code, computed in one place for every command (README "Exit codes", --help):
// 0 passed, 1 failed, 2 usage (a UsageError, before a result exists), 3 unreachable, 130/143 interrupted.
import { ExitCode } from '../errors.js';
import { isPassing, type RunResult } from '../results.js';
import { reportWriteFailures } from '../report/report-files.js';

/** What every command's outcome reduces to; a RunResult is one, doctor's report maps to one. */
export interface Outcome {
  /** Nothing could be reached (exit 3). */
  connectError?: string;
  interrupted: boolean;
  /** Every scenario (check, finding) passed or was skipped / expected to fail. */
  passed: boolean;
}

export function outcomeOf(run: RunResult): Outcome {
  return { connectError: run.connectError, interrupted: run.interrupted, passed: run.scenarios.every((s) => isPassing(s.status)) };
}

/**
 * The exit code of one result or several (compare, demo): an interruption wins (by the signal that
 * came: 143 SIGTERM, else 130), then unreachable (3), then a failure (1).
 */
export function exitCode(results: RunResult | Outcome | readonly (RunResult | Outcome)[], signal?: 'SIGINT' | 'SIGTERM'): number {
  const all = (Array.isArray(results) ? results : [results]).map((r) => ('scenarios' in r ? outcomeOf(r) : (r as Outcome)));
  // A report that could not be written at the end (each said on stderr): the run's record is lost.
  if (reportWriteFailures().length && !all.some((o) => o.interrupted)) return ExitCode.Usage;
  if (all.some((o) => o.interrupted)) return signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
  if (all.some((o) => o.connectError)) return ExitCode.Connect;
  return all.every((o) => o.passed) ? ExitCode.Passed : ExitCode.Failed;
}

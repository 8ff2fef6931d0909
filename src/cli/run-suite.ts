// What `local`, `remote`, `compare` and `demo` share: finding the scenarios, parsing the run flags,
// running on a Target with the chosen reporters, and the exit code.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../errors.js';
import { isPassing, type RunResult } from '../results.js';
// Loader (yaml, zod) and reporters (chalk) load inside the functions that need them: every command
// module imports this file, so what it imports statically `--help` and `--version` pay for.
import type { LoadedScenario } from '../scenario/loader.js';
import { durationMs } from '../scenario/duration.js';
import type { Target } from '../target/target.js';
import { addCiFlags, prepareCiRun, type CiFlags } from './ci-gating.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The bundled suite: the seed article's whole verification against the reference server. */
export const BUNDLED_SUITE = path.join(PACKAGE_ROOT, 'scenarios', 'travel');

export interface RunFlags extends CiFlags {
  timeout?: string;
  workers?: string;
  reporter?: string;
  color?: boolean;
  verbose?: boolean;
  /** Interactive mode (src/terminal/interactive-mode.ts). */
  interactive?: boolean;
  record?: string;
  samplingDefault?: string;
}

/** The flags every suite-running command takes. */
export function addRunFlags(cmd: Command): Command {
  return addCiFlags(cmd)
    .option('--timeout <duration>', 'per-step timeout (500ms, 10s, 2m)', '30s')
    .option('--workers <n>', 'scenarios to run at once, each in its own session', '1')
    .option('--reporter <list>', 'comma-separated reporters, each NAME or NAME=FILE: table, plain, json, junit, tap, github (e.g. table,junit=reports/junit.xml)', 'table')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('-v, --verbose', 'show diagnoses and notes for passing scenarios too')
    .option('--interactive', 'a person at the terminal answers elicitation/sampling requests no scripted answer matched (needs a TTY; not with CI=true)')
    .option('--record <file>', 'with --interactive: write the run as a scenario file with the answers given, to replay without a person')
    .option('--sampling-default <text>', 'with --interactive: text offered (editable) as the start of every typed sampling reply');
}

export function parseTimeout(value: string | undefined, flag = '--timeout'): number {
  const v = value ?? '30s';
  const n = /^\d+$/.test(v) ? Number(v) * 1000 : /^\d+(\.\d+)?(ms|s|m)$/.test(v) ? durationMs(v, 30_000) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a duration like 500ms, 10s or 2m (got "${v}")`);
  return n;
}

export function parsePositiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} takes a whole number of at least 1 (got "${value}")`);
  return Number(value);
}

export async function loadSuite(paths: string[]): Promise<LoadedScenario[]> {
  const { findScenarioFiles, loadScenarios } = await import('../scenario/loader.js');
  const files = await findScenarioFiles(paths.length ? paths : [BUNDLED_SUITE]);
  // Bundled files are shown relative to the package so reports read "scenarios/travel/…" anywhere.
  return loadScenarios(files, paths.length ? process.cwd() : PACKAGE_ROOT);
}

export async function runSuiteOn(target: Target, scenarios: LoadedScenario[], flags: RunFlags): Promise<RunResult> {
  const { createReporters, parseReporterSpecs } = await import('../report/reporters.js');
  const specs = parseReporterSpecs(flags.reporter);
  const { runScenarios } = await import('../scenario/runner.js');
  const listeners = createReporters(specs, { stdout: process.stdout, noColor: flags.color === false, verbose: flags.verbose });
  const ci = await prepareCiRun(scenarios, flags);
  const { runAbortSignal, interruptRun } = await import('./signals.js');
  // A person answers unmatched requests only with --interactive; a second Ctrl-C at a prompt stops the run.
  const interactive =
    flags.interactive || flags.record
      ? await (await import('../terminal/interactive-mode.js')).interactiveSuite(flags, target, ci.scenarios, [process.cwd(), PACKAGE_ROOT], { signal: runAbortSignal(), onStop: () => interruptRun('SIGINT') })
      : undefined;
  let run: RunResult | undefined;
  try {
    run = await runScenarios(target, ci.scenarios, {
      ...ci.options,
      stepTimeoutMs: parseTimeout(flags.timeout),
      workers: parsePositiveInt(flags.workers, '--workers', 1),
      listeners,
      ...interactive?.runOptions,
    });
    return run;
  } finally {
    await interactive?.finish(run?.interrupted ?? true);
  }
}

/** The built-in protocol suite (`--suite protocol`): same reporters, same RunResult, no YAML. */
export async function runProtocolSuiteOn(target: Target, flags: RunFlags & ProtocolToolFlags): Promise<RunResult> {
  const { createReporters, parseReporterSpecs } = await import('../report/reporters.js');
  const specs = parseReporterSpecs(flags.reporter);
  const { runProtocolSuite } = await import('../protocol/scenario-results.js');
  const listeners = createReporters(specs, { stdout: process.stdout, noColor: flags.color === false, verbose: flags.verbose });
  return runProtocolSuite(target, {
    timeoutMs: parseTimeout(flags.timeout),
    progressTool: flags.progressTool,
    elicitTool: flags.elicitTool,
    sampleTool: flags.sampleTool,
    listeners,
  });
}

/** Which tools exercise progress, elicitation and sampling (protocol suite and doctor). */
export interface ProtocolToolFlags {
  progressTool?: string;
  elicitTool?: string;
  sampleTool?: string;
}

export function addProtocolToolFlags(cmd: Command): Command {
  return cmd
    .option('--progress-tool <name>', 'the tool that sends progress (default: a known one, or the only one named so)')
    .option('--elicit-tool <name>', 'the tool that elicits (default: a known one, or the only one named "*elicit*")')
    .option('--sample-tool <name>', 'the tool that requests sampling (default: a known one, or the only one named "*sampl*")');
}

export function exitCodeOf(run: RunResult): number {
  if (run.connectError) return ExitCode.Connect;
  if (run.interrupted) return ExitCode.Interrupted;
  return run.scenarios.every((s) => isPassing(s.status)) ? ExitCode.Passed : ExitCode.Failed;
}

// What `local`, `remote`, `compare` and `demo` share: finding the scenarios, parsing the run flags,
// running on a Target with the chosen reporters, and the exit code.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../errors.js';
import { isPassing, type RunResult } from '../results.js';
// Loader (yaml, zod) and reporters load inside the functions that need them: every command
// module imports this file, so what it imports statically `--help` and `--version` pay for.
import type { LoadedScenario } from '../scenario/loader.js';
import { durationMs } from '../scenario/duration.js';
import type { Target } from '../target/target.js';
import type { WithheldCapability } from '../session/session.js';
import { addCiFlags, prepareCiRun, type CiFlags } from './ci-gating.js';
import { interruptExitCode } from './signals.js';
import { reportWriteFailures } from '../report/report-files.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The bundled suite: the seed article's whole verification against the reference server. */
export const BUNDLED_SUITE = path.join(PACKAGE_ROOT, 'scenarios', 'travel');

export interface RunFlags extends CiFlags {
  timeout?: string;
  workers?: string;
  reporter?: string;
  color?: boolean;
  verbose?: boolean;
  maxResponse?: string;
  regexTimeout?: string;
  /** Interactive mode (src/terminal/interactive-mode.ts). */
  interactive?: boolean;
  record?: string;
  samplingDefault?: string;
  /** `--no-elicitation` / `--no-sampling` set these false. */
  elicitation?: boolean;
  sampling?: boolean;
}

/** The flags every suite-running command takes. */
export function addRunFlags(cmd: Command): Command {
  return addCiFlags(cmd)
    .option('--timeout <duration>', 'per-step timeout (500ms, 10s, 2m)', '30s')
    .option('--workers <n>', 'scenarios to run at once, each in its own session', '1')
    .option('--reporter <list>', 'comma-separated reporters, each NAME or NAME=FILE: table, plain, json, junit, tap, github (e.g. table,junit=reports/junit.xml)', 'table')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('-v, --verbose', 'show diagnoses and notes for passing scenarios too')
    .option('--max-response <size>', 'largest response accepted (one message, and one stream); a larger one is cut off and the step fails (512KB, 16MB)', '16MB')
    .option('--regex-timeout <duration>', 'longest a regex expectation may take on a server\'s text; a slower match fails naming the pattern', '1s')
    .option('--interactive', 'a person at the terminal answers elicitation/sampling requests no scripted answer matched (needs a TTY; not with CI=true)')
    .option('--record <file>', 'with --interactive: write the run as a scenario file with the answers given, to replay without a person')
    .option('--sampling-default <text>', 'with --interactive: text offered (editable) as the start of every typed sampling reply')
    .option('--no-elicitation', 'do not declare the elicitation capability: see how the server treats such clients; steps that need it are SKIP')
    .option('--no-sampling', 'do not declare the sampling capability: see how the server treats such clients; steps that need it are SKIP');
}

/** The client capabilities the flags leave undeclared. */
export function withheldCapabilities(flags: RunFlags): WithheldCapability[] {
  return [...(flags.elicitation === false ? ['elicitation' as const] : []), ...(flags.sampling === false ? ['sampling' as const] : [])];
}

/** A byte size: 1048576, 512KB, 16MB, 1GB (binary multiples). */
export function parseByteSize(value: string | undefined, flag = '--max-response'): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(value.trim());
  const n = m ? Math.floor(Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB'].indexOf((m[2] ?? 'B').toUpperCase())) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag} takes a size like 512KB or 16MB (got "${value}")`);
  return n;
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
  const stepTimeoutMs = parseTimeout(flags.timeout);
  const workers = parsePositiveInt(flags.workers, '--workers', 1);
  const ci = await prepareCiRun(scenarios, flags);
  const maxResponseBytes = parseByteSize(flags.maxResponse);
  (await import('../safety/regex.js')).setRegexTimeout(parseTimeout(flags.regexTimeout ?? '1s', '--regex-timeout'));
  const listeners = createReporters(specs, { stdout: process.stdout, noColor: flags.color === false, verbose: flags.verbose });
  // SIGINT/SIGTERM abort the run but every reporter still writes (signals.ts).
  const { installRunSignals, runAbortSignal, interruptRun } = await import('./signals.js');
  // A person answers unmatched requests only with --interactive; a second Ctrl-C at a prompt stops the run.
  const interactive =
    flags.interactive || flags.record
      ? await (await import('../terminal/interactive-mode.js')).interactiveSuite(flags, target, ci.scenarios, [process.cwd(), PACKAGE_ROOT], { signal: runAbortSignal(), onStop: () => interruptRun('SIGINT') })
      : undefined;
  const release = installRunSignals();
  let run: RunResult | undefined;
  try {
    run = await runScenarios(target, ci.scenarios, { ...ci.options, stepTimeoutMs, workers, listeners, maxResponseBytes, withhold: withheldCapabilities(flags), signal: runAbortSignal(), ...interactive?.runOptions });
    return run;
  } finally {
    release();
    await interactive?.finish(run?.interrupted ?? true);
  }
}

/** The built-in protocol suite (`--suite protocol`): same reporters, same RunResult, no YAML. */
export async function runProtocolSuiteOn(target: Target, flags: RunFlags & ProtocolToolFlags): Promise<RunResult> {
  const { createReporters, parseReporterSpecs } = await import('../report/reporters.js');
  const specs = parseReporterSpecs(flags.reporter);
  const { runProtocolSuite } = await import('../protocol/scenario-results.js');
  const listeners = createReporters(specs, { stdout: process.stdout, noColor: flags.color === false, verbose: flags.verbose });
  // As for scenario runs: a signal stops the checks, and every reporter still writes.
  const { installRunSignals, runAbortSignal } = await import('./signals.js');
  const release = installRunSignals();
  try {
    return await runProtocolSuite(target, {
      timeoutMs: parseTimeout(flags.timeout),
      progressTool: flags.progressTool,
      elicitTool: flags.elicitTool,
      sampleTool: flags.sampleTool,
      listeners,
      signal: runAbortSignal(),
    });
  } finally {
    release();
  }
}

export interface SuiteFlags extends RunFlags, ProtocolToolFlags {
  suite: string;
}

/** `--suite travel|protocol` and the protocol suite's tool flags, for every command that runs suites on a target. */
export function addSuiteFlags(cmd: Command): Command {
  cmd.option(
    '--suite <name>',
    'bundled suite when no paths are given: travel (the default), or protocol (the spec checks every stateful endpoint owes its clients, as a scenario suite for CI)',
    'travel',
  );
  return addProtocolToolFlags(cmd);
}

/** Checks the suite flags before any I/O, so a mistake is exit 2 before credentials or connections. */
export function checkSuiteFlags(paths: string[], flags: SuiteFlags): void {
  if (flags.suite !== 'travel' && flags.suite !== 'protocol') throw new UsageError(`--suite takes travel or protocol (got "${flags.suite}")`);
  if (flags.suite === 'protocol' && paths.length) {
    throw new UsageError('--suite protocol runs the built-in protocol checks; give either scenario paths or --suite protocol, not both');
  }
}

/** Runs what the flags chose on the target (scenario files, the travel suite or the protocol suite); returns the exit code. */
export async function runChosenSuite(target: Target, paths: string[], flags: SuiteFlags, scenarios?: LoadedScenario[]): Promise<number> {
  if (flags.suite === 'protocol') return exitCodeOf(await runProtocolSuiteOn(target, flags));
  return exitCodeOf(await runSuiteOn(target, scenarios ?? (await loadSuite(paths)), flags));
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
  if (reportWriteFailures().length) return ExitCode.Usage;
  if (run.connectError) return ExitCode.Connect;
  if (run.interrupted) return interruptExitCode() ?? ExitCode.Interrupted;
  return run.scenarios.every((s) => isPassing(s.status)) ? ExitCode.Passed : ExitCode.Failed;
}

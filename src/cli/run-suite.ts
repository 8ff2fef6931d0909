// What `local`, `remote`, `compare` and `demo` share: the run flags, finding the scenarios, and handing
// them to the one execution path (src/run: buildPlan, executeRun, exitCode) with the chosen reporters.
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { RunResult } from '../results.js';
// Loader (yaml, zod) and reporters load inside the functions that need them: every command
// module imports this file, so what it imports statically `--help` and `--version` pay for.
import type { LoadedScenario } from '../scenario/loader.js';
import { parseDuration } from '../scenario/duration.js';
import type { Target } from '../target/target.js';
import type { RunPlan } from '../run/plan.js';
import type { RunControl } from '../run/execute.js';
import type { RunListener } from '../run/listeners.js';
import { addCiFlags, type CiFlags } from './ci-gating.js';
import { addLlmFlags } from './llm-flags.js';
import type { LlmOptions } from '../responders/llm/plan.js';
import { ERA_HELP, parseEra } from '../era.js';

import { PACKAGE_ROOT } from '../package-root.js';

export { PACKAGE_ROOT };
/** The bundled suite: the seed article's whole verification against the reference server. */
export const BUNDLED_SUITE = path.join(PACKAGE_ROOT, 'scenarios', 'travel');

export interface RunFlags extends CiFlags, LlmOptions {
  /** Milliseconds (durationOption). */
  timeout?: number;
  workers?: string;
  reporter?: string;
  color?: boolean;
  verbose?: boolean;
  maxResponse?: string;
  /** Milliseconds (durationOption). */
  regexTimeout?: number;
  /** Interactive mode (src/terminal/interactive-mode.ts). */
  interactive?: boolean;
  record?: string;
  samplingDefault?: string;
  /** `--no-elicitation` / `--no-sampling` / `--no-roots` set these false. */
  elicitation?: boolean;
  sampling?: boolean;
  roots?: boolean;
  /** `--trace FILE`: a HAR of every HTTP exchange. */
  trace?: string;
  /** `--era legacy|modern|auto|both` (src/era.ts), checked by commander and again by buildPlan. */
  era?: string;
}

/** The flags every suite-running command takes. */
/** The run flags `validate` checks too: everything a run parses before it connects. */
export function addCheckedRunFlags(cmd: Command): Command {
  return addEraFlag(addLlmFlags(addCiFlags(cmd), durationOption))
    .addOption(durationOption('--timeout <duration>', 'per-step timeout', '30s'))
    .option('--workers <n>', 'scenarios to run at once, each in its own session', '1')
    .option('--reporter <list>', 'comma-separated reporters, each NAME or NAME=FILE: table, plain, json, junit, tap, github, html (e.g. table,junit=reports/junit.xml,html=report.html)', 'table')
    .option('--trace <file>', 'write every HTTP exchange of the run (bodies, SSE events, timings; credentials redacted) as a HAR 1.2 file')
    .option('--max-response <size>', 'largest response accepted (one message, and one stream); a larger one is cut off and the step fails (512KB, 16MB)', '16MB')
    .addOption(durationOption('--regex-timeout <duration>', 'longest a regex expectation may take on a server\'s text; a slower match fails naming the pattern', '1s'));
}

export function addRunFlags(cmd: Command): Command {
  return addCheckedRunFlags(cmd)
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('-v, --verbose', 'show the transcript, diagnoses and notes for passing steps and scenarios too')
    .option('--interactive', 'a person at the terminal answers elicitation/sampling requests no scripted answer matched (needs a TTY; not with CI=true)')
    .option('--record <file>', 'with --interactive: write the run as a scenario file with the answers given, to replay without a person')
    .option('--sampling-default <text>', 'with --interactive: text offered (editable) as the start of every typed sampling reply')
    .option('--no-elicitation', 'do not declare the elicitation capability: see how the server treats such clients; steps that need it are SKIP')
    .option('--no-sampling', 'do not declare the sampling capability: see how the server treats such clients; steps that need it are SKIP')
    .option('--no-roots', 'do not declare the roots capability (roots/list is then refused): steps that need it are SKIP');
}

/** `--era <era>`: a mistake is commander's usage error (exit 2) before anything is read or sent. */
export function addEraFlag(cmd: Command): Command {
  return cmd.addOption(
    new Option('--era <era>', `${ERA_HELP}; default legacy`).argParser((v: string) => {
      try {
        return parseEra(v);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    }),
  );
}

/** `--timeout <duration>` (and every other duration flag): the one Duration rule, as commander's argParser. */
export function durationOption(flags: string, description: string, defaultText?: string): Option {
  const flag = flags.split(/[ ,]/)[0]!;
  const option = new Option(flags, `${description} (500ms, 10s, 2m; a bare number is milliseconds)`).argParser((v: string) => durationArg(v, flag));
  if (defaultText === undefined) return option;
  const parsed = parseDuration(defaultText);
  return option.default('ms' in parsed ? parsed.ms : undefined, defaultText);
}

/** A duration flag's value in ms; a mistake is commander's usage error (exit 2). */
export function durationArg(value: string, flag = '--timeout'): number {
  const r = parseDuration(value);
  if ('problem' in r) throw new InvalidArgumentError(`${flag} ${r.problem}`);
  return r.ms;
}

export async function loadSuite(paths: string[]): Promise<LoadedScenario[]> {
  const { findScenarioFiles, loadScenarios } = await import('../scenario/loader.js');
  const files = await findScenarioFiles(paths.length ? paths : [BUNDLED_SUITE]);
  // Bundled files are shown relative to the package so reports read "scenarios/travel/…" anywhere.
  return loadScenarios(files, paths.length ? process.cwd() : PACKAGE_ROOT);
}

/**
 * How the CLI reporters are made: every --reporter spec, on process.stdout, one-line messages on stderr;
 * `--trace FILE` adds the HAR writer.
 */
export async function cliReporters(flags: RunFlags) {
  const { createReporters, harTraceWriter, parseReporterSpecs } = await import('../report/reporters.js');
  const { checkDistinctReportFiles } = await import('../report/report-files.js');
  const ctx = { stdout: process.stdout, stderr: process.stderr, noColor: flags.color === false, verbose: flags.verbose };
  const specs = parseReporterSpecs(flags.reporter);
  // --trace FILE and a reporter's FILE must differ too (one would overwrite the other).
  if (flags.trace) checkDistinctReportFiles([...specs, { name: '--trace', file: flags.trace }]);
  const listeners = createReporters(specs, ctx);
  if (flags.trace) listeners.push(harTraceWriter(flags.trace, ctx));
  return listeners;
}

/** What every run shares at the CLI: a listener failure is one line on stderr; the plan's notices too. */
export function runControl(plan: RunPlan, signal: AbortSignal): RunControl {
  for (const n of plan.notices) process.stderr.write(`mcp-verify: ${n}\n`);
  return { signal, onListenerFailure: (_f, text) => process.stderr.write(`mcp-verify: ${text}\n`) };
}

/** Config-file values that are not flags (src/config/apply.ts). */
export interface ConfigExtrasFlags {
  /** Feature names declared under `features:`. */
  features?: string[];
  configFile?: string;
}

/**
 * Everything a run checks before it connects: the plan (buildPlan: flags, variables, features, selection,
 * expected failures) and the reporter names. `local` and `validate` both call it, so `validate` refuses
 * exactly what a run would refuse before sending anything (exit 2).
 */
export async function preRunChecks(scenarios: LoadedScenario[], flags: (SuiteFlags | RunFlags) & ConfigExtrasFlags, target?: Target): Promise<RunPlan> {
  const { buildPlan } = await import('../run/plan.js');
  const { parseReporterSpecs } = await import('../report/reporters.js');
  const { localTarget } = await import('../target/target.js');
  const plan = await buildPlan(flags, scenarios, target ?? localTarget('http://127.0.0.1/'));
  parseReporterSpecs(flags.reporter);
  return plan;
}

/** What a caller of runOnTarget can add: a plan already checked, reporters wrapped, scenarios to run first. */
export interface TargetRunHooks {
  plan?: RunPlan;
  decorate?: (listeners: RunListener[]) => RunListener[];
  /** Scenario ids to run first (watch mode: what failed last time). */
  first?: string[];
  /** Told the RunResult when the run ends (watch mode). */
  onResult?: (run: RunResult) => void;
  /** The bundled travel suite was chosen: check the server has its tools before running it. */
  checkBundledSuite?: boolean;
}

/**
 * Plans and runs what the flags chose (scenario files, the travel suite, the protocol suite) on one
 * target with the chosen reporters; returns the exit code. `local` and `remote` (and `demo --local-only`).
 */
export async function runOnTarget(target: Target, scenarios: LoadedScenario[], flags: (SuiteFlags | RunFlags) & ConfigExtrasFlags, hooks: TargetRunHooks = {}): Promise<number> {
  const { buildPlan } = await import('../run/plan.js');
  const { executeRun } = await import('../run/execute.js');
  const { exitCode } = await import('../run/exit-code.js');
  let plan = hooks.plan ?? (await buildPlan(flags, scenarios, target));
  if (hooks.first?.length) {
    const first = new Set(hooks.first);
    const rank = (id: string) => (first.has(id) ? 0 : 1);
    plan = { ...plan, scenarios: [...plan.scenarios].sort((a, b) => rank(a.loaded.id) - rank(b.loaded.id)) };
  }
  if (plan.eras.length > 1 && (flags.interactive || flags.record)) throw new UsageError('--interactive and --record answer one era at a time: give --era legacy or --era modern');
  if (plan.eras.length > 1) {
    // `--era both`: the suite once per era, side by side (legacy vs modern).
    const { planForEra } = await import('../run/plan.js');
    const { runSides } = await import('./run-sides.js');
    return runSides(plan.eras.map((era) => planForEra(plan, era)), { noColor: flags.color === false, reporters: await cliReporters(flags), control: runControl }, hooks.decorate);
  }
  const listeners = (hooks.decorate ?? ((l: RunListener[]) => l))(await cliReporters(flags));
  // SIGINT/SIGTERM from here on abort the run but every reporter still writes (signals.ts). The reporters
  // exist now, so every phase below (credentials, the bundled-suite probe, a prompt, the scenarios, the
  // reports) ends in complete reports: a phase a signal cut short is skipped and the scenarios are INTERRUPTED.
  const { installRunSignals, runAbortSignal, interruptRun, interruptReceived, unlessInterrupted } = await import('./signals.js');
  const release = installRunSignals();
  const signal = runAbortSignal();
  let run: RunResult | undefined;
  let interactive: Awaited<ReturnType<typeof import('../terminal/interactive-mode.js').interactiveSuite>> | undefined;
  try {
    // AWS credentials (a credential_process may hang): resolved inside the run, not before it.
    const ready = await unlessInterrupted(target.prepare?.(), signal);
    if (ready && hooks.checkBundledSuite && plan.suite === 'scenarios') {
      // After the plan (flag mistakes first), before the run: a foreign server is told what to run instead.
      const { checkBundledSuiteFits } = await import('../scenario/bundled-suite.js');
      await unlessInterrupted(checkBundledSuiteFits(target, plan.stepTimeoutMs, target.kind === 'local' ? `mcp-verify local --url ${target.url}` : 'mcp-verify remote ...', signal, plan.era), signal);
    }
    // A person answers unmatched requests only with --interactive; a second Ctrl-C at a prompt stops the run.
    interactive =
      !signal.aborted && plan.suite === 'scenarios' && (flags.interactive || flags.record)
        ? await (await import('../terminal/interactive-mode.js')).interactiveSuite(flags, target, plan.scenarios.map((s) => s.loaded), [process.cwd(), PACKAGE_ROOT], { signal, onStop: () => interruptRun('SIGINT'), secrets: plan.secrets })
        : undefined;
    // LLMs for sampling, only when the plan names one (keys were checked by buildPlan): the header says so.
    const llm = signal.aborted ? undefined : await (await import('./llm-flags.js')).prepareLlm(plan, signal);
    if (llm && interactive) llm.setReview((req, draft) => interactive!.responder.reviewDraft(req, draft));
    run = await executeRun(plan, listeners, { ...runControl(plan, signal), ...llm?.control, ...interactive?.runOptions });
    hooks.onResult?.(run);
    return exitCode(run, interruptReceived());
  } finally {
    release();
    await interactive?.finish(run?.interrupted ?? true);
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
  if (flags.suite === 'protocol') return runOnTarget(target, [], flags);
  // The bundled suite only means something against the reference server (scenario/bundled-suite.ts).
  const bundled = paths.length === 0 && !scenarios;
  return runOnTarget(target, scenarios ?? (await loadSuite(paths)), flags, { checkBundledSuite: bundled });
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

// The run plan: every default and override (flags today, later a config file, then scenario and step
// keys) resolved ONCE into plain values, before anything connects. Every user mistake found here is a
// UsageError (exit 2). `executeRun` (execute.ts) only runs a plan; it never reads a flag.
import { DEFAULT_REGEX_TIMEOUT_MS } from '../safety/regex.js';
import { UsageError } from '../errors.js';
import type { ScenarioInfo } from '../results.js';
import type { LoadedScenario } from '../scenario/loader.js';
import type { Step } from '../scenario/schema.js';
import { stepKindOf, type StepKindName } from '../scenario/steps/index.js';
import type { VariableSources } from '../scenario/variables.js';
import type { WithheldCapability } from '../session/session.js';
import type { Target } from '../target/target.js';
import type { ProtocolOptions } from '../protocol/context.js';
import { durationMs } from '../scenario/duration.js';
import { planLlm, type LlmOptions, type LlmPlan } from '../responders/llm/plan.js';
import { erasOf, parseEra, type RunEra } from '../era.js';

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

/** The run options as the CLI (or later a config file) gives them; buildPlan checks and resolves them. */
export interface PlanOptions extends LlmOptions {
  /** Per-step timeout in ms (already a Duration; see scenario/duration.ts). */
  timeout?: number;
  workers?: string | number;
  retries?: string | number;
  bail?: boolean;
  grep?: string;
  tag?: string[];
  shard?: string;
  var?: string[];
  secretVar?: string[];
  expectedFailures?: string;
  /** `--strict`: warnings are failures. */
  strict?: boolean;
  /** Byte size text (`16MB`) or a number of bytes. */
  maxResponse?: string | number;
  /** Milliseconds a regex expectation may take (safety/regex.ts); default 1 s. */
  regexTimeout?: number;
  /** `--no-elicitation` / `--no-sampling` / `--no-roots` set these false. */
  elicitation?: boolean;
  sampling?: boolean;
  roots?: boolean;
  /** `--suite protocol` runs the built-in protocol checks instead of scenarios. */
  suite?: string;
  progressTool?: string;
  elicitTool?: string;
  sampleTool?: string;
  /** `--reporter` as given: an html reporter needs each scenario's wire trace. */
  reporter?: string;
  /** `--trace FILE`: a HAR of every HTTP exchange, which needs the wire trace too. */
  trace?: string;
  /** `-v`: transcript lines as evidence for passing steps too. */
  verbose?: boolean;
  /** Feature names beyond the built-in ones (the config file's `features:`). */
  features?: string[];
  /** `--era` / the config file's `era:` as given (src/era.ts); default legacy. */
  era?: string;
  /** `--interactive` (or `--record`): a person at the terminal answers what no rule answered. */
  interactive?: boolean;
  record?: string;
}

/**
 * One source of answers to a step's server requests (elicitation, sampling). A step's `answers` lists
 * them in precedence order, the first that answers winning: the step's own rules, the scenario's rules,
 * then the run's fallbacks, the LLM of --sampling-llm and a person at the terminal (--interactive).
 * (There are no suite- or config-wide answer rules yet; they would go between the scenario's and the
 * fallbacks.) Rules hold `${...}` unresolved: the runner fills them with the values known when the step runs.
 */
export type AnswerLayer =
  | { from: 'step'; elicitation: NonNullable<Step['elicitation']>; sampling: NonNullable<Step['sampling']> }
  | { from: 'scenario'; elicitation: NonNullable<Step['elicitation']>; sampling: NonNullable<Step['sampling']> }
  | { from: 'llm' }
  | { from: 'person' };

/** One step, resolved: what kind it is, how long it may take, what it needs. Requests are filled with variables when it runs. */
export interface ResolvedStep {
  index: number;
  id: string;
  kind: StepKindName;
  label: string;
  file: string;
  line: number;
  /** Step `timeout`, else the scenario's, else the run's; the scenario deadline still caps it at run time. */
  timeoutMs: number;
  /** Capabilities it needs (server's for its action, client's for expected interactions, `requires`). */
  needs: string[];
  /** Where answers to its server requests come from, in precedence order (see AnswerLayer). */
  answers: AnswerLayer[];
  /** `within:` in ms: how long after the result its expected notifications and logs may still arrive. */
  withinMs?: number;
  /** `description:`, for reports. */
  description?: string;
  /** The step as written (variables unresolved). */
  step: Step;
}

export interface PlannedScenario {
  info: ScenarioInfo;
  loaded: LoadedScenario;
  /** The scenario's `timeout` in ms: a deadline for all its steps. */
  timeoutMs?: number;
  steps: ResolvedStep[];
}

export interface RunPlan {
  target: Target;
  /** Scenario files (YAML, bundled or recorded), or the built-in protocol checks. */
  suite: 'scenarios' | 'protocol';
  scenarios: PlannedScenario[];
  stepTimeoutMs: number;
  workers: number;
  retries: number;
  bail: boolean;
  variables: VariableSources;
  /** Values to redact besides the target's own (secret variables). */
  secrets: string[];
  expectedFailures?: { apply(r: import('../results.js').ScenarioResult): import('../results.js').ScenarioResult };
  maxResponseBytes?: number;
  /** Deadline of one regex match, in ms (safety/regex.ts). */
  regexTimeoutMs: number;
  withhold: WithheldCapability[];
  /** `--strict`: every warning becomes a failure (scenario/warnings.ts). */
  strict: boolean;
  protocol: ProtocolOptions;
  /** Keep each scenario's raw exchanges and transcript (`trace` in its result) for the HTML report and HAR. */
  captureWire: boolean;
  /** Transcript lines as evidence for every step, not only failing ones (`-v`). */
  evidenceForAll: boolean;
  /** Things the user should know that are not errors (e.g. an empty shard), for the CLI to print. */
  notices: string[];
  /** LLMs that answer sampling (an `llm:` rule or --sampling-llm), keys checked; absent: nothing is sent to an LLM. */
  llm?: LlmPlan;
  /** The era this plan runs (src/era.ts): legacy, modern, or auto (the server's server/discover answer decides). */
  era: RunEra;
  /** Every era the user asked for, in order (`--era both`: legacy, modern); `planForEra` makes each one's plan. */
  eras: RunEra[];
}

/** The plan for one of its eras (`--era both` runs one plan per era). */
export function planForEra(plan: RunPlan, era: RunEra): RunPlan {
  return { ...plan, era, eras: [era], protocol: { ...plan.protocol, era: era === 'modern' ? 'modern' : 'legacy' } };
}

export function scenarioInfo(s: LoadedScenario): ScenarioInfo {
  return { id: s.id, name: s.scenario.name, file: s.file, line: s.line, feature: s.scenario.feature ?? null, tags: s.scenario.tags ?? [] };
}

/** Resolves options x scenarios x target into a RunPlan; throws UsageError (exit 2) for any mistake. */
export async function buildPlan(options: PlanOptions, scenarios: LoadedScenario[], target: Target): Promise<RunPlan> {
  const suite = options.suite === undefined || options.suite === 'travel' ? 'scenarios' : options.suite === 'protocol' ? 'protocol' : undefined;
  if (!suite) throw new UsageError(`--suite takes travel or protocol (got "${options.suite}")`);
  const stepTimeoutMs = options.timeout ?? DEFAULT_STEP_TIMEOUT_MS;
  const workers = positiveInt(options.workers, '--workers', 1);
  const retries = wholeNumber(options.retries, '--retries', 0, 10);
  const maxResponseBytes = typeof options.maxResponse === 'number' ? options.maxResponse : parseByteSize(options.maxResponse);
  const eras = erasOf(parseEra(options.era));
  const era = eras[0]!;
  const withhold: WithheldCapability[] = [...(options.elicitation === false ? ['elicitation' as const] : []), ...(options.sampling === false ? ['sampling' as const] : []), ...(options.roots === false ? ['roots' as const] : [])];
  const protocol: ProtocolOptions = { timeoutMs: stepTimeoutMs, progressTool: options.progressTool, elicitTool: options.elicitTool, sampleTool: options.sampleTool, era: era === 'modern' ? 'modern' : 'legacy' };
  const regexTimeoutMs = options.regexTimeout ?? DEFAULT_REGEX_TIMEOUT_MS;
  // The wire is kept only when something will show it: an html reporter, or --trace.
  const captureWire = !!options.trace || (options.reporter ?? '').split(',').some((p) => p.split('=')[0]!.trim() === 'html');
  const base = { target, stepTimeoutMs, workers, retries, bail: !!options.bail, strict: !!options.strict, maxResponseBytes, regexTimeoutMs, withhold, protocol, captureWire, evidenceForAll: !!options.verbose, notices: [] as string[], era, eras };
  if (suite === 'protocol') {
    // Its raw requests (src/protocol/wire.ts) bypass the session's capture: a HAR would be empty.
    if (options.trace) throw new UsageError('--trace records scenario runs; --suite protocol sends its own raw requests and cannot be traced yet (its HTML report has no timelines either)');
    planLlm([], options, suite, base.notices);
    return { ...base, suite, scenarios: [], variables: { env: process.env, cli: {}, cliSecrets: [] }, secrets: [] };
  }

  const { selectScenarios, parseShard } = await import('../scenario/selection.js');
  const { checkVariables, knownSecrets, parseVarFlags } = await import('../scenario/variables.js');
  const plain = parseVarFlags(options.var, '--var');
  const secret = parseVarFlags(options.secretVar, '--secret-var');
  const variables: VariableSources = { env: process.env, cli: { ...plain, ...secret }, cliSecrets: Object.keys(secret) };
  const expectedFailures = options.expectedFailures
    ? await (await import('../scenario/expected-failures.js')).loadExpectedFailures(options.expectedFailures, scenarios)
    : undefined;
  // A misspelt `feature:` would silently make a new summary row.
  (await import('../scenario/features.js')).checkFeatures(scenarios, options.features);
  const selected = selectScenarios(scenarios, options);
  checkVariables(selected, variables);
  const shard = parseShard(options.shard);
  if (shard && selected.length === 0) base.notices.push(`shard ${shard.index}/${shard.count} has no scenarios (the selection has fewer than ${shard.count})`);
  const llm = planLlm(selected, options, suite, base.notices);
  return {
    ...base,
    suite,
    scenarios: selected.map((s) => planScenario(s, stepTimeoutMs, [...(llm?.fallback ? [{ from: 'llm' as const }] : []), ...(options.interactive || options.record ? [{ from: 'person' as const }] : [])])),
    variables,
    secrets: [...knownSecrets(selected, variables), ...(llm?.secrets ?? [])],
    ...(llm ? { llm } : {}),
    ...(expectedFailures ? { expectedFailures } : {}),
  };
}

/** A scenario's steps with their kinds, timeouts, needs and answers resolved (step key > scenario key > run default). */
export function planScenario(loaded: LoadedScenario, stepTimeoutMs: number, fallbacks: AnswerLayer[] = []): PlannedScenario {
  const { scenario } = loaded;
  const timeoutMs = scenario.timeout !== undefined ? durationMs(scenario.timeout, stepTimeoutMs) : undefined;
  const fallback = timeoutMs ?? stepTimeoutMs;
  const steps = scenario.steps.map((step, index): ResolvedStep => {
    const kind = stepKindOf(step);
    return {
      index,
      id: step.id ?? `step-${index + 1}`,
      kind: kind.name,
      label: kind.label(step),
      file: loaded.file,
      line: loaded.stepLines[index] ?? loaded.line,
      timeoutMs: durationMs(step.timeout, fallback),
      needs: capabilitiesNeeded(step),
      answers: [
        { from: 'step', elicitation: step.elicitation ?? [], sampling: step.sampling ?? [] },
        { from: 'scenario', elicitation: scenario.elicitation ?? [], sampling: scenario.sampling ?? [] },
        ...fallbacks,
      ],
      ...(step.within !== undefined ? { withinMs: durationMs(step.within, 0) } : {}),
      ...(step.description !== undefined ? { description: step.description } : {}),
      step,
    };
  });
  return { info: scenarioInfo(loaded), loaded, ...(timeoutMs !== undefined ? { timeoutMs } : {}), steps };
}

/**
 * The capabilities a step needs: its action's server capability, the client's for expected interactions,
 * and `requires`. Expected logs do not need `logging` declared: a server that logs without declaring it
 * (FastMCP 3) gets a warning and the log checks still run (scenario/warnings.ts).
 */
export function capabilitiesNeeded(step: Step): string[] {
  const needs = new Set<string>(step.requires ?? []);
  needs.add(stepKindOf(step).capability(step));
  const expects = (c: { count?: unknown } | undefined) => c !== undefined && c.count !== 0 && !(typeof c.count === 'object' && (c.count as { max?: number }).max === 0);
  if (step.elicitation?.length || expects(step.expect?.elicitations)) needs.add('elicitation');
  if (step.sampling?.length || expects(step.expect?.sampling)) needs.add('sampling');
  needs.delete('');
  return [...needs];
}

/** A byte size: 1048576, 512KB, 16MB, 1GB (binary multiples). */
export function parseByteSize(value: string | undefined, flag = '--max-response'): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(value.trim());
  const n = m ? Math.floor(Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB'].indexOf((m[2] ?? 'B').toUpperCase())) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag} takes a size like 512KB or 16MB (got "${value}")`);
  return n;
}

export function positiveInt(value: string | number | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(String(value)) || Number(value) < 1) throw new UsageError(`${flag} takes a whole number of at least 1 (got "${value}")`);
  return Number(value);
}

function wholeNumber(value: string | number | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > max) throw new UsageError(`${flag} takes a whole number from 0 to ${max} (got "${value}")`);
  return n;
}

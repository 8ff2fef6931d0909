// The LLM part of the run plan (src/run/plan.ts): which LLMs the selected scenarios and the flags name,
// with every mistake found before anything connects (exit 2): a bad --sampling-llm, budget or region, an
// LLM with --no-sampling or the protocol suite, and an API key variable that is not set. The keys found
// become the run's secrets. Plain values only: the clients are made by LlmSampler.prepare.
import { UsageError } from '../../errors.js';
import type { LoadedScenario } from '../../scenario/loader.js';
import type { LlmConfig } from '../../scenario/schema.js';
import { parseBudget, type BudgetLimits } from './budget.js';

/** The run options that concern LLMs (flags, later the config file). */
export interface LlmOptions {
  samplingLlm?: string;
  llmBaseUrl?: string;
  llmApiKeyEnv?: string;
  llmRegion?: string;
  llmProfile?: string;
  /** Milliseconds (a duration flag). */
  llmTimeout?: number;
  llmBudget?: string;
  /** A command's own --profile (remote, compare): the Bedrock default too. */
  profile?: string;
  /** `--no-sampling` sets this false. */
  sampling?: boolean;
}

/** An LLM named somewhere, and where (for messages): "scenarios/x.yaml:12" or "--sampling-llm". */
export interface LlmSource {
  config: LlmConfig;
  where: string;
}

export interface LlmPlan {
  /** `--sampling-llm`: answers what no rule answers. */
  fallback?: LlmConfig;
  /** Every LLM to prepare (the fallback first). */
  sources: LlmSource[];
  budget?: BudgetLimits;
  timeoutMs?: number;
  region?: string;
  profile?: string;
  /** API keys read from the environment, for the run's Redactor. */
  secrets: string[];
}

export const DEFAULT_KEY_ENV = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Parses `--sampling-llm PROVIDER:MODEL` (the model may itself contain colons, as Bedrock ids do). */
export function parseSamplingLlm(value: string): { provider: LlmConfig['provider']; model: string } {
  const i = value.indexOf(':');
  const provider = i < 0 ? value : value.slice(0, i);
  const model = i < 0 ? '' : value.slice(i + 1).trim();
  if (provider !== 'bedrock' && provider !== 'openai' && provider !== 'anthropic') {
    throw new UsageError(`--sampling-llm takes PROVIDER:MODEL with provider bedrock, openai or anthropic (got "${value}"), e.g. openai:gpt-4o-mini`);
  }
  if (!model) throw new UsageError(`--sampling-llm ${value}: the model is missing; e.g. ${provider}:${provider === 'bedrock' ? 'anthropic.claude-3-haiku-20240307-v1:0' : provider === 'openai' ? 'gpt-4o-mini' : 'claude-3-5-haiku-latest'}`);
  return { provider, model };
}

/** Every `llm:` sampling rule of the scenarios, with where it is written. */
export function llmSources(scenarios: LoadedScenario[]): LlmSource[] {
  const out: LlmSource[] = [];
  for (const s of scenarios) {
    for (const r of s.scenario.sampling ?? []) if (r.llm) out.push({ config: r.llm, where: `${s.file}:${s.line}` });
    s.scenario.steps.forEach((step, i) => {
      for (const r of step.sampling ?? []) if (r.llm) out.push({ config: r.llm, where: `${s.file}:${s.stepLines[i] ?? s.line}` });
    });
  }
  return out;
}

/** The run-level LLM the flags name, if any. */
export function flagLlmConfig(options: LlmOptions): LlmConfig | undefined {
  if (!options.samplingLlm) {
    const dependent = options.llmBaseUrl !== undefined ? '--llm-base-url' : options.llmApiKeyEnv !== undefined ? '--llm-api-key-env' : undefined;
    if (dependent) throw new UsageError(`${dependent} needs --sampling-llm PROVIDER:MODEL (an llm: rule in a scenario sets its own baseUrl / apiKeyEnv)`);
    return undefined;
  }
  const { provider, model } = parseSamplingLlm(options.samplingLlm);
  if (options.llmApiKeyEnv !== undefined && !ENV_NAME.test(options.llmApiKeyEnv)) {
    throw new UsageError(`--llm-api-key-env takes an environment variable name (got "${options.llmApiKeyEnv}"); the key itself is never given on the command line`);
  }
  if (options.llmBaseUrl !== undefined) checkHttpUrl(options.llmBaseUrl, '--llm-base-url');
  return { provider, model, ...(options.llmBaseUrl ? { baseUrl: options.llmBaseUrl } : {}), ...(options.llmApiKeyEnv ? { apiKeyEnv: options.llmApiKeyEnv } : {}) };
}

function checkHttpUrl(value: string, where: string): void {
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(value).protocol);
  } catch {
    /* not a URL */
  }
  if (!ok) throw new UsageError(`${where} must be an http:// or https:// URL (got "${value}")`);
}

/**
 * The key a config uses, from the variable it names; undefined for Bedrock (AWS credentials) and for an
 * OpenAI-compatible local server given no apiKeyEnv whose default variable is unset (Ollama needs none).
 */
export function apiKeyFor(config: LlmConfig, where: string, env: NodeJS.ProcessEnv = process.env): { key?: string; varName?: string } {
  if (config.provider === 'bedrock') return {};
  const varName = config.apiKeyEnv ?? DEFAULT_KEY_ENV[config.provider];
  const key = env[varName];
  if (key) return { key, varName };
  if (config.provider === 'openai' && config.baseUrl && !config.apiKeyEnv) return { varName };
  throw new UsageError(
    `${where}: the ${config.provider} LLM needs an API key in $${varName}, which is not set` +
      `${config.apiKeyEnv ? '' : ` (name another variable with apiKeyEnv${where === '--sampling-llm' ? ' or --llm-api-key-env' : ''})`}; keys are read only from the environment`,
  );
}

/** The LLM plan, or undefined when nothing names an LLM (then nothing LLM-related ever loads). */
export function planLlm(scenarios: LoadedScenario[], options: LlmOptions, suite: 'scenarios' | 'protocol', notices: string[]): LlmPlan | undefined {
  const fallback = flagLlmConfig(options);
  const budget = parseBudget(options.llmBudget);
  if (options.llmRegion !== undefined && !REGION.test(options.llmRegion)) throw new UsageError(`--llm-region takes an AWS region like us-east-1 (got "${options.llmRegion}")`);
  const sources = [...(fallback ? [{ config: fallback, where: '--sampling-llm' }] : []), ...llmSources(scenarios)];
  if (sources.length === 0) {
    const stray = options.llmBudget !== undefined ? '--llm-budget' : options.llmRegion !== undefined ? '--llm-region' : options.llmProfile !== undefined ? '--llm-profile' : options.llmTimeout !== undefined ? '--llm-timeout' : undefined;
    if (stray) notices.push(`${stray} has no effect: no LLM is configured (--sampling-llm or an llm: sampling rule)`);
    return undefined;
  }
  if (suite === 'protocol') throw new UsageError('--sampling-llm does not apply to --suite protocol: its sampling checks answer with a fixed text');
  if (options.sampling === false) throw new UsageError(`${sources[0]!.where === '--sampling-llm' ? '--sampling-llm' : `an llm: sampling rule (${sources[0]!.where})`} and --no-sampling contradict each other: without the sampling capability no request reaches an LLM`);
  const secrets: string[] = [];
  for (const s of sources) {
    if (s.config.baseUrl) checkHttpUrl(s.config.baseUrl, `${s.where}: llm baseUrl`);
    const { key } = apiKeyFor(s.config, s.where);
    if (key) secrets.push(key);
  }
  return {
    ...(fallback ? { fallback } : {}),
    sources,
    ...(budget ? { budget } : {}),
    ...(options.llmTimeout !== undefined ? { timeoutMs: options.llmTimeout } : {}),
    ...(options.llmRegion ? { region: options.llmRegion } : {}),
    ...(options.llmProfile ?? options.profile ? { profile: options.llmProfile ?? options.profile } : {}),
    secrets,
  };
}

// The LLM run flags (`--sampling-llm PROVIDER:MODEL`, `--llm-base-url`, `--llm-api-key-env`,
// `--llm-region`, `--llm-profile`, `--llm-timeout`, `--llm-budget`) and the pre-run step that prepares
// every LLM the selected scenarios or the flags name: keys checked (exit 2), AWS credentials resolved
// (exit 3), keys registered as secrets, and the header line saying an LLM will be called. Without an
// `llm:` rule or --sampling-llm nothing here loads and nothing is ever sent to an LLM.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { LoadedScenario } from '../scenario/loader.js';
import type { RunOptions } from '../scenario/runner.js';
import type { LlmConfig } from '../scenario/schema.js';
import type { SamplingReply, SamplingRequest } from '../responders/responder.js';
import { durationMs } from '../scenario/duration.js';

export interface LlmFlags {
  samplingLlm?: string;
  llmBaseUrl?: string;
  llmApiKeyEnv?: string;
  llmRegion?: string;
  llmProfile?: string;
  llmTimeout?: string;
  llmBudget?: string;
  /** A command's own --profile (remote, compare): the Bedrock default too. */
  profile?: string;
  /** `--no-sampling` sets this false. */
  sampling?: boolean;
}

export function addLlmFlags(cmd: Command): Command {
  return cmd
    .option('--sampling-llm <provider:model>', 'answer sampling requests no scripted rule answers with a real LLM: bedrock:MODEL_ID, openai:MODEL or anthropic:MODEL (never used unless given)')
    .option('--llm-base-url <url>', 'with --sampling-llm: the endpoint (an OpenAI-compatible server such as Ollama or vLLM, a proxy, a Bedrock VPC endpoint)')
    .option('--llm-api-key-env <var>', 'with --sampling-llm: the environment variable holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY)')
    .option('--llm-region <region>', 'bedrock: the AWS region (default AWS_REGION or the profile\'s)')
    .option('--llm-profile <name>', 'bedrock: the AWS profile (default --profile, AWS_PROFILE, the default chain)')
    .option('--llm-timeout <duration>', 'how long one LLM answer may take, retries included (default 20s)')
    .option('--llm-budget <limits>', 'cap the LLM calls and tokens of the run: calls=N,tokens=N (exceeded: the step fails saying so)');
}

/** Every `llm:` sampling rule of the selected scenarios, with where it is written. */
export function llmSources(scenarios: LoadedScenario[]): { config: LlmConfig; where: string }[] {
  const out: { config: LlmConfig; where: string }[] = [];
  for (const s of scenarios) {
    for (const r of s.scenario.sampling ?? []) if (r.llm) out.push({ config: r.llm, where: `${s.file}:${s.line}` });
    s.scenario.steps.forEach((step, i) => {
      for (const r of step.sampling ?? []) if (r.llm) out.push({ config: r.llm, where: `${s.file}:${s.stepLines[i] ?? s.line}` });
    });
  }
  return out;
}

export interface LlmRun {
  runOptions: Pick<RunOptions, 'llm'>;
  secrets: string[];
  header: string;
  /** Interactive mode: show each draft to the person. */
  setReview(review: (req: SamplingRequest, draft: SamplingReply) => Promise<SamplingReply>): void;
}

/** The run-level LLM the flags name, if any (checked: exit 2 for a bad flag). */
export function flagLlmConfig(flags: LlmFlags, parse: (v: string) => { provider: LlmConfig['provider']; model: string }): LlmConfig | undefined {
  const dependents = (['llmBaseUrl', 'llmApiKeyEnv'] as const).filter((k) => flags[k] !== undefined);
  if (!flags.samplingLlm) {
    if (dependents.length) throw new UsageError(`--${dependents[0] === 'llmBaseUrl' ? 'llm-base-url' : 'llm-api-key-env'} needs --sampling-llm PROVIDER:MODEL (an llm: rule in a scenario sets its own baseUrl / apiKeyEnv)`);
    return undefined;
  }
  const { provider, model } = parse(flags.samplingLlm);
  if (flags.llmApiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.llmApiKeyEnv)) {
    throw new UsageError(`--llm-api-key-env takes an environment variable name (got "${flags.llmApiKeyEnv}"); the key itself is never given on the command line`);
  }
  if (flags.llmBaseUrl !== undefined) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(flags.llmBaseUrl).protocol);
    } catch {
      /* not a URL */
    }
    if (!ok) throw new UsageError(`--llm-base-url must be an http:// or https:// URL (got "${flags.llmBaseUrl}")`);
  }
  return { provider, model, ...(flags.llmBaseUrl ? { baseUrl: flags.llmBaseUrl } : {}), ...(flags.llmApiKeyEnv ? { apiKeyEnv: flags.llmApiKeyEnv } : {}) };
}

/** Prepares the run's LLMs, or returns undefined when none is configured (then nothing is loaded). */
export async function prepareLlmRun(scenarios: LoadedScenario[], flags: LlmFlags, signal?: AbortSignal): Promise<LlmRun | undefined> {
  const { parseSamplingLlm } = await import('../responders/llm/sampler.js');
  const fallback = flagLlmConfig(flags, parseSamplingLlm);
  const sources = llmSources(scenarios);
  const { parseBudget } = await import('../responders/llm/budget.js');
  const budget = parseBudget(flags.llmBudget);
  const timeoutMs = parseLlmTimeout(flags.llmTimeout);
  if (flags.llmRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(flags.llmRegion)) throw new UsageError(`--llm-region takes an AWS region like us-east-1 (got "${flags.llmRegion}")`);
  if (!fallback && sources.length === 0) {
    const stray = (['llmBudget', 'llmRegion', 'llmProfile', 'llmTimeout'] as const).find((k) => flags[k] !== undefined);
    if (stray) process.stderr.write(`mcp-verify: --${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} has no effect: no LLM is configured (--sampling-llm or an llm: sampling rule)\n`);
    return undefined;
  }
  if (flags.sampling === false) throw new UsageError(`${fallback ? '--sampling-llm' : `an llm: sampling rule (${sources[0]!.where})`} and --no-sampling contradict each other: without the sampling capability no request reaches an LLM`);
  const { LlmSampler } = await import('../responders/llm/sampler.js');
  const sampler = await LlmSampler.prepare([...(fallback ? [{ config: fallback, where: '--sampling-llm' }] : []), ...sources], {
    region: flags.llmRegion,
    profile: flags.llmProfile ?? flags.profile,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(budget ? { budget } : {}),
    signal,
  });
  const answer = (config: LlmConfig, req: SamplingRequest) => sampler.answer(config, req);
  const { LlmResponder } = await import('../responders/llm/responder.js');
  return {
    runOptions: { llm: { answer, ...(fallback ? { fallback: new LlmResponder(fallback, answer) } : {}) } },
    secrets: sampler.secrets,
    header: sampler.header(),
    setReview: (review) => sampler.setReview(review),
  };
}

function parseLlmTimeout(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\d+(\.\d+)?(ms|s|m)$/.test(v) ? durationMs(v, 0) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 2 ** 31 - 1) throw new UsageError(`--llm-timeout takes a duration like 500ms, 20s or 2m (got "${v}")`);
  return n;
}

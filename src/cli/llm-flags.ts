// The LLM run flags (`--sampling-llm PROVIDER:MODEL`, `--llm-base-url`, `--llm-api-key-env`,
// `--llm-region`, `--llm-profile`, `--llm-timeout`, `--llm-budget`), and the step between buildPlan and
// executeRun that makes the plan's LLM clients (src/responders/llm/sampler.ts) and says, in the run's
// header, that an LLM may be called. buildPlan already refused every mistake (exit 2); without an `llm:`
// rule or --sampling-llm the plan has no LLM, nothing here loads and nothing is ever sent to an LLM.
import type { Command, Option } from 'commander';
import type { SamplingReply, SamplingRequest } from '../responders/responder.js';
import type { RunControl } from '../run/execute.js';
import type { RunPlan } from '../run/plan.js';

/** `durationOption` is run-suite's (the one Duration rule), passed in so this module does not import run-suite. */
export function addLlmFlags(cmd: Command, durationOption: (flags: string, description: string) => Option): Command {
  return cmd
    .option('--sampling-llm <provider:model>', 'answer sampling requests no scripted rule answers with a real LLM: bedrock:MODEL_ID, openai:MODEL or anthropic:MODEL (never used unless given)')
    .option('--llm-base-url <url>', 'with --sampling-llm: the endpoint (an OpenAI-compatible server such as Ollama or vLLM, a proxy, a Bedrock VPC endpoint)')
    .option('--llm-api-key-env <var>', 'with --sampling-llm: the environment variable holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY)')
    .option('--llm-region <region>', 'bedrock: the AWS region (default AWS_REGION or the profile\'s)')
    .option('--llm-profile <name>', 'bedrock: the AWS profile (default --profile, AWS_PROFILE, the default chain)')
    .addOption(durationOption('--llm-timeout <duration>', 'how long one LLM answer may take, retries included (default 20s)'))
    .option('--llm-budget <limits>', 'cap the LLM calls and tokens of the run: calls=N,tokens=N (exceeded: the step fails saying so)');
}

export interface LlmRun {
  control: Pick<RunControl, 'llm'>;
  /** Interactive mode: show each draft to the person. */
  setReview(review: (req: SamplingRequest, draft: SamplingReply) => Promise<SamplingReply>): void;
}

/** Makes the plan's LLM clients and prints the header; undefined when the plan names no LLM. */
export async function prepareLlm(plan: RunPlan, signal?: AbortSignal): Promise<LlmRun | undefined> {
  if (!plan.llm) return undefined;
  const { LlmSampler } = await import('../responders/llm/sampler.js');
  const { LlmResponder } = await import('../responders/llm/responder.js');
  const sampler = await LlmSampler.prepare(plan.llm, { signal });
  process.stderr.write(`mcp-verify: ${sampler.header()}\n`);
  const answer: import('../responders/scripted.js').LlmAnswerer = (config, req) => sampler.answer(config, req);
  return {
    control: { llm: { answer, ...(plan.llm.fallback ? { fallback: new LlmResponder(plan.llm.fallback, answer) } : {}), secrets: sampler.secrets } },
    setReview: (review) => sampler.setReview(review),
  };
}

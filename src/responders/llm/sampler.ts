// The LLMs a run may ask (the plan's LlmPlan, plan.ts), prepared once before anything connects: AWS
// credentials and region resolved for Bedrock (exit 3 / exit 2), every key and AWS secret registered as
// a secret, one client per configured endpoint, one budget for the run. Then
// `answer` turns an MCP sampling request into a provider call and the provider's answer into a reply.
// Nothing here is created, and nothing is ever sent to an LLM, unless a rule or --sampling-llm names one.
import { ConnectError, UsageError } from '../../errors.js';
import type { LlmConfig } from '../../scenario/schema.js';
import { durationMs } from '../../scenario/duration.js';
import { Redactor } from '../../redact.js';
import { AnswerFailure, type SamplingReply, type SamplingRequest } from '../responder.js';
import { describeBudget, LlmBudget } from './budget.js';
import { apiKeyFor, type LlmPlan } from './plan.js';
import { withDeadline, type LlmProvider } from './provider.js';
import { toLlmRequest } from './request.js';

export interface LlmRunOptions {
  /** Aborts calls in flight when the run stops. */
  signal?: AbortSignal;
  /** Interactive mode: a person sees each draft and sends, edits or replaces it. */
  review?: (req: SamplingRequest, draft: SamplingReply) => Promise<SamplingReply>;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_LLM_TIMEOUT_MS = 20_000;

interface Prepared {
  provider: LlmProvider;
  /** "openai gpt-4o-mini at https://api.openai.com/v1 (key from $OPENAI_API_KEY)". */
  header: string;
}

function configKey(config: LlmConfig): string {
  return JSON.stringify(config, Object.keys(config).sort());
}

export class LlmSampler {
  readonly budget: LlmBudget;
  /** Every API key and AWS secret read: the run's Redactor masks them in every output. */
  readonly secrets: string[] = [];
  private readonly prepared = new Map<string, Prepared>();

  private constructor(
    private readonly plan: LlmPlan,
    private readonly opts: LlmRunOptions,
  ) {
    this.budget = new LlmBudget(plan.budget);
  }

  /** Prepares every LLM of the plan (whose keys buildPlan checked); unusable AWS credentials are a ConnectError (exit 3). */
  static async prepare(plan: LlmPlan, opts: LlmRunOptions = {}): Promise<LlmSampler> {
    const sampler = new LlmSampler(plan, opts);
    for (const s of plan.sources) await sampler.prepareOne(s.config, s.where);
    return sampler;
  }

  /** The run header: which LLMs may be called, and the budget. */
  header(): string {
    const lines = [...new Set([...this.prepared.values()].map((p) => p.header))];
    return `sampling requests may be sent to an LLM: ${lines.join('; ')}; ${describeBudget(this.plan.budget)}`;
  }

  /** Lets a late-set review hook (interactive mode) see drafts. */
  setReview(review: LlmRunOptions['review']): void {
    this.opts.review = review;
  }

  private async prepareOne(config: LlmConfig, where: string): Promise<Prepared> {
    const key = configKey(config);
    const known = this.prepared.get(key);
    if (known) return known;
    if (config.baseUrl && !/^https?:$/.test(new URL(config.baseUrl).protocol)) throw new UsageError(`${where}: llm baseUrl must be http:// or https:// (got ${config.baseUrl})`);
    let prepared: Prepared;
    if (config.provider === 'bedrock') {
      const profile = config.profile ?? this.plan.profile;
      const { createCredentialsProvider } = await import('../../target/credentials.js');
      const credentials = await createCredentialsProvider(profile ? { profile } : {});
      const creds = await credentials(); // exit 3 with the chain's explanation
      this.secrets.push(creds.accessKeyId, creds.secretAccessKey, ...(creds.sessionToken ? [creds.sessionToken] : []));
      const { bedrockClient, bedrockProvider } = await import('./bedrock.js');
      let region = config.region ?? this.plan.region;
      const client = bedrockClient({ ...config, ...(profile ? { profile } : {}) }, region, credentials);
      if (!region) {
        region = await client.config.region().catch(() => undefined);
        if (!region) throw new UsageError(`${where}: bedrock needs an AWS region: set region: on the llm rule, --llm-region, AWS_REGION, or a region in the profile`);
      }
      prepared = { provider: bedrockProvider(config, client, region), header: `bedrock ${config.model} in ${region}${config.baseUrl ? ` at ${config.baseUrl}` : ''} (AWS credentials${profile ? ` of profile ${profile}` : ' from the default chain'})` };
    } else {
      const { key, varName } = apiKeyFor(config, where, this.opts.env);
      if (key) this.secrets.push(key);
      const keyNote = key ? `key from $${varName}` : `no key: $${varName} is not set`;
      const mod = config.provider === 'openai' ? await import('./openai.js') : await import('./anthropic.js');
      // A local OpenAI-compatible server (Ollama, vLLM, LM Studio) usually takes no key; the client wants a string.
      const provider = 'openaiProvider' in mod ? mod.openaiProvider(config, key ?? 'no-key') : mod.anthropicProvider(config, key!);
      prepared = { provider, header: `${provider.label} (${keyNote})` };
    }
    this.prepared.set(key, prepared);
    return prepared;
  }

  /** Answers one sampling request with the configured LLM; every failure is an AnswerFailure (the step fails saying why). */
  async answer(config: LlmConfig, req: SamplingRequest): Promise<SamplingReply> {
    let prepared: Prepared;
    try {
      prepared = await this.prepareOne(config, `llm ${config.provider}:${config.model}`);
    } catch (e) {
      if (e instanceof UsageError || e instanceof ConnectError) throw new AnswerFailure(e.message);
      throw e;
    }
    const { provider } = prepared;
    // Mapped first: a request that cannot be sent (audio, tool use) spends nothing.
    const request = toLlmRequest(req.params ?? { messages: req.messages.map((m) => ({ role: m.role, content: { type: 'text', text: m.text } })), maxTokens: req.maxTokens, systemPrompt: req.systemPrompt }, config, this.budget.tokensLeft);
    const refused = this.budget.reserve();
    if (refused) throw new AnswerFailure(refused);
    const timeoutMs = config.timeout !== undefined ? durationMs(config.timeout, DEFAULT_LLM_TIMEOUT_MS) : (this.plan.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS);
    const where = `LLM ${provider.label.replace(` ${config.model} `, ` ${request.model} `)}`;
    const explain = await explainerFor(config.provider);
    const answer = await withDeadline(where, timeoutMs, this.opts.signal, (signal) => provider.complete(request, signal), explain);
    const over = this.budget.record(answer.usage);
    if (over) throw new AnswerFailure(over, 'llm', answer.usage);
    // An endpoint that puts a key into its answer (a hostile or careless gateway) must not hand it to
    // the server under test, nor show it to a person reviewing the draft.
    const redactor = new Redactor(this.secrets);
    const draft: SamplingReply = { text: redactor.text(answer.text), model: redactor.text(answer.model), stopReason: answer.stopReason, answeredBy: 'llm', provider: config.provider, usage: answer.usage };
    return this.opts.review ? this.opts.review(req, draft) : draft;
  }
}

async function explainerFor(provider: LlmConfig['provider']): Promise<(err: unknown) => string> {
  if (provider === 'openai') return (await import('./openai.js')).explainOpenAiError;
  if (provider === 'anthropic') return (await import('./anthropic.js')).explainAnthropicError;
  return (await import('./bedrock.js')).explainBedrockError;
}

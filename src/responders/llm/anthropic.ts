// Anthropic Messages (POST {baseUrl}/v1/messages) through the official `@anthropic-ai/sdk` client.
import Anthropic from '@anthropic-ai/sdk';
import type { LlmConfig } from '../../scenario/schema.js';
import { LLM_MAX_RETRIES, malformed, mcpStopReason, shortMessage, statusMeaning, type LlmProvider } from './provider.js';
import type { LlmAnswer, LlmRequest } from './request.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export function anthropicProvider(config: LlmConfig, apiKey: string): LlmProvider {
  const baseURL = config.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL;
  // The key given, and nothing else: no auth token, profile or credential file from the environment.
  const client = new Anthropic({ apiKey, authToken: null, baseURL, maxRetries: LLM_MAX_RETRIES });
  return {
    label: `anthropic ${config.model} at ${baseURL}`,
    async complete(req: LlmRequest, signal: AbortSignal): Promise<LlmAnswer> {
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model: req.model,
        max_tokens: req.maxTokens,
        messages: req.messages.map((m) => ({
          role: m.role,
          content: m.content.map((c) =>
            c.type === 'text'
              ? { type: 'text' as const, text: c.text }
              : { type: 'image' as const, source: { type: 'base64' as const, media_type: c.mimeType as ImageType, data: c.data } },
          ),
        })),
        ...(req.system ? { system: req.system } : {}),
        ...(req.temperature !== undefined ? { temperature: Math.min(1, req.temperature) } : {}),
        ...(req.stopSequences ? { stop_sequences: req.stopSequences } : {}),
      };
      const res = (await client.messages.create(body, { signal })) as unknown;
      return parseAnthropicAnswer(res, req.model);
    },
  };
}

export function parseAnthropicAnswer(res: unknown, asked: string): LlmAnswer {
  if (!res || typeof res !== 'object') throw malformed(`expected a message JSON object, got ${typeof res === 'string' ? `text ${JSON.stringify(res.slice(0, 80))}` : typeof res}`);
  const r = res as { content?: unknown; model?: unknown; stop_reason?: unknown; usage?: { input_tokens?: unknown; output_tokens?: unknown } };
  if (!Array.isArray(r.content)) throw malformed('no content array in the message');
  const texts = r.content.filter((b): b is { type: 'text'; text: string } => !!b && (b as { type?: unknown }).type === 'text' && typeof (b as { text?: unknown }).text === 'string');
  if (texts.length === 0 && r.content.length > 0) throw malformed('the message has no text content block');
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
  return {
    text: texts.map((b) => b.text).join(''),
    model: typeof r.model === 'string' && r.model ? r.model : asked,
    stopReason: mcpStopReason(typeof r.stop_reason === 'string' ? r.stop_reason : null),
    usage: { inputTokens: n(r.usage?.input_tokens), outputTokens: n(r.usage?.output_tokens) },
  };
}

export function explainAnthropicError(err: unknown): string {
  if (err instanceof Anthropic.APIConnectionTimeoutError) return 'the request timed out';
  if (err instanceof Anthropic.APIConnectionError) return `could not reach the endpoint (${shortMessage(err.cause ?? err)})`;
  if (err instanceof Anthropic.APIError && typeof err.status === 'number') {
    const detail = (err.error as { error?: { message?: unknown } } | undefined)?.error?.message;
    return `${statusMeaning(err.status, err.status === 429 || err.status >= 500)}${typeof detail === 'string' ? `: ${shortMessage(detail)}` : ''}`;
  }
  if (err instanceof SyntaxError) return `malformed answer: the body is not JSON (${shortMessage(err)})`;
  return shortMessage(err);
}

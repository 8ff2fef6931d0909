// OpenAI chat completions (POST {baseUrl}/chat/completions) through the official `openai` client, for
// OpenAI itself and every OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, gateways) via baseUrl.
import OpenAI from 'openai';
import type { LlmConfig } from '../../scenario/schema.js';
import { LLM_MAX_RETRIES, malformed, mcpStopReason, shortMessage, statusMeaning, type LlmProvider } from './provider.js';
import type { LlmAnswer, LlmRequest } from './request.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export function openaiProvider(config: LlmConfig, apiKey: string): LlmProvider {
  const baseURL = config.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  // Explicit everything: no OPENAI_BASE_URL / OPENAI_ORG_ID from the environment changes where the key goes.
  const client = new OpenAI({ apiKey, baseURL, organization: null, project: null, maxRetries: LLM_MAX_RETRIES });
  // OpenAI's own API wants max_completion_tokens (max_tokens is refused by its reasoning models);
  // compatible servers (Ollama, vLLM, LM Studio) know max_tokens.
  const official = new URL(baseURL).hostname === 'api.openai.com';
  return {
    label: `openai ${config.model} at ${baseURL}`,
    async complete(req: LlmRequest, signal: AbortSignal): Promise<LlmAnswer> {
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
      if (req.system) messages.push({ role: 'system', content: req.system });
      for (const m of req.messages) {
        if (m.role === 'assistant') {
          messages.push({ role: 'assistant', content: m.content.map((c) => (c.type === 'text' ? c.text : '')).join('') });
        } else {
          messages.push({
            role: 'user',
            content: m.content.map((c) =>
              c.type === 'text' ? { type: 'text' as const, text: c.text } : { type: 'image_url' as const, image_url: { url: `data:${c.mimeType};base64,${c.data}` } },
            ),
          });
        }
      }
      const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
        model: req.model,
        messages,
        ...(official ? { max_completion_tokens: req.maxTokens } : { max_tokens: req.maxTokens }),
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...(req.stopSequences ? { stop: req.stopSequences } : {}),
      };
      const res = (await client.chat.completions.create(body, { signal })) as unknown;
      return parseOpenAiAnswer(res, req.model);
    },
  };
}

export function parseOpenAiAnswer(res: unknown, asked: string): LlmAnswer {
  if (!res || typeof res !== 'object') throw malformed(`expected a chat.completion JSON object, got ${typeof res === 'string' ? `text ${JSON.stringify(res.slice(0, 80))}` : typeof res}`);
  const r = res as { choices?: unknown; model?: unknown; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
  const choice = Array.isArray(r.choices) ? (r.choices[0] as { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown } | undefined) : undefined;
  if (!choice) throw malformed('no choices[0] in the chat.completion');
  const content = choice.message?.content;
  if (typeof content !== 'string') {
    if (typeof choice.message?.refusal === 'string') return { text: choice.message.refusal, model: modelOf(r.model, asked), stopReason: 'refusal', usage: usageOf(r.usage) };
    throw malformed('choices[0].message.content is not text');
  }
  return { text: content, model: modelOf(r.model, asked), stopReason: mcpStopReason(typeof choice.finish_reason === 'string' ? choice.finish_reason : null), usage: usageOf(r.usage) };
}

function modelOf(m: unknown, asked: string): string {
  return typeof m === 'string' && m !== '' ? m : asked;
}

function usageOf(u: { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined): LlmAnswer['usage'] {
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
  return { inputTokens: n(u?.prompt_tokens), outputTokens: n(u?.completion_tokens) };
}

export function explainOpenAiError(err: unknown): string {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'the request timed out';
  if (err instanceof OpenAI.APIConnectionError) return `could not reach the endpoint (${shortMessage(err.cause ?? err)})`;
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const detail = (err.error as { message?: unknown } | undefined)?.message;
    return `${statusMeaning(err.status, err.status === 429 || err.status >= 500)}${typeof detail === 'string' ? `: ${shortMessage(detail)}` : ''}`;
  }
  if (err instanceof SyntaxError) return `malformed answer: the body is not JSON (${shortMessage(err)})`;
  return shortMessage(err);
}

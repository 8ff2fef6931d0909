// The MCP sampling request (sampling/createMessage params) as one provider-neutral LLM request, and the
// model choice from modelPreferences hints. Each provider module maps this to its own wire format, so
// what is sent is decided here once: messages (text and images), systemPrompt, maxTokens, temperature,
// stopSequences. Content an LLM call cannot carry (audio, tool use) is refused with the reason rather
// than silently dropped.
import type { LlmConfig } from '../../scenario/schema.js';
import { AnswerFailure } from '../responder.js';

export type LlmContent = { type: 'text'; text: string } | { type: 'image'; data: string; mimeType: string };

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: LlmContent[];
}

export interface LlmRequest {
  model: string;
  system?: string;
  messages: LlmMessage[];
  maxTokens: number;
  temperature?: number;
  stopSequences?: string[];
}

/** What a provider answered, in MCP's terms. */
export interface LlmAnswer {
  text: string;
  /** The model id the provider says answered (or the one asked, when the wire format does not say). */
  model: string;
  /** MCP stopReason: endTurn, stopSequence, maxTokens, or the provider's own reason. */
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number };
}

/** Used when a request has no maxTokens (which the spec requires): every provider needs a bound. */
export const FALLBACK_MAX_TOKENS = 1024;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Builds the neutral request; `maxTokensCap` is what the budget still allows. Throws AnswerFailure for content it cannot send. */
export function toLlmRequest(params: Record<string, unknown>, config: LlmConfig, maxTokensCap?: number): LlmRequest {
  const rawMessages = Array.isArray(params.messages) ? params.messages : [];
  const messages: LlmMessage[] = rawMessages.map((m, i) => {
    const msg = (m ?? {}) as { role?: unknown; content?: unknown };
    const role = msg.role === 'assistant' ? 'assistant' : msg.role === 'user' ? 'user' : undefined;
    if (!role) throw new AnswerFailure(`sampling message ${i + 1} has role ${JSON.stringify(msg.role)}; an LLM takes user or assistant`);
    const blocks = Array.isArray(msg.content) ? msg.content : [msg.content];
    return { role, content: blocks.map((b, j) => contentBlock(b, `sampling message ${i + 1}${blocks.length > 1 ? ` block ${j + 1}` : ''}`)) };
  });
  if (messages.length === 0) throw new AnswerFailure('the sampling request has no messages to send to the LLM');
  const requested = typeof params.maxTokens === 'number' && params.maxTokens > 0 ? Math.floor(params.maxTokens) : FALLBACK_MAX_TOKENS;
  const maxTokens = Math.max(1, Math.min(requested, config.maxTokens ?? Infinity, maxTokensCap ?? Infinity));
  const temperature = config.temperature ?? (typeof params.temperature === 'number' ? params.temperature : undefined);
  const stopSequences = Array.isArray(params.stopSequences) ? params.stopSequences.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  return {
    model: pickModel(config, modelHints(params)).model,
    ...(typeof params.systemPrompt === 'string' && params.systemPrompt !== '' ? { system: params.systemPrompt } : {}),
    messages,
    maxTokens,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(stopSequences.length ? { stopSequences } : {}),
  };
}

function contentBlock(b: unknown, where: string): LlmContent {
  const block = (b ?? {}) as { type?: unknown; text?: unknown; data?: unknown; mimeType?: unknown };
  if (block.type === 'text' && typeof block.text === 'string') return { type: 'text', text: block.text };
  if (block.type === 'image' && typeof block.data === 'string' && typeof block.mimeType === 'string') {
    if (!IMAGE_TYPES.has(block.mimeType)) throw new AnswerFailure(`${where} is an image of type ${block.mimeType}; the providers take ${[...IMAGE_TYPES].join(', ')}`);
    return { type: 'image', data: block.data, mimeType: block.mimeType };
  }
  throw new AnswerFailure(`${where} is ${JSON.stringify(block.type)} content, which mcp-verify does not send to an LLM (text and images only); script this answer with text:`);
}

export function modelHints(params: Record<string, unknown>): string[] {
  const prefs = params.modelPreferences as { hints?: unknown } | undefined;
  const hints = Array.isArray(prefs?.hints) ? prefs.hints : [];
  return hints.map((h) => (h && typeof (h as { name?: unknown }).name === 'string' ? (h as { name: string }).name : '')).filter(Boolean);
}

/**
 * MCP: hints are tried in order and "treated as substrings that can match model names flexibly". The
 * first hint that names a configured family (either contains the other) or is part of a configured model
 * id picks that model; otherwise the default `model`.
 */
export function pickModel(config: LlmConfig, hints: string[]): { model: string; hint?: string } {
  const families = Object.entries(config.models ?? {});
  for (const hint of hints) {
    const h = hint.toLowerCase();
    const byFamily = families.find(([family]) => h.includes(family.toLowerCase()) || family.toLowerCase().includes(h));
    if (byFamily) return { model: byFamily[1], hint };
    const byId = [config.model, ...families.map(([, id]) => id)].find((id) => id.toLowerCase().includes(h));
    if (byId) return { model: byId, hint };
  }
  return { model: config.model };
}

/** Bytes of an image block, for providers that take raw bytes (Bedrock). */
export function imageBytes(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

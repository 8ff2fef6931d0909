// Responders answer server→client requests (elicitation, sampling). Scripted answers from YAML come
// first, then a person at the terminal if one may be asked; otherwise the request is unanswered and the
// step fails naming it. Scripted and interactive responders share this one interface.

export interface ElicitationRequest {
  mode: 'form' | 'url';
  message: string;
  requestedSchema?: ElicitationSchema;
  url?: string;
  elicitationId?: string;
}

export interface ElicitationSchema {
  type?: string;
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
  [k: string]: unknown;
}

export interface ElicitationReply {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
  answeredBy: 'script' | 'person' | 'policy';
  note?: string;
}

export interface SamplingRequest {
  messages: { role: string; text: string }[];
  systemPrompt?: string;
  maxTokens?: number;
  modelHints?: string[];
  /** All request text joined, for matching. */
  text: string;
  /** The request's params as the server sent them (images, temperature, stopSequences…), for an LLM. */
  params?: Record<string, unknown>;
}

/** Tokens an LLM reported for one answer. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface SamplingReply {
  text: string;
  model: string;
  stopReason: string;
  answeredBy: 'script' | 'person' | 'llm';
  /** For an LLM answer: the provider, and the tokens it reported. */
  provider?: string;
  usage?: TokenUsage;
  /** A note for the transcript (e.g. "draft edited by the person"). */
  note?: string;
}

/**
 * A responder that tried to answer and could not (an LLM endpoint refused, timed out, answered junk,
 * or the budget is spent). The request is answered with an error and the step fails with this message.
 */
export class AnswerFailure extends Error {
  constructor(
    message: string,
    /** What the transcript shows as having answered. */
    readonly answeredBy: 'llm' | 'person' = 'llm',
    /** Tokens spent before the failure (counted in the step's usage). */
    readonly usage?: TokenUsage,
  ) {
    super(message);
    this.name = 'AnswerFailure';
  }
}

/** A source of answers. `undefined` means "not mine": the chain asks the next responder. */
export interface Responder {
  elicit(req: ElicitationRequest): Promise<ElicitationReply | undefined>;
  sample(req: SamplingRequest): Promise<SamplingReply | undefined>;
}

/** Tries responders in order; the first answer wins. */
export class ResponderChain implements Responder {
  constructor(private readonly responders: Responder[]) {}

  async elicit(req: ElicitationRequest): Promise<ElicitationReply | undefined> {
    for (const r of this.responders) {
      const reply = await r.elicit(req);
      if (reply) return reply;
    }
    return undefined;
  }

  async sample(req: SamplingRequest): Promise<SamplingReply | undefined> {
    for (const r of this.responders) {
      const reply = await r.sample(req);
      if (reply) return reply;
    }
    return undefined;
  }
}

/** Is a requested schema the flat object of primitives the spec allows? Returns the reason if not. */
export function flatSchemaProblem(schema: ElicitationSchema | undefined): string | undefined {
  if (!schema || typeof schema !== 'object') return 'requestedSchema is missing';
  if (schema.type !== 'object') return `requestedSchema.type is ${JSON.stringify(schema.type)}, not "object"`;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const t = prop?.type;
    if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean') continue;
    if (t === 'array') {
      const items = prop.items as Record<string, unknown> | undefined;
      if (items && (Array.isArray(items.enum) || Array.isArray(items.anyOf))) continue;
      return `property "${name}" is an array that is not a multi-select enum`;
    }
    return `property "${name}" has type ${JSON.stringify(t)}, not a primitive`;
  }
  return undefined;
}

/** How to script an answer for a request nothing answered: shown in the step failure. */
export function scriptHintForElicitation(req: ElicitationRequest): string {
  const fields = Object.keys(req.requestedSchema?.properties ?? {});
  const first = req.message.split('\n')[0]!.slice(0, 40).replace(/"/g, '\\"');
  const content = fields.length === 1 ? `value: <answer>` : `content: { ${fields.map((f) => `${f}: <answer>`).join(', ')} }`;
  return `script it on the step: elicitation: [{ match: { message: "${first}" }, action: accept, ${content} }]`;
}

export function scriptHintForSampling(req: SamplingRequest): string {
  const first = req.text.slice(0, 40).replace(/"/g, '\\"').replace(/\n/g, ' ');
  return `script it on the step: sampling: [{ match: { text: "${first}" }, text: "<reply>" }]`;
}

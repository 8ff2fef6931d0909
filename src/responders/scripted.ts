// Answers from the scenario's YAML: the first rule whose `match` fits the request answers it.
// A rule with `llm:` instead of `text:` hands the request to that LLM (src/responders/llm/).
import type { ElicitationAnswer, LlmConfig, SamplingAnswer } from '../scenario/schema.js';
import type { ElicitationReply, ElicitationRequest, Responder, SamplingReply, SamplingRequest } from './responder.js';

/** Asks a configured LLM (LlmSampler.answer); absent when the run prepared none. */
export type LlmAnswerer = (config: LlmConfig, req: SamplingRequest) => Promise<SamplingReply>;

export class ScriptedResponder implements Responder {
  private readonly used = new Map<object, number>();

  constructor(
    private readonly elicitations: ElicitationAnswer[] = [],
    private readonly samplings: SamplingAnswer[] = [],
    private readonly llm?: LlmAnswerer,
  ) {}

  async elicit(req: ElicitationRequest): Promise<ElicitationReply | undefined> {
    const rule = this.elicitations.find((r) => this.available(r, r.times) && elicitationMatches(r, req));
    if (!rule) return undefined;
    this.use(rule);
    if (rule.action !== 'accept') return { action: rule.action, answeredBy: 'script' };
    return { action: 'accept', content: elicitationContent(rule, req), answeredBy: 'script' };
  }

  async sample(req: SamplingRequest): Promise<SamplingReply | undefined> {
    const rule = this.samplings.find((r) => this.available(r, r.times) && samplingMatches(r, req));
    if (!rule) return undefined;
    this.use(rule);
    if (rule.llm) {
      // Prepared before the run (keys checked, exit 2); a runner without LLMs is a bug, not a user error.
      if (!this.llm) throw new Error('internal error: a sampling rule names an LLM but the run prepared none');
      return this.llm(rule.llm, req);
    }
    return { text: rule.text ?? '', model: rule.model, stopReason: rule.stopReason, answeredBy: 'script' };
  }

  private available(rule: object, times: number | undefined): boolean {
    return times === undefined || (this.used.get(rule) ?? 0) < times;
  }

  private use(rule: object): void {
    this.used.set(rule, (this.used.get(rule) ?? 0) + 1);
  }
}

export function elicitationMatches(rule: ElicitationAnswer, req: ElicitationRequest): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.mode && m.mode !== req.mode) return false;
  if (m.message !== undefined && !req.message.toLowerCase().includes(m.message.toLowerCase())) return false;
  if (m.messageRegex !== undefined && !new RegExp(m.messageRegex).test(req.message)) return false;
  const props = req.requestedSchema?.properties ?? {};
  if (m.field !== undefined && !(m.field in props)) return false;
  if (m.type !== undefined && !Object.values(props).some((p) => p?.type === m.type)) return false;
  return true;
}

/** `value:` is shorthand for a single-field form (FastMCP's `{value}` wrapper, or any one-field schema). */
function elicitationContent(rule: ElicitationAnswer, req: ElicitationRequest): Record<string, unknown> | undefined {
  if (rule.content) return rule.content;
  if (rule.value === undefined) return undefined;
  const fields = Object.keys(req.requestedSchema?.properties ?? {});
  return { [fields.length === 1 ? fields[0]! : 'value']: rule.value };
}

export function samplingMatches(rule: SamplingAnswer, req: SamplingRequest): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.text !== undefined && !req.text.toLowerCase().includes(m.text.toLowerCase())) return false;
  if (m.regex !== undefined && !new RegExp(m.regex).test(req.text)) return false;
  return true;
}

// Answers from the scenario's YAML: the first rule whose `match` fits the request answers it.
import { safeRegexTest } from '../safety/regex.js';
// A rule with `llm:` instead of `text:` hands the request to that LLM (src/responders/llm/).
import type { ElicitationAnswer, LlmConfig, SamplingAnswer } from '../scenario/schema.js';
import type { ElicitationReply, ElicitationRequest, Responder, SamplingReply, SamplingRequest } from './responder.js';
import { answerProblems, schemaDefaults } from './answer-validation.js';

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
    const rule = await firstMatching(this.elicitations, (r) => this.available(r, r.times) && elicitationMatches(r, req), (r) => r.match?.messageRegex, req.message);
    if (!rule) return undefined;
    this.use(rule);
    if (rule.action !== 'accept') return { action: rule.action, answeredBy: 'script' };
    if (req.mode === 'url') return { action: 'accept', answeredBy: 'script' };
    // Accept with no content sends the schema's defaults; anything else is checked before it goes out.
    const content = elicitationContent(rule, req) ?? schemaDefaults(req.requestedSchema);
    const problems = answerProblems(req.requestedSchema, content);
    if (problems && !rule.invalid) {
      // Never send what the schema forbids unless the rule says it is deliberate: answer cancel instead.
      return {
        action: 'cancel',
        answeredBy: 'script',
        note: `scripted answer ${JSON.stringify(content)} not sent: ${problems.join('; ')}; answered cancel`,
        problem: `the scripted answer to ${JSON.stringify(req.message.split('\n')[0])} does not match its requestedSchema: ${problems.join('; ')} (answered cancel instead; mark the rule invalid: true to send it on purpose)`,
      };
    }
    return { action: 'accept', content, answeredBy: 'script', ...(problems ? { note: `sent deliberately invalid (invalid: true): ${problems.join('; ')}` } : {}) };
  }

  async sample(req: SamplingRequest): Promise<SamplingReply | undefined> {
    const rule = await firstMatching(this.samplings, (r) => this.available(r, r.times) && samplingMatches(r, req), (r) => r.match?.regex, req.text);
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

/**
 * The first rule whose plain conditions hold and whose regex (if any) matches `text`. Regexes run off
 * the main thread with a deadline (safety/regex.ts): a server's text cannot hang the run; a match
 * that is too slow counts as no match.
 */
async function firstMatching<R>(rules: R[], plain: (r: R) => boolean, regexOf: (r: R) => string | undefined, text: string): Promise<R | undefined> {
  for (const r of rules) {
    if (!plain(r)) continue;
    const re = regexOf(r);
    if (re === undefined) return r;
    const m = await safeRegexTest(re, text);
    if ('matched' in m && m.matched) return r;
  }
  return undefined;
}

/** Everything but the regex, which firstMatching runs safely. */
export function elicitationMatches(rule: ElicitationAnswer, req: ElicitationRequest): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.mode && m.mode !== req.mode) return false;
  if (m.message !== undefined && !req.message.toLowerCase().includes(m.message.toLowerCase())) return false;
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

/** Everything but the regex, which firstMatching runs safely. */
export function samplingMatches(rule: SamplingAnswer, req: SamplingRequest): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.text !== undefined && !req.text.toLowerCase().includes(m.text.toLowerCase())) return false;
  return true;
}

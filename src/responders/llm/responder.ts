// The run-level LLM (`--sampling-llm PROVIDER:MODEL`): answers every sampling request that no scripted
// rule of the step or scenario answered, before a person is asked. Never answers elicitation.
import type { LlmConfig } from '../../scenario/schema.js';
import type { ElicitationReply, Responder, SamplingReply, SamplingRequest } from '../responder.js';
import type { LlmAnswerer } from '../scripted.js';

export class LlmResponder implements Responder {
  constructor(
    private readonly config: LlmConfig,
    private readonly answer: LlmAnswerer,
  ) {}

  async elicit(): Promise<ElicitationReply | undefined> {
    return undefined;
  }

  sample(req: SamplingRequest): Promise<SamplingReply | undefined> {
    return this.answer(this.config, req);
  }
}

// A step's responder, built from the plan's answer layers (run/plan.ts AnswerLayer) in their precedence
// order: the step's rules, the scenario's, the LLM of --sampling-llm, a person at the terminal.
import type { AnswerLayer } from '../run/plan.js';
import { ResponderChain, type Responder } from '../responders/responder.js';
import { ScriptedResponder, type LlmAnswerer } from '../responders/scripted.js';
import type { ScenarioVariables } from './variables.js';

export interface AnswerSources {
  /** The scenario's rules, one responder for the whole scenario: a rule's `times` counts across its steps. */
  scenario: Responder;
  /** What `llm:` rules ask. */
  llmAnswer?: LlmAnswerer;
  /** The run's --sampling-llm responder, for an `llm` layer. */
  llm?: Responder;
  /** The run's people at a terminal, for a `person` layer. */
  people?: Responder[];
}

export function answerChain(layers: AnswerLayer[], vars: ScenarioVariables, sources: AnswerSources): Responder {
  return new ResponderChain(
    layers.flatMap((layer): Responder[] => {
      switch (layer.from) {
        case 'step':
          // Filled now: a step's rules may use values captured by the steps before it.
          return [new ScriptedResponder(vars.resolve(layer.elicitation), vars.resolve(layer.sampling), sources.llmAnswer)];
        case 'scenario':
          return [sources.scenario];
        case 'llm':
          return sources.llm ? [sources.llm] : [];
        case 'person':
          return sources.people ?? [];
      }
    }),
  );
}

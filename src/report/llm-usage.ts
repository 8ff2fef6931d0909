// LLM usage (src/responders/llm/) as the reporters print it: per step, per scenario, and for the run.
// Nothing is printed for a run that called no LLM.
import type { LlmStepUsage, RunResult, ScenarioResult } from '../results.js';

export function sumUsage(usages: (LlmStepUsage | undefined)[]): LlmStepUsage | undefined {
  const used = usages.filter((u): u is LlmStepUsage => !!u);
  if (used.length === 0) return undefined;
  return {
    calls: used.reduce((n, u) => n + u.calls, 0),
    inputTokens: used.reduce((n, u) => n + u.inputTokens, 0),
    outputTokens: used.reduce((n, u) => n + u.outputTokens, 0),
    models: [...new Set(used.flatMap((u) => u.models))],
  };
}

export function scenarioUsage(s: ScenarioResult): LlmStepUsage | undefined {
  return sumUsage(s.steps.map((st) => st.llm));
}

export function runUsage(run: RunResult): LlmStepUsage | undefined {
  return sumUsage(run.scenarios.map(scenarioUsage));
}

/** "1 answer, 42 input + 17 output tokens (openai:gpt-4o-mini)". */
export function describeUsage(u: LlmStepUsage): string {
  return `${u.calls} answer${u.calls === 1 ? '' : 's'}, ${u.inputTokens} input + ${u.outputTokens} output tokens${u.models.length ? ` (${u.models.join(', ')})` : ''}`;
}

/** One line per step that used an LLM, then the run's total; empty when none did. */
export function usageLines(run: RunResult, max = 30): string[] {
  const total = runUsage(run);
  if (!total) return [];
  const steps = run.scenarios.flatMap((s) => s.steps.filter((st) => st.llm).map((st) => `  ${s.name} · step ${st.index + 1} ${st.label}: ${describeUsage(st.llm!)}`));
  return ['LLM usage:', ...steps.slice(0, max), ...(steps.length > max ? [`  … ${steps.length - max} more step(s) in the JSON report`] : []), `  total: ${describeUsage(total)}`];
}

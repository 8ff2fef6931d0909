// `--llm-budget calls=N,tokens=N`: a cap on what a run may spend on LLM answers. A call is refused once
// the calls or tokens are spent, each reply is bounded by the tokens left, and a call that still goes
// over (its prompt was larger than what was left) fails its step: the step says the budget was exceeded.
import { UsageError } from '../../errors.js';
import type { TokenUsage } from '../responder.js';

export interface BudgetLimits {
  calls?: number;
  tokens?: number;
}

/** Parses `calls=20,tokens=50000`, `tokens=5000`, or a bare number of calls. */
export function parseBudget(value: string | undefined, flag = '--llm-budget'): BudgetLimits | undefined {
  if (value === undefined) return undefined;
  const bad = () => new UsageError(`${flag} takes calls=N and/or tokens=N, e.g. calls=20,tokens=50000 (got "${value}")`);
  const limits: BudgetLimits = {};
  const v = value.trim();
  if (/^\d+$/.test(v)) limits.calls = Number(v);
  else {
    for (const part of v.split(',')) {
      const m = /^\s*(calls|tokens)\s*=\s*(\d+)\s*$/.exec(part);
      if (!m || limits[m[1] as keyof BudgetLimits] !== undefined) throw bad();
      limits[m[1] as keyof BudgetLimits] = Number(m[2]);
    }
  }
  if (Object.values(limits).some((n) => !Number.isSafeInteger(n) || n < 1)) throw bad();
  return limits;
}

export function describeBudget(limits: BudgetLimits | undefined): string {
  if (!limits) return 'no --llm-budget';
  return `budget ${[limits.calls !== undefined ? `${limits.calls} call(s)` : '', limits.tokens !== undefined ? `${limits.tokens} token(s)` : ''].filter(Boolean).join(', ')}`;
}

export class LlmBudget {
  calls = 0;
  tokens = 0;
  constructor(readonly limits: BudgetLimits = {}) {}

  /** Takes one call, or returns why not. */
  reserve(): string | undefined {
    const { calls, tokens } = this.limits;
    if (calls !== undefined && this.calls >= calls) return `LLM budget exceeded: all ${calls} call(s) of --llm-budget are spent; the request was not sent`;
    if (tokens !== undefined && this.tokens >= tokens) return `LLM budget exceeded: ${this.tokens} of ${tokens} token(s) of --llm-budget are spent; the request was not sent`;
    this.calls++;
    return undefined;
  }

  /** Tokens a reply may still use (undefined: no token cap). */
  get tokensLeft(): number | undefined {
    return this.limits.tokens === undefined ? undefined : Math.max(1, this.limits.tokens - this.tokens);
  }

  /** Counts an answer's tokens; returns why the step must fail if they went over. */
  record(usage: TokenUsage): string | undefined {
    this.tokens += usage.inputTokens + usage.outputTokens;
    const cap = this.limits.tokens;
    if (cap !== undefined && this.tokens > cap) return `LLM budget exceeded: this answer took the run to ${this.tokens} of ${cap} token(s) (--llm-budget)`;
    return undefined;
  }
}

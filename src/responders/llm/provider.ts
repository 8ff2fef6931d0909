// What every LLM provider module offers, and the one way their failures become step failures: a
// deadline over the whole call (retries included), and SDK errors said in plain words (status, what it
// means, what to do) with no request body and no key. Keys never reach these messages: the run's
// Redactor also masks them, in case an endpoint reflects one.
import { AnswerFailure } from '../responder.js';
import type { LlmAnswer, LlmRequest } from './request.js';

export interface LlmProvider {
  /** "openai gpt-4o-mini at http://127.0.0.1:11434/v1", for the header and for failures. */
  readonly label: string;
  complete(req: LlmRequest, signal: AbortSignal): Promise<LlmAnswer>;
}

/** Retries each SDK makes on 429/5xx/connection errors before the step fails (within the deadline). */
export const LLM_MAX_RETRIES = 2;

/** Runs `call` with a deadline over everything it does; its failure is an AnswerFailure naming the endpoint. */
export async function withDeadline<T>(
  where: string,
  timeoutMs: number,
  outer: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
  explain: (err: unknown) => string,
): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
  try {
    return await call(signal);
  } catch (err) {
    if (err instanceof AnswerFailure) throw new AnswerFailure(`${where}: ${err.message}`, err.answeredBy, err.usage);
    if (deadline.aborted) throw new AnswerFailure(`${where}: no answer within ${formatMs(timeoutMs)} (the llm timeout; retries included); raise it with timeout: on the llm rule or --llm-timeout`);
    if (outer?.aborted) throw new AnswerFailure(`${where}: the run was stopped before the LLM answered`);
    throw new AnswerFailure(`${where}: ${explain(err)}`);
  }
}

/** Plain words for an HTTP status from an LLM endpoint. */
export function statusMeaning(status: number, retried: boolean): string {
  if (status === 401) return 'HTTP 401: the endpoint refused the API key (unauthenticated)';
  if (status === 403) return 'HTTP 403: access denied (the key or role may not use this model)';
  if (status === 404) return 'HTTP 404: the endpoint does not know this model or path (check model and baseUrl)';
  if (status === 429) return `HTTP 429: rate limited or out of quota${retried ? `, still after ${LLM_MAX_RETRIES} retries` : ''}`;
  if (status >= 500) return `HTTP ${status}: the endpoint failed${retried ? ` (after ${LLM_MAX_RETRIES} retries)` : ''}`;
  return `HTTP ${status}`;
}

/** A short, single-line message from an SDK error, without anything that could be a request body. */
export function shortMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const line = raw.split('\n')[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export function malformed(what: string): AnswerFailure {
  return new AnswerFailure(`malformed answer: ${what}`);
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** MCP's stopReason names for the providers' own. */
export function mcpStopReason(reason: string | null | undefined): string {
  switch (reason) {
    case 'end_turn':
    case 'stop':
      return 'endTurn';
    case 'max_tokens':
    case 'length':
      return 'maxTokens';
    case 'stop_sequence':
      return 'stopSequence';
    case 'tool_use':
    case 'tool_calls':
      return 'toolUse';
    default:
      return reason ? reason : 'endTurn';
  }
}

// What a step kind is: its zod schema (its action key, its own keys and the common ones), its label,
// the server capability it needs, how it runs on a Session, and its own checks. One module per kind in
// this folder; index.ts registers them.
import type { z } from 'zod';
import type { CheckResult } from '../../results.js';
import type { Session } from '../../session/session.js';
import type { Step } from '../schema.js';

export type StepKindName = 'call' | 'list' | 'read' | 'prompt' | 'ping';

/** What a request produced, before checks. */
export interface KindResult {
  result: unknown;
  /** Text of the result: tool text content, resource text, prompt message text. */
  text: string;
  /** For list steps: the names or URIs listed. */
  names?: string[];
}

export interface StepKind {
  name: StepKindName;
  /** The kind's strict zod schema; its action key (= name) is required. */
  schema: z.ZodObject;
  label(step: Step): string;
  /** The JSON-RPC method it sends (transcript). */
  method(step: Step): string;
  /** The server capability it needs ('' for none). */
  capability(step: Step): string;
  run(session: Session, step: Step, opts: { timeout: number; signal?: AbortSignal }): Promise<KindResult>;
  /** Why this kind cannot run on an era's wire (ping on 2026-07-28), or undefined: the step is SKIP, "not applicable". */
  notOn?(era: 'legacy' | 'modern'): string | undefined;
  /** Checks only this kind has (call: isError; list: names, count), after the request's. */
  checks?(step: Step, outcome: KindResult): CheckResult[];
}

export const pass = (name: string, extra: Partial<CheckResult> = {}): CheckResult => ({ name, verdict: 'passed', ...extra });
export const check = (name: string, problem: string | undefined, extra: Partial<CheckResult> = {}): CheckResult =>
  problem ? { name, verdict: 'failed', message: problem, ...extra } : pass(name, extra);

/** Text of MCP content blocks (text, and embedded resources' text). */
export function contentText(content: unknown[] | undefined): string {
  return (content ?? [])
    .map((c) => {
      if (!c || typeof c !== 'object') return '';
      const b = c as { type?: string; text?: unknown; resource?: { text?: unknown } };
      if (b.type === 'text') return String(b.text ?? '');
      if (b.type === 'resource' && b.resource?.text !== undefined) return String(b.resource.text);
      return '';
    })
    .join('\n');
}

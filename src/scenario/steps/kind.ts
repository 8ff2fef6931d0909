// What a step kind is: its zod schema (its action key, its own keys and the common ones), its label,
// the server capability it needs, how it runs on a Session, and its own checks. One module per kind in
// this folder; index.ts registers them.
import type { z } from 'zod';
import type { CheckResult } from '../../results.js';
import type { Session } from '../../session/session.js';
import type { Step } from '../schema.js';

export type StepKindName = 'call' | 'list' | 'read' | 'prompt' | 'ping' | 'complete' | 'setLevel' | 'subscribe' | 'unsubscribe' | 'notifyRootsChanged';

/** What a request produced, before checks. */
export interface KindResult {
  result: unknown;
  /** Text of the result: tool text content, resource text, prompt message text. */
  text: string;
  /** For list steps: the names or URIs listed. */
  names?: string[];
  /** What else the kind's own checks need (call: the tool's definition, as listed). */
  extra?: Record<string, unknown>;
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
  /** It sends a notification, not a request (no response stream: nothing the server sends meanwhile belongs on one). */
  notification?: true;
  /** Checks only this kind has (call: isError; list: names, count), after the request's. */
  checks?(step: Step, outcome: KindResult): CheckResult[];
}

export const pass = (name: string, extra: Partial<CheckResult> = {}): CheckResult => ({ name, verdict: 'passed', ...extra });
export const check = (name: string, problem: string | undefined, extra: Partial<CheckResult> = {}): CheckResult =>
  problem ? { name, verdict: 'failed', message: problem, ...extra } : pass(name, extra);

/** MIME types whose blob is text (decoded as UTF-8 for `text`): text/*, JSON, XML, YAML, JavaScript. */
export function isTextMimeType(mimeType: string | undefined): boolean {
  if (!mimeType) return false;
  const t = mimeType.split(';')[0]!.trim().toLowerCase();
  return t.startsWith('text/') || /^application\/(json|xml|yaml|x-yaml|javascript|ecmascript|x-sh|toml|sql|graphql)$/.test(t) || /\+(json|xml|yaml)$/.test(t);
}

/** Text of MCP content blocks (text, and embedded resources' text). */
export function contentText(content: unknown[] | undefined): string {
  return (content ?? [])
    .map((c) => {
      if (!c || typeof c !== 'object') return '';
      const b = c as { type?: string; text?: unknown; resource?: { text?: unknown } };
      if (b.type === 'text') return String(b.text ?? '');
      if (b.type === 'resource' && b.resource?.text !== undefined) return String(b.resource.text);
      const r = b.resource as { blob?: unknown; mimeType?: string } | undefined;
      if (b.type === 'resource' && typeof r?.blob === 'string' && isTextMimeType(r.mimeType)) return Buffer.from(r.blob, 'base64').toString('utf8');
      return '';
    })
    .join('\n');
}

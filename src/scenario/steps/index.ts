// The step kinds, registered: a new kind is one new module in this folder and one line in KINDS.
// runStep runs any step on a Session and returns its Outcome; checks.ts turns Outcome + transcript into verdicts.
import { z } from 'zod';
import { ProtocolError, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import type { Session } from '../../session/session.js';
import type { Capability, ElicitationAnswer, Expect, LogLevel, Root, SamplingAnswer } from '../schema-parts.js';
import type { CompleteRequest } from './complete.js';
import type { Step } from '../schema.js';
import { callStep } from './call.js';
import { listStep } from './list.js';
import { readStep } from './read.js';
import { promptStep } from './prompt.js';
import { pingStep } from './ping.js';
import { completeStep } from './complete.js';
import { setLevelStep } from './set-level.js';
import { subscribeStep } from './subscribe.js';
import { unsubscribeStep } from './unsubscribe.js';
import { notifyRootsChangedStep } from './notify-roots-changed.js';
import type { StepKind, StepKindName } from './kind.js';

export type { StepKind, StepKindName, KindResult } from './kind.js';
export { contentText } from './kind.js';

export const KINDS: readonly StepKind[] = [callStep, listStep, readStep, promptStep, pingStep, completeStep, setLevelStep, subscribeStep, unsubscribeStep, notifyRootsChangedStep];
export const ACTION_KEYS: StepKindName[] = KINDS.map((k) => k.name);

/** The step schema: a union of the kinds' strict schemas, told apart by the action key (see loader.ts). */
export function stepSchema() {
  return z.union(KINDS.map((k) => k.schema) as unknown as [typeof callStep.schema, ...(typeof callStep.schema)[]]);
}

/** Every key of every kind, all optional: how code reads a validated step. */
export type StepFields = {
  id?: string;
  call?: string;
  list?: 'tools' | 'resources' | 'resourceTemplates' | 'prompts';
  read?: string;
  prompt?: string;
  ping?: true;
  complete?: z.infer<typeof CompleteRequest>;
  setLevel?: z.infer<typeof LogLevel>;
  subscribe?: string;
  unsubscribe?: string;
  notifyRootsChanged?: true | z.infer<typeof Root>[];
  description?: string;
  within?: number | string;
  args?: Record<string, unknown>;
  elicitation?: z.infer<typeof ElicitationAnswer>[];
  sampling?: z.infer<typeof SamplingAnswer>[];
  timeout?: number | string;
  requires?: z.infer<typeof Capability>[];
  capture?: Record<string, string>;
  expect?: z.infer<typeof Expect> & { rootsRequested?: boolean };
};

/** The kind of a step by its action key (the first present); a validated step has exactly one. */
export function stepKindOf(step: object): StepKind {
  return KINDS.find((k) => (step as Record<string, unknown>)[k.name] !== undefined) ?? pingStep;
}

/** The action keys a raw step object has. */
export function actionKeysOf(step: object): StepKindName[] {
  return ACTION_KEYS.filter((k) => (step as Record<string, unknown>)[k] !== undefined);
}

export function stepLabel(step: Step): string {
  return stepKindOf(step).label(step);
}

export interface StepOutcome {
  label: string;
  /** The raw result, or undefined when the request failed. */
  result?: unknown;
  error?: { code?: number; message: string; timeout?: boolean; stateless?: boolean };
  /** Text of the result: tool text content, resource text, prompt message text. */
  text: string;
  /** For list steps: the names or URIs listed. */
  names?: string[];
  /** What the kind's own checks need besides the result (see KindResult.extra). */
  extra?: Record<string, unknown>;
  /** Transcript sequence number at which the result arrived (ordering evidence). */
  resultSeq: number;
}

export async function runStep(session: Session, step: Step, timeoutMs: number, signal?: AbortSignal): Promise<StepOutcome> {
  const kind = stepKindOf(step);
  const label = kind.label(step);
  const method = kind.method(step);
  const { transcript } = session;
  const stepIndex = transcript.currentStep;
  // A stateless server's lost answer stops the request at once (session/stateless.ts).
  const lost = session.stateless.signalFor(stepIndex);
  try {
    const r = await kind.run(session, step, { timeout: timeoutMs, signal: signal ? AbortSignal.any([signal, lost]) : lost });
    const toolError = (r.result as { isError?: unknown } | undefined)?.isError === true;
    const entry = transcript.add({ kind: 'result', method, ok: !toolError, ...(toolError ? { isError: true } : {}), preview: r.text.slice(0, 160) || undefined });
    return { label, result: r.result, text: r.text, ...(r.names ? { names: r.names } : {}), ...(r.extra ? { extra: r.extra } : {}), resultSeq: entry.seq };
  } catch (e) {
    const loss = session.stateless.lossFor(stepIndex);
    const error = loss ? { message: loss, stateless: true } : describeRequestError(e);
    const entry = transcript.add({ kind: 'result', method, ok: false, preview: error.message.slice(0, 160) });
    return { label, error, text: '', resultSeq: entry.seq };
  }
}

/** A request failure in words: the SDK's typed errors (timeout, JSON-RPC error code) or the network cause; always one line. */
export function describeRequestError(e: unknown): { code?: number; message: string; timeout?: boolean } {
  const d = describeRequestErrorRaw(e);
  return { ...d, message: oneLineCause(d.message) };
}

function describeRequestErrorRaw(e: unknown): { code?: number; message: string; timeout?: boolean } {
  if (e instanceof SdkError) {
    if (e.code === SdkErrorCode.RequestTimeout) {
      // "Request timed out" alone names neither the wait nor how to change it.
      const ms = (e.data as { timeout?: unknown } | undefined)?.timeout;
      const wait = typeof ms === 'number' ? `the step timeout of ${formatMs(ms)}` : 'the step timeout';
      return { message: `no result within ${wait} (raise it with --timeout, or timeout: on the step or scenario)`, timeout: true };
    }
    return { message: e.message };
  }
  if (e instanceof ProtocolError) {
    // -32001: the server's own request timeout.
    return { code: e.code, message: e.message.replace(/^MCP error -?\d+: /, ''), ...(e.code === -32001 ? { timeout: true } : {}) };
  }
  const err = e as { code?: unknown; message?: string };
  return { ...(typeof err?.code === 'number' ? { code: err.code } : {}), message: String(err?.message ?? e) };
}

/**
 * A schema validation failure (the SDK's zod issues, 40-70 lines of JSON) as one line: how many
 * problems, and the first few as "path: message". Any other message is kept, on one line, bounded.
 */
export function oneLineCause(message: string): string {
  const start = message.search(/\[\s*\{/);
  if (start >= 0) {
    try {
      const issues = JSON.parse(message.slice(start)) as { path?: (string | number)[]; message?: string; code?: string }[];
      if (Array.isArray(issues) && issues.length && issues.every((i) => i && typeof i === 'object' && 'message' in i)) {
        const first = issues.slice(0, 3).map((i) => `${(i.path ?? []).join('.') || '(root)'}: ${i.message}`);
        const lead = message.slice(0, start).replace(/\s+/g, ' ').trim().replace(/:$/, '');
        return `${lead ? `${lead}: ` : ''}the server's answer does not match the MCP schema (${issues.length} problem${issues.length === 1 ? '' : 's'}: ${first.join('; ')}${issues.length > 3 ? '; …' : ''})`;
      }
    } catch {
      /* not a zod dump */
    }
  }
  const line = message.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

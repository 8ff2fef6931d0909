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
  error?: { code?: number; message: string; timeout?: boolean };
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
  try {
    const r = await kind.run(session, step, { timeout: timeoutMs, signal });
    const entry = transcript.add({ kind: 'result', method, ok: true, preview: r.text.slice(0, 160) || undefined });
    return { label, result: r.result, text: r.text, ...(r.names ? { names: r.names } : {}), ...(r.extra ? { extra: r.extra } : {}), resultSeq: entry.seq };
  } catch (e) {
    const error = describeRequestError(e);
    const entry = transcript.add({ kind: 'result', method, ok: false, preview: error.message.slice(0, 160) });
    return { label, error, text: '', resultSeq: entry.seq };
  }
}

/** A request failure in words: the SDK's typed errors (timeout, JSON-RPC error code) or the network cause. */
export function describeRequestError(e: unknown): { code?: number; message: string; timeout?: boolean } {
  if (e instanceof SdkError) {
    if (e.code === SdkErrorCode.RequestTimeout) {
      const ms = (e.data as { timeout?: unknown } | undefined)?.timeout;
      return { message: typeof ms === 'number' ? `${e.message} after ${ms} ms` : e.message, timeout: true };
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

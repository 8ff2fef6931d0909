// A protocol check: one small unit that tests one rule of one spec section and says what it saw.
// Results are plain data; the suite turns them into ScenarioResults for the normal reporters and
// doctor reads them directly.
import type { Verdict } from '../results.js';
import type { ProtocolContext } from './context.js';
import type { SpecRef } from './spec.js';

export interface CheckOutcome {
  verdict: Verdict;
  /** What happened, in one sentence (for FAIL: what is wrong; for SKIP: why it did not run). */
  message: string;
  expected?: unknown;
  actual?: unknown;
  /** The exchanges and transcript lines behind the verdict. */
  evidence: string[];
}

export interface ProtocolCheck {
  /** Stable id: "session.unknown-id". */
  id: string;
  title: string;
  spec: SpecRef;
  run(ctx: ProtocolContext): Promise<CheckOutcome>;
}

export interface ProtocolCheckResult extends CheckOutcome {
  id: string;
  title: string;
  spec: SpecRef;
  durationMs: number;
}

export const pass = (message: string, evidence: string[], extra: Partial<CheckOutcome> = {}): CheckOutcome => ({ verdict: 'passed', message, evidence, ...extra });
export const fail = (message: string, evidence: string[], extra: Partial<CheckOutcome> = {}): CheckOutcome => ({ verdict: 'failed', message, evidence, ...extra });
export const skip = (message: string, evidence: string[] = []): CheckOutcome => ({ verdict: 'skipped', message, evidence });

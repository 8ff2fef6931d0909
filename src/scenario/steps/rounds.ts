// `expect: rounds: {count, max}` for the steps whose requests may take several rounds on the 2026-07-28
// wire (call, prompt, read): how many requests the step took (1 when the server answered at once). On the
// legacy wire there are no rounds, so the expectation is not applicable (SKIP with the reason, never a
// PASS for something that did not happen and never a FAIL).
import type { CheckResult } from '../../results.js';
import type { StepTally } from '../../session/step-tally.js';
import { Expect as ExpectSchema } from '../schema-parts.js';
import type { Expect } from '../schema.js';
import { matchCount } from '../matchers.js';
import { MODERN_PROTOCOL_VERSION } from '../../era.js';
import { check } from './kind.js';

/** The expectation key, for the kinds that take it. */
export const roundsExpect = { rounds: ExpectSchema.shape.rounds };

export function checkRounds(exp: NonNullable<Expect['rounds']>, tally: StepTally, era: 'legacy' | 'modern'): CheckResult[] {
  const names = [...(exp.count !== undefined ? ['rounds.count'] : []), ...(exp.max !== undefined ? ['rounds.max'] : [])];
  if (era !== 'modern') {
    const message = `not applicable on the legacy wire: rounds are ${MODERN_PROTOCOL_VERSION}'s multi-round-trip requests (run with --era modern or --era both)`;
    return names.map((name) => ({ name, verdict: 'skipped', message }));
  }
  const r = tally.rounds;
  const seen = r.first.map((e) => `${e.round}: ${e.resultType}${e.inputRequests ? ` (${Object.values(e.inputRequests).join(', ')})` : ''}`);
  const out: CheckResult[] = [];
  if (exp.count !== undefined) {
    const p = matchCount(r.count, exp.count);
    out.push(check('rounds.count', p && `the step took ${r.count} request(s): ${p}`, { expected: exp.count, actual: seen }));
  }
  if (exp.max !== undefined) out.push(check('rounds.max', r.count > exp.max ? `the step took ${r.count} requests, more than ${exp.max}` : undefined, { expected: exp.max, actual: r.count }));
  return out;
}

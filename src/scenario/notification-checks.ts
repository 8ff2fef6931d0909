// `expect.notifications: [{method, count, params}]`: the notifications the server sent during the step
// and its `within:` window (resources/updated after a subscribe, list_changed, …). Counted by the
// step's watches (watches.ts) as they arrived, so a flood is counted whole.
import type { CheckResult } from '../results.js';
import type { StepTally } from '../session/step-tally.js';
import { matchCount, preview } from './matchers.js';
import type { Expect } from './schema.js';
import { notificationWatch } from './watches.js';

const check = (name: string, problem: string | undefined, extra: Partial<CheckResult> = {}): CheckResult =>
  problem ? { name, verdict: 'failed', message: problem, ...extra } : { name, verdict: 'passed', ...extra };

export function checkNotifications(exp: NonNullable<Expect['notifications']>, tally: StepTally): CheckResult[] {
  const methods = tally.notificationMethods.names;
  return exp.map((n, i) => {
    const name = notificationWatch(i);
    const matching = tally.watched(name)?.count ?? 0;
    const ofMethod = tally.notificationMethods.get(n.method);
    let problem = matchCount(matching, n.count ?? { min: 1 });
    if (problem) {
      const others = methods.length ? ` (saw: ${methods.join(', ')})` : ' (no notifications arrived)';
      const example = n.params !== undefined && ofMethod > matching ? tally.notifications.first.find((e) => e.method === n.method) : undefined;
      const paramsNote = example ? `; ${ofMethod - matching} ${n.method} had other params, e.g. ${preview(example.params)}` : '';
      problem = `${n.method}: ${problem}${paramsNote}${others}`;
    }
    return check(name, problem, { expected: n, actual: matching });
  });
}

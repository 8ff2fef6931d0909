// What a step's expectations wait for, registered on its tally before the step runs (session/step-tally.ts,
// Watch): each expected notification (method and params), each log text expected, a log below an
// `{atLeast}` level. They are counted as entries arrive, however many come and whatever the transcript's
// display keeps, and they tell the `within:` window when the step's evidence is complete (`settled`).
import type { StepTally } from '../session/step-tally.js';
import type { LogEntry, TranscriptEntry } from '../session/transcript.js';
import { matchSubset, toList } from './matchers.js';
import { LOG_LEVELS } from './schema-parts.js';
import type { CountMatch, Expect, Step } from './schema.js';

type ExpectedNotification = NonNullable<Expect['notifications']>[number];

export const notificationWatch = (i: number): string => `notifications[${i}]`;
export const logContainsWatch = (text: string): string => `logs.contains ${JSON.stringify(text)}`;
export const LOG_BELOW_WATCH = 'logs.level.atLeast';

export const logText = (l: LogEntry): string => (typeof l.data === 'string' ? l.data : JSON.stringify(l.data));

/** RFC 5424 rank of a level (-1: not a level MCP knows). */
export const levelRank = (level: string): number => LOG_LEVELS.indexOf(level as (typeof LOG_LEVELS)[number]);

export function notificationMatches(e: TranscriptEntry, exp: ExpectedNotification): boolean {
  return e.kind === 'notification' && e.method === exp.method && (exp.params === undefined || matchSubset(e.params, exp.params) === undefined);
}

/** Registers the step's watches on its tally (before it runs: Session.run's `prepare`). */
export function watchStep(step: Step, tally: StepTally): void {
  const expect = step.expect ?? {};
  (expect.notifications ?? []).forEach((n, i) => tally.watch(notificationWatch(i), (e) => notificationMatches(e, n)));
  for (const c of toList(expect.logs?.contains ?? [])) tally.watch(logContainsWatch(c), (e) => e.kind === 'log' && logText(e).includes(c));
  const level = expect.logs?.level;
  if (level !== undefined && typeof level === 'object') {
    const min = levelRank(level.atLeast);
    // An unknown level is not "at least" anything.
    tally.watch(LOG_BELOW_WATCH, (e) => e.kind === 'log' && levelRank(e.level) < min);
  }
}

/**
 * How many entries end the wait for a count: its minimum (an exact count: that many). Infinity when it
 * only limits (0, or a max without a min): silence, or "no more than", only the whole window shows.
 */
function needed(count: CountMatch | undefined): number {
  if (count === undefined) return 1;
  if (typeof count === 'number') return count === 0 ? Infinity : count;
  if (!count.min) return count.max === undefined ? 1 : Infinity;
  return count.min;
}

/** Is the step's evidence complete? Every expected notification, log and roots/list ask has arrived. */
export function settled(step: Step, tally: StepTally): boolean {
  const expect = step.expect ?? {};
  for (const [i, n] of (expect.notifications ?? []).entries()) {
    if ((tally.watched(notificationWatch(i))?.count ?? 0) < needed(n.count)) return false;
  }
  const logs = expect.logs;
  if (logs) {
    if (logs.count !== undefined && tally.logs.count < needed(logs.count)) return false;
    if (logs.contains !== undefined && toList(logs.contains).some((c) => (tally.watched(logContainsWatch(c))?.count ?? 0) === 0)) return false;
    if (logs.count === undefined && logs.contains === undefined && logs.level !== undefined) {
      // `level: info` waits for a message to check; `{atLeast}` alone is a promise about what is not
      // sent, which (like count 0) only the whole window shows.
      if (typeof logs.level === 'object' || tally.logs.count === 0) return false;
    }
  }
  const rootsRequested = (expect as { rootsRequested?: boolean }).rootsRequested;
  if (rootsRequested === true && tally.serverRequests.get('roots/list') === 0) return false;
  // rootsRequested: false expects silence: the whole window.
  if (rootsRequested === false) return false;
  return true;
}

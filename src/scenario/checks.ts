// Checks turn a step's Outcome and its transcript entries into verdicts, one CheckResult per expectation.
// They read only the Outcome and the Transcript: never the wire.
import type { CheckResult } from '../results.js';
import { flatSchemaProblem, type ElicitationSchema } from '../responders/responder.js';
import type { ElicitationEntry, LogEntry, NotificationEntry, ProgressEntry, SamplingEntry, TranscriptEntry } from '../session/transcript.js';
import { LOG_LEVELS } from './schema-parts.js';
import { matchCount, matchSubset, matchText, preview, toList } from './matchers.js';
import type { Expect, Step } from './schema.js';
import { stepKindOf, type StepOutcome } from './steps/index.js';

const pass = (name: string, extra: Partial<CheckResult> = {}): CheckResult => ({ name, verdict: 'passed', ...extra });
const fail = (name: string, message: string, extra: Partial<CheckResult> = {}): CheckResult => ({ name, verdict: 'failed', message, ...extra });
const check = (name: string, problem: string | undefined, extra: Partial<CheckResult> = {}) => (problem ? fail(name, problem, extra) : pass(name, extra));

export function evaluateStep(step: Step, outcome: StepOutcome, entries: TranscriptEntry[], unanswered: string[]): CheckResult[] {
  const expect: Expect = step.expect ?? {};
  const out: CheckResult[] = [];

  // The request itself.
  if (expect.error !== undefined && expect.error !== false) {
    if (!outcome.error) out.push(fail('error', 'expected the request to fail with a JSON-RPC error, but it succeeded'));
    else if (typeof expect.error === 'object') {
      const e = expect.error;
      const problem =
        e.code !== undefined && outcome.error.code !== e.code
          ? `expected error code ${e.code}, saw ${outcome.error.code ?? 'none'} (${outcome.error.message})`
          : e.message !== undefined && !outcome.error.message.toLowerCase().includes(e.message.toLowerCase())
            ? `error message ${JSON.stringify(outcome.error.message)} does not contain ${JSON.stringify(e.message)}`
            : undefined;
      out.push(check('error', problem, { expected: e, actual: outcome.error }));
    } else out.push(pass('error', { actual: outcome.error }));
  } else if (outcome.error) {
    out.push(fail('request', `${outcome.label} failed: ${outcome.error.message}`, { actual: outcome.error }));
  } else out.push(pass('request'));

  for (const reason of unanswered) out.push(fail('responders.answered', reason));

  const result = outcome.result as Record<string, unknown> | undefined;
  if (result) {
    // What only this kind checks (call: isError; list: names, count).
    out.push(...(stepKindOf(step).checks?.(step, { result, text: outcome.text, names: outcome.names, extra: outcome.extra }) ?? []));
    if (expect.content !== undefined) out.push(...checkContent(expect.content, contentBlocks(result)));
    if (expect.text !== undefined) {
      const p = matchText(outcome.text, expect.text);
      out.push(check('text', p && `result text ${p}`, { expected: expect.text, actual: preview(outcome.text, 500) }));
    }
    if (expect.json !== undefined) {
      let parsed: unknown;
      let problem: string | undefined;
      try {
        parsed = JSON.parse(outcome.text);
      } catch {
        problem = `result text is not JSON: ${preview(outcome.text)}`;
      }
      problem ??= matchSubset(parsed, expect.json);
      out.push(check('json', problem, { expected: expect.json, actual: parsed ?? preview(outcome.text, 500) }));
    }
    if (expect.structured !== undefined) {
      const sc = result.structuredContent;
      out.push(check('structured', sc === undefined ? 'the result has no structuredContent' : matchSubset(sc, expect.structured), { expected: expect.structured, actual: sc }));
    }
  }

  const elicitations = entries.filter((e): e is ElicitationEntry => e.kind === 'elicitation');
  if (expect.elicitations) out.push(...checkElicitations(expect.elicitations, elicitations));
  const samplings = entries.filter((e): e is SamplingEntry => e.kind === 'sampling');
  if (expect.sampling) out.push(...checkSampling(expect.sampling, samplings));
  const progress = entries.filter((e): e is ProgressEntry => e.kind === 'progress');
  if (expect.progress) out.push(...checkProgress(expect.progress, progress, outcome.resultSeq));
  const logs = entries.filter((e): e is LogEntry => e.kind === 'log');
  if (expect.logs) out.push(...checkLogs(expect.logs, logs));
  const notifications = entries.filter((e): e is NotificationEntry => e.kind === 'notification');
  if (expect.notifications) out.push(...checkNotifications(expect.notifications, notifications));
  if (step.expect?.rootsRequested !== undefined) {
    const asked = entries.some((e) => e.kind === 'request' && e.method === 'roots/list');
    out.push(check('rootsRequested', asked === step.expect.rootsRequested ? undefined : asked ? 'the server asked roots/list, which the step expected it not to' : 'the server did not ask roots/list (again) within the step; add within: to give it time', { expected: step.expect.rootsRequested, actual: asked }));
  }
  return out;
}

/** Is the step's evidence complete? Every notification and log expectation's minimum count is reached. */
export function settled(step: Step, entries: TranscriptEntry[]): boolean {
  const minOf = (c: unknown) => (typeof c === 'number' ? c : c && typeof c === 'object' ? ((c as { min?: number; max?: number }).max === 0 ? Infinity : ((c as { min?: number }).min ?? 1)) : 1);
  // count 0 / max 0 expect silence: only the whole window shows it.
  const want = (c: unknown) => (c === 0 ? Infinity : minOf(c));
  for (const n of step.expect?.notifications ?? []) {
    const seen = entries.filter((e) => e.kind === 'notification' && notificationMatches(e, n)).length;
    if (seen < want(n.count)) return false;
  }
  const logs = step.expect?.logs;
  if (logs && (logs.count !== undefined || logs.contains !== undefined || logs.level !== undefined)) {
    const texts = entries.filter((e): e is LogEntry => e.kind === 'log').map(logText);
    if (logs.count !== undefined ? texts.length < want(logs.count) : texts.length < 1) return false;
    if (logs.contains !== undefined && toList(logs.contains).some((c) => !texts.some((t) => t.includes(c)))) return false;
  }
  if (step.expect?.rootsRequested && !entries.some((e) => e.kind === 'request' && e.method === 'roots/list')) return false;
  return true;
}

function notificationMatches(e: NotificationEntry, exp: NonNullable<Expect['notifications']>[number]): boolean {
  return e.method === exp.method && (exp.params === undefined || matchSubset(e.params, exp.params) === undefined);
}

function checkNotifications(exp: NonNullable<Expect['notifications']>, seen: NotificationEntry[]): CheckResult[] {
  return exp.map((n, i) => {
    const methodOnly = seen.filter((e) => e.method === n.method);
    const matching = methodOnly.filter((e) => notificationMatches(e, n));
    const count = n.count ?? { min: 1 };
    let problem = matchCount(matching.length, count);
    if (problem) {
      const others = seen.length ? ` (saw: ${[...new Set(seen.map((e) => e.method))].join(', ')})` : ' (no notifications arrived)';
      const paramsNote = n.params !== undefined && methodOnly.length > matching.length ? `; ${methodOnly.length - matching.length} ${n.method} had other params, e.g. ${preview(methodOnly[0]!.params)}` : '';
      problem = `${n.method}: ${problem}${paramsNote}${others}`;
    }
    return check(`notifications[${i}]`, problem, { expected: n, actual: matching.length });
  });
}

/** The content blocks of a tool result, or of a prompt's messages. */
function contentBlocks(result: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(result.content)) return result.content as Record<string, unknown>[];
  if (Array.isArray(result.messages)) return (result.messages as { content?: unknown }[]).flatMap((m) => (Array.isArray(m.content) ? m.content : [m.content])) as Record<string, unknown>[];
  return [];
}

function blockProblem(block: Record<string, unknown>, exp: NonNullable<Expect['content']>[number]): string | undefined {
  if (block?.type !== exp.type) return `type ${String(block?.type)}`;
  const resource = (block.resource ?? {}) as Record<string, unknown>;
  const mimeType = exp.type === 'resource' ? resource.mimeType : block.mimeType;
  if (exp.mimeType !== undefined && mimeType !== exp.mimeType) return `mimeType ${String(mimeType ?? 'absent')}`;
  const uri = exp.type === 'resource' ? resource.uri : block.uri;
  if (exp.uri !== undefined && uri !== exp.uri) return `uri ${String(uri ?? 'absent')}`;
  if (exp.name !== undefined && block.name !== exp.name) return `name ${String(block.name ?? 'absent')}`;
  if (exp.text !== undefined) {
    const text = exp.type === 'resource' ? String(resource.text ?? '') : String(block.text ?? '');
    const p = matchText(text, exp.text);
    if (p) return `text ${p}`;
  }
  return undefined;
}

function checkContent(exp: NonNullable<Expect['content']>, blocks: Record<string, unknown>[]): CheckResult[] {
  const seen = blocks.map((b) => `${String(b?.type)}${b?.mimeType ? ` ${String(b.mimeType)}` : ''}`);
  let from = 0;
  return exp.map((item, i) => {
    const at = blocks.findIndex((b, k) => k >= from && blockProblem(b, item) === undefined);
    if (at >= 0) {
      from = at + 1;
      return check(`content[${i}]`, undefined, { expected: item, actual: seen[at] });
    }
    const sameType = blocks.slice(from).find((b) => b?.type === item.type);
    const why = sameType ? `; the next ${item.type} block has ${blockProblem(sameType, item)}` : '';
    return check(`content[${i}]`, `no ${item.type} block${item.mimeType ? ` of ${item.mimeType}` : ''} matches (in order) among the content: [${seen.join(', ') || 'empty'}]${why}`, { expected: item, actual: seen });
  });
}

const logText = (l: LogEntry) => (typeof l.data === 'string' ? l.data : JSON.stringify(l.data));

function checkElicitations(exp: NonNullable<Expect['elicitations']>, seen: ElicitationEntry[]): CheckResult[] {
  const out: CheckResult[] = [];
  if (exp.count !== undefined) {
    out.push(check('elicitations.count', matchCount(seen.length, exp.count), { expected: exp.count, actual: seen.length }));
  }
  if (exp.messages) {
    exp.messages.forEach((m, i) => {
      const actual = seen[i]?.message;
      out.push(
        check(`elicitations[${i}].message`, actual === undefined ? `no elicitation #${i + 1} arrived` : actual.toLowerCase().includes(m.toLowerCase()) ? undefined : `message ${JSON.stringify(actual)} does not contain ${JSON.stringify(m)}`, {
          expected: m,
          actual,
        }),
      );
    });
  }
  if (exp.types) {
    exp.types.forEach((t, i) => {
      const schema = seen[i]?.requestedSchema as ElicitationSchema | undefined;
      const types = Object.values(schema?.properties ?? {}).map((p) => p?.type);
      out.push(
        check(`elicitations[${i}].type`, !seen[i] ? `no elicitation #${i + 1} arrived` : types.length === 1 && types[0] === t ? undefined : `requested schema field types are ${JSON.stringify(types)}, expected one field of type ${t}`, {
          expected: t,
          actual: types,
        }),
      );
    });
  }
  if (exp.flatSchema) {
    const bad = seen.filter((e) => e.mode === 'form').map((e) => flatSchemaProblem(e.requestedSchema as ElicitationSchema)).find(Boolean);
    out.push(check('elicitations.flatSchema', bad));
  }
  return out;
}

function checkSampling(exp: NonNullable<Expect['sampling']>, seen: SamplingEntry[]): CheckResult[] {
  const out: CheckResult[] = [];
  if (exp.count !== undefined) out.push(check('sampling.count', matchCount(seen.length, exp.count), { expected: exp.count, actual: seen.length }));
  if (exp.maxTokens !== undefined) {
    const wrong = seen.find((s) => s.maxTokens !== exp.maxTokens);
    out.push(check('sampling.maxTokens', seen.length === 0 ? 'no sampling request arrived' : wrong ? `maxTokens was ${wrong.maxTokens ?? 'missing'}, expected ${exp.maxTokens}` : undefined, { expected: exp.maxTokens, actual: seen.map((s) => s.maxTokens) }));
  }
  if (exp.contains !== undefined) {
    const all = seen.map((s) => s.text).join('\n');
    const missing = toList(exp.contains).find((c) => !all.toLowerCase().includes(c.toLowerCase()));
    out.push(check('sampling.contains', seen.length === 0 ? 'no sampling request arrived' : missing !== undefined ? `sampling request text does not contain ${JSON.stringify(missing)}` : undefined, { expected: exp.contains, actual: preview(all, 300) }));
  }
  return out;
}

function checkProgress(exp: NonNullable<Expect['progress']>, seen: ProgressEntry[], resultSeq: number): CheckResult[] {
  const out: CheckResult[] = [];
  const values = seen.map((p) => p.progress);
  if (exp.count !== undefined) out.push(check('progress.count', matchCount(seen.length, exp.count), { expected: exp.count, actual: values }));
  if (exp.increasing) {
    const i = values.findIndex((v, k) => k > 0 && !(v > values[k - 1]!));
    out.push(check('progress.increasing', seen.length === 0 ? 'no progress notification arrived' : i >= 0 ? `progress went from ${values[i - 1]} to ${values[i]}; it MUST increase each time` : undefined, { actual: values }));
  }
  if (exp.finalEqualsTotal) {
    const last = seen[seen.length - 1];
    out.push(check('progress.finalEqualsTotal', !last ? 'no progress notification arrived' : last.total === undefined ? 'the last progress notification has no total' : last.progress !== last.total ? `final progress ${last.progress} is not the total ${last.total}` : undefined, { actual: last ? `${last.progress}/${last.total}` : null }));
  }
  if (exp.total !== undefined) {
    const wrong = seen.find((p) => p.total !== exp.total);
    out.push(check('progress.total', wrong ? `a notification said total ${wrong.total ?? 'missing'}` : seen.length ? undefined : 'no progress notification arrived', { expected: exp.total }));
  }
  if (exp.beforeResult) {
    const late = seen.find((p) => p.seq > resultSeq);
    out.push(check('progress.beforeResult', seen.length === 0 ? 'no progress notification arrived' : late ? `progress ${late.progress} arrived after the result` : undefined));
  }
  return out;
}

function checkLogs(exp: NonNullable<Expect['logs']>, seen: LogEntry[]): CheckResult[] {
  const out: CheckResult[] = [];
  const texts = seen.map((l) => (typeof l.data === 'string' ? l.data : JSON.stringify(l.data)));
  if (exp.count !== undefined) out.push(check('logs.count', matchCount(seen.length, exp.count), { expected: exp.count, actual: texts }));
  if (exp.level !== undefined) {
    const atLeast = typeof exp.level === 'object' ? exp.level.atLeast : undefined;
    const rank = (l: string) => LOG_LEVELS.indexOf(l as (typeof LOG_LEVELS)[number]);
    const wrong = atLeast !== undefined ? seen.find((l) => rank(l.level) < rank(atLeast)) : seen.find((l) => l.level !== exp.level);
    const problem = wrong ? (atLeast !== undefined ? `a log message has level ${wrong.level}, below ${atLeast}: ${preview(wrong.data, 120)}` : `a log message has level ${wrong.level}`) : undefined;
    // {atLeast} is a promise about what is sent: no message at all keeps it (count says whether any must come).
    out.push(check('logs.level', seen.length === 0 && atLeast === undefined ? 'no log message arrived' : problem, { expected: exp.level, actual: seen.map((l) => l.level) }));
  }
  if (exp.contains !== undefined) {
    let from = 0;
    let problem: string | undefined;
    for (const c of toList(exp.contains)) {
      const i = texts.findIndex((t, k) => k >= from && t.includes(c));
      if (i < 0) {
        problem = `no log message (in order) contains ${JSON.stringify(c)}; saw ${JSON.stringify(texts)}`;
        break;
      }
      from = i + 1;
    }
    out.push(check('logs.contains', problem, { expected: exp.contains }));
  }
  return out;
}

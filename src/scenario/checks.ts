// Checks turn a step's Outcome and its transcript entries into verdicts, one CheckResult per expectation.
// They read only the Outcome and the step's running tally (every entry, not the display window): never
// the wire.
import type { CheckResult } from '../results.js';
import type { ElicitationSchema } from '../responders/responder.js';
import type { StepTally } from '../session/step-tally.js';
import type { ElicitationEntry } from '../session/transcript.js';
import { jsonDiff, textDiff } from './diff.js';
import { matchCount, matchSubset, matchTextSafely, preview, toList } from './matchers.js';
import type { Expect, Step } from './schema.js';
import { stepKindOf, type StepOutcome } from './steps/index.js';
import { checkRounds } from './steps/rounds.js';
import { checkContent, contentBlocks } from './content-checks.js';
import { checkNotifications } from './notification-checks.js';
import { LOG_BELOW_WATCH, logText } from './watches.js';

/** A text `actual` stays text (reporters quote it once): only cut to a readable length. */
const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max) + '…' : text);
const pass = (name: string, extra: Partial<CheckResult> = {}): CheckResult => ({ name, verdict: 'passed', ...extra });
const fail = (name: string, message: string, extra: Partial<CheckResult> = {}): CheckResult => ({ name, verdict: 'failed', message, ...extra });
const check = (name: string, problem: string | undefined, extra: Partial<CheckResult> = {}) => (problem ? fail(name, problem, extra) : pass(name, extra));

export async function evaluateStep(step: Step, outcome: StepOutcome, tally: StepTally, unanswered: string[], signal?: AbortSignal, era: 'legacy' | 'modern' = 'legacy'): Promise<CheckResult[]> {
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
    // The message is the whole story unless the server gave a JSON-RPC code.
    out.push(fail('request', `${outcome.label} failed: ${outcome.error.message}`, outcome.error.code !== undefined ? { actual: outcome.error } : {}));
  } else out.push(pass('request'));

  for (const reason of unanswered) out.push(fail('responders.answered', reason));

  const result = outcome.result as Record<string, unknown> | undefined;
  if (result) {
    // What only this kind checks (call: isError; list: names, count).
    out.push(...(stepKindOf(step).checks?.(step, { result, text: outcome.text, names: outcome.names, extra: outcome.extra }) ?? []));
    if (expect.content !== undefined) out.push(...(await checkContent(expect.content, contentBlocks(result), signal)));
    if (expect.text !== undefined) {
      const p = await matchTextSafely(outcome.text, expect.text, signal);
      const diff = p && typeof expect.text === 'object' && expect.text.equals !== undefined && outcome.text !== expect.text.equals ? textDiff(expect.text.equals, outcome.text) : [];
      out.push(check('text', p && `result text ${p}`, { expected: expect.text, actual: clip(outcome.text, 500), ...(diff.length ? { diff } : {}) }));
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
      const diff = problem && parsed !== undefined ? jsonDiff(expect.json, parsed) : [];
      out.push(check('json', problem, { expected: expect.json, actual: parsed ?? clip(outcome.text, 500), ...(diff.length ? { diff } : {}) }));
    }
    if (expect.structured !== undefined) {
      const sc = result.structuredContent;
      const problem = sc === undefined ? 'the result has no structuredContent' : matchSubset(sc, expect.structured);
      const diff = problem && sc !== undefined ? jsonDiff(expect.structured, sc) : [];
      out.push(check('structured', problem, { expected: expect.structured, actual: sc, ...(diff.length ? { diff } : {}) }));
    }
  }

  if (expect.elicitations) out.push(...(await checkElicitations(expect.elicitations, tally, signal)));
  if (expect.sampling) out.push(...checkSampling(expect.sampling, tally));
  if (expect.progress) out.push(...checkProgress(expect.progress, tally, outcome.resultSeq));
  if (expect.logs) out.push(...checkLogs(expect.logs, tally));
  if (expect.rounds) out.push(...checkRounds(expect.rounds, tally, era));
  if (expect.notifications) out.push(...checkNotifications(expect.notifications, tally));
  const rootsRequested = (expect as { rootsRequested?: boolean }).rootsRequested;
  if (rootsRequested !== undefined) {
    const asked = tally.serverRequests.get('roots/list') > 0;
    out.push(
      check('rootsRequested', asked === rootsRequested ? undefined : asked ? 'the server asked roots/list, which the step expected it not to' : 'the server did not ask roots/list (again) within the step; add within: to give it time', {
        expected: rootsRequested,
        actual: asked,
      }),
    );
  }
  return out;
}

type FormShape = Pick<NonNullable<Expect['elicitations']>, 'fields' | 'required' | 'url' | 'elicitationId'>;

async function checkElicitations(exp: NonNullable<Expect['elicitations']>, tally: StepTally, signal?: AbortSignal): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const seen = tally.elicitations.first;
  if (exp.count !== undefined) {
    out.push(check('elicitations.count', matchCount(tally.elicitations.count, exp.count), { expected: exp.count, actual: tally.elicitations.count }));
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
  const formChecks = async (prefix: string, e: FormShape, reqs: ElicitationEntry[]) => {
    for (const [n, r] of reqs.entries()) {
      const at = reqs.length > 1 || prefix.includes('[') ? `${prefix}${prefix.includes('[') ? '' : `[${seen.indexOf(r)}]`}` : prefix;
      const schema = (r.requestedSchema ?? {}) as ElicitationSchema;
      const props = schema.properties ?? {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      if (r.mode === 'form') {
        for (const [name, want] of Object.entries(e.fields ?? {})) {
          const { required: mustBeRequired, ...shape } = want;
          const prop = props[name];
          let problem = prop === undefined ? `the requested schema has no field "${name}" (fields: ${Object.keys(props).join(', ') || 'none'})` : matchSubset(prop, shape, name);
          if (!problem && mustBeRequired !== undefined && required.includes(name) !== mustBeRequired) problem = `field "${name}" is ${mustBeRequired ? 'not ' : ''}listed in required`;
          out.push(check(`${at}.fields.${name}`, problem, { expected: want, actual: prop }));
        }
        if (e.required) {
          const missing = e.required.filter((f) => !required.includes(f));
          out.push(check(`${at}.required`, missing.length ? `not required: ${missing.join(', ')} (required: ${required.join(', ') || 'none'})` : undefined, { expected: e.required, actual: required }));
        }
      }
      if (r.mode === 'url' || e.url !== undefined || e.elicitationId !== undefined) {
        if (e.url !== undefined) {
          const p = r.url === undefined ? 'the request has no url' : await matchTextSafely(r.url, e.url, signal);
          out.push(check(`${at}.url`, p && (r.url === undefined ? p : `url ${p}`), { expected: e.url, actual: r.url }));
        }
        if (e.elicitationId !== undefined) {
          const p = r.elicitationId === undefined ? 'the request has no elicitationId' : e.elicitationId !== true && r.elicitationId !== e.elicitationId ? `elicitationId is ${JSON.stringify(r.elicitationId)}` : undefined;
          out.push(check(`${at}.elicitationId`, p, { expected: e.elicitationId, actual: r.elicitationId }));
        }
      }
      void n;
    }
  };
  if (exp.fields || exp.required) await formChecks('elicitations', exp, seen.filter((r) => r.mode === 'form'));
  if (exp.url !== undefined || exp.elicitationId !== undefined) await formChecks('elicitations', { url: exp.url, elicitationId: exp.elicitationId }, seen.filter((r) => r.mode === 'url'));
  for (const [i, want] of (exp.requests ?? []).entries()) {
    const r = seen[i];
    if (!r) {
      out.push(fail(`elicitations[${i}]`, `no elicitation #${i + 1} arrived (saw ${tally.elicitations.count})`));
      continue;
    }
    if (want.mode !== undefined) out.push(check(`elicitations[${i}].mode`, r.mode !== want.mode ? `mode is ${r.mode}` : undefined, { expected: want.mode, actual: r.mode }));
    if (want.message !== undefined) out.push(check(`elicitations[${i}].message`, r.message.toLowerCase().includes(want.message.toLowerCase()) ? undefined : `message ${JSON.stringify(r.message)} does not contain ${JSON.stringify(want.message)}`, { expected: want.message, actual: r.message }));
    await formChecks(`elicitations[${i}]`, want, [r]);
  }
  if (exp.flatSchema) out.push(check('elicitations.flatSchema', tally.firstSchemaProblem));
  return out;
}

function checkSampling(exp: NonNullable<Expect['sampling']>, tally: StepTally): CheckResult[] {
  const out: CheckResult[] = [];
  const count = tally.sampling.count;
  const seen = tally.sampling.first;
  if (exp.count !== undefined) out.push(check('sampling.count', matchCount(count, exp.count), { expected: exp.count, actual: count }));
  if (exp.maxTokens !== undefined) {
    const wrong = tally.maxTokens.values.some((v) => v !== exp.maxTokens) ? tally.maxTokens.other(exp.maxTokens) ?? null : undefined;
    out.push(check('sampling.maxTokens', count === 0 ? 'no sampling request arrived' : wrong !== undefined ? `maxTokens was ${wrong ?? 'missing'}, expected ${exp.maxTokens}` : undefined, { expected: exp.maxTokens, actual: tally.maxTokens.values }));
  }
  if (exp.contains !== undefined) {
    const all = seen.map((s) => s.text).join('\n');
    const missing = toList(exp.contains).find((c) => !all.toLowerCase().includes(c.toLowerCase()));
    out.push(check('sampling.contains', count === 0 ? 'no sampling request arrived' : missing !== undefined ? `sampling request text does not contain ${JSON.stringify(missing)}${tally.sampling.partial}` : undefined, { expected: exp.contains, actual: clip(all, 300) }));
  }
  return out;
}

function checkProgress(exp: NonNullable<Expect['progress']>, tally: StepTally, resultSeq: number): CheckResult[] {
  const out: CheckResult[] = [];
  const p = tally.progress;
  const none = p.count === 0;
  // The values shown: the first 50 and the count, however many arrived.
  const values = p.count > p.values.length ? { first: p.values, count: p.count, last: p.last?.progress } : p.values;
  if (exp.count !== undefined) out.push(check('progress.count', matchCount(p.count, exp.count), { expected: exp.count, actual: values }));
  if (exp.increasing) {
    const bad = p.firstNonIncrease;
    out.push(check('progress.increasing', none ? 'no progress notification arrived' : bad ? `progress went from ${bad.from} to ${bad.to}; it MUST increase each time` : undefined, { actual: values }));
  }
  if (exp.finalEqualsTotal) {
    const last = p.last;
    out.push(check('progress.finalEqualsTotal', !last ? 'no progress notification arrived' : last.total === undefined ? 'the last progress notification has no total' : last.progress !== last.total ? `final progress ${last.progress} is not the total ${last.total}` : undefined, { actual: last ? `${last.progress}/${last.total}` : null }));
  }
  if (exp.total !== undefined) {
    const wrong = p.totals.values.some((t) => t !== exp.total);
    out.push(check('progress.total', wrong ? `a notification said total ${p.totals.other(exp.total) ?? 'missing'}` : none ? 'no progress notification arrived' : undefined, { expected: exp.total }));
  }
  if (exp.beforeResult) {
    const late = p.last && p.last.seq > resultSeq ? p.last : undefined;
    out.push(check('progress.beforeResult', none ? 'no progress notification arrived' : late ? `progress ${late.progress} arrived after the result` : undefined));
  }
  return out;
}

function checkLogs(exp: NonNullable<Expect['logs']>, tally: StepTally): CheckResult[] {
  const out: CheckResult[] = [];
  const texts = tally.logs.first.map(logText);
  const count = tally.logs.count;
  if (exp.count !== undefined) out.push(check('logs.count', matchCount(count, exp.count), { expected: exp.count, actual: count > 50 ? { first: texts.slice(0, 50), count } : texts }));
  if (exp.level !== undefined) {
    if (typeof exp.level === 'object') {
      // {atLeast} is a promise about what is sent: no message at all keeps it (count says whether any must come).
      const below = tally.watched(LOG_BELOW_WATCH);
      const first = below?.first?.kind === 'log' ? below.first : undefined;
      const problem = first ? `${below!.count} log message(s) below ${exp.level.atLeast}, the first at level ${first.level}: ${preview(logText(first), 120)}` : undefined;
      out.push(check('logs.level', problem, { expected: exp.level, actual: tally.logLevels.values }));
    } else {
      const wrong = tally.logLevels.other(exp.level);
      out.push(check('logs.level', count === 0 ? 'no log message arrived' : wrong !== undefined ? `a log message has level ${wrong}` : undefined, { expected: exp.level }));
    }
  }
  if (exp.contains !== undefined) {
    let from = 0;
    let problem: string | undefined;
    for (const c of toList(exp.contains)) {
      const i = texts.findIndex((t, k) => k >= from && t.includes(c));
      if (i < 0) {
        problem = `no log message (in order) contains ${JSON.stringify(c)}${tally.logs.partial}; saw ${preview(texts, 500)}`;
        break;
      }
      from = i + 1;
    }
    out.push(check('logs.contains', problem, { expected: exp.contains }));
  }
  return out;
}

// Checks turn a step's Outcome and its transcript entries into verdicts, one CheckResult per expectation.
// They read only the Outcome and the Transcript: never the wire.
import type { CheckResult } from '../results.js';
import { flatSchemaProblem, type ElicitationSchema } from '../responders/responder.js';
import type { ElicitationEntry, LogEntry, ProgressEntry, SamplingEntry, TranscriptEntry } from '../session/transcript.js';
import { jsonDiff, textDiff } from './diff.js';
import { matchCount, matchSubset, matchText, preview, toList } from './matchers.js';
import type { Expect, Step } from './schema.js';
import { stepKindOf, type StepOutcome } from './steps/index.js';

/** A text `actual` stays text (reporters quote it once): only cut to a readable length. */
const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max) + '…' : text);
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
    // The message is the whole story unless the server gave a JSON-RPC code.
    out.push(fail('request', `${outcome.label} failed: ${outcome.error.message}`, outcome.error.code !== undefined ? { actual: outcome.error } : {}));
  } else out.push(pass('request'));

  for (const reason of unanswered) out.push(fail('responders.answered', reason));

  const result = outcome.result as Record<string, unknown> | undefined;
  if (result) {
    // What only this kind checks (call: isError; list: names, count).
    out.push(...(stepKindOf(step).checks?.(step, { result, text: outcome.text, names: outcome.names }) ?? []));
    if (expect.text !== undefined) {
      const p = matchText(outcome.text, expect.text);
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

  const elicitations = entries.filter((e): e is ElicitationEntry => e.kind === 'elicitation');
  if (expect.elicitations) out.push(...checkElicitations(expect.elicitations, elicitations));
  const samplings = entries.filter((e): e is SamplingEntry => e.kind === 'sampling');
  if (expect.sampling) out.push(...checkSampling(expect.sampling, samplings));
  const progress = entries.filter((e): e is ProgressEntry => e.kind === 'progress');
  if (expect.progress) out.push(...checkProgress(expect.progress, progress, outcome.resultSeq));
  const logs = entries.filter((e): e is LogEntry => e.kind === 'log');
  if (expect.logs) out.push(...checkLogs(expect.logs, logs));
  return out;
}

type FormShape = Pick<NonNullable<Expect['elicitations']>, 'fields' | 'required' | 'url' | 'elicitationId'>;

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
  const formChecks = (prefix: string, e: FormShape, reqs: ElicitationEntry[]) => {
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
          const p = r.url === undefined ? 'the request has no url' : matchText(r.url, e.url);
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
  if (exp.fields || exp.required) formChecks('elicitations', exp, seen.filter((r) => r.mode === 'form'));
  if (exp.url !== undefined || exp.elicitationId !== undefined) formChecks('elicitations', { url: exp.url, elicitationId: exp.elicitationId }, seen.filter((r) => r.mode === 'url'));
  for (const [i, want] of (exp.requests ?? []).entries()) {
    const r = seen[i];
    if (!r) {
      out.push(fail(`elicitations[${i}]`, `no elicitation #${i + 1} arrived (saw ${seen.length})`));
      continue;
    }
    if (want.mode !== undefined) out.push(check(`elicitations[${i}].mode`, r.mode !== want.mode ? `mode is ${r.mode}` : undefined, { expected: want.mode, actual: r.mode }));
    if (want.message !== undefined) out.push(check(`elicitations[${i}].message`, r.message.toLowerCase().includes(want.message.toLowerCase()) ? undefined : `message ${JSON.stringify(r.message)} does not contain ${JSON.stringify(want.message)}`, { expected: want.message, actual: r.message }));
    formChecks(`elicitations[${i}]`, want, [r]);
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
    out.push(check('sampling.contains', seen.length === 0 ? 'no sampling request arrived' : missing !== undefined ? `sampling request text does not contain ${JSON.stringify(missing)}` : undefined, { expected: exp.contains, actual: clip(all, 300) }));
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
    const wrong = seen.find((l) => l.level !== exp.level);
    out.push(check('logs.level', seen.length === 0 ? 'no log message arrived' : wrong ? `a log message has level ${wrong.level}` : undefined, { expected: exp.level }));
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

// Known failures, listed in a file (`--expected-failures FILE`), so a suite can gate CI while a server
// still has known bugs: a listed failure is reported XFAIL and does not fail the run, and a listed entry
// that now passes fails the run as stale, so the list cannot rot.
//
// The file is a YAML list, or plain text with one entry a line (`#` starts a comment). An entry is a
// scenario (its name, or its id "file#name") or one step of it: "scenario/step-id" (step ids are the
// step's `id:`, else step-1, step-2…).
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import type { ScenarioResult } from '../results.js';
import type { LoadedScenario } from './loader.js';

export interface ExpectedFailureEntry {
  /** The line as written, for messages. */
  text: string;
  scenarioId: string;
  /** Absent: the whole scenario is expected to fail. */
  stepId?: string;
}

export class ExpectedFailures {
  constructor(
    readonly file: string,
    readonly entries: ExpectedFailureEntry[],
  ) {}

  /**
   * Turn a scenario's result into XFAIL when its failures are all listed, or into a failure when a listed
   * entry passed (stale). Skipped and interrupted scenarios are left alone: they prove nothing.
   */
  apply(r: ScenarioResult): ScenarioResult {
    const mine = this.entries.filter((e) => e.scenarioId === r.id);
    if (mine.length === 0 || r.status === 'skipped' || r.status === 'interrupted') return r;
    const stale = (e: ExpectedFailureEntry, what: string) =>
      `${e.text} is listed in ${this.file} but ${what} passed: remove the entry (stale expected failure)`;

    const whole = mine.find((e) => !e.stepId);
    if (whole) {
      if (r.status === 'failed') return { ...r, status: 'expected-failure' };
      return { ...r, status: 'failed', checks: [...r.checks, { name: 'expected-failure.stale', verdict: 'failed', message: stale(whole, 'the scenario') }] };
    }

    const listed = new Set(mine.map((e) => e.stepId!));
    const steps = r.steps.map((st) => {
      const e = mine.find((x) => x.stepId === st.id);
      if (!e || st.verdict !== 'passed') return st;
      return { ...st, verdict: 'failed' as const, checks: [...st.checks, { name: 'expected-failure.stale', verdict: 'failed' as const, message: stale(e, 'the step') }] };
    });
    const staleFound = steps.some((st) => st.checks.some((c) => c.name === 'expected-failure.stale'));
    if (staleFound) return { ...r, status: 'failed', steps };
    if (r.status !== 'failed') return r;
    // Only the listed steps failed (no scenario-level failure, no error): a known failure.
    const unlisted = r.steps.some((st) => st.verdict === 'failed' && !listed.has(st.id)) || r.checks.some((c) => c.verdict === 'failed') || !!r.error;
    return unlisted ? r : { ...r, status: 'expected-failure' };
  }
}

/** Read and resolve the file against the loaded suite; an entry naming nothing is a usage error. */
export async function loadExpectedFailures(file: string, suite: LoadedScenario[]): Promise<ExpectedFailures> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--expected-failures ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return new ExpectedFailures(file, parseExpectedFailures(text, file, suite));
}

export function parseExpectedFailures(text: string, file: string, suite: LoadedScenario[]): ExpectedFailureEntry[] {
  const lines = rawEntries(text, file);
  const problems: string[] = [];
  const entries: ExpectedFailureEntry[] = [];
  for (const { value, line } of lines) {
    const entry = resolveEntry(value, suite);
    if (typeof entry === 'string') problems.push(`${file}:${line}: ${entry}`);
    else entries.push(entry);
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
  return entries;
}

function rawEntries(text: string, file: string): { value: string; line: number }[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('-') || trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = parseYaml(text);
    } catch (e) {
      throw new UsageError(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!Array.isArray(data) || !data.every((x) => typeof x === 'string')) throw new UsageError(`${file}: expected a YAML list of "scenario" or "scenario/step-id" strings`);
    // Line numbers for messages: find each entry's line in the text.
    const textLines = text.split(/\r?\n/);
    return (data as string[]).map((value) => ({ value: value.trim(), line: Math.max(1, textLines.findIndex((l) => l.includes(value)) + 1) }));
  }
  return text
    .split(/\r?\n/)
    .map((l, i) => ({ value: l.replace(/(^|\s)#.*$/, '').trim(), line: i + 1 }))
    .filter((x) => x.value);
}

function resolveEntry(value: string, suite: LoadedScenario[]): ExpectedFailureEntry | string {
  const byName = (n: string) => suite.find((s) => s.id === n || s.scenario.name === n);
  const whole = byName(value);
  if (whole) return { text: value, scenarioId: whole.id };
  const slash = value.lastIndexOf('/');
  const s = slash > 0 ? byName(value.slice(0, slash)) : undefined;
  if (!s) return `"${value}" names no scenario in the suite`;
  const stepId = value.slice(slash + 1);
  const ids = s.scenario.steps.map((st, i) => st.id ?? `step-${i + 1}`);
  if (!ids.includes(stepId)) return `scenario "${s.scenario.name}" has no step "${stepId}" (its steps: ${ids.join(', ')})`;
  return { text: value, scenarioId: s.id, stepId };
}

// Loads scenario files: YAML with positions → zod validation → errors that point at file:line:col with
// the offending text and a caret (Hurl's style), and a suggestion for a misspelt key.
// Every file is checked before anything runs: one bad file means exit 2 and nothing sent.
import { readFile, readdir, stat } from 'node:fs/promises';
import { CONFIG_NAMES } from '../config/find.js';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { readableMessage } from './readable-issues.js';
import { ScenarioFile, type Scenario } from './schema.js';
import { ACTION_KEYS, actionKeysOf } from './steps/index.js';

export interface LoadedScenario {
  /** `file#name`: stable id for reports, shards and expected-failure lists. */
  id: string;
  file: string;
  /** 1-based line of the scenario in its file. */
  line: number;
  /** 1-based line of each step. */
  stepLines: number[];
  scenario: Scenario;
  /** Where `feature:` is written, for the pre-run check of the name (src/scenario/features.ts). */
  featureAt?: { line: number; col: number; excerpt?: string };
}

export interface ScenarioProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  /** The source line and a caret under the column. */
  excerpt?: string;
}

export class ScenarioFileError extends UsageError {
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioFileError';
  }
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}${p.excerpt ? `\n${p.excerpt}` : ''}`;
}

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Expand files and directories (recursively, *.yaml / *.yml) into a sorted list of files. A config file
 * (mcp-verify.config.yaml) in a scenario folder is the folder's settings, never a scenario file.
 */
export async function findScenarioFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (s.isDirectory()) {
      const names = (await readdir(p, { recursive: true })).map(String).sort();
      const found = names.filter((n) => /\.ya?ml$/i.test(n) && !(CONFIG_NAMES as readonly string[]).includes(path.basename(n))).map((n) => path.join(p, n));
      if (found.length === 0) throw new UsageError(`${p}: no scenario files (*.yaml, *.yml) in this directory`);
      out.push(...found);
    } else out.push(p);
  }
  return [...new Set(out)];
}

/** Load and validate every file; throws ScenarioFileError listing every problem in every file. */
export async function loadScenarios(files: string[], displayBase = process.cwd()): Promise<LoadedScenario[]> {
  const problems: ScenarioProblem[] = [];
  const loaded: LoadedScenario[] = [];
  for (const file of files) {
    const shown = path.relative(displayBase, file) || file;
    let text: string;
    try {
      const s = await stat(file);
      if (s.size > MAX_FILE_BYTES) {
        problems.push({ file: shown, line: 1, col: 1, message: `file is ${s.size} bytes; scenario files are limited to ${MAX_FILE_BYTES} bytes` });
        continue;
      }
      text = await readFile(file, 'utf8');
    } catch (e) {
      problems.push({ file: shown, line: 1, col: 1, message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    const result = parseScenarioText(text, shown);
    if ('problems' in result) problems.push(...result.problems);
    else loaded.push(...result.scenarios);
  }
  // Names are ids: a duplicate would make reports, shards and expected-failure lists ambiguous.
  const seen = new Map<string, LoadedScenario>();
  for (const s of loaded) {
    const prev = seen.get(s.scenario.name);
    if (prev) {
      problems.push({
        file: s.file,
        line: s.line,
        col: 1,
        message: `duplicate scenario name "${s.scenario.name}" (first at ${prev.file}:${prev.line})`,
      });
    } else seen.set(s.scenario.name, s);
  }
  if (problems.length) throw new ScenarioFileError(problems);
  return loaded;
}

/** Parse one file's text. Pure: used by the loader, `validate`, and the fuzz tests. */
export function parseScenarioText(text: string, file: string): { scenarios: LoadedScenario[] } | { problems: ScenarioProblem[] } {
  const checked = parsePositioned(text, file, ScenarioFile, 'empty file: expected `scenarios:` with at least one scenario');
  if ('problems' in checked) return checked;
  const { doc, lineCounter, at } = checked;
  const file_ = checked.data as ScenarioFile;
  const regexProblems = checkRegexes(file_, doc, at);
  if (regexProblems.length) return { problems: regexProblems };

  const scenarios = file_.scenarios.map((scenario, i): LoadedScenario => {
    const node = doc.getIn(['scenarios', i], true) as YamlNode | undefined;
    const stepLines = scenario.steps.map((_, j) => lineOf(doc.getIn(['scenarios', i, 'steps', j], true) as YamlNode, lineCounter));
    // File-level variables and secrets are defaults for each scenario (the scenario's own win).
    const { variables, secrets, public: shown } = file_;
    if (variables || secrets) {
      scenario = { ...scenario, variables: { ...variables, ...scenario.variables }, secrets: [...(secrets ?? []), ...(scenario.secrets ?? [])] };
    }
    if (shown) scenario = { ...scenario, public: [...shown, ...(scenario.public ?? [])] };
    const featureNode = doc.getIn(['scenarios', i, 'feature'], true) as YamlNode | undefined;
    const featureAt = featureNode?.range ? (({ line, col, excerpt }) => ({ line, col, excerpt }))(at(featureNode.range[0], '')) : undefined;
    return { id: `${file}#${scenario.name}`, file, line: lineOf(node, lineCounter), stepLines, scenario, ...(featureAt ? { featureAt } : {}) };
  });
  return { scenarios };
}

export type At = (offset: number, message: string) => ScenarioProblem;

export interface Positioned<T> {
  data: T;
  doc: Document;
  lineCounter: LineCounter;
  at: At;
}

/**
 * YAML (or JSON, which YAML reads too) with positions, validated by a zod schema: every problem is
 * file:line:col with an excerpt, unknown keys get a did-you-mean, type errors say what was expected and
 * what was found. The one machinery behind scenario files and the config file.
 */
export function parsePositioned<S extends z.ZodType>(text: string, file: string, schema: S, emptyMessage: string): Positioned<z.output<S>> | { problems: ScenarioProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lines = text.split(/\r?\n/);
  const at: At = (offset: number, message: string): ScenarioProblem => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { file, line, col, message, excerpt: excerpt(lines, line, col) };
  };
  if (doc.errors.length) {
    return { problems: doc.errors.map((e) => at(e.pos[0], `invalid YAML: ${firstLine(e.message)}`)) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { problems: [at(0, `invalid YAML: ${firstLine((e as Error).message)}`)] };
  }
  if (data === null || data === undefined) return { problems: [at(0, emptyMessage)] };
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = withoutEchoes(expandStepUnions(parsed.error.issues, data), schema, data);
    return { problems: issues.map((issue) => issueToProblem(issue, doc, at, schema, data)) };
  }
  return { data: parsed.data, doc, lineCounter, at };
}

function lineOf(node: YamlNode | undefined, lc: LineCounter): number {
  return node?.range ? lc.linePos(node.range[0]).line : 1;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function excerpt(lines: string[], line: number, col: number): string | undefined {
  const src = lines[line - 1];
  if (src === undefined) return undefined;
  const shown = src.length > 160 ? src.slice(0, 160) + '…' : src;
  return `  ${shown}\n  ${' '.repeat(Math.max(0, Math.min(col - 1, 160)))}^`;
}


/** Find the YAML node for a zod path (falling back to the nearest ancestor that exists). */
function nodeAt(doc: Document, p: PropertyKey[]): { node: YamlNode | undefined; keyNode?: YamlNode } {
  for (let n = p.length; n >= 0; n--) {
    const node = doc.getIn(p.slice(0, n) as (string | number)[], true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node) return { node };
  }
  return { node: undefined };
}

function keyNode(doc: Document, parentPath: PropertyKey[], key: string): YamlNode | undefined {
  const parent = parentPath.length ? doc.getIn(parentPath as (string | number)[], true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((it) => (it.key as { value?: unknown })?.value === key);
  return pair?.key as YamlNode | undefined;
}

/**
 * A misspelt required key shows up twice: as an unknown key and as the missing one. Keep only the
 * unknown key, whose message already says "did you mean".
 */
function withoutEchoes(issues: z.core.$ZodIssue[], root: z.ZodType, data: unknown): z.core.$ZodIssue[] {
  const suggested = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeys(root, data, issue.path);
    for (const key of issue.keys) {
      const s = suggest(key, known);
      if (s) suggested.add(JSON.stringify([...issue.path.map(String), s]));
    }
  }
  // A "needs one of these keys" refinement (a sampling answer's text or llm) echoes a misspelling the same way.
  const missingOneOf = (issue: z.core.$ZodIssue) =>
    issue.code === 'custom' && ((issue.params as { missingOneOf?: string[] } | undefined)?.missingOneOf ?? []).some((k) => suggested.has(JSON.stringify([...issue.path.map(String), k])));
  return issues.filter((issue) => !(issue.code === 'invalid_type' && suggested.has(JSON.stringify(issue.path.map(String)))) && !missingOneOf(issue));
}

function issueToProblem(issue: z.core.$ZodIssue, doc: Document, at: At, root: z.ZodType, data: unknown): ScenarioProblem {
  const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeys(root, data, issue.path);
    const suggestion = suggest(key, known);
    const kn = keyNode(doc, issue.path, key);
    const offset = kn?.range?.[0] ?? nodeAt(doc, issue.path).node?.range?.[0] ?? 0;
    const more = issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).map((k) => `"${k}"`).join(', ')})` : '';
    // In a step (or its expect), name the kind and the keys it takes: "args" does not belong to a read step.
    const kind = stepKindAt(data, issue.path);
    const takes = kind ? `a ${kind.kind} step${kind.inExpect ? "'s expect" : ''} takes: ${known.join(', ')}` : known.length ? `expected one of: ${known.join(', ')}` : '';
    const hint = suggestion ? `; did you mean "${suggestion}"?${kind ? ` (${takes})` : ''}` : takes ? `; ${takes}` : '';
    return at(offset, `${where}unknown key "${key}"${more}${hint}`);
  }
  const { node } = nodeAt(doc, issue.path);
  return at(node?.range?.[0] ?? 0, `${where}${readableMessage(issue, root, data)}`);
}

/** The value at a zod path in the parsed YAML data. */
function valueAt(data: unknown, p: PropertyKey[]): unknown {
  let v = data;
  for (const seg of p) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

/** When a path is a step (…steps.N) or its expect, the step's kind. */
function stepKindAt(data: unknown, p: PropertyKey[]): { kind: string; inExpect: boolean } | undefined {
  const inExpect = p.at(-1) === 'expect';
  const stepPath = inExpect ? p.slice(0, -1) : p;
  if (stepPath.at(-2) !== 'steps' || typeof stepPath.at(-1) !== 'number') return undefined;
  const step = valueAt(data, stepPath);
  if (!step || typeof step !== 'object') return undefined;
  const actions = actionKeysOf(step);
  return actions.length === 1 ? { kind: actions[0]!, inExpect } : undefined;
}

/**
 * A step that fails its kind's schema fails the whole union of kinds; keep only the issues of the kind
 * its action key names, with their full paths (or say it has no action, or two).
 */
function expandStepUnions(issues: z.core.$ZodIssue[], data: unknown): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'invalid_union' || issue.path.at(-2) !== 'steps') {
      out.push(issue);
      continue;
    }
    const step = valueAt(data, issue.path);
    const actions = step && typeof step === 'object' && !Array.isArray(step) ? actionKeysOf(step) : [];
    if (actions.length !== 1) {
      const message = !step || typeof step !== 'object' || Array.isArray(step)
        ? `a step is a mapping with one action: ${ACTION_KEYS.join(', ')}`
        : actions.length === 0
          ? `a step needs one action: ${ACTION_KEYS.join(', ')}`
          : `a step has one action, this one has ${actions.join(' and ')}`;
      out.push({ code: 'custom', path: issue.path, message, input: step } as z.core.$ZodIssue);
      continue;
    }
    const branch = issue.errors[ACTION_KEYS.indexOf(actions[0]!)] ?? [];
    out.push(...expandStepUnions(branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue), data));
  }
  return out;
}

/** The keys allowed at a path, read from the zod schema by walking it (a step's kind by its action key). */
function knownKeys(root: z.ZodType, data: unknown, p: PropertyKey[]): string[] {
  let schema: unknown = root;
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    schema = unwrap(schema, valueAt(data, p.slice(0, i)));
    const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (def.type === 'object') schema = (def.shape as Record<string, unknown>)[String(seg)];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return [];
  }
  schema = unwrap(schema, valueAt(data, p));
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: unknown, value?: unknown): unknown {
  for (let i = 0; i < 10; i++) {
    const def = (schema as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return schema;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'union') {
      type Obj = { _zod: { def: { type: string; shape?: Record<string, unknown> } } };
      const objects = (def.options as Obj[]).filter((o) => o._zod.def.type === 'object');
      // The step union: the branch whose action key the value has.
      const actions = value && typeof value === 'object' ? actionKeysOf(value) : [];
      const obj = objects.find((o) => actions.length === 1 && ACTION_KEYS.includes(actions[0]!) && o._zod.def.shape && actions[0]! in o._zod.def.shape && Object.keys(o._zod.def.shape).filter((k) => (ACTION_KEYS as string[]).includes(k)).length === 1) ?? objects[0];
      if (!obj) return schema;
      schema = obj;
    } else return schema;
  }
  return schema;
}

/** The closest known key within a small edit distance, for "did you mean". */
export function suggest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** Regexes are compiled at load time so a typo is exit 2 with a position, not a failure mid-run. */
function checkRegexes(file: ScenarioFile, doc: Document, at: At): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const visit = (value: unknown, p: (string | number)[]) => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...p, i]));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if ((k === 'regex' || k === 'messageRegex') && typeof v === 'string') {
          try {
            new RegExp(v);
          } catch (e) {
            const node = doc.getIn([...p, k], true) as YamlNode | undefined;
            problems.push(at(node?.range?.[0] ?? 0, `${[...p, k].join('.')}: invalid regular expression: ${(e as Error).message}`));
          }
        } else if (k !== 'args' && k !== 'content' && k !== 'value' && k !== 'json' && k !== 'structured') visit(v, [...p, k]);
      }
    }
  };
  visit(file, []);
  return problems;
}


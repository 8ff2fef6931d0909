// `--record FILE`: what a person answered at the terminal becomes scripted answers in the scenario
// language, so the next run replays it without anyone at the keyboard (and can gate CI).
//
// The recorder reads the transcript (`onEntry`), not the prompts: every elicitation or sampling entry
// answered by a person is turned into a rule on the step that received it (`times: 1`, matching the
// request's message or text), so repeated questions replay in the order they were answered.
// The output is a whole scenario file: the scenarios that ran, copied from their source YAML (comments
// kept), with the recorded rules appended to each step's `elicitation` / `sampling` list. For
// `mcp-verify call` it is a one-step scenario calling the same tool with the same arguments.
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { Document, isMap, isSeq, parseDocument, type Node as YamlNode, type YAMLMap, type YAMLSeq } from 'yaml';
import { UsageError } from '../errors.js';
import { Redactor } from '../redact.js';
import type { LoadedScenario } from '../scenario/loader.js';
import type { ElicitationEntry, SamplingEntry, TranscriptEntry } from '../session/transcript.js';

/** How much of a request's message/text a recorded rule matches on (a substring match). */
const MATCH_CHARS = 200;

type Rule = Record<string, unknown>;

interface Recorded {
  step: number;
  kind: 'elicitation' | 'sampling';
  rule: Rule;
}

export class AnswerRecorder {
  private readonly byScenario = new Map<string, Recorded[]>();
  private readonly ran = new Set<string>();

  constructor(private readonly redactor: Redactor = new Redactor([])) {}

  /** How many answers a person gave so far. */
  get count(): number {
    let n = 0;
    for (const list of this.byScenario.values()) n += list.length;
    return n;
  }

  /** Feed every transcript entry of the run (the runner's `onEntry`). */
  observe(scenarioId: string, entry: TranscriptEntry): void {
    this.ran.add(scenarioId);
    if (entry.kind === 'elicitation' && entry.answeredBy === 'person') this.add(scenarioId, { step: entry.step, kind: 'elicitation', rule: elicitationRule(entry) });
    if (entry.kind === 'sampling' && entry.answeredBy === 'person' && entry.reply !== undefined) this.add(scenarioId, { step: entry.step, kind: 'sampling', rule: samplingRule(entry) });
  }

  /**
   * The replay file for a suite run: every scenario that ran, from its source file when it can be
   * read (`bases` are where the shown file paths are relative to), with the recorded rules added.
   */
  async suiteFile(scenarios: LoadedScenario[], bases: string[], header: string, taken: Set<string> = new Set()): Promise<string> {
    const out = new Document({ scenarios: [] });
    const list = out.get('scenarios', true) as YAMLSeq;
    const sources = new Map<string, Document | null>();
    for (const loaded of scenarios) {
      if (!this.ran.has(loaded.id)) continue;
      const node = (await this.sourceNode(loaded, bases, sources)) ?? (out.createNode(loaded.scenario) as YAMLMap);
      for (const r of this.byScenario.get(loaded.id) ?? []) addRule(out, node, r);
      renameIfTaken(node, taken);
      list.items.push(node);
    }
    out.commentBefore = header;
    return this.redactor.text(out.toString({ lineWidth: 0 }));
  }

  /** The replay file for `mcp-verify call`: one scenario, one step calling the tool again. */
  callFile(scenarioId: string, tool: string, args: Record<string, unknown>, expect: Record<string, unknown>, header: string, taken: Set<string> = new Set()): string {
    const out = new Document({ scenarios: [{ name: `call-${tool}`.replace(/[^A-Za-z0-9_.-]/g, '_'), steps: [{ call: tool, ...(Object.keys(args).length ? { args } : {}) }] }] });
    const scenario = out.getIn(['scenarios', 0], true) as YAMLMap;
    for (const r of this.byScenario.get(scenarioId) ?? []) addRule(out, scenario, r);
    (out.getIn(['scenarios', 0, 'steps', 0], true) as YAMLMap).set('expect', out.createNode(expect));
    renameIfTaken(scenario, taken);
    out.commentBefore = header;
    return this.redactor.text(out.toString({ lineWidth: 0 }));
  }

  private add(scenarioId: string, r: Recorded): void {
    const list = this.byScenario.get(scenarioId) ?? [];
    list.push(r);
    this.byScenario.set(scenarioId, list);
  }

  private async sourceNode(loaded: LoadedScenario, bases: string[], cache: Map<string, Document | null>): Promise<YAMLMap | undefined> {
    if (!cache.has(loaded.file)) {
      let doc: Document | null = null;
      for (const base of bases) {
        try {
          doc = parseDocument(await readFile(path.resolve(base, loaded.file), 'utf8'));
          break;
        } catch {
          /* try the next base */
        }
      }
      cache.set(loaded.file, doc);
    }
    const doc = cache.get(loaded.file);
    const seq = doc?.get('scenarios', true);
    if (!isSeq(seq)) return undefined;
    const node = seq.items.find((n) => isMap(n) && n.get('name') === loaded.scenario.name);
    return isMap(node) ? (node.clone() as YAMLMap) : undefined;
  }
}

/** Appends a recorded rule to the step's `elicitation` or `sampling` list (creating it). */
function addRule(doc: Document, scenario: YAMLMap, r: Recorded): void {
  const step = (scenario.get('steps', true) as YAMLSeq | undefined)?.items[r.step];
  if (!isMap(step)) return; // answered outside any step (cannot happen today): nothing to attach to
  let list = step.get(r.kind, true) as YamlNode | undefined;
  if (!isSeq(list)) {
    list = doc.createNode([]) as YAMLSeq;
    // Keep `expect` last, where a reader looks for it.
    const expect = step.get('expect', true);
    if (expect !== undefined) {
      step.delete('expect');
      step.set(r.kind, list);
      step.set('expect', expect);
    } else step.set(r.kind, list);
  }
  const item = doc.createNode(r.rule) as YamlNode;
  item.commentBefore = ' recorded: answered by a person at the terminal';
  (list as YAMLSeq).items.push(item);
}

function elicitationRule(e: ElicitationEntry): Rule {
  const match: Rule = { message: e.message.slice(0, MATCH_CHARS) };
  if (e.mode === 'url') match.mode = 'url';
  const rule: Rule = { match, action: e.action };
  const content = e.content && typeof e.content === 'object' ? (e.content as Record<string, unknown>) : undefined;
  if (e.action === 'accept' && content && Object.keys(content).length) {
    const props = Object.keys(((e.requestedSchema as { properties?: object } | undefined)?.properties ?? {}) as object);
    const keys = Object.keys(content);
    // `value:` is the language's shorthand for a one-field form (FastMCP's {value} wrapper).
    if (props.length === 1 && keys.length === 1 && keys[0] === props[0]) rule.value = content[keys[0]!];
    else rule.content = content;
  }
  rule.times = 1;
  return rule;
}

function samplingRule(e: SamplingEntry): Rule {
  return { match: { text: e.text.slice(0, MATCH_CHARS) }, text: e.reply ?? '', model: e.model ?? 'human', times: 1 };
}

/** Fail before anything is asked if the answers could not be saved (exit 2, nothing ran). */
export async function assertRecordable(file: string, inputs: string[] = []): Promise<string> {
  const target = path.resolve(file);
  if (inputs.some((f) => path.resolve(f) === target)) {
    throw new UsageError(`--record ${file} is one of the scenario files being run; record to a new file (it holds the whole replay)`);
  }
  try {
    await access(path.dirname(target), constants.W_OK);
  } catch {
    throw new UsageError(`--record ${file}: the directory ${path.dirname(target)} does not exist or is not writable`);
  }
  return target;
}

export async function writeRecording(file: string, text: string): Promise<void> {
  await writeFile(file, text, 'utf8');
}

/**
 * Scenario names already used by the scenario files in the folder a recording lands in (recursively,
 * as `local DIR` loads them), the recording itself excepted: a recorded scenario must not clash with
 * them, or the next `local DIR` would stop at "duplicate scenario name".
 */
export async function namesTakenBeside(recordPath: string): Promise<Set<string>> {
  const dir = path.dirname(recordPath);
  const taken = new Set<string>();
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).map(String).filter((n) => /\.ya?ml$/i.test(n));
  } catch {
    return taken;
  }
  for (const n of names.slice(0, 2000)) {
    const file = path.join(dir, n);
    if (path.resolve(file) === path.resolve(recordPath) || /(^|[/\\])node_modules([/\\]|$)/.test(n)) continue;
    try {
      const doc = parseDocument(await readFile(file, 'utf8'));
      const seq = doc.get('scenarios', true);
      if (isSeq(seq)) for (const item of seq.items) if (isMap(item) && typeof item.get('name') === 'string') taken.add(item.get('name') as string);
    } catch {
      /* unreadable or not YAML: it cannot clash */
    }
  }
  return taken;
}

/** `name`, else `name-recorded`, `name-recorded-2`, ...: the first not taken (then taken). */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 1; taken.has(candidate); i++) candidate = i === 1 ? `${name}-recorded` : `${name}-recorded-${i}`;
  taken.add(candidate);
  return candidate;
}

function renameIfTaken(scenario: YAMLMap, taken: Set<string>): void {
  const name = scenario.get('name');
  if (typeof name !== 'string') return;
  const unique = uniqueName(name, taken);
  if (unique === name) return;
  scenario.set('name', unique);
  scenario.commentBefore = ` renamed from "${name}": that name is taken by another scenario file in this folder`;
}

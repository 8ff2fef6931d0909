// docs/scenarios.md, generated from the zod schema (the single source of truth): every key of the
// scenario file, each step kind and each expectation, with its type, default, what it means and an
// example. `mcp-verify schema --markdown` prints it; test/scenario-docs.test.ts fails when the
// committed file is out of date (regenerate with `npm run schema`).
import { z } from 'zod';
import * as parts from './schema-parts.js';
import { Scenario, ScenarioFile, SessionExpect } from './schema.js';
import { KINDS } from './steps/index.js';
import { CompleteRequest } from './steps/complete.js';

type Js = Record<string, unknown>;

function unwrap(t: z.ZodType): z.ZodType {
  let cur = t as z.ZodType & { _zod: { def: { type: string; innerType?: z.ZodType } } };
  while (['optional', 'default', 'nullable', 'prefault'].includes(cur._zod.def.type) && cur._zod.def.innerType) cur = cur._zod.def.innerType as typeof cur;
  return cur;
}

function json(t: z.ZodType): Js {
  return z.toJSONSchema(t, { io: 'input', unrepresentable: 'any' }) as Js;
}

function typeText(js: Js): string {
  if (js.const !== undefined) return JSON.stringify(js.const);
  if (Array.isArray(js.enum)) return js.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(js.type)) return js.type.join(' | ');
  const alts = (js.anyOf ?? js.oneOf) as Js[] | undefined;
  if (alts) return alts.every((a) => a.type === 'object' && a.properties) && alts.length > 3 ? 'a step (one of the kinds below)' : alts.map(typeText).join(' | ');
  switch (js.type) {
    case 'array':
      return `${js.items ? typeText(js.items as Js) : 'any'}[]`;
    case 'object': {
      if (js.properties) return `{${Object.keys(js.properties as Js).join(', ')}}`;
      if (js.additionalProperties && typeof js.additionalProperties === 'object') return `map of ${typeText(js.additionalProperties as Js)}`;
      return 'object';
    }
    case 'string':
      return String(js.pattern ?? '').includes('ms|s|m') ? 'duration string' : js.pattern && String(js.pattern).length < 40 ? `string (/${js.pattern}/)` : 'string';
    case undefined:
      return 'any';
    default:
      return String(js.type);
  }
}

function exampleOf(key: string, js: Js): unknown {
  if (js.default !== undefined) return js.default;
  if (js.const !== undefined) return js.const;
  if (Array.isArray(js.enum)) return js.enum[0];
  const alts = (js.anyOf ?? js.oneOf) as Js[] | undefined;
  if (alts) return exampleOf(key, alts.find((a) => String(a.pattern ?? '').includes('ms|s|m')) ?? alts.find((a) => a.type === 'object') ?? alts[0]!);
  switch (js.type) {
    case 'string':
      return String(js.pattern ?? '').includes('ms|s|m') ? '5s' : key === 'uri' ? 'file:///work/project' : `my-${key}`;
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return js.items ? [exampleOf(key, js.items as Js)] : [];
    case 'object': {
      if (!js.properties && js.additionalProperties) return { name: exampleOf('value', js.additionalProperties as Js) };
      const props = (js.properties ?? {}) as Record<string, Js>;
      const first = Object.keys(props)[0];
      return first ? { [first]: exampleOf(first, props[first]!) } : {};
    }
    default:
      return 'value';
  }
}

function yamlInline(v: unknown): string {
  if (typeof v === 'string') return /^[\w./:-]+$/.test(v) && !/^(true|false|null|\d+)$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(yamlInline).join(', ')}]`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${yamlInline(x)}`).join(', ')} }`;
  return String(v);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A table of an object schema's keys: key, type, required/default, description, example. */
function table(obj: z.ZodObject, examples: Record<string, unknown> = {}): string[] {
  const js = json(obj);
  const required = new Set((js.required as string[] | undefined) ?? []);
  const props = (js.properties ?? {}) as Record<string, Js>;
  const rows = ['| key | type | default | description | example |', '|---|---|---|---|---|'];
  for (const [key, p] of Object.entries(props)) {
    const field = obj.shape[key] as z.ZodType;
    const inner = json(unwrap(field));
    const desc = String(p.description ?? inner.description ?? '');
    const dflt = p.default !== undefined ? `\`${JSON.stringify(p.default)}\`` : required.has(key) ? '**required**' : '—';
    const ex = key in examples ? examples[key] : exampleOf(key, p);
    rows.push(`| \`${key}\` | ${cell(typeText(p))} | ${dflt} | ${cell(desc)} | \`${cell(`${key}: ${yamlInline(ex)}`)}\` |`);
  }
  return rows;
}

function objectOf(t: z.ZodType): z.ZodObject {
  const u = unwrap(t);
  if (u instanceof z.ZodObject) return u;
  // A union whose object branch is the structured form (TextMatch, CountMatch, error, logs.level).
  const options = ((u as unknown as { options?: z.ZodType[] }).options ?? []).map(unwrap);
  const o = options.find((x) => x instanceof z.ZodObject);
  if (!o) throw new Error('not an object schema');
  return o as z.ZodObject;
}

const KIND_EXAMPLES: Record<string, string> = {
  call: 'call: search_flights\nargs: { origin: NYC, destination: Paris }\nexpect:\n  progress: { increasing: true, beforeResult: true }\n  text: AirExample',
  list: 'list: tools\nexpect: { names: [plan_trip], count: { min: 1 } }',
  read: 'read: demo://resource/dynamic/blob/5\nexpect:\n  text: "Resource 5"\n  blob: { mimeType: text/plain, size: { min: 40 } }',
  prompt: 'prompt: packing_list\nargs: { destination: Tokyo, days: 5, trip_type: leisure }\nexpect:\n  content: [{ type: text, text: Tokyo }]',
  ping: 'ping: true',
  complete: 'complete:\n  ref: { prompt: completable-prompt }\n  argument: { name: name, value: "" }\n  context: { arguments: { department: Sales } }\nexpect: { values: [David, Eve, Frank], hasMore: false }',
  setLevel: 'setLevel: warning',
  subscribe: 'subscribe: demo://resource/dynamic/text/7\nwithin: 10s\nexpect:\n  notifications:\n    - { method: notifications/resources/updated, params: { uri: demo://resource/dynamic/text/7 } }',
  unsubscribe: 'unsubscribe: demo://resource/dynamic/text/7',
  notifyRootsChanged: 'notifyRootsChanged:\n  - { uri: "file:///work/docs", name: Docs }\nwithin: 10s\nexpect: { rootsRequested: true }',
};

export function scenarioReferenceMarkdown(): string {
  const out: string[] = [
    '# Scenario file reference',
    '',
    '<!-- Generated from the zod schema by `npm run schema` (mcp-verify schema --markdown). Do not edit by hand: test/scenario-docs.test.ts fails when this file is out of date. -->',
    '',
    'A scenario file is YAML. Editors validate it with the published JSON Schema (`schema/scenario.schema.json`):',
    'put `# yaml-language-server: $schema=../schema/scenario.schema.json` on its first line. Unknown keys are errors',
    'with file:line:col and the keys that belong. Durations are milliseconds as a bare number (`500`) or strings',
    'like `"500ms"`, `"5s"`, `"2m"`. Any string may use `${name}` (a variable, `--var`, a capture), `${env.NAME}`,',
    'and in steps `${session.id}` (the session\'s Mcp-Session-Id); `$${` is a literal `${`.',
    '',
    '## The file',
    '',
    ...table(ScenarioFile),
    '',
    '## A scenario',
    '',
    ...table(Scenario),
    '',
    '### `session`',
    '',
    ...table(SessionExpect),
    '',
    '### `roots` (each)',
    '',
    ...table(parts.Root),
    '',
    '## Steps',
    '',
    `A step has exactly one action key, which names its kind: ${KINDS.map((k) => `\`${k.name}\``).join(', ')}. Every kind also takes the common keys (id, description, within, elicitation, sampling, timeout, requires, capture) and an \`expect\` of its own.`,
    '',
  ];
  for (const kind of KINDS) {
    out.push(`### \`${kind.name}\``, '', '```yaml', `- ${KIND_EXAMPLES[kind.name]!.replace(/\n/g, '\n  ')}`, '```', '', ...table(kind.schema), '');
    const expect = kind.schema.shape.expect as z.ZodType | undefined;
    if (expect) out.push(`#### \`${kind.name}\` \`expect\``, '', ...table(objectOf(expect)), '');
  }
  out.push(
    '## Parts',
    '',
    '### `complete` request',
    '',
    ...table(CompleteRequest),
    '',
    '### Scripted elicitation answer (`elicitation:` items)',
    '',
    ...table(parts.ElicitationAnswer),
    '',
    '#### `match`',
    '',
    ...table(objectOf(parts.ElicitationAnswer.shape.match)),
    '',
    '### Scripted sampling answer (`sampling:` items)',
    '',
    ...table(parts.SamplingAnswer),
    '',
    '#### `match`',
    '',
    ...table(objectOf(parts.SamplingAnswer.shape.match)),
    '',
    '### `expect.error` (the object form; `true` also works)',
    '',
    ...table(objectOf(parts.Expect.shape.error)),
    '',
    '### Text match (`text`: a string to contain, or this object)',
    '',
    ...table(objectOf(parts.TextMatch)),
    '',
    '### Count match (`count`: an exact number, or this object)',
    '',
    ...table(objectOf(parts.CountMatch)),
    '',
    '### `expect.progress`',
    '',
    ...table(parts.ExpectProgress),
    '',
    '### `expect.elicitations`',
    '',
    ...table(parts.ExpectElicitations),
    '',
    '### `expect.sampling`',
    '',
    ...table(parts.ExpectSampling),
    '',
    '### `expect.logs`',
    '',
    ...table(parts.ExpectLogs, { level: { atLeast: 'warning' } }),
    '',
    '### `expect.notifications` (each)',
    '',
    ...table(parts.ExpectNotification, { method: 'notifications/resources/updated' }),
    '',
    '### `expect.content` (each)',
    '',
    ...table(parts.ContentItem, { type: 'image', mimeType: 'image/png' }),
    '',
    '### `expect.blob`',
    '',
    ...table(parts.ExpectBlob, { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }),
    '',
    '## Automatic checks',
    '',
    'Besides what `expect` names, every step checks that its request succeeded (unless `expect.error`), that every server request was answered,',
    'and: `call` that `isError` is false (unless expected) and, when the tool declares an `outputSchema` (as an earlier `list: tools` step saw it), that `structuredContent` conforms to it;',
    '`list: tools` that every tool\'s inputSchema and outputSchema is valid JSON Schema (2020-12 unless it declares another `$schema`).',
    'Each scenario checks that the session id is issued at initialize and sent on every later request (`session`).',
    '',
  );
  return out.join('\n');
}

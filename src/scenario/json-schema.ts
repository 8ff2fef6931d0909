// JSON Schema for tool schemas, with ajv: is a schema valid (2020-12 unless it declares draft-07 or
// 2019-09, as the MCP spec says), and does a value conform to it. Compiled validators are cached by
// schema text, so a 1,000-call scenario compiles each tool's outputSchema once.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';

type Dialect = '2020-12' | '2019-09' | 'draft-07';
const engines = new Map<Dialect, Ajv>();

function engine(d: Dialect): Ajv {
  let e = engines.get(d);
  if (!e) {
    const opts = { strict: false, allErrors: true, validateFormats: false };
    e = d === '2020-12' ? new Ajv2020(opts) : d === '2019-09' ? new Ajv2019(opts) : new Ajv(opts);
    engines.set(d, e);
  }
  return e;
}

/** The dialect a schema declares with $schema (none: 2020-12, the spec's default); undefined if unknown. */
export function dialectOf(schema: unknown): Dialect | undefined {
  const s = (schema as { $schema?: unknown })?.$schema;
  if (s === undefined) return '2020-12';
  if (typeof s !== 'string') return undefined;
  if (s.includes('2020-12')) return '2020-12';
  if (s.includes('2019-09')) return '2019-09';
  if (/draft-0[67]/.test(s)) return 'draft-07';
  return undefined;
}

function errorsText(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}

/** Why a schema is not a valid JSON Schema of its dialect, or undefined when it is. */
export function schemaProblem(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return `is not an object (${JSON.stringify(schema)?.slice(0, 80)})`;
  const d = dialectOf(schema);
  if (!d) return `declares an unsupported $schema ${JSON.stringify((schema as { $schema?: unknown }).$schema)}`;
  const e = engine(d);
  const ok = e.validateSchema(schema as object);
  if (!ok) return `is not valid JSON Schema ${d}: ${errorsText(e.errors)}`;
  try {
    compiled(schema);
  } catch (err) {
    return `cannot be compiled: ${(err as Error).message.slice(0, 200)}`;
  }
  return undefined;
}

const cache = new Map<string, ValidateFunction>();
function compiled(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = cache.get(key);
  if (!v) {
    const { $id: _ignored, ...rest } = schema as Record<string, unknown>; // two tools may share an $id
    v = engine(dialectOf(schema) ?? '2020-12').compile(rest);
    if (cache.size > 500) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/** Why a value does not conform to a schema, or undefined when it does. */
export function conformanceProblem(value: unknown, schema: unknown): string | undefined {
  const problem = schemaProblem(schema);
  if (problem) return `the schema ${problem}`;
  const v = compiled(schema);
  return v(value) ? undefined : errorsText(v.errors);
}

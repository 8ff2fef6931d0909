// Scripted answers are checked against the request's `requestedSchema` before they are sent, with ajv
// (the JSON Schema validator the MCP SDK itself ships): a missing required field, a value outside
// min/max, not in the enum or oneOf, the wrong type, length, pattern, format, or multi-select items
// fails the step naming the field and the rule, instead of going out silently. A rule marked
// `invalid: true` sends its answer anyway, to test the server's own validation.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ElicitationSchema } from './responder.js';

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats)) as AddFormats;

let ajv: Ajv | undefined;
const cache = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: ElicitationSchema): ValidateFunction | { error: string } {
  const hit = cache.get(schema);
  if (hit) return hit;
  if (!ajv) {
    // strict: false: servers put their own keywords in schemas (FastMCP's x-fastmcp-*, legacy enumNames).
    ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(ajv);
  }
  try {
    const v = ajv.compile(schema);
    cache.set(schema, v);
    return v;
  } catch (e) {
    return { error: `the requested schema cannot be compiled: ${(e as Error).message}` };
  }
}

/** Why `content` does not satisfy the schema, one phrase per problem, or undefined when it does. */
export function answerProblems(schema: ElicitationSchema | undefined, content: Record<string, unknown>): string[] | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const v = validatorFor(schema);
  if ('error' in v) return [v.error];
  if (v(content)) return undefined;
  return (v.errors ?? []).map(describe);
}

function describe(e: ErrorObject): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const field = e.keyword === 'required' ? String((e.params as { missingProperty?: string }).missingProperty) : path || '(the answer)';
  const params = e.params as Record<string, unknown>;
  const rule =
    e.keyword === 'enum'
      ? `must be one of ${JSON.stringify(params.allowedValues)}`
      : e.keyword === 'required'
        ? 'is required'
        : e.keyword === 'additionalProperties'
          ? `is not in the schema (${String(params.additionalProperty)})`
          : (e.message ?? e.keyword);
  return `field "${field}" ${rule} (${e.keyword})`;
}

/** The content `action: accept` sends with no content or value: every field's schema default. */
export function schemaDefaults(schema: ElicitationSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) if (prop && 'default' in prop) out[name] = prop.default;
  return out;
}

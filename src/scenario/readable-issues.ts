// Type errors in words a user reads once: `count must be a whole number or {min, max}, got "four"`
// instead of zod's "Invalid input". What was expected is read from the schema itself at the issue's
// path (so `z.number().int()` says "a whole number"); what was found is read from the data.
import type { z } from 'zod';

type Def = Record<string, unknown> & { type?: string };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } })?._zod?.def;

/** Optional, default, nullable and pipe wrappers removed. */
function unwrapped(schema: unknown): unknown {
  for (let i = 0; i < 10; i++) {
    const def = defOf(schema);
    if (!def) return schema;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault' || def.type === 'readonly') schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else return schema;
  }
  return schema;
}

/**
 * The schema at a path (objects, arrays, records, and the union branch the data fits: for the step
 * union, the kind whose keys the step has).
 */
export function schemaAt(root: unknown, p: PropertyKey[], data?: unknown): unknown {
  let schema: unknown = root;
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    schema = unwrapped(schema);
    let def = defOf(schema);
    if (def?.type === 'union') {
      const here = valueAt(data, p.slice(0, i));
      const keys = here.found && here.value && typeof here.value === 'object' && !Array.isArray(here.value) ? Object.keys(here.value) : [];
      const options = (def.options as unknown[]).filter((o) => {
        const d = defOf(unwrapped(o));
        return typeof seg === 'number' ? d?.type === 'array' : d?.type === 'object' || d?.type === 'record';
      });
      const shapeOf = (o: unknown) => (defOf(unwrapped(o))?.shape as Record<string, unknown> | undefined) ?? {};
      const fits =
        options.find((o) => keys.length > 0 && keys.every((k) => k in shapeOf(o))) ?? options.find((o) => String(seg) in shapeOf(o)) ?? options[0];
      if (!fits) return undefined;
      schema = unwrapped(fits);
      def = defOf(schema);
    }
    if (!def) return undefined;
    if (def.type === 'object') schema = (def.shape as Record<string, unknown>)[String(seg)];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return undefined;
  }
  return schema;
}

/** "a whole number", "a string", "one of: accept, decline, cancel", "a list", "{min, max}". */
export function expectedPhrase(schema: unknown, depth = 0): string | undefined {
  const s = unwrapped(schema);
  const def = defOf(s);
  if (!def || depth > 3) return undefined;
  switch (def.type) {
    case 'string':
      return 'a string';
    case 'number': {
      const checks = (def.checks as { _zod: { def: { format?: string } } }[] | undefined) ?? [];
      return checks.some((c) => /int/.test(c._zod.def.format ?? '')) ? 'a whole number' : 'a number';
    }
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'record':
      return 'a mapping (name: value)';
    case 'object': {
      const keys = Object.keys(def.shape as object);
      return keys.length && keys.length <= 4 ? `{${keys.join(', ')}}` : 'a mapping';
    }
    case 'enum':
      return `one of: ${Object.values(def.entries as object).join(', ')}`;
    case 'literal':
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
    case 'union': {
      const parts = (def.options as unknown[]).map((o) => expectedPhrase(o, depth + 1));
      if (parts.some((p) => p === undefined)) return undefined;
      return [...new Set(parts)].join(' or ');
    }
    default:
      return undefined;
  }
}

/** What was found: `"four"`, `42`, `a list`, `a mapping`, `null`. */
export function foundPhrase(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value);
  return String(value);
}

function valueAt(data: unknown, p: PropertyKey[]): { found: boolean; value?: unknown } {
  let v: unknown = data;
  for (const seg of p) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg)) return { found: false };
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value: v };
}

/** The message for one zod issue: readable for type mismatches, zod's own otherwise. */
export function readableMessage(issue: z.core.$ZodIssue, root: unknown, data: unknown): string {
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_union' && issue.code !== 'invalid_value') return issue.message;
  if (issue.code === 'invalid_union' && issue.message !== 'Invalid input') return issue.message;
  const key = issue.path.length ? String(issue.path[issue.path.length - 1]) : 'the file';
  const at = valueAt(data, issue.path);
  if (!at.found || at.value === undefined) {
    // Absent: zod says "expected X, received undefined".
    const expected = expectedPhrase(schemaAt(root, issue.path, data));
    return expected ? `${key} is required (${expected})` : issue.message;
  }
  // A union of objects where the value is an object: the useful error is inside a branch.
  if (issue.code === 'invalid_union' && at.value && typeof at.value === 'object') {
    const inner = issue.errors.map((branch) => branch[0]).find((i) => i && i.path.length > 0);
    if (inner) return `${inner.path.map(String).join('.')}: ${readableMessage(inner, schemaAt(root, issue.path, data), at.value)}`;
    return issue.message;
  }
  const expected = expectedPhrase(schemaAt(root, issue.path, data));
  if (!expected) return issue.message;
  return `${key} must be ${expected}, got ${foundPhrase(at.value)}`;
}

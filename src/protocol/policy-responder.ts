// The responder doctor and the protocol suite use: no script, no person. Every elicitation is accepted
// with a schema-valid value for every field (its default, else the first choice, else a value that
// satisfies the type, format and bounds), and every sampling request gets one fixed text. The point
// is to prove the round trip works, not to say anything clever.
import type { ElicitationReply, ElicitationRequest, Responder, SamplingReply, SamplingRequest } from '../responders/responder.js';

export const POLICY_SAMPLING_TEXT = 'mcp-verify: fixed sampling reply';
export const POLICY_MODEL = 'mcp-verify-policy';

export class PolicyResponder implements Responder {
  async elicit(req: ElicitationRequest): Promise<ElicitationReply | undefined> {
    // URL mode asks for consent to open a page; a test harness gives none.
    if (req.mode === 'url') return { action: 'decline', answeredBy: 'policy', note: 'url elicitation declined by policy' };
    const content = valuesFor(req.requestedSchema as JsonSchemaObject | undefined, true);
    return { action: 'accept', content, answeredBy: 'policy', note: 'schema defaults' };
  }

  async sample(_req: SamplingRequest): Promise<SamplingReply | undefined> {
    return { text: POLICY_SAMPLING_TEXT, model: POLICY_MODEL, stopReason: 'endTurn', answeredBy: 'script' };
  }
}

interface JsonSchemaObject {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
}

/** A value for each property (all of them, or only the required ones for tool arguments). */
export function valuesFor(schema: JsonSchemaObject | undefined, all: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema?.required ?? []);
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    if (!all && !required.has(name)) continue;
    out[name] = valueFor(prop ?? {});
  }
  return out;
}

export function valueFor(prop: Record<string, unknown>): unknown {
  if (prop.default !== undefined) return prop.default;
  if (Array.isArray(prop.enum) && prop.enum.length) return prop.enum[0];
  const oneOf = (prop.oneOf ?? prop.anyOf) as { const?: unknown }[] | undefined;
  if (Array.isArray(oneOf) && oneOf[0] && 'const' in oneOf[0]) return oneOf[0].const;
  if (prop.const !== undefined) return prop.const;
  switch (prop.type) {
    case 'boolean':
      return true;
    case 'integer':
    case 'number': {
      const min = typeof prop.minimum === 'number' ? prop.minimum : undefined;
      const max = typeof prop.maximum === 'number' ? prop.maximum : undefined;
      const v = min ?? (max !== undefined ? Math.min(1, max) : 1);
      return prop.type === 'integer' ? Math.ceil(v) : v;
    }
    case 'array': {
      const items = (prop.items ?? {}) as Record<string, unknown>;
      const n = typeof prop.minItems === 'number' ? Math.max(1, prop.minItems) : 1;
      const choices = Array.isArray(items.enum) ? items.enum : Array.isArray(items.anyOf ?? items.oneOf) ? ((items.anyOf ?? items.oneOf) as { const?: unknown }[]).map((c) => c.const) : undefined;
      return choices ? choices.slice(0, n) : Array.from({ length: n }, () => valueFor(items));
    }
    case 'object':
      return valuesFor(prop as JsonSchemaObject, false);
    default:
      return stringFor(prop);
  }
}

function stringFor(prop: Record<string, unknown>): string {
  const byFormat: Record<string, string> = {
    email: 'user@example.com',
    uri: 'https://example.com/',
    date: '2000-01-01',
    'date-time': '2000-01-01T00:00:00Z',
  };
  let s = byFormat[String(prop.format)] ?? 'example';
  if (typeof prop.minLength === 'number' && s.length < prop.minLength) s = s.padEnd(prop.minLength, 'x');
  if (typeof prop.maxLength === 'number' && s.length > prop.maxLength) s = s.slice(0, Math.max(1, prop.maxLength));
  return s;
}

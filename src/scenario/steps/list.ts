// `list: tools|resources|resourceTemplates|prompts`: every page; checks names and count.
import { z } from 'zod';
import { CountMatch, LIST_KINDS, expectCommon, stepCommon } from '../schema-parts.js';
import { matchCount } from '../matchers.js';
import { schemaProblem } from '../json-schema.js';
import { check, type KindResult, type StepKind } from './kind.js';

export const listStep: StepKind = {
  name: 'list',
  schema: z.strictObject({
    list: z.enum(LIST_KINDS).describe('List tools, resources, resource templates or prompts.'),
    ...stepCommon,
    expect: z
      .strictObject({
        ...expectCommon,
        names: z.array(z.string()).optional().describe('These names (or URIs) are listed.'),
        count: CountMatch.optional().describe('How many items are listed.'),
      })
      .optional()
      .describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `list ${step.list}`,
  method: (step) => `${step.list}/list`,
  capability: (step) => (step.list === 'tools' ? 'tools' : step.list === 'prompts' ? 'prompts' : 'resources'),
  async run(session, step, opts): Promise<KindResult> {
    const { client } = session;
    // Always the server's answer, never the SDK's response cache (2026-07-28 results carry a ttl).
    opts = { ...opts, cacheMode: 'bypass' } as typeof opts;
    let r: { result: unknown; names: string[] };
    switch (step.list) {
      case 'tools': {
        const x = await client.listTools(undefined, opts);
        r = { result: x, names: x.tools.map((t) => t.name) };
        for (const t of x.tools) session.listedTools.set(t.name, t as unknown as Record<string, unknown>);
        break;
      }
      case 'resources': {
        const x = await client.listResources(undefined, opts);
        r = { result: x, names: x.resources.map((t) => t.uri) };
        break;
      }
      case 'resourceTemplates': {
        const x = await client.listResourceTemplates(undefined, opts);
        r = { result: x, names: x.resourceTemplates.map((t) => t.uriTemplate) };
        break;
      }
      default: {
        const x = await client.listPrompts(undefined, opts);
        r = { result: x, names: x.prompts.map((p) => p.name) };
      }
    }
    return { ...r, text: r.names.join('\n') };
  },
  checks(step, outcome) {
    const expect = step.expect ?? {};
    const names = outcome.names ?? [];
    const out = [];
    if (expect.names !== undefined) {
      const missing = expect.names.filter((n) => !names.includes(n));
      out.push(check('names', missing.length ? `not listed: ${missing.join(', ')} (listed: ${names.join(', ') || 'nothing'})` : undefined, { expected: expect.names, actual: names }));
    }
    if (expect.count !== undefined) out.push(check('count', matchCount(names.length, expect.count), { expected: expect.count, actual: names.length }));
    if (step.list === 'tools') {
      // Automatic: every tool's inputSchema (and outputSchema) is a valid JSON Schema, 2020-12 unless it
      // declares another dialect (MCP 2025-11-25 Server Features › Tools › Tool).
      const tools = ((outcome.result as { tools?: { name: string; inputSchema?: unknown; outputSchema?: unknown }[] }).tools ?? []);
      const problems = tools.flatMap((t) => [
        ...(t.inputSchema === undefined ? [] : [schemaProblem(t.inputSchema)].filter(Boolean).map((p) => `${t.name}: inputSchema ${p}`)),
        ...(t.outputSchema === undefined ? [] : [schemaProblem(t.outputSchema)].filter(Boolean).map((p) => `${t.name}: outputSchema ${p}`)),
      ]);
      out.push(check('toolSchemas', problems.length ? problems.join('; ') : undefined, { actual: `${tools.length} tool(s)` }));
    }
    return out;
  },
};

// `complete: {ref: {prompt: NAME} | {resource: TEMPLATE}, argument: {name, value}, context}`:
// completion/complete; checks values, total and hasMore.
import { z } from 'zod';
import { expectCommon, stepCommon } from '../schema-parts.js';
import { check, type KindResult, type StepKind } from './kind.js';

export const CompleteRequest = z
  .strictObject({
    ref: z
      .union([z.strictObject({ prompt: z.string().describe('A prompt name.') }), z.strictObject({ resource: z.string().describe('A resource template URI, e.g. file:///{path}.') })])
      .describe('What is being completed: a prompt\'s argument, or a resource template\'s variable.'),
    argument: z.strictObject({ name: z.string(), value: z.string().describe('What has been typed so far.') }),
    context: z
      .strictObject({ arguments: z.record(z.string(), z.string()).optional().describe('Arguments already chosen, e.g. {department: Engineering}.') })
      .optional(),
  })
  .describe('A completion request.');

type CompleteRequest = z.infer<typeof CompleteRequest>;

function refText(ref: CompleteRequest['ref']): string {
  return 'prompt' in ref ? `prompt ${ref.prompt}` : `resource ${ref.resource}`;
}

export const completeStep: StepKind = {
  name: 'complete',
  schema: z.strictObject({
    complete: CompleteRequest,
    ...stepCommon,
    expect: z
      .strictObject({
        ...expectCommon,
        values: z.array(z.string()).optional().describe('These values are among the completions.'),
        total: z.number().int().optional().describe('completion.total is this.'),
        hasMore: z.boolean().optional().describe('completion.hasMore is this (absent counts as false).'),
      })
      .optional()
      .describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `complete ${refText(step.complete!.ref)} ${step.complete!.argument.name}=${JSON.stringify(step.complete!.argument.value)}`,
  method: () => 'completion/complete',
  capability: () => 'completions',
  async run(session, step, opts): Promise<KindResult> {
    const c = step.complete!;
    const ref = 'prompt' in c.ref ? { type: 'ref/prompt' as const, name: c.ref.prompt } : { type: 'ref/resource' as const, uri: c.ref.resource };
    const r = await session.client.complete({ ref, argument: c.argument, ...(c.context ? { context: c.context } : {}) } as never, opts);
    const values = ((r as { completion?: { values?: unknown[] } }).completion?.values ?? []).map(String);
    return { result: r, text: values.join('\n'), names: values };
  },
  checks(step, outcome) {
    const expect = step.expect ?? {};
    const completion = ((outcome.result as { completion?: { values?: unknown[]; total?: unknown; hasMore?: unknown } }).completion ?? {}) as { total?: unknown; hasMore?: unknown };
    const values = outcome.names ?? [];
    const out = [];
    if (expect.values !== undefined) {
      const missing = expect.values.filter((v) => !values.includes(v));
      out.push(check('values', missing.length ? `not among the completions: ${missing.join(', ')} (offered: ${values.join(', ') || 'nothing'})` : undefined, { expected: expect.values, actual: values }));
    }
    if (expect.total !== undefined) out.push(check('total', completion.total === expect.total ? undefined : `completion.total is ${completion.total ?? 'absent'}, expected ${expect.total}`, { expected: expect.total, actual: completion.total }));
    if (expect.hasMore !== undefined) {
      const hasMore = completion.hasMore === true;
      out.push(check('hasMore', hasMore === expect.hasMore ? undefined : `completion.hasMore is ${completion.hasMore ?? 'absent'}, expected ${expect.hasMore}`, { expected: expect.hasMore, actual: completion.hasMore }));
    }
    return out;
  },
};

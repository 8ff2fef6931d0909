// `read: URI`: resources/read; the text of its contents.
import { z } from 'zod';
import { expectCommon, stepCommon } from '../schema-parts.js';
import type { StepKind } from './kind.js';

export const readStep: StepKind = {
  name: 'read',
  schema: z.strictObject({
    read: z.string().describe('Read this resource URI.'),
    ...stepCommon,
    expect: z.strictObject({ ...expectCommon }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `read ${step.read}`,
  method: () => 'resources/read',
  capability: () => 'resources',
  async run(session, step, opts) {
    const r = await session.client.readResource({ uri: step.read! }, opts);
    return { result: r, text: (r.contents ?? []).map((c) => ('text' in c ? String(c.text) : '')).join('') };
  },
};

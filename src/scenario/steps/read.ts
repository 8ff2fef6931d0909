// `read: URI`: resources/read; the text of its contents.
import { z } from 'zod';
import { expectCommon, stepCommon } from '../schema-parts.js';
import { roundsExpect } from './rounds.js';
import type { StepKind } from './kind.js';

export const readStep: StepKind = {
  name: 'read',
  schema: z.strictObject({
    read: z.string().describe('Read this resource URI.'),
    ...stepCommon,
    expect: z.strictObject({ ...expectCommon, ...roundsExpect }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `read ${step.read}`,
  method: () => 'resources/read',
  capability: () => 'resources',
  async run(session, step, opts) {
    const r = (await session.request('resources/read', { uri: step.read! }, (p, modern) => session.client.readResource(p as never, { ...opts, ...modern }), opts.signal)) as { contents?: { text?: unknown }[] };
    return { result: r, text: (r.contents ?? []).map((c) => ('text' in c ? String(c.text) : '')).join('') };
  },
};

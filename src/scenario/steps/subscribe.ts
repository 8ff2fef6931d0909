// `subscribe: URI`: resources/subscribe; the server then sends notifications/resources/updated for it
// (check them with expect.notifications, on this step or a later one, with a within: window).
import { z } from 'zod';
import { expectCommon, stepCommon } from '../schema-parts.js';
import type { StepKind } from './kind.js';

export const subscribeStep: StepKind = {
  name: 'subscribe',
  schema: z.strictObject({
    subscribe: z.string().describe('Subscribe to updates of this resource URI.'),
    ...stepCommon,
    expect: z.strictObject({ ...expectCommon }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `subscribe ${step.subscribe}`,
  method: () => 'resources/subscribe',
  capability: () => 'resources.subscribe',
  async run(session, step, opts) {
    return { result: await session.client.subscribeResource({ uri: step.subscribe! }, opts), text: '' };
  },
};

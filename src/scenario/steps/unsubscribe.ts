// `unsubscribe: URI`: resources/unsubscribe (expect.notifications with count 0 and a within: window
// shows the updates stopped).
import { z } from 'zod';
import { expectCommon, stepCommon } from '../schema-parts.js';
import type { StepKind } from './kind.js';

export const unsubscribeStep: StepKind = {
  name: 'unsubscribe',
  schema: z.strictObject({
    unsubscribe: z.string().describe('End the subscription to this resource URI.'),
    ...stepCommon,
    expect: z.strictObject({ ...expectCommon }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `unsubscribe ${step.unsubscribe}`,
  method: () => 'resources/unsubscribe',
  capability: () => 'resources.subscribe',
  async run(session, step, opts) {
    return { result: await session.client.unsubscribeResource({ uri: step.unsubscribe! }, opts), text: '' };
  },
};

// `ping: true`: ping; needs no capability.
import { z } from 'zod';
import { expectCommon, stepCommon } from '../schema-parts.js';
import type { StepKind } from './kind.js';

export const pingStep: StepKind = {
  name: 'ping',
  schema: z.strictObject({
    ping: z.literal(true).describe('Send ping.'),
    ...stepCommon,
    expect: z.strictObject({ error: expectCommon.error, elicitations: expectCommon.elicitations, sampling: expectCommon.sampling, progress: expectCommon.progress, logs: expectCommon.logs }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: () => 'ping',
  method: () => 'ping',
  capability: () => '',
  notOn: (era) => (era === 'modern' ? 'not applicable on the 2026-07-28 wire: ping was removed (with sessions, every request stands alone)' : undefined),
  async run(session, _step, opts) {
    return { result: await session.client.ping(opts), text: '' };
  },
};

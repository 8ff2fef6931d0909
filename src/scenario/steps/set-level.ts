// `setLevel: warning`: logging/setLevel; the server then sends only log messages at least that severe
// (check it with expect.logs.level: {atLeast: warning} on later steps).
import { z } from 'zod';
import { LogLevel, expectCommon, stepCommon } from '../schema-parts.js';
import type { StepKind } from './kind.js';

export const setLevelStep: StepKind = {
  name: 'setLevel',
  schema: z.strictObject({
    setLevel: LogLevel.describe('Ask the server to send log messages of this severity and above.'),
    ...stepCommon,
    expect: z.strictObject({ ...expectCommon }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `setLevel ${step.setLevel}`,
  method: () => 'logging/setLevel',
  capability: () => 'logging',
  async run(session, step, opts) {
    return { result: await session.client.setLoggingLevel(step.setLevel!, opts), text: '' };
  },
};

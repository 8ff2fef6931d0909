// `notifyRootsChanged: [{uri, name}]` (or `true`): the client's roots become these (true: unchanged)
// and mcp-verify sends notifications/roots/list_changed; the server is expected to ask roots/list again.
import { z } from 'zod';
import { Root, expectCommon, stepCommon } from '../schema-parts.js';
import type { StepKind } from './kind.js';

export const notifyRootsChangedStep: StepKind = {
  name: 'notifyRootsChanged',
  schema: z.strictObject({
    notifyRootsChanged: z
      .union([z.literal(true), z.array(Root)])
      .describe('The roots mcp-verify offers from now on (true: the same ones), then notifications/roots/list_changed.'),
    ...stepCommon,
    expect: z
      .strictObject({ ...expectCommon, rootsRequested: z.boolean().optional().describe('The server asked roots/list again within the step (use within:).') })
      .optional()
      .describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `notifyRootsChanged${Array.isArray(step.notifyRootsChanged) ? ` (${step.notifyRootsChanged.length} root(s))` : ''}`,
  method: () => 'notifications/roots/list_changed',
  notification: true,
  capability: () => 'roots',
  async run(session, step) {
    if (Array.isArray(step.notifyRootsChanged)) session.roots = step.notifyRootsChanged;
    await session.client.sendRootsListChanged();
    return { result: {}, text: '' };
  },
};

// `prompt: NAME` with `args`: prompts/get (arguments sent as strings); the text of its messages.
import { z } from 'zod';
import { ContentItem, JsonValue, expectCommon, stepCommon } from '../schema-parts.js';
import { roundsExpect } from './rounds.js';
import { contentText, type StepKind } from './kind.js';

export const promptStep: StepKind = {
  name: 'prompt',
  schema: z.strictObject({
    prompt: z.string().describe('Get this prompt.'),
    args: z.record(z.string(), JsonValue).optional().describe('The prompt\'s arguments (sent as strings).'),
    ...stepCommon,
    expect: z.strictObject({ ...expectCommon, ...roundsExpect, content: z.array(ContentItem).optional().describe('These content blocks appear among the messages, in this order.') }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `prompt ${step.prompt}`,
  method: () => 'prompts/get',
  capability: () => 'prompts',
  async run(session, step, opts) {
    const args = Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const r = (await session.request('prompts/get', { name: step.prompt!, arguments: args }, (p, modern) => session.client.getPrompt(p as never, { ...opts, ...modern }), opts.signal)) as { messages?: { content: unknown }[] };
    return { result: r, text: (r.messages ?? []).map((m) => contentText([m.content])).join('\n') };
  },
};

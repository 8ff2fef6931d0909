// `call: TOOL` with `args`: tools/call, with a progress token; checks isError (false unless expected),
// and, when the tool declares an outputSchema, that its structuredContent conforms (spec MUST).
import { z } from 'zod';
import { ContentItem, JsonValue, expectCommon, stepCommon } from '../schema-parts.js';
import { roundsExpect } from './rounds.js';
import { preview } from '../matchers.js';
import { conformanceProblem } from '../json-schema.js';
import { check, contentText, type StepKind } from './kind.js';

export const callStep: StepKind = {
  name: 'call',
  schema: z.strictObject({
    call: z.string().describe('Call this tool.'),
    args: z.record(z.string(), JsonValue).optional().describe('The tool\'s arguments.'),
    ...stepCommon,
    expect: z
      .strictObject({
        isError: z.boolean().optional().describe('The tool result\'s isError (default false).'),
        ...expectCommon,
        ...roundsExpect,
        structured: z.any().optional().describe('structuredContent contains this subset.'),
        content: z.array(ContentItem).optional().describe('These content blocks appear, in this order (others may come between).'),
      })
      .optional()
      .describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `call ${step.call}`,
  method: () => 'tools/call',
  capability: () => 'tools',
  async run(session, step, opts) {
    // The tool as an earlier `list: tools` step saw it: its outputSchema is checked here, as a named
    // check, rather than by the SDK as a request failure.
    const tool = session.listedTools.get(step.call!);
    const { outputSchema: _checkedBelow, ...definition } = (tool ?? {}) as Record<string, unknown>;
    const options = {
      ...opts,
      ...(tool ? { toolDefinition: definition as never } : {}),
      // Passing onprogress is what makes the SDK send a progressToken (on every round's request).
      onprogress: (p: { progress: number; total?: number; message?: string }) => {
        const stream = session.streamOf('notifications/progress', undefined, p);
        session.transcript.add({ kind: 'progress', progress: p.progress, total: p.total, message: p.message, ...(stream ? { stream } : {}) });
      },
      resetTimeoutOnProgress: false,
    };
    const params = { name: step.call!, arguments: (step.args ?? {}) as Record<string, unknown> };
    const r = await session.request(
      'tools/call',
      params,
      // On the modern wire each round is a plain tools/call request: callTool's output-schema check
      // would take an input_required answer for a result without structuredContent.
      (p, modern) => (modern.allowInputRequired ? session.client.request({ method: 'tools/call', params: p as never }, { ...options, ...modern }) : session.client.callTool(p as never, options)),
      opts.signal,
    );
    return { result: r, text: contentText((r as { content?: unknown[] }).content), ...(tool ? { extra: { tool } } : {}) };
  },
  checks(step, outcome) {
    const result = outcome.result as { isError?: unknown; structuredContent?: unknown };
    const isError = result.isError === true;
    const want = step.expect?.isError ?? false;
    const out = [
      check('isError', isError === want ? undefined : `expected isError ${want}, saw ${isError}${isError ? `: ${preview(outcome.text)}` : ''}`, {
        expected: want,
        actual: isError,
      }),
    ];
    const schema = (outcome.extra?.tool as { outputSchema?: unknown } | undefined)?.outputSchema;
    if (schema !== undefined && !isError) {
      const problem =
        result.structuredContent === undefined
          ? 'the tool declares an outputSchema but returned no structuredContent; servers MUST provide structured results that conform to it'
          : conformanceProblem(result.structuredContent, schema);
      out.push(check('outputSchema', problem && (result.structuredContent === undefined ? problem : `structuredContent does not conform to the tool's outputSchema: ${problem}`), { actual: result.structuredContent }));
    }
    return out;
  },
};

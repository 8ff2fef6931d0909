// What the server asks of the client: every elicitation schema seen is a flat object of allowed
// primitives, and every sampling request names maxTokens.
import { flatSchemaProblem, type ElicitationSchema } from '../../responders/responder.js';
import { describeEntry } from '../../session/transcript.js';
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import { SPEC } from '../spec.js';

export const elicitationSchema: ProtocolCheck = {
  id: 'elicitation.schema',
  title: 'Every elicitation schema is a flat object of primitives',
  spec: SPEC.elicitationSchema,
  async run(ctx) {
    const run = await ctx.toolRun('elicit');
    const forms = ctx.elicitations.filter((e) => e.mode === 'form');
    if (!forms.length) {
      if ('skip' in run) return skip(run.skip);
      return skip(`no form elicitation was seen (${run.choice.name}: ${run.ok ? 'completed without eliciting' : run.error})`);
    }
    const problems: string[] = [];
    for (const e of forms) {
      const p = flatSchemaProblem(e.requestedSchema as ElicitationSchema | undefined);
      if (p) problems.push(`${JSON.stringify(e.message.slice(0, 60))}: ${p}`);
    }
    const evidence = forms.map((e) => `${describeEntry(e)} schema ${JSON.stringify(e.requestedSchema).slice(0, 300)}`);
    if (problems.length) return fail(`requestedSchema MUST be a flat object of string, number, integer, boolean or enum properties: ${problems.join('; ')}`, evidence);
    return pass(`${forms.length} elicitation schema(s) seen, all flat objects of primitives`, evidence);
  },
};

export const samplingMaxTokens: ProtocolCheck = {
  id: 'sampling.max-tokens',
  title: 'Every sampling request carries maxTokens',
  spec: SPEC.sampling,
  async run(ctx) {
    const run = await ctx.toolRun('sample');
    const seen = ctx.samplings;
    if (!seen.length) {
      if ('skip' in run) return skip(run.skip);
      return skip(`no sampling request was seen (${run.choice.name}: ${run.ok ? 'completed without sampling' : run.error})`);
    }
    const missing = seen.filter((s) => typeof s.maxTokens !== 'number');
    const evidence = seen.map(describeEntry);
    if (missing.length) return fail(`${missing.length} of ${seen.length} sampling request(s) carried no maxTokens, which sampling/createMessage requires`, evidence);
    return pass(`${seen.length} sampling request(s) seen, each with maxTokens (${seen.map((s) => s.maxTokens).join(', ')})`, evidence);
  },
};

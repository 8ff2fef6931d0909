// Every 2026-07-28 result says what it is: resultType "complete" or "input_required". Only tools/call,
// prompts/get and resources/read may answer input_required. Judged over every result the modern
// checks received, plus one of each listing the server's capabilities offer.
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import type { ModernProbe, SeenResult } from '../modern-probe.js';
import { MODERN_SPEC } from '../spec.js';

const RESULT_TYPES = new Set(['complete', 'input_required']);
const MAY_ASK = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** One request per listing the server declares, so the judgement covers more than tool calls. */
async function listings(probe: ModernProbe): Promise<void> {
  const d = await probe.discover();
  const caps = (d.speaks ? (d.result.capabilities as Record<string, unknown> | undefined) : undefined) ?? {};
  await probe.tools();
  if (caps.prompts) await probe.send('prompts/list');
  if (caps.resources) {
    await probe.send('resources/list');
    await probe.send('resources/templates/list');
  }
}

const line = (s: SeenResult) => `${s.method}: ${s.what}`;

export const modernResultType: ProtocolCheck = {
  id: 'modern.result-type',
  title: 'Every result carries resultType complete or input_required',
  spec: MODERN_SPEC.resultType,
  async run(ctx) {
    await listings(ctx.modern);
    const seen = ctx.modern.seen;
    if (!seen.length) return skip('no result came back to judge');
    const bad = seen.filter((s) => typeof s.result.resultType !== 'string' || !RESULT_TYPES.has(s.result.resultType));
    if (bad.length) {
      const kinds = [...new Set(bad.map((s) => `${s.method} → ${s.result.resultType === undefined ? 'no resultType' : JSON.stringify(s.result.resultType)}`))];
      return fail(`${bad.length} of ${seen.length} results had no valid resultType (${kinds.join(', ')}); every result on 2026-07-28 MUST carry resultType "complete" or "input_required"`, bad.slice(0, 8).map(line), { expected: 'complete | input_required', actual: kinds });
    }
    return pass(`all ${seen.length} results carried a valid resultType (methods: ${[...new Set(seen.map((s) => s.method))].join(', ')})`, seen.slice(0, 8).map(line), { actual: seen.length });
  },
};

export const modernInputRequiredScope: ProtocolCheck = {
  id: 'modern.input-required-scope',
  title: 'input_required only on tools/call, prompts/get and resources/read',
  spec: MODERN_SPEC.mrtr,
  async run(ctx) {
    await listings(ctx.modern);
    const seen = ctx.modern.seen;
    if (!seen.length) return skip('no result came back to judge');
    const bad = seen.filter((s) => s.result.resultType === 'input_required' && !MAY_ASK.has(s.method));
    if (bad.length) {
      const methods = [...new Set(bad.map((s) => s.method))];
      return fail(`${methods.join(', ')} answered input_required; only tools/call, prompts/get and resources/read may (a client cannot retry a listing with answers)`, bad.slice(0, 8).map(line), { expected: 'complete', actual: methods });
    }
    const asked = seen.filter((s) => s.result.resultType === 'input_required').map((s) => s.method);
    return pass(`no input_required outside tools/call, prompts/get, resources/read (${seen.length} results${asked.length ? `; input_required on ${[...new Set(asked)].join(', ')}` : ''})`, seen.slice(0, 8).map(line), { actual: seen.length });
  },
};

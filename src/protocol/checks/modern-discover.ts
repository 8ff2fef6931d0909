// server/discover on the 2026-07-28 wire: with no initialize, it is how a client learns the versions,
// capabilities and instructions of a server, so every modern server must implement it.
import { fail, pass, type ProtocolCheck } from '../check.js';
import { MODERN_PROTOCOL_VERSION } from '../modern-wire.js';
import { MODERN_SPEC } from '../spec.js';

export const modernDiscover: ProtocolCheck = {
  id: 'modern.discover',
  title: 'server/discover lists 2026-07-28, the capabilities and resultType complete',
  spec: MODERN_SPEC.discover,
  async run(ctx) {
    const d = await ctx.modern.discover();
    // The suite does not run the modern checks on a server that does not speak 2026-07-28 (suite.ts),
    // so here discovery succeeded; what is left is the shape of its answer.
    if (!d.speaks) return fail(d.why, d.evidence);
    const problems: string[] = [];
    if (typeof d.result.capabilities !== 'object' || d.result.capabilities === null) problems.push('it has no capabilities object');
    if (d.result.resultType !== 'complete') problems.push(d.result.resultType === undefined ? 'it carries no resultType (every result MUST say "complete" or "input_required")' : `its resultType is ${JSON.stringify(d.result.resultType)}, not "complete"`);
    const versions = d.result.supportedVersions as unknown[];
    if (problems.length) return fail(`server/discover answered, but ${problems.join('; ')}`, d.evidence, { actual: d.result });
    return pass(`server/discover lists ${versions.join(', ')} (${MODERN_PROTOCOL_VERSION} among them) and capabilities ${Object.keys(d.result.capabilities as object).join(', ') || 'none'}`, d.evidence, { actual: versions });
  },
};

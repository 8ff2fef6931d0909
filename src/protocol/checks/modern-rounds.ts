// Multi-round-trip requests (2026-07-28): a tool that needs input answers input_required with
// inputRequests and/or requestState; the client retries the same call (a new JSON-RPC id) with the
// inputResponses of that round and the requestState echoed byte for byte. The server must reject
// state that fails its integrity check, and a retry that lacks an answer is asked again, not failed.
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import { inputRequestsOf, isInputRequired, policyResponses, type ModernAnswer, type ModernProbe } from '../modern-probe.js';
import { MODERN_SPEC } from '../spec.js';
import type { ToolChoice } from '../tool-choice.js';

/** Rounds the suite drives before it calls a flow endless (the SDK client's default maxRounds is 10). */
export const MAX_ROUNDS = 10;

/** The tool whose first round asks for input: the elicitation tool, else the sampling tool. */
async function askingTool(probe: ModernProbe): Promise<{ choice: ToolChoice; first: ModernAnswer } | { skip: string; evidence: string[] }> {
  const reasons: string[] = [];
  const evidence: string[] = [];
  for (const purpose of ['elicit', 'sample'] as const) {
    const choice = await probe.choose(purpose);
    if ('skip' in choice) {
      reasons.push(choice.skip);
      continue;
    }
    const first = await probe.call(choice, {}, { what: `POST tools/call ${choice.name} (round 1)` });
    evidence.push(first.evidence);
    if (isInputRequired(first.result)) return { choice, first };
    reasons.push(`${choice.name}'s first round did not answer input_required`);
  }
  return { skip: `no tool asks for input on this wire: ${reasons.join('; ')}`, evidence };
}

/** One character changed in the middle: still the same length and alphabet, no longer what was issued. */
export function tamper(state: string): string {
  const i = Math.floor(state.length / 2);
  const c = state[i];
  return state.slice(0, i) + (c === 'A' ? 'B' : 'A') + state.slice(i + 1);
}

export const modernRoundsComplete: ProtocolCheck = {
  id: 'modern.rounds',
  title: 'input_required rounds, each retry a new id, reach a complete result',
  spec: MODERN_SPEC.mrtr,
  async run(ctx) {
    const start = await askingTool(ctx.modern);
    if ('skip' in start) return skip(start.skip, start.evidence);
    const { choice } = start;
    let round = start.first;
    const ev = [round.evidence];
    for (let n = 1; n <= MAX_ROUNDS; n++) {
      const r = round.result;
      if (!isInputRequired(r)) break;
      const requests = inputRequestsOf(r);
      const state = typeof r.requestState === 'string' ? r.requestState : undefined;
      // The retry carries this round's answers only, and the state exactly as issued (omitted if none).
      round = await ctx.modern.call(choice, { inputResponses: policyResponses(requests), ...(state !== undefined ? { requestState: state } : {}) }, { what: `POST tools/call ${choice.name} (round ${n + 1}, answering ${Object.keys(requests).join(', ') || 'nothing'})` });
      ev.push(round.evidence);
    }
    if (round.error) return fail(`round ${ev.length} of ${choice.name} answered error ${round.error.code}: ${String(round.error.message).slice(0, 160)}`, ev, { expected: 'a complete result', actual: round.error.code });
    if (!round.result) return fail(`round ${ev.length} of ${choice.name} got no JSON-RPC answer (HTTP ${round.x.status ?? 'nothing'})`, ev);
    if (isInputRequired(round.result)) return fail(`${choice.name} still asked for input after ${MAX_ROUNDS} answered rounds; a flow should end (clients stop at maxRounds, 10 by default)`, ev, { expected: `complete within ${MAX_ROUNDS} rounds`, actual: 'input_required' });
    const isError = round.result.isError === true;
    return pass(`${choice.name} completed in ${ev.length} rounds${isError ? ' (with a tool error result)' : ''}`, ev, { actual: ev.length });
  },
};

export const modernTamperedState: ProtocolCheck = {
  id: 'modern.request-state',
  title: 'Tampered requestState is rejected',
  spec: MODERN_SPEC.mrtrState,
  async run(ctx) {
    const start = await askingTool(ctx.modern);
    if ('skip' in start) return skip(start.skip, start.evidence);
    const { choice, first } = start;
    const state = first.result?.requestState;
    if (typeof state !== 'string' || state.length < 2) return skip(`${choice.name} issued no requestState, so there is none to tamper with`, [first.evidence]);
    const forged = tamper(state);
    const r = await ctx.modern.call(choice, { inputResponses: policyResponses(inputRequestsOf(first.result)), requestState: forged }, { what: `POST tools/call ${choice.name} with the requestState changed in one character` });
    const ev = [first.evidence, r.evidence];
    if (r.error) return pass(`rejected the edited requestState with error ${r.error.code}${r.error.code === -32602 ? ' (Invalid params, as the TypeScript SDK answers)' : ''}`, ev, { actual: r.error.code });
    const what = isInputRequired(r.result) ? 'asked for more input' : r.result ? 'answered with a result' : `answered HTTP ${r.x.status ?? 'nothing'}`;
    return fail(`accepted a requestState changed in one character (it ${what}); requestState comes back from the client, so a server MUST integrity-protect it (e.g. HMAC: TypeScript SDK createRequestStateCodec as ServerOptions.requestState.verify) and reject state that fails verification`, ev, { expected: 'a JSON-RPC error (-32602)', actual: what });
  },
};

export const modernRetryMissing: ProtocolCheck = {
  id: 'modern.retry-missing',
  title: 'A retry without the answers is asked again, not failed',
  spec: MODERN_SPEC.mrtr,
  async run(ctx) {
    const start = await askingTool(ctx.modern);
    if ('skip' in start) return skip(start.skip, start.evidence);
    const { choice, first } = start;
    const state = first.result?.requestState;
    const asked = Object.keys(inputRequestsOf(first.result));
    const r = await ctx.modern.call(choice, { inputResponses: {}, ...(typeof state === 'string' ? { requestState: state } : {}) }, { what: `POST tools/call ${choice.name} retried with no inputResponses` });
    const ev = [first.evidence, r.evidence];
    if (isInputRequired(r.result)) {
      const again = Object.keys(inputRequestsOf(r.result));
      const missing = asked.filter((k) => !again.includes(k));
      if (missing.length && asked.length) return fail(`asked again, but not for ${missing.join(', ')}, which the retry did not answer`, ev, { expected: asked, actual: again });
      return pass(`asked again for ${again.join(', ') || 'input'}`, ev, { actual: again });
    }
    if (r.error) return fail(`answered error ${r.error.code} (${String(r.error.message).slice(0, 120)}) to a retry that lacked the answers; a server missing answers should ask again (input_required), not fail`, ev, { expected: 'input_required', actual: r.error.code });
    if (r.result) return fail(`completed without the answers it asked for (${asked.join(', ')}); a retry missing answers should be asked again`, ev, { expected: 'input_required', actual: r.result.resultType ?? 'no resultType' });
    return fail(`no JSON-RPC answer (HTTP ${r.x.status ?? 'nothing'})`, ev);
  },
};

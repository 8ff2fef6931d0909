// On 2026-07-28 the client declares its capabilities on every request (_meta clientCapabilities). An
// input_required result must never ask for one the request did not declare; a tool that cannot go on
// without it answers -32021 (MissingRequiredClientCapability).
import { fail, pass, skip, type CheckOutcome, type ProtocolCheck } from '../check.js';
import { inputRequestsOf, isInputRequired, type ModernProbe } from '../modern-probe.js';
import { MODERN_SPEC } from '../spec.js';
import type { ToolPurpose } from '../tool-choice.js';

const NEEDS: Record<'elicitation/create' | 'sampling/createMessage', string> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling' };

async function withholding(probe: ModernProbe, purpose: ToolPurpose, withheld: 'elicitation' | 'sampling'): Promise<CheckOutcome | { skip: string }> {
  const choice = await probe.choose(purpose);
  if ('skip' in choice) return choice;
  const capabilities = withheld === 'elicitation' ? { sampling: {} } : { elicitation: { form: {} } };
  const r = await probe.call(choice, {}, { capabilities, what: `POST tools/call ${choice.name} declaring ${JSON.stringify(capabilities)} (no ${withheld})` });
  const ev = [r.evidence];
  if (r.error?.code === -32021) return pass(`${choice.name} answered -32021 (MissingRequiredClientCapability) when the request declared no ${withheld}`, ev, { actual: -32021 });
  if (isInputRequired(r.result)) {
    const undeclared = Object.entries(inputRequestsOf(r.result)).filter(([, q]) => NEEDS[q?.method as keyof typeof NEEDS] === withheld);
    if (undeclared.length) {
      return fail(`${choice.name} asked for ${undeclared.map(([k, q]) => `${k} (${q.method})`).join(', ')} although the request declared no ${withheld}; an input_required result MUST NOT ask for a capability the client did not declare on that request (answer -32021 when it is required)`, ev, { expected: -32021, actual: undeclared.map(([, q]) => q.method) });
    }
    return pass(`${choice.name} asked only for what the request declared`, ev);
  }
  if (r.result) return pass(`${choice.name} answered without asking for ${withheld}`, ev);
  if (r.error) return fail(`${choice.name} answered error ${r.error.code} (${String(r.error.message).slice(0, 100)}) when the request declared no ${withheld}; a missing required client capability is -32021 (MissingRequiredClientCapability)`, ev, { expected: -32021, actual: r.error.code });
  return fail(`no JSON-RPC answer (HTTP ${r.x.status ?? 'nothing'})`, ev, { expected: -32021, actual: r.x.status });
}

export const modernUndeclaredCapability: ProtocolCheck = {
  id: 'modern.client-capabilities',
  title: 'Never asks for an undeclared capability; -32021 when one is required',
  spec: MODERN_SPEC.clientCapabilities,
  async run(ctx) {
    const outcomes: CheckOutcome[] = [];
    const skipped: string[] = [];
    for (const [purpose, withheld] of [['elicit', 'elicitation'], ['sample', 'sampling']] as const) {
      const o = await withholding(ctx.modern, purpose, withheld);
      if ('skip' in o) skipped.push(`${withheld}: ${o.skip}`);
      else outcomes.push(o);
    }
    if (!outcomes.length) return skip(skipped.join('; '));
    const evidence = outcomes.flatMap((o) => o.evidence);
    const failed = outcomes.filter((o) => o.verdict === 'failed');
    if (failed.length) return fail(failed.map((o) => o.message).join('; '), evidence, { expected: -32021, actual: failed.map((o) => o.actual) });
    return pass(outcomes.map((o) => o.message).join('; ') + (skipped.length ? ` (not tried: ${skipped.join('; ')})` : ''), evidence);
  },
};

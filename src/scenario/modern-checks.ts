// The 2026-07-28 wire's rules, checked on every step of a scenario run from what went over the wire
// (session/rounds.ts RoundWire), never from what the SDK says it did. Each check cites the spec section:
// - the server: `resultType` on every result; `input_required` only on tools/call, prompts/get and
//   resources/read; never an input request for a capability the client did not declare on that request;
// - our own client (a harness must prove it spoke the wire right before it judges a server): every
//   retry echoes the previous round's `requestState` byte-exact (and sends none when none was issued)
//   and goes out on a new JSON-RPC id.
// And the session expectations, which have nothing to check on a wire without sessions: "not applicable"
// (SKIP with the reason), except the one thing the modern wire does say about Mcp-Session-Id: it is
// ignored and never echoed.
import type { CheckResult } from '../results.js';
import { MRTR_METHODS, type RoundRecord } from '../session/rounds.js';
import type { Transcript } from '../session/transcript.js';
import { MODERN_PROTOCOL_VERSION } from '../era.js';

const BASE = `https://modelcontextprotocol.io/specification/${MODERN_PROTOCOL_VERSION}`;
export const MODERN_SPEC = {
  mrtr: { section: `MCP ${MODERN_PROTOCOL_VERSION} Basic › Patterns › Multi Round-Trip Requests`, url: `${BASE}/basic/patterns/mrtr` },
  resultType: { section: `MCP ${MODERN_PROTOCOL_VERSION} Basic › Result Types`, url: `${BASE}/basic#result-types` },
  transports: { section: `MCP ${MODERN_PROTOCOL_VERSION} Basic › Transports › Streamable HTTP`, url: `${BASE}/basic/transports` },
} as const;

const cite = (s: { section: string; url: string }) => `[${s.section} — ${s.url}]`;
const CAPABILITY_OF: Record<string, string> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling', 'roots/list': 'roots' };

function verdict(name: string, problems: string[], spec: { section: string; url: string }, passed: string): CheckResult {
  return problems.length
    ? { name, verdict: 'failed', message: `${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''} ${cite(spec)}`, reference: spec.url }
    : { name, verdict: 'passed', actual: passed, reference: spec.url };
}

const at = (r: RoundRecord) => `${r.method} (id ${JSON.stringify(r.id)})`;

/** The modern wire's checks for one step's requests (empty on a step that sent none). */
export function modernWireChecks(records: RoundRecord[]): CheckResult[] {
  const answered = records.filter((r) => r.answer && !r.answer.error);
  if (!records.length) return [];
  const out: CheckResult[] = [];

  const noType = answered.filter((r) => r.answer!.resultType !== 'complete' && r.answer!.resultType !== 'input_required');
  out.push(
    verdict(
      'modern.resultType',
      noType.map((r) => `${at(r)} answered with ${r.answer!.resultType === undefined ? 'no resultType' : `resultType ${JSON.stringify(r.answer!.resultType)}`} (every result MUST carry "complete" or "input_required")`),
      MODERN_SPEC.resultType,
      `${answered.length} result(s), each with resultType`,
    ),
  );

  const inputRequired = answered.filter((r) => r.answer!.resultType === 'input_required');
  const wrongPlace = inputRequired.filter((r) => !(MRTR_METHODS as readonly string[]).includes(r.method));
  if (inputRequired.length || wrongPlace.length) {
    out.push(verdict('modern.inputRequiredMethods', wrongPlace.map((r) => `${at(r)} answered input_required, which only tools/call, prompts/get and resources/read may`), MODERN_SPEC.mrtr, `input_required only on ${[...new Set(inputRequired.map((r) => r.method))].join(', ')}`));
    const undeclared: string[] = [];
    for (const r of inputRequired) {
      for (const [key, method] of Object.entries(r.answer!.inputRequests ?? {})) {
        const cap = CAPABILITY_OF[method];
        if (!cap) undeclared.push(`${at(r)} asked "${key}" with ${JSON.stringify(method)}, which is no input request the spec defines`);
        else if (!r.declared?.[cap]) undeclared.push(`${at(r)} asked "${key}" with ${method} though the request declared no ${cap} capability${r.declared ? ` (it declared: ${Object.keys(r.declared).join(', ') || 'none'})` : ' (it carried no clientCapabilities)'}`);
      }
    }
    out.push(verdict('modern.declaredCapabilities', undeclared, MODERN_SPEC.mrtr, 'every input request is for a capability the request declared'));
  }

  // Our own client: each retry follows the leg before it (same method, sent after its answer).
  const echo: string[] = [];
  const ids: string[] = [];
  const seenIds = new Set<string>();
  let retries = 0;
  for (const [i, r] of records.entries()) {
    const key = JSON.stringify(r.id);
    if (seenIds.has(key)) ids.push(`${at(r)} reuses the id of an earlier request`);
    seenIds.add(key);
    const prev = records.slice(0, i).reverse().find((p) => p.method === r.method);
    // Within a step a request of the same method after an input_required answer is that answer's retry.
    if (!prev || prev.answer?.resultType !== 'input_required') continue;
    retries++;
    const issued = prev.answer!.requestState;
    if (typeof issued === 'string') {
      if (r.requestStateSent === undefined) echo.push(`the retry ${at(r)} did not echo the requestState ${at(prev)} issued`);
      else if (!Buffer.from(r.requestStateSent, 'utf8').equals(Buffer.from(issued, 'utf8'))) echo.push(`the retry ${at(r)} sent a requestState that differs from the one ${at(prev)} issued (${Buffer.byteLength(r.requestStateSent)} vs ${Buffer.byteLength(issued)} bytes)`);
    } else if (r.requestStateSent !== undefined) echo.push(`the retry ${at(r)} sent a requestState though ${at(prev)} issued none`);
    const asked = Object.keys(prev.answer!.inputRequests ?? {});
    const extra = (r.inputResponseKeys ?? []).filter((k) => !asked.includes(k));
    if (extra.length) echo.push(`the retry ${at(r)} sent inputResponses ${extra.join(', ')} that round did not ask for`);
  }
  if (retries) {
    out.push(verdict('client.requestStateEcho', echo, MODERN_SPEC.mrtr, `${retries} retr${retries === 1 ? 'y' : 'ies'}: requestState echoed byte-exact, only this round's inputResponses`));
    out.push(verdict('client.newIdPerRound', ids, MODERN_SPEC.mrtr, `${records.length} request(s), ${seenIds.size} distinct JSON-RPC ids`));
  }
  return out;
}

/** The scenario's session expectations on the 2026-07-28 wire: not applicable, and the id never echoed. */
export function modernSessionChecks(transcript: Transcript, asked: { idIssued?: boolean; persistent?: boolean; format?: string }, remote = false): CheckResult[] {
  const why = `not applicable on the ${MODERN_PROTOCOL_VERSION} wire: it has no sessions (no initialize, no Mcp-Session-Id); each request stands alone`;
  const out: CheckResult[] = [];
  if (asked.idIssued !== false) out.push({ name: 'session.idIssued', verdict: 'skipped', message: why });
  if (asked.persistent !== false) out.push({ name: 'session.persistent', verdict: 'skipped', message: why });
  if (asked.format !== undefined && asked.format !== 'any') out.push({ name: 'session.format', verdict: 'skipped', message: why });
  const echoed = [...transcript.sessionIdsReceived];
  const sent = [...transcript.sessionIdsSent];
  const problems = [
    ...(echoed.length ? [`the server sent Mcp-Session-Id ${echoed.slice(0, 3).join(', ')} on the modern wire, where it is ignored and never echoed`] : []),
    ...(sent.length ? [`the client sent Mcp-Session-Id ${sent.slice(0, 3).join(', ')} (it must not on the modern wire)`] : []),
  ];
  const check = verdict('session.noSessionId', problems, MODERN_SPEC.transports, `${transcript.exchanges} exchange(s), none with an Mcp-Session-Id`);
  // Through a platform (AgentCore) the header may be the platform's, not the server's: what AgentCore does
  // with Mcp-Session-Id on 2026-07-28 traffic is not documented. A warning, saying so; never a FAIL of the server.
  if (remote && check.verdict === 'failed' && !sent.length) {
    out.push({ ...check, verdict: 'warning', message: `${check.message}; through AgentCore the platform may add it (its behaviour on 2026-07-28 traffic is not documented): the client ignores it`, fix: 'nothing to change in a 2026-07-28 server that never sets it; if your server sets Mcp-Session-Id, stop' });
  } else out.push(check);
  return out;
}

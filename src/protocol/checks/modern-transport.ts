// The 2026-07-28 Streamable HTTP transport has no sessions and no GET stream: GET and DELETE (the
// 2025 stream and end-session operations) should get 405, and Mcp-Session-Id means nothing: a server
// ignores one a client sends and never sends one itself.
import { randomUUID } from 'node:crypto';
import { fail, pass, type ProtocolCheck } from '../check.js';
import { MODERN_PROTOCOL_VERSION } from '../modern-wire.js';
import { MODERN_SPEC } from '../spec.js';
import { describeExchange, exchange } from '../wire.js';

export const modernHttpMethods: ProtocolCheck = {
  id: 'modern.get-delete',
  title: 'GET and DELETE → 405',
  spec: MODERN_SPEC.httpMethods,
  async run(ctx) {
    const ev: string[] = [];
    const problems: string[] = [];
    for (const method of ['GET', 'DELETE'] as const) {
      const x = await exchange(ctx.target, { method, protocolVersion: MODERN_PROTOCOL_VERSION, what: `${method} with MCP-Protocol-Version: ${MODERN_PROTOCOL_VERSION}`, timeoutMs: Math.min(ctx.timeoutMs, 10_000), headersOnly: true });
      ev.push(describeExchange(x));
      if (x.status !== 405) problems.push(`${method} got ${x.status ?? 'no answer'}`);
    }
    if (problems.length) return fail(`${problems.join(', ')}; on ${MODERN_PROTOCOL_VERSION} there is no GET stream and no session to end, so servers should answer 405 Method Not Allowed`, ev, { expected: 405, actual: problems });
    return pass('GET and DELETE both answered 405', ev, { actual: 405 });
  },
};

export const modernSessionIgnored: ProtocolCheck = {
  id: 'modern.session-id',
  title: 'Mcp-Session-Id is ignored and never sent back',
  spec: MODERN_SPEC.noSessions,
  async run(ctx) {
    const plain = await ctx.modern.send('tools/list', {}, { what: 'POST tools/list (no Mcp-Session-Id)' });
    const bogus = randomUUID();
    const withId = await ctx.modern.send('tools/list', {}, { headers: { 'mcp-session-id': bogus }, what: `POST tools/list with Mcp-Session-Id: ${bogus}` });
    const ev = [plain.evidence, withId.evidence];
    const problems: string[] = [];
    if (plain.x.sessionId) problems.push(`a request without one got Mcp-Session-Id ${plain.x.sessionId} back`);
    if (withId.x.sessionId) problems.push(`a request carrying ${bogus} got Mcp-Session-Id ${withId.x.sessionId === bogus ? 'echoed' : withId.x.sessionId} back`);
    if (!withId.result) problems.push(`the request carrying an Mcp-Session-Id was not served (${withId.error ? `error ${withId.error.code}` : `HTTP ${withId.x.status ?? 'nothing'}`}); the header must be ignored`);
    const rule = `on ${MODERN_PROTOCOL_VERSION} there are no sessions: servers ignore Mcp-Session-Id and never send it`;
    // Behind AgentCore the platform answers first: what it does with the header on modern traffic is not
    // documented, so what the client sees may be the platform's choice, not the server's. A warning, as
    // the scenario runs say it, not a failure pinned on the server.
    if (problems.length && ctx.target.kind === 'remote') {
      return {
        verdict: 'warning',
        message: `${problems.join('; ')}; ${rule}, but behind AgentCore this may be the platform rather than your server (what it does with Mcp-Session-Id on 2026-07-28 traffic is not documented; the emulator's --modern-session reproduces each choice): run this check on the server locally to tell them apart`,
        evidence: ev,
        expected: 'no Mcp-Session-Id, request served',
        actual: problems,
      };
    }
    if (problems.length) return fail(`${problems.join('; ')}; ${rule}`, ev, { expected: 'no Mcp-Session-Id, request served', actual: problems });
    return pass('no Mcp-Session-Id came back, and one sent by the client was ignored', ev);
  },
};

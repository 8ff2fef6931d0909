// Session management rules: the id is required once issued, unknown or ended ids get 404, and a
// client that got 404 can start over with a fresh initialize.
import { randomUUID } from 'node:crypto';
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import { SPEC } from '../spec.js';
import { closeRawSession, describeExchange, exchange, initialized, openRawSession, request } from '../wire.js';

const NO_ID = 'the server issued no Mcp-Session-Id at initialize (it runs stateless), so there is no session to test';

export const sessionRequired: ProtocolCheck = {
  id: 'session.required',
  title: 'Request without the session id after initialize → 400',
  spec: SPEC.sessionManagement,
  async run(ctx) {
    const raw = await openRawSession(ctx.target, ctx.timeoutMs);
    if (!initialized(raw)) return fail('initialize did not succeed', raw.evidence);
    if (!raw.id) return skip(NO_ID, raw.evidence);
    const x = await exchange(ctx.target, {
      body: request(2, 'tools/list'),
      protocolVersion: raw.protocolVersion,
      what: 'POST tools/list without Mcp-Session-Id',
      timeoutMs: ctx.timeoutMs,
      until: (m) => m.id === 2,
    });
    await closeRawSession(ctx.target, raw);
    const ev = [...raw.evidence, describeExchange(x)];
    if (x.status === 400) return pass('answered 400 Bad Request to a request without the session id', ev, { actual: 400 });
    return fail(`answered ${x.status ?? 'nothing'} to a request without Mcp-Session-Id after the server issued one; servers SHOULD answer 400`, ev, { expected: 400, actual: x.status });
  },
};

export const unknownSession: ProtocolCheck = {
  id: 'session.unknown-id',
  title: 'Unknown session id → 404',
  spec: SPEC.sessionManagement,
  async run(ctx) {
    const raw = await openRawSession(ctx.target, ctx.timeoutMs);
    if (!initialized(raw)) return fail('initialize did not succeed', raw.evidence);
    if (!raw.id) return skip(NO_ID, raw.evidence);
    await closeRawSession(ctx.target, raw);
    const bogus = randomUUID().replace(/-/g, '');
    const x = await exchange(ctx.target, {
      body: request(2, 'tools/list'),
      sessionId: bogus,
      protocolVersion: raw.protocolVersion,
      what: `POST tools/list with an unknown Mcp-Session-Id ${bogus}`,
      timeoutMs: ctx.timeoutMs,
      until: (m) => m.id === 2,
    });
    const ev = [describeExchange(x)];
    if (x.status === 404) return pass('answered 404 Not Found to an unknown session id', ev, { actual: 404 });
    return fail(
      `answered ${x.status ?? 'nothing'} to an unknown session id; the server MUST answer 404 so the client knows to start a new session (a 400 leaves spec-following clients stuck)`,
      ev,
      { expected: 404, actual: x.status },
    );
  },
};

export const deletedSession: ProtocolCheck = {
  id: 'session.delete',
  title: 'After DELETE the old id → 404, and a fresh initialize works',
  spec: SPEC.sessionManagement,
  async run(ctx) {
    const raw = await openRawSession(ctx.target, ctx.timeoutMs);
    if (!initialized(raw)) return fail('initialize did not succeed', raw.evidence);
    if (!raw.id) return skip(NO_ID, raw.evidence);
    const del = await exchange(ctx.target, { method: 'DELETE', sessionId: raw.id, protocolVersion: raw.protocolVersion, what: 'DELETE with the session id', timeoutMs: ctx.timeoutMs });
    const ev = [...raw.evidence, describeExchange(del)];
    if (del.status === 405) return skip('DELETE answered 405: the server does not let clients end sessions (allowed by the spec)', ev);
    if (del.status === null || del.status >= 300) return fail(`DELETE answered ${del.status ?? 'nothing'}; expected 2xx, or 405 when ending sessions is not supported`, ev, { expected: '2xx or 405', actual: del.status });
    const after = await exchange(ctx.target, {
      body: request(2, 'tools/list'),
      sessionId: raw.id,
      protocolVersion: raw.protocolVersion,
      what: 'POST tools/list with the deleted session id',
      timeoutMs: ctx.timeoutMs,
      until: (m) => m.id === 2,
    });
    ev.push(describeExchange(after));
    const fresh = await openRawSession(ctx.target, ctx.timeoutMs);
    ev.push(...fresh.evidence.map((e) => `fresh session: ${e}`));
    await closeRawSession(ctx.target, fresh);
    const problems: string[] = [];
    if (after.status !== 404) problems.push(`the deleted session id got ${after.status ?? 'no answer'}, not 404 (the server MUST answer 404 for a terminated session)`);
    if (!initialized(fresh)) problems.push('a fresh initialize after the 404 did not succeed');
    else if (fresh.id && fresh.id === raw.id) problems.push('the fresh initialize got the deleted id again');
    if (problems.length) return fail(problems.join('; '), ev, { expected: 404, actual: after.status });
    return pass(`DELETE ${del.status}; the old id then got 404 and a fresh initialize got a new id`, ev, { actual: 404 });
  },
};

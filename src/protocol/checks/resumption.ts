// Resumability: when the server tags SSE events with ids, a client that lost the stream resumes with
// GET + Last-Event-ID and gets the rest, including the result. Drops the call's stream right after
// the first progress event on purpose, then resumes.
import { setTimeout as sleep } from 'node:timers/promises';
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import { SPEC } from '../spec.js';
import { closeRawSession, describeExchange, exchange, initialized, openRawSession, request } from '../wire.js';

/** A 409 on resume (the dropped stream not yet noticed by the server) is retried this often, this far apart. */
const RESUME_RETRIES = 10;
const RESUME_RETRY_MS = 100;

export const resumption: ProtocolCheck = {
  id: 'http.resumption',
  title: 'Resumption with Last-Event-ID',
  spec: SPEC.resumability,
  async run(ctx) {
    const choice = await ctx.choose('progress');
    if ('skip' in choice) return skip(`needs a tool that streams progress: ${choice.skip}`);
    const raw = await openRawSession(ctx.target, ctx.timeoutMs);
    if (!initialized(raw)) return fail('initialize did not succeed', raw.evidence);
    if (!raw.id) return skip('the server issued no Mcp-Session-Id (it runs stateless); resumption needs a session', raw.evidence);
    try {
      const call = await exchange(ctx.target, {
        body: request(2, 'tools/call', { name: choice.name, arguments: choice.args, _meta: { progressToken: 'mcp-verify-resume' } }),
        sessionId: raw.id,
        protocolVersion: raw.protocolVersion,
        what: `POST tools/call ${choice.name} (stream dropped after the first progress event with an id)`,
        timeoutMs: ctx.timeoutMs,
        // The first progress event tells: with an id, drop the stream there; without, ids are not used.
        until: (m) => m.method === 'notifications/progress' || m.id === 2,
      });
      const ev = [...raw.evidence, describeExchange(call), `events read: ${call.events.map((e) => `${e.id ?? '(no id)'}:${e.message?.method ?? (e.message ? 'response' : 'empty')}`).join(' ')}`];
      const last = [...call.events].reverse().find((e) => e.message);
      if (call.messages.some((m) => m.id === 2)) {
        return skip(call.events.some((e) => e.id) ? `${choice.name} answered before any progress event with an id, so there was nothing to resume` : 'the server sends no SSE event ids, so streams cannot be resumed (resumability is optional)', ev);
      }
      if (!last?.id) return skip('the server sends no SSE event ids, so streams cannot be resumed (resumability is optional)', ev);
      const resume = () =>
        exchange(ctx.target, {
          method: 'GET',
          sessionId: raw.id,
          protocolVersion: raw.protocolVersion,
          headers: { 'last-event-id': last.id },
          what: `GET with Last-Event-ID: ${last.id}`,
          timeoutMs: ctx.timeoutMs,
          until: (m) => m.id === 2,
        });
      let resumed = await resume();
      // 409: the server has not yet seen the dropped connection, and still counts that stream as
      // connected (the SDK transport says so). A client tries again; so does this check, a bounded few times.
      for (let i = 0; i < RESUME_RETRIES && resumed.status === 409; i++) {
        ev.push(`${describeExchange(resumed)} (stream still connected on the server's side; retrying)`);
        await sleep(RESUME_RETRY_MS);
        resumed = await resume();
      }
      // No GET at all (AgentCore answers GET 405): a dropped stream cannot be resumed there, whatever the ids.
      if (resumed.status === 405) return skip('the endpoint answers GET with 405 (AgentCore Runtime serves no GET), so a dropped stream cannot be resumed here; the event ids go unused', [...ev, describeExchange(resumed)]);
      ev.push(describeExchange(resumed), `events replayed: ${resumed.events.map((e) => `${e.id ?? '(no id)'}:${e.message?.method ?? (e.message ? 'response' : 'empty')}`).join(' ')}`);
      if (resumed.status !== 200) return fail(`the server sent event ids but GET with Last-Event-ID answered ${resumed.status ?? 'nothing'}; it should replay the events after that id`, ev, { expected: 200, actual: resumed.status });
      if (!resumed.messages.some((m) => m.id === 2)) return fail('the resumed stream never delivered the tool result', ev);
      const replayedIds = resumed.events.map((e) => e.id).filter(Boolean);
      if (replayedIds.includes(last.id)) return fail(`the resumed stream repeated event ${last.id}, which the client had already received`, ev);
      return pass(`dropped the stream after event ${last.id}; GET with Last-Event-ID delivered the rest and the result`, ev);
    } finally {
      await closeRawSession(ctx.target, raw);
    }
  },
};

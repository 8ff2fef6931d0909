// The reference Travel Planner on the 2026-07-28 wire, next to the 2025-11-25 one on the same endpoint.
// Driven two ways over real loopback HTTP: by the SDK v2 client pinned to 2026-07-28 (it answers
// input_required through the same elicitation/sampling handlers a legacy client registers), and by
// raw requests (modern-wire.ts) that do what a client must not: retry without answers, edit the
// requestState, declare less than the tool needs, send a mismatched header or a session id.
// Also: `era: 'legacy'` and `era: 'modern'` restrict the server, and FastMCP-like is legacy-only.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { TEXT } from '../src/servers/travel/travel-planner.js';
import { INPUT_KEYS } from '../src/servers/travel/multi-round-tools.js';
import { localTarget } from '../src/target/target.js';
import { answerOf, modernExchange, modernRequest, notificationsOf } from '../src/protocol/modern-wire.js';
import { exchange, initializeRequest } from '../src/protocol/wire.js';

const accept = (value: unknown) => ({ action: 'accept', content: { value } });
const sampled = (text: string) => ({ role: 'assistant', content: { type: 'text', text }, model: 'test-model' });

describe('reference server, both eras (default)', () => {
  let server: RunningTravelServer;
  before(async () => {
    server = await startTravelServer({ port: 0 });
  });
  after(() => server.close());

  test('SDK v2 client pinned to 2026-07-28 plans a trip: 3 elicitations + 1 sampling answered as input_required rounds', async () => {
    const client = new Client(
      { name: 'eras-test', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} }, sampling: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    const asked: string[] = [];
    const answers: Record<string, unknown> = { Where: 'Tokyo', How: 4, What: 'adventure' };
    client.setRequestHandler('elicitation/create', async (r) => {
      const message = (r.params as { message: string }).message;
      asked.push(message);
      const key = Object.keys(answers).find((k) => message.startsWith(k))!;
      return { action: 'accept', content: { value: answers[key] as string } };
    });
    const prompts: string[] = [];
    client.setRequestHandler('sampling/createMessage', async (r) => {
      const c = r.params.messages[0]!.content as { type: string; text: string };
      prompts.push(c.text);
      return { role: 'assistant', content: { type: 'text', text: 'Pack light.' }, model: 'test-model' };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    try {
      assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
      assert.equal(client.getProtocolEra(), 'modern');
      const result = (await client.callTool({ name: 'plan_trip', arguments: {} })) as { content: { text: string }[]; isError?: boolean };
      assert.notEqual(result.isError, true, result.content[0]?.text);
      const plan = JSON.parse(result.content[0]!.text);
      assert.deepEqual(plan, {
        destination: 'Tokyo',
        days: 4,
        trip_type: 'adventure',
        highlights: ['Shibuya Crossing', 'Senso-ji Temple', 'Tsukiji Market'],
        ai_tips: 'Pack light.',
        status: 'planned',
      });
      assert.deepEqual(asked, [TEXT.askDestination, TEXT.askDays('Tokyo'), TEXT.askTripType]);
      assert.deepEqual(prompts, [TEXT.tipsPrompt('adventure', 'Tokyo', 4)]);
    } finally {
      await client.close();
    }
  });

  test('raw rounds: input_required with requestState, a retry without the answer is asked again, then it completes', async () => {
    const t = localTarget(server.url);
    const call = (id: number, extra: Record<string, unknown> = {}, meta?: Record<string, unknown>) =>
      modernExchange(t, modernRequest(id, 'tools/call', { name: 'plan_trip', arguments: {}, ...extra }, meta ? { meta } : {}), { timeoutMs: 10_000 });

    const r1 = await call(1, {}, { progressToken: 'round-1' });
    const a1 = answerOf(r1, 1)!.result as Record<string, any>;
    assert.equal(a1.resultType, 'input_required');
    assert.deepEqual(Object.keys(a1.inputRequests), [INPUT_KEYS.destination]);
    assert.equal(a1.inputRequests.destination.method, 'elicitation/create');
    assert.equal(typeof a1.requestState, 'string');
    // Progress rides this request's own response stream, before its result.
    assert.deepEqual(notificationsOf(r1, 'notifications/progress').map((n) => n.params), [{ progressToken: 'round-1', progress: 0, total: 5 }]);

    // The retry forgot the answer: the same question again, not an error.
    const again = answerOf(await call(2, { requestState: a1.requestState, inputResponses: {} }), 2)!;
    assert.equal(again.error, undefined);
    assert.equal((again.result as any).resultType, 'input_required');
    assert.deepEqual(Object.keys((again.result as any).inputRequests), [INPUT_KEYS.destination]);

    let state = a1.requestState as string;
    const steps: Array<[string, unknown]> = [
      [INPUT_KEYS.destination, accept('Paris')],
      [INPUT_KEYS.days, accept(3)],
      [INPUT_KEYS.tripType, accept('leisure')],
      [INPUT_KEYS.tips, sampled('Bring an umbrella.')],
    ];
    const asked: string[] = [];
    let id = 10;
    let final: Record<string, any> | undefined;
    for (const [key, response] of steps) {
      const x = answerOf(await call(++id, { requestState: state, inputResponses: { [key]: response } }), id)!;
      assert.equal(x.error, undefined, JSON.stringify(x.error));
      const r = x.result as Record<string, any>;
      if (r.resultType === 'complete') {
        final = r;
        break;
      }
      assert.equal(r.resultType, 'input_required');
      asked.push(...Object.keys(r.inputRequests));
      state = r.requestState;
    }
    assert.deepEqual(asked, [INPUT_KEYS.days, INPUT_KEYS.tripType, INPUT_KEYS.tips]);
    assert.ok(final, 'the call completed');
    assert.equal(JSON.parse(final.content[0].text).ai_tips, 'Bring an umbrella.');
    assert.equal(JSON.parse(final.content[0].text).destination, 'Paris');
  });

  test('tampered requestState is refused with -32602 before the tool runs', async () => {
    const t = localTarget(server.url);
    const r1 = answerOf(await modernExchange(t, modernRequest(1, 'tools/call', { name: 'plan_trip', arguments: {} }), { timeoutMs: 10_000 }), 1)!;
    const state = (r1.result as any).requestState as string;
    // Swap the payload for one that claims a destination was already chosen, keeping the old MAC.
    const [v, , mac] = state.split('.');
    const forged = `${v}.${Buffer.from(JSON.stringify({ p: { tool: 'plan_trip', destination: 'Bali' }, exp: 9999999999 })).toString('base64url')}.${mac}`;
    const x = answerOf(await modernExchange(t, modernRequest(2, 'tools/call', { name: 'plan_trip', arguments: {}, requestState: forged, inputResponses: { days: accept(2) } }), { timeoutMs: 10_000 }), 2)!;
    assert.equal(x.error?.code, -32602);
    // State minted for plan_trip is not accepted by quick_recommend either.
    const y = answerOf(await modernExchange(t, modernRequest(3, 'tools/call', { name: 'quick_recommend', arguments: {}, requestState: state }), { timeoutMs: 10_000 }), 3)!;
    assert.equal((y.result as any)?.isError, true);
  });

  test('the modern wire rules: discover, -32020, -32021, -32022, 405, session id ignored, logs only when asked', async () => {
    const t = localTarget(server.url);
    const discover = answerOf(await modernExchange(t, modernRequest(1, 'server/discover'), { timeoutMs: 10_000 }), 1)!;
    assert.deepEqual((discover.result as any).supportedVersions, ['2026-07-28']);
    assert.equal((discover.result as any).resultType, 'complete');

    const mismatch = answerOf(await modernExchange(t, modernRequest(2, 'tools/list'), { timeoutMs: 10_000, headers: { 'mcp-method': 'prompts/list' } }), 2)!;
    assert.equal(mismatch.error?.code, -32020);
    const nameMismatch = answerOf(await modernExchange(t, modernRequest(3, 'tools/call', { name: 'noop', arguments: {} }), { timeoutMs: 10_000, headers: { 'mcp-name': 'plan_trip' } }), 3)!;
    assert.equal(nameMismatch.error?.code, -32020);

    const undeclared = answerOf(await modernExchange(t, modernRequest(4, 'tools/call', { name: 'plan_trip', arguments: {} }, { capabilities: {} }), { timeoutMs: 10_000 }), 4)!;
    assert.equal(undeclared.error?.code, -32021);

    const version = answerOf(await modernExchange(t, modernRequest(5, 'tools/list', {}, { protocolVersion: '2099-01-01' }), { timeoutMs: 10_000 }), 5)!;
    assert.equal(version.error?.code, -32022);

    for (const method of ['GET', 'DELETE'] as const) {
      const x = await exchange(t, { method, protocolVersion: '2026-07-28', timeoutMs: 5000, headersOnly: true });
      assert.equal(x.status, 405, `${method} → 405`);
    }

    const withId = await modernExchange(t, modernRequest(6, 'tools/list'), { timeoutMs: 10_000, headers: { 'mcp-session-id': 'c0ffee' } });
    assert.equal(withId.status, 200);
    assert.equal(withId.sessionId, null, 'Mcp-Session-Id is never echoed');
    assert.ok(Array.isArray((answerOf(withId, 6)!.result as any).tools));

    const args = { name: 'search_flights', arguments: { origin: 'Oslo', destination: 'Rome' } };
    const quiet = await modernExchange(t, modernRequest(7, 'tools/call', args), { timeoutMs: 10_000 });
    assert.equal(notificationsOf(quiet, 'notifications/message').length, 0, 'no logs without _meta logLevel');
    const loud = await modernExchange(t, modernRequest(8, 'tools/call', args, { logLevel: 'info' }), { timeoutMs: 10_000 });
    assert.deepEqual(notificationsOf(loud, 'notifications/message').map((n) => (n.params as any).data.msg), TEXT.flightStages);
  });

  test('the same endpoint still serves 2025-11-25 sessions', async () => {
    const x = await exchange(localTarget(server.url), { body: initializeRequest(), timeoutMs: 10_000, until: (m) => m.id === 1 });
    assert.equal(x.status, 200);
    assert.match(x.sessionId ?? '', /^[0-9a-f]{32}$/);
  });
});

describe('reference server restricted to one era', () => {
  test('era legacy: a 2026-07-28 request meets a legacy-only server (no discover)', async () => {
    const server = await startTravelServer({ port: 0, era: 'legacy' });
    try {
      const x = await modernExchange(localTarget(server.url), modernRequest(1, 'server/discover'), { timeoutMs: 10_000 });
      assert.equal(x.status, 400);
      assert.equal(answerOf(x, 1)?.result, undefined);
    } finally {
      await server.close();
    }
  });

  test('era modern: initialize is refused as an unsupported version, modern calls work', async () => {
    const server = await startTravelServer({ port: 0, era: 'modern' });
    try {
      const t = localTarget(server.url);
      const init = await exchange(t, { body: initializeRequest(), timeoutMs: 10_000, until: (m) => m.id === 1 });
      assert.equal(init.messages.find((m) => m.id === 1)?.result, undefined);
      assert.equal(init.sessionId, null);
      const r = answerOf(await modernExchange(t, modernRequest(2, 'tools/call', { name: 'quick_recommend', arguments: {} }), { timeoutMs: 10_000 }), 2)!;
      assert.equal((r.result as any).resultType, 'input_required');
      assert.equal((r.result as any).inputRequests[INPUT_KEYS.recommendation].method, 'sampling/createMessage');
      const get = await exchange(t, { method: 'GET', protocolVersion: '2026-07-28', timeoutMs: 5000, headersOnly: true });
      assert.equal(get.status, 405);
    } finally {
      await server.close();
    }
  });

  test('FastMCP-like is legacy-only: asking it for the modern era is a usage error', async () => {
    await assert.rejects(startTravelServer({ port: 0, like: 'fastmcp', era: 'both' }), /FastMCP does not speak 2026-07-28/);
  });
});

// The AgentCore emulator forwards 2026-07-28 traffic, SigV4 still checked, over real loopback HTTP:
// the reference server (both eras) behind it, driven by the SDK v2 client pinned to 2026-07-28 with
// the real SigV4 fetch, and by raw signed requests. What AgentCore does with Mcp-Session-Id on modern
// traffic is unknown, so the emulator's --modern-session switch is tested in all three positions
// against a recording upstream that shows what reached the server.

import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startAgentCoreEmulator, type AgentCoreEmulator, type ModernSessionMode } from '../src/servers/agentcore/emulator.js';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { remoteTarget } from '../src/target/remote.js';
import type { Target } from '../src/target/target.js';
import { answerOf, modernExchange, modernRequest } from '../src/protocol/modern-wire.js';
import { exchange, initializeRequest } from '../src/protocol/wire.js';

const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_agent-Ab12Cd34Ef';
const CREDS = { accessKeyId: 'AKIDEMULATORMODERN', secretAccessKey: 'emulator-modern-test-secret' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('emulator in front of the reference server, 2026-07-28 traffic', () => {
  let server: RunningTravelServer;
  let emulator: AgentCoreEmulator;
  let target: Target;
  before(async () => {
    server = await startTravelServer({ port: 0 });
    emulator = await startAgentCoreEmulator({ upstream: server.url, port: 0, credentials: CREDS });
    target = await remoteTarget({ arn: ARN, endpointUrl: emulator.url, credentials: CREDS });
  });
  after(async () => {
    await emulator.close();
    await server.close();
  });

  test('the SDK v2 client pinned to 2026-07-28, SigV4-signed, plans a trip through the emulator', async () => {
    const client = new Client(
      { name: 'emulator-modern-test', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} }, sampling: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    const answers = ['Bali', 5, 'leisure'];
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { value: answers.shift() as string } }));
    client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'Sunscreen.' }, model: 'm' }));
    await client.connect(new StreamableHTTPClientTransport(target.url, { fetch: target.fetch as typeof fetch }));
    try {
      assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
      const r = (await client.callTool({ name: 'plan_trip', arguments: {} })) as { content: { text: string }[]; isError?: boolean };
      assert.notEqual(r.isError, true, r.content[0]?.text);
      const plan = JSON.parse(r.content[0]!.text);
      assert.equal(plan.destination, 'Bali');
      assert.equal(plan.days, 5);
      assert.equal(plan.ai_tips, 'Sunscreen.');
      assert.equal(answers.length, 0, 'all three questions were asked');
    } finally {
      await client.close();
    }
    assert.deepEqual(emulator.sessionIds(), [], 'no platform session was created for modern traffic (--modern-session ignore)');
  });

  test('raw signed rounds: input_required, then complete; no Mcp-Session-Id comes back', async () => {
    const r1 = await modernExchange(target, modernRequest(1, 'tools/call', { name: 'quick_recommend', arguments: {} }), { timeoutMs: 10_000 });
    assert.equal(r1.status, 200);
    assert.equal(r1.sessionId, null);
    const a1 = answerOf(r1, 1)!.result as Record<string, any>;
    assert.equal(a1.resultType, 'input_required');
    const r2 = await modernExchange(
      target,
      modernRequest(2, 'tools/call', {
        name: 'quick_recommend',
        arguments: {},
        requestState: a1.requestState,
        inputResponses: { recommendation: { role: 'assistant', content: { type: 'text', text: 'Tokyo, for the food.' }, model: 'm' } },
      }),
      { timeoutMs: 10_000 },
    );
    assert.equal(r2.sessionId, null);
    const a2 = answerOf(r2, 2)!.result as Record<string, any>;
    assert.equal(a2.resultType, 'complete');
    assert.equal(a2.content[0].text, 'Recommendation: Tokyo, for the food.');
  });

  test('SigV4 is still checked on modern traffic: unsigned → 403, wrong secret → 403', async () => {
    const unsigned: Target = { ...target, fetch: (u, init) => fetch(u, init) };
    const x = await modernExchange(unsigned, modernRequest(1, 'server/discover'), { timeoutMs: 10_000 });
    assert.equal(x.status, 403);
    const wrong = await remoteTarget({ arn: ARN, endpointUrl: emulator.url, credentials: { ...CREDS, secretAccessKey: 'not-the-secret' } });
    const y = await modernExchange(wrong, modernRequest(2, 'server/discover'), { timeoutMs: 10_000 });
    assert.equal(y.status, 403);
  });

  test('legacy sessions still get a platform-minted id on the same emulator', async () => {
    const x = await exchange(target, { body: initializeRequest(), timeoutMs: 10_000, until: (m) => m.id === 1 });
    assert.equal(x.status, 200);
    assert.match(x.sessionId ?? '', UUID);
  });
});

describe('emulator --modern-session: what reaches the server, what comes back', () => {
  // A recording upstream that answers every request and echoes any session id it was sent (a server
  // breaking the rule, so forwarding is visible both ways).
  const seen: IncomingHttpHeaders[] = [];
  const upstream = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push(req.headers);
    const msg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number };
    const sid = req.headers['mcp-session-id'];
    res.writeHead(200, { 'content-type': 'application/json', ...(typeof sid === 'string' ? { 'mcp-session-id': sid } : {}) });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { resultType: 'complete', tools: [] } }));
  });
  let upstreamUrl = '';
  before(async () => {
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/mcp`;
  });
  after(() => new Promise<void>((r) => upstream.close(() => r())));

  const through = async (mode: ModernSessionMode, sendId?: string) => {
    const emulator = await startAgentCoreEmulator({ upstream: upstreamUrl, port: 0, credentials: CREDS, modernSessionMode: mode });
    try {
      const target = await remoteTarget({ arn: ARN, endpointUrl: emulator.url, credentials: CREDS });
      seen.length = 0;
      const x = await modernExchange(target, modernRequest(1, 'tools/list'), { timeoutMs: 10_000, headers: sendId ? { 'mcp-session-id': sendId } : {} });
      assert.equal(x.status, 200);
      return { answered: x.sessionId, forwarded: seen[0]?.['mcp-session-id'], runtimeSession: seen[0]?.['x-amzn-bedrock-agentcore-runtime-session-id'], sessions: emulator.sessionIds() };
    } finally {
      await emulator.close();
    }
  };

  test('ignore (default): the client id is neither forwarded nor answered; no platform session', async () => {
    const r = await through('ignore', 'client-made-up-id');
    assert.equal(r.forwarded, undefined);
    assert.equal(r.answered, null);
    assert.deepEqual(r.sessions, []);
    assert.match(String(r.runtimeSession), UUID, 'the microVM routing header is still added');
  });

  test('mint: a request without an id gets a platform session and its id back', async () => {
    const r = await through('mint');
    assert.match(r.answered ?? '', UUID);
    assert.deepEqual(r.sessions, [r.answered]);
  });

  test('forward: the client header reaches the server and the server header comes back', async () => {
    const r = await through('forward', 'client-made-up-id');
    assert.equal(r.forwarded, 'client-made-up-id');
    assert.equal(r.answered, 'client-made-up-id');
    assert.deepEqual(r.sessions, []);
  });

  test('an unknown mode is a usage error', async () => {
    await assert.rejects(startAgentCoreEmulator({ upstream: upstreamUrl, port: 0, credentials: CREDS, modernSessionMode: 'sticky' as ModernSessionMode }), /--modern-session takes/);
  });
});

// The AgentCore emulator's contract, each point over real loopback HTTP: a tiny upstream MCP-like
// server (raw JSON-RPC on node:http, hex session ids, an SSE tool call that elicits) behind the
// emulator, and clients that sign with the real SigV4 fetch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fetch as undiciFetch } from 'undici';
import { startAgentCoreEmulator, type AgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { createSigV4Fetch, signRequest } from '../src/target/sigv4.js';
import { createBearerFetch } from '../src/target/bearer.js';
import { remoteTarget } from '../src/target/remote.js';
import { invocationUrlForArn, invocationUrlForRuntimeId } from '../src/target/arn.js';

const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_agent-Ab12Cd34Ef';
const CREDS = { accessKeyId: 'AKIDEMULATORTEST', secretAccessKey: 'emulator-test-secret-value' };
const ACCEPT = 'application/json, text/event-stream';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---- a tiny upstream MCP-like server ---------------------------------------------------------

interface Upstream {
  url: string;
  server: Server;
  sessions: Set<string>;
  seen: Array<{ method: string; headers: IncomingHttpHeaders; body: string }>;
}

async function startUpstream(): Promise<Upstream> {
  const sessions = new Set<string>();
  const seen: Upstream['seen'] = [];
  const waiting = new Map<string, (answer: unknown) => void>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: req.method!, headers: req.headers, body });
    const sid = req.headers['mcp-session-id'] as string | undefined;
    if (req.method === 'DELETE') {
      res.writeHead(sid && sessions.delete(sid) ? 200 : 404).end();
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 'hello' } })}\n\n`);
      return;
    }
    const msg = JSON.parse(body) as { id?: string | number; method?: string; params?: { name?: string }; result?: unknown };
    if (msg.method === 'initialize') {
      const id = randomBytes(16).toString('hex'); // FastMCP-style hex id
      sessions.add(id);
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': id });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'up', version: '1' } } }));
      return;
    }
    if (!sid || !sessions.has(sid)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id ?? null, error: { code: -32001, message: 'Session not found' } }));
      return;
    }
    if (msg.method === undefined && msg.id !== undefined) {
      // A response from the client (the elicitation answer), arriving on a second POST.
      waiting.get(`${sid}:${msg.id}`)?.(msg.result);
      res.writeHead(202).end();
      return;
    }
    if (msg.method === 'tools/call' && msg.params?.name === 'ask') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const answer = new Promise((resolve) => waiting.set(`${sid}:elicit-1`, resolve));
      res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 'elicit-1', method: 'elicitation/create', params: { message: 'How many?', requestedSchema: { type: 'object', properties: {} } } })}\n\n`);
      const result = await answer;
      res.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { content: [{ type: 'text', text: `got ${JSON.stringify(result)}` }] } })}\n\n`);
      return;
    }
    if (msg.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { echo: msg.method } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`, server, sessions, seen };
}

// ---- helpers -----------------------------------------------------------------------------------

let upstream: Upstream;
let emu: AgentCoreEmulator;
const logs: string[] = [];

before(async () => {
  upstream = await startUpstream();
  emu = await startAgentCoreEmulator({ upstream: upstream.url, port: 0, credentials: CREDS, log: (l) => logs.push(l) });
});
after(async () => {
  await emu.close();
  upstream.server.closeAllConnections();
  upstream.server.close();
});

const signed = createSigV4Fetch({ region: 'us-west-2', credentials: CREDS });
const rpc = (method: string, id: number | string | undefined, params: unknown = {}) =>
  JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, params });

async function post(url: string, body: string, headers: Record<string, string> = {}, f = signed) {
  return f(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body });
}

async function initialize(e: AgentCoreEmulator = emu, f = signed): Promise<string> {
  const res = await post(e.invocationUrl(ARN), rpc('initialize', 1), {}, f);
  assert.equal(res.status, 200);
  await res.text();
  return res.headers.get('mcp-session-id')!;
}

// ---- tests -------------------------------------------------------------------------------------

test('startup: the emulator serves the encoded-ARN route and mints a UUID session id mapped to the upstream hex id', async () => {
  assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(emu.invocationUrl(ARN), invocationUrlForArn(ARN, { endpointUrl: emu.url }).href);
  const sid = await initialize();
  assert.match(sid, UUID, 'the client sees a platform-minted UUID');
  const upstreamId = emu.upstreamSessionId(sid)!;
  assert.match(upstreamId, /^[0-9a-f]{32}$/);
  const res = await post(emu.invocationUrl(ARN), rpc('tools/list', 2), { 'mcp-session-id': sid, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('mcp-session-id'), sid, 'the response carries the client id, never the upstream one');
  assert.deepEqual(await res.json(), { jsonrpc: '2.0', id: 2, result: { echo: 'tools/list' } });
  const last = upstream.seen.at(-1)!;
  assert.equal(last.headers['mcp-session-id'], upstreamId, 'the upstream sees its own id');
  assert.equal(last.headers['traceparent'], '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'tracing headers pass through');
  assert.equal(last.headers['x-amzn-bedrock-agentcore-runtime-session-id'], sid);
  assert.equal(last.headers.authorization, undefined, 'the signature stays at the platform');
});

test('routes: runtime-id form works; unencoded ARN, /mcp, wrong region and pinned-ARN mismatch are 404', async () => {
  const byId = invocationUrlForRuntimeId('travel_agent-Ab12Cd34Ef', { accountId: '123456789012', region: 'us-west-2', endpointUrl: emu.url });
  assert.equal((await post(byId.href, rpc('initialize', 1))).status, 200);
  const unencoded = `${emu.url}/runtimes/${ARN}/invocations?qualifier=DEFAULT`;
  assert.equal((await post(unencoded, rpc('initialize', 1))).status, 404);
  const colons = `${emu.url}/runtimes/${ARN.replace('/', '%2F')}/invocations?qualifier=DEFAULT`;
  assert.equal((await post(colons, rpc('initialize', 1))).status, 404);
  assert.equal((await post(`${emu.url}/runtimes/travel_agent-Ab12Cd34Ef/mcp`, rpc('initialize', 1))).status, 404);
  const east = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/travel_agent-Ab12Cd34Ef';
  const eastSigned = createSigV4Fetch({ region: 'us-east-1', credentials: CREDS });
  assert.equal((await post(invocationUrlForArn(east, { endpointUrl: emu.url }).href, rpc('initialize', 1), {}, eastSigned)).status, 404);

  const pinned = await startAgentCoreEmulator({ upstream: upstream.url, port: 0, credentials: CREDS, arn: ARN });
  try {
    const other = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/other-Ab12Cd34Ef';
    const res = await post(pinned.invocationUrl(other), rpc('initialize', 7));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, -32004);
    assert.equal((await post(pinned.invocationUrl(ARN), rpc('initialize', 1))).status, 200);
  } finally {
    await pinned.close();
  }
});

test('SigV4: unsigned, wrong secret, wrong region, clock skew and changed body are 403 without WWW-Authenticate', async () => {
  const url = emu.invocationUrl(ARN);
  const plain = (u: string, init: RequestInit) => undiciFetch(u, init as never) as unknown as Promise<Response>;
  const cases: Array<[string, Promise<Response>]> = [
    ['unsigned', post(url, rpc('initialize', 1), {}, plain)],
    ['wrong secret', post(url, rpc('initialize', 1), {}, createSigV4Fetch({ region: 'us-west-2', credentials: { ...CREDS, secretAccessKey: 'nope' } }))],
    ['wrong region', post(url, rpc('initialize', 1), {}, createSigV4Fetch({ region: 'us-east-1', credentials: CREDS }))],
    ['clock 10 minutes behind', post(url, rpc('initialize', 1), {}, createSigV4Fetch({ region: 'us-west-2', credentials: CREDS, now: () => new Date(Date.now() - 600_000) }))],
  ];
  // Signed for one body, sent with another.
  const u = new URL(url);
  const s = await signRequest(
    { method: 'POST', host: u.host, path: u.pathname, query: { qualifier: 'DEFAULT' }, headers: { 'content-type': 'application/json', accept: ACCEPT }, body: rpc('initialize', 1) },
    { credentials: CREDS, region: 'us-west-2' },
  );
  const { host: _h, ...hdrs } = s.headers;
  cases.push(['changed body', undiciFetch(url, { method: 'POST', headers: hdrs, body: rpc('initialize', 2) }) as unknown as Promise<Response>]);
  for (const [what, p] of cases) {
    const res = await p;
    assert.equal(res.status, 403, what);
    assert.equal(res.headers.get('www-authenticate'), null, what);
    const body = (await res.json()) as { error: { code: number } };
    assert.equal(body.error.code, -32002, what);
  }
  assert.ok(!logs.join('\n').includes(CREDS.secretAccessKey), 'the log never shows the secret');
});

test('the emulator and the client resolve credentials from the same default chain (env vars)', async () => {
  const saved = { ...process.env }; // restored key by key: process.env must stay Node's own object
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENVCHAIN';
  process.env.AWS_SECRET_ACCESS_KEY = 'env-chain-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const e = await startAgentCoreEmulator({ upstream: upstream.url, port: 0 });
  try {
    const target = await remoteTarget({ arn: ARN, endpointUrl: e.url });
    assert.equal(target.url.href, e.invocationUrl(ARN));
    const res = await target.fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: rpc('initialize', 1) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('mcp-session-id')!, UUID);
    await res.text();
  } finally {
    restoreEnv(saved);
    await e.close();
  }
});

test('bearer runtime: 401 with the documented WWW-Authenticate, SigV4 gets 403 mismatch; bearer to a SigV4 runtime is 403 mismatch', async () => {
  const b = await startAgentCoreEmulator({ upstream: upstream.url, port: 0, auth: 'bearer', bearerToken: 'jwt-abc' });
  try {
    const url = b.invocationUrl(ARN, 'DEFAULT');
    const none = await post(url, rpc('initialize', 1), {}, (u, i) => undiciFetch(u, i as never) as unknown as Promise<Response>);
    assert.equal(none.status, 401);
    const escaped = encodeURIComponent(ARN);
    assert.equal(
      none.headers.get('www-authenticate'),
      `Bearer resource_metadata="${b.url}/runtimes/${escaped}/invocations/.well-known/oauth-protected-resource?qualifier=DEFAULT"`,
    );
    await none.text();
    const meta = await undiciFetch(`${b.url}/runtimes/${escaped}/invocations/.well-known/oauth-protected-resource?qualifier=DEFAULT`);
    assert.equal(meta.status, 200);
    await meta.text();
    const sig = await post(url, rpc('initialize', 1), {}, signed);
    assert.equal(sig.status, 403);
    assert.match(((await sig.json()) as { error: { data: { emulator: string } } }).error.data.emulator, /Authorization method mismatch/);
    const wrong = await post(url, rpc('initialize', 1), {}, createBearerFetch('other'));
    assert.equal(wrong.status, 401);
    await wrong.text();
    const ok = await post(url, rpc('initialize', 1), {}, createBearerFetch('jwt-abc'));
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('mcp-session-id')!, UUID);
    await ok.text();
  } finally {
    await b.close();
  }
  const toSigV4 = await post(emu.invocationUrl(ARN), rpc('initialize', 1), {}, createBearerFetch('jwt-abc'));
  assert.equal(toSigV4.status, 403);
  assert.match(await toSigV4.text(), /Authorization method mismatch/);
});

test('Accept without both types is 406 with JSON-RPC -32011', async () => {
  const res = await signed(emu.invocationUrl(ARN), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: rpc('initialize', 5) });
  assert.equal(res.status, 406);
  const body = (await res.json()) as { id: number; error: { code: number; message: string } };
  assert.equal(body.id, 5);
  assert.equal(body.error.code, -32011);
  assert.match(body.error.message, /^Accept Header Error/);
});

test('unknown session id is 404; a stopped session answers 404 until the client re-initializes', async () => {
  const unknown = await post(emu.invocationUrl(ARN), rpc('tools/list', 1), { 'mcp-session-id': '00000000-0000-4000-8000-000000000000' });
  assert.equal(unknown.status, 404);
  await unknown.text();
  const sid = await initialize();
  assert.equal(emu.stopSession(sid), true);
  const after = await post(emu.invocationUrl(ARN), rpc('tools/list', 1), { 'mcp-session-id': sid });
  assert.equal(after.status, 404);
  await after.text();
  assert.notEqual(await initialize(), sid);
});

test('concurrent requests on one session: the elicitation answer POST arrives while the SSE stream is open', async () => {
  const sid = await initialize();
  const url = emu.invocationUrl(ARN);
  const call = await post(url, rpc('tools/call', 10, { name: 'ask', arguments: {} }), { 'mcp-session-id': sid });
  assert.equal(call.status, 200);
  assert.match(call.headers.get('content-type')!, /text\/event-stream/);
  assert.equal(call.headers.get('mcp-session-id'), sid);
  const reader = call.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  // The upstream holds the stream open until it gets the answer, so seeing this event proves
  // the emulator streams instead of buffering.
  while (!text.includes('elicitation/create')) {
    const { value, done } = await reader.read();
    assert.equal(done, false, 'stream ended before the elicitation request arrived');
    text += decoder.decode(value, { stream: true });
  }
  const answer = await post(url, JSON.stringify({ jsonrpc: '2.0', id: 'elicit-1', result: { action: 'accept', content: { n: 3 } } }), { 'mcp-session-id': sid });
  assert.equal(answer.status, 202);
  await answer.text();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  assert.match(text, /got \{\\"action\\":\\"accept\\",\\"content\\":\{\\"n\\":3\}\}/);
});

test('GET and DELETE are 405 by default and proxied when asked', async () => {
  const sid = await initialize();
  for (const method of ['GET', 'DELETE']) {
    const res = await signed(emu.invocationUrl(ARN), { method, headers: { accept: 'text/event-stream', 'mcp-session-id': sid } });
    assert.equal(res.status, 405, method);
    await res.text();
  }
  const p = await startAgentCoreEmulator({ upstream: upstream.url, port: 0, credentials: CREDS, getMode: 'proxy', deleteMode: 'proxy' });
  try {
    const psid = await initialize(p);
    const get = await signed(p.invocationUrl(ARN), { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': psid } });
    assert.equal(get.status, 200);
    assert.match(await get.text(), /notifications\/message/);
    const del = await signed(p.invocationUrl(ARN), { method: 'DELETE', headers: { 'mcp-session-id': psid } });
    assert.equal(del.status, 200);
    await del.text();
    const after = await post(p.invocationUrl(ARN), rpc('tools/list', 3), { 'mcp-session-id': psid });
    assert.equal(after.status, 404);
    await after.text();
  } finally {
    await p.close();
  }
});

test('idle timeout: after it the session id answers 404', async () => {
  const t = await startAgentCoreEmulator({ upstream: upstream.url, port: 0, credentials: CREDS, idleTimeoutSeconds: 0.3 });
  try {
    const sid = await initialize(t);
    const soon = await post(t.invocationUrl(ARN), rpc('tools/list', 2), { 'mcp-session-id': sid });
    assert.equal(soon.status, 200);
    await soon.text();
    await new Promise((r) => setTimeout(r, 500));
    const late = await post(t.invocationUrl(ARN), rpc('tools/list', 3), { 'mcp-session-id': sid });
    assert.equal(late.status, 404);
    await late.text();

    // A session whose tool call is still streaming is not idle: the answer after the timeout still lands.
    const busy = await initialize(t);
    const call = await post(t.invocationUrl(ARN), rpc('tools/call', 4, { name: 'ask', arguments: {} }), { 'mcp-session-id': busy });
    await new Promise((r) => setTimeout(r, 600));
    const answer = await post(t.invocationUrl(ARN), JSON.stringify({ jsonrpc: '2.0', id: 'elicit-1', result: { action: 'decline' } }), { 'mcp-session-id': busy });
    assert.equal(answer.status, 202);
    await answer.text();
    assert.match(await call.text(), /got \{\\"action\\":\\"decline\\"\}/);
  } finally {
    await t.close();
  }
});

test('injected throttling (-32003) and conflict (-32005) answer the next N requests with 200 + JSON-RPC error', async () => {
  const sid = await initialize();
  emu.inject({ throttle: 2, conflict: 1 });
  const codes: Array<number | undefined> = [];
  for (let i = 0; i < 4; i++) {
    const res = await post(emu.invocationUrl(ARN), rpc('tools/list', 20 + i), { 'mcp-session-id': sid });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { id: number; error?: { code: number; message: string } };
    assert.equal(body.id, 20 + i);
    codes.push(body.error?.code);
    if (body.error?.code === -32005) assert.equal(body.error.message, 'Session operation in progress, please retry');
  }
  assert.deepEqual(codes, [-32003, -32003, -32005, undefined]);
});

test('end to end: the real MCP SDK client through the emulator (SigV4 from env) to the reference travel server', async () => {
  const { startTravelServer } = await import('../src/servers/travel/server.js');
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const travel = await startTravelServer({ port: 0 });
  const saved = { ...process.env }; // restored key by key: process.env must stay Node's own object
  process.env.AWS_ACCESS_KEY_ID = 'AKIDENDTOEND';
  process.env.AWS_SECRET_ACCESS_KEY = 'end-to-end-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const e = await startAgentCoreEmulator({ upstream: travel.url, port: 0 });
  try {
    const target = await remoteTarget({ arn: ARN, endpointUrl: e.url });
    const transport = new StreamableHTTPClientTransport(target.url, { fetch: target.fetch });
    const client = new Client(
      { name: 'emulator-test', version: '1' },
      { capabilities: { elicitation: { form: {} }, sampling: {} } } as ConstructorParameters<typeof Client>[1],
    );
    const answers = ['Paris', 3, 'culture'];
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { value: answers.shift()! } }) as never);
    client.setRequestHandler('sampling/createMessage', async () => ({ model: 'test', role: 'assistant', content: { type: 'text', text: 'Bring an umbrella.' } }) as never);
    await client.connect(transport);
    assert.match(transport.sessionId!, UUID, 'the SDK client holds the emulator-minted UUID');
    const result = (await client.callTool({ name: 'plan_trip', arguments: {} })) as { content: Array<{ text: string }> };
    const plan = JSON.parse(result.content[0]!.text) as { destination: string; days: number; ai_tips: string; status: string };
    assert.deepEqual([plan.destination, plan.days, plan.ai_tips, plan.status], ['Paris', 3, 'Bring an umbrella.', 'planned']);
    assert.equal(answers.length, 0, 'all three elicitations reached the client');
    await client.close();
  } finally {
    restoreEnv(saved);
    await e.close();
    await travel.close();
  }
});

function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
}

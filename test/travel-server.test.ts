// The reference Travel Planner server over real loopback HTTP, driven by the SDK v2 client.
// Covers: session ids (32 hex), listings (tools, resources, templates, prompts), plan_trip with
// elicitation + sampling (FastMCP-shaped schemas, progress 0,1,2,3,5 before the result), the decline
// path, search_flights progress + info logs, template reads (known and unknown city), prompts,
// Origin → 403, unknown/ended session → 404, missing id → 400, other paths → 404, and stateless mode
// (no session id; plan_trip errors, quick_recommend times out, plain progress still works).
// The client never opens the standalone GET stream (its GET is answered 405 locally), so every
// server→client message that arrives proves it was routed on the tool call's own POST stream.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ElicitRequest, LoggingMessageNotification } from '@modelcontextprotocol/client';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { DESTINATIONS, TEXT } from '../src/servers/travel/travel-planner.js';

const SCALAR_SCHEMA = (type: 'string' | 'integer') => ({
  type: 'object',
  properties: { value: { title: 'Value', type } },
  required: ['value'],
  title: 'ScalarElicitationType',
});

interface Harness {
  client: Client;
  transport: StreamableHTTPClientTransport;
  elicitations: ElicitRequest['params'][];
  samplingPrompts: string[];
  logs: LoggingMessageNotification['params'][];
  getRequestsSent: number;
}

/** A client answering elicitation from `answers` (in order) and sampling with fixed text. */
async function connect(url: string, answers: Array<{ action: 'accept' | 'decline' | 'cancel'; value?: unknown }> = []) {
  const h = { elicitations: [], samplingPrompts: [], logs: [], getRequestsSent: 0 } as Omit<Harness, 'client' | 'transport'> &
    Partial<Harness>;
  // Never open the standalone GET stream: answer it 405 locally, which the client accepts as
  // "server has no GET stream". Anything server-initiated must then come on the POST streams.
  const noGetFetch: typeof fetch = async (input, init) => {
    if ((init?.method ?? 'GET').toUpperCase() === 'GET') {
      h.getRequestsSent++;
      return new Response(null, { status: 405 });
    }
    return fetch(input, init);
  };
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: noGetFetch });
  const client = new Client(
    { name: 'travel-server-test', version: '0.0.0' },
    { capabilities: { elicitation: { form: {} }, sampling: {} } },
  );
  const queue = [...answers];
  client.setRequestHandler('elicitation/create', async (request) => {
    h.elicitations.push(request.params);
    const answer = queue.shift() ?? { action: 'cancel' as const };
    return answer.action === 'accept' ? { action: 'accept', content: { value: answer.value as string } } : { action: answer.action };
  });
  client.setRequestHandler('sampling/createMessage', async (request) => {
    const first = request.params.messages[0]?.content;
    h.samplingPrompts.push(first && !Array.isArray(first) && first.type === 'text' ? first.text : '');
    return { role: 'assistant', content: { type: 'text', text: '1. Pack light. 2. Learn greetings. 3. Book early.' }, model: 'test-model', stopReason: 'endTurn' };
  });
  client.setNotificationHandler('notifications/message', (n) => {
    h.logs.push(n.params);
  });
  await client.connect(transport);
  h.client = client;
  h.transport = transport;
  return h as Harness;
}

function textOf(result: { content?: unknown }): string {
  const content = result.content as Array<{ type: string; text?: string }>;
  return content.map((c) => c.text ?? '').join('');
}

/** POST initialize with a chosen Host header (fetch will not let us set Host). */
function postWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { Host: host, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify(INIT));
  });
}

async function rawPost(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};

describe('travel server (stateful)', () => {
  let server: RunningTravelServer;
  const httpLog: string[] = [];

  before(async () => {
    server = await startTravelServer({ port: 0, log: (line) => httpLog.push(line) });
  });
  after(async () => {
    await server.close();
  });

  test('binds loopback on an ephemeral port and mints 32-hex session ids', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.notEqual(server.port, 0);
    const h = await connect(server.url);
    try {
      assert.match(h.transport.sessionId ?? '', /^[0-9a-f]{32}$/);
      assert.equal(h.client.getServerVersion()?.name, 'Travel Planner');
      assert.match(h.client.getInstructions() ?? '', /stateful travel planning MCP server/);
    } finally {
      await h.client.close();
    }
  });

  test('lists tools, resources, templates and prompts as the seed defines them', async () => {
    const h = await connect(server.url);
    try {
      const tools = (await h.client.listTools()).tools;
      assert.deepEqual(tools.map((t) => t.name).sort(), ['noop', 'plan_trip', 'quick_recommend', 'search_flights']);
      const flights = tools.find((t) => t.name === 'search_flights')!;
      assert.equal(flights.description, 'Simulate a flight search with progress notifications.');
      assert.deepEqual([...(flights.inputSchema.required ?? [])].sort(), ['destination', 'origin']);

      const resources = (await h.client.listResources()).resources;
      assert.deepEqual(resources.map((r) => r.uri), ['travel://destinations']);
      const templates = (await h.client.listResourceTemplates()).resourceTemplates;
      assert.deepEqual(templates.map((t) => t.uriTemplate), ['travel://destination/{city}']);

      const prompts = (await h.client.listPrompts()).prompts;
      const byName = new Map(prompts.map((p) => [p.name, p]));
      assert.equal(byName.get('packing_list')?.description, 'Generate a packing list prompt for a trip.');
      assert.equal(byName.get('local_phrases')?.description, 'Generate a prompt for learning local phrases.');
      assert.deepEqual(byName.get('packing_list')?.arguments?.map((a) => a.name), ['destination', 'days', 'trip_type']);
    } finally {
      await h.client.close();
    }
  });

  test('plan_trip: three elicitations, one sampling, progress 0,1,2,3,5 before the result', async () => {
    const h = await connect(server.url, [
      { action: 'accept', value: 'Tokyo' },
      { action: 'accept', value: 3 },
      { action: 'accept', value: 'leisure' },
    ]);
    try {
      const progress: number[] = [];
      const totals = new Set<number | undefined>();
      const result = await h.client.callTool(
        { name: 'plan_trip', arguments: {} },
        {
          onprogress: (p) => {
            progress.push(p.progress);
            totals.add(p.total);
          },
        },
      );
      // Progress recorded synchronously by onprogress, so everything here arrived before the result.
      assert.deepEqual(progress, [0, 1, 2, 3, 5]);
      assert.deepEqual([...totals], [5]);

      assert.deepEqual(
        h.elicitations.map((e) => e.message),
        [TEXT.askDestination, 'How many days will you spend in Tokyo?', TEXT.askTripType],
      );
      const schemas = h.elicitations.map((e) => ('requestedSchema' in e ? e.requestedSchema : undefined));
      assert.deepEqual(schemas, [SCALAR_SCHEMA('string'), SCALAR_SCHEMA('integer'), SCALAR_SCHEMA('string')]);
      assert.deepEqual(h.samplingPrompts, ['Give 3 brief tips for a leisure trip to Tokyo lasting 3 days. Be concise.']);

      assert.notEqual(result.isError, true);
      const text = textOf(result);
      assert.deepEqual(JSON.parse(text), {
        destination: 'Tokyo',
        days: 3,
        trip_type: 'leisure',
        highlights: DESTINATIONS['tokyo']!.highlights,
        ai_tips: '1. Pack light. 2. Learn greetings. 3. Book early.',
        status: 'planned',
      });
      assert.match(text, /^\{\n {2}"destination": "Tokyo",/, 'indent 2 like json.dumps(indent=2)');
      assert.equal(h.getRequestsSent, 1, 'client tried GET once and was refused locally');
      assert.ok(!httpLog.some((l) => l.startsWith('GET ')), 'no GET reached the server');
    } finally {
      await h.client.close();
    }
  });

  test('plan_trip: unknown destination gets the placeholder highlights', async () => {
    const h = await connect(server.url, [
      { action: 'accept', value: 'Lisbon' },
      { action: 'accept', value: 2 },
      { action: 'accept', value: 'business' },
    ]);
    try {
      const result = await h.client.callTool({ name: 'plan_trip', arguments: {} });
      assert.deepEqual(JSON.parse(textOf(result)).highlights, ['No specific highlights available']);
    } finally {
      await h.client.close();
    }
  });

  test('plan_trip: declining any question cancels the trip', async () => {
    for (const answers of [
      [{ action: 'decline' as const }],
      [{ action: 'accept' as const, value: 'Paris' }, { action: 'cancel' as const }],
      [{ action: 'accept' as const, value: 'Paris' }, { action: 'accept' as const, value: 4 }, { action: 'decline' as const }],
    ]) {
      const h = await connect(server.url, answers);
      try {
        const result = await h.client.callTool({ name: 'plan_trip', arguments: {} });
        assert.equal(textOf(result), 'Trip planning cancelled.');
        assert.equal(h.elicitations.length, answers.length);
        assert.equal(h.samplingPrompts.length, 0);
      } finally {
        await h.client.close();
      }
    }
  });

  test('quick_recommend: one sampling request', async () => {
    const h = await connect(server.url);
    try {
      const result = await h.client.callTool({ name: 'quick_recommend', arguments: {} });
      assert.equal(textOf(result), 'Recommendation: 1. Pack light. 2. Learn greetings. 3. Book early.');
      assert.deepEqual(h.samplingPrompts, [TEXT.recommendPrompt]);
    } finally {
      await h.client.close();
    }
  });

  test('search_flights: progress 1..4 of 4 and four info logs on the call stream', async () => {
    const h = await connect(server.url);
    try {
      const progress: Array<[number, number | undefined]> = [];
      const result = await h.client.callTool(
        { name: 'search_flights', arguments: { origin: 'Seoul', destination: 'Tokyo' } },
        { onprogress: (p) => progress.push([p.progress, p.total]) },
      );
      assert.deepEqual(progress, [[1, 4], [2, 4], [3, 4], [4, 4]]);
      assert.deepEqual(h.logs.map((l) => l.level), ['info', 'info', 'info', 'info']);
      assert.deepEqual(h.logs.map((l) => (l.data as { msg: string }).msg), [...TEXT.flightStages]);
      assert.deepEqual(JSON.parse(textOf(result)), {
        origin: 'Seoul',
        destination: 'Tokyo',
        flights: [
          { airline: 'AirExample', price: '$450', duration: '8h 30m' },
          { airline: 'SkyDemo', price: '$520', duration: '7h 15m' },
        ],
      });
    } finally {
      await h.client.close();
    }
  });

  test('search_flights without a progress token sends no progress', async () => {
    const h = await connect(server.url);
    try {
      let progressSeen = 0;
      h.client.setNotificationHandler('notifications/progress', () => {
        progressSeen++;
      });
      await h.client.callTool({ name: 'search_flights', arguments: { origin: 'A', destination: 'B' } });
      assert.equal(progressSeen, 0);
      assert.equal(h.logs.length, 4);
    } finally {
      await h.client.close();
    }
  });

  test('resources: destinations, a known city, an unknown city', async () => {
    const h = await connect(server.url);
    try {
      const all = await h.client.readResource({ uri: 'travel://destinations' });
      const allText = (all.contents[0] as { text: string }).text;
      assert.deepEqual(JSON.parse(allText), DESTINATIONS);

      const tokyo = await h.client.readResource({ uri: 'travel://destination/tokyo' });
      assert.deepEqual(JSON.parse((tokyo.contents[0] as { text: string }).text), DESTINATIONS['tokyo']);

      const ny = await h.client.readResource({ uri: 'travel://destination/New%20York' });
      assert.equal(JSON.parse((ny.contents[0] as { text: string }).text).city, 'New York');

      const atlantis = await h.client.readResource({ uri: 'travel://destination/Atlantis' });
      assert.equal((atlantis.contents[0] as { text: string }).text, `{"error": "Destination 'Atlantis' not found"}`);
    } finally {
      await h.client.close();
    }
  });

  test('prompts render the seed text', async () => {
    const h = await connect(server.url);
    try {
      const packing = await h.client.getPrompt({
        name: 'packing_list',
        arguments: { destination: 'Bali', days: '5', trip_type: 'adventure' },
      });
      assert.equal(
        (packing.messages[0]!.content as { text: string }).text,
        'Create a detailed 5-day packing list for a adventure trip to Bali. Include weather-appropriate clothing, essentials, and destination-specific items.',
      );
      const phrases = await h.client.getPrompt({ name: 'local_phrases', arguments: { destination: 'Tokyo' } });
      assert.match((phrases.messages[0]!.content as { text: string }).text, /^Teach me 10 essential local phrases for visiting Tokyo\./);
    } finally {
      await h.client.close();
    }
  });

  test('a foreign Origin is refused with 403; a localhost Origin passes', async () => {
    const evil = await rawPost(server.url, INIT, { Origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    const local = await rawPost(server.url, INIT, { Origin: 'http://localhost:6274' });
    assert.equal(local.status, 200);
    assert.match(local.headers.get('mcp-session-id') ?? '', /^[0-9a-f]{32}$/);
    await local.body?.cancel();
  });

  test('DELETE ends a session; its id then answers 404; no id answers 400', async () => {
    const h = await connect(server.url);
    const id = h.transport.sessionId!;
    await h.transport.terminateSession();
    await h.client.close();
    const after = await rawPost(
      server.url,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { 'Mcp-Session-Id': id, 'MCP-Protocol-Version': '2025-11-25' },
    );
    assert.equal(after.status, 404);
    assert.equal((await after.json()).error.code, -32001);

    const unknown = await rawPost(server.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'Mcp-Session-Id': 'f'.repeat(32) });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();

    const missing = await rawPost(server.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    assert.equal(missing.status, 400);
    await missing.body?.cancel();
  });

  test('bound to loopback, a foreign Host is refused (DNS rebinding)', async () => {
    assert.equal(await postWithHost(server.url, 'evil.example'), 403);
    assert.equal(await postWithHost(server.url, `localhost:${server.port}`), 200);
  });

  test('other paths answer 404', async () => {
    const res = await rawPost(server.url.replace(/\/mcp$/, '/other'), INIT);
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
});

describe('travel server (stateless, the seed pitfall)', () => {
  let server: RunningTravelServer;
  before(async () => {
    server = await startTravelServer({ port: 0, stateless: true });
  });
  after(async () => {
    await server.close();
  });

  test('issues no session id; elicitation is refused, sampling answers are lost; progress still works', async () => {
    const h = await connect(server.url, [{ action: 'accept', value: 'Tokyo' }]);
    try {
      assert.equal(h.transport.sessionId, undefined);
      assert.equal((await h.client.listTools()).tools.length, 4);

      const plan = await h.client.callTool({ name: 'plan_trip', arguments: {} });
      assert.equal(plan.isError, true);
      assert.match(textOf(plan), /elicitation/i);
      assert.equal(h.elicitations.length, 0, 'the elicitation never reached the client');

      // The sampling request does reach the client, but its answer lands on another fresh server,
      // so the call can only time out.
      await assert.rejects(
        h.client.callTool({ name: 'quick_recommend', arguments: {} }, { timeout: 1500 }),
        (error: Error & { code?: string }) => error.code === 'REQUEST_TIMEOUT',
      );
      assert.equal(h.samplingPrompts.length, 1);

      const progress: number[] = [];
      const flights = await h.client.callTool(
        { name: 'search_flights', arguments: { origin: 'A', destination: 'B' } },
        { onprogress: (p) => progress.push(p.progress) },
      );
      assert.notEqual(flights.isError, true);
      assert.deepEqual(progress, [1, 2, 3, 4]);

      const get = await fetch(server.url, { headers: { Accept: 'text/event-stream' } });
      assert.equal(get.status, 405);
      await get.body?.cancel();
    } finally {
      await h.client.close();
    }
  });
});

test('bound to 0.0.0.0, any Host is accepted so remote clients can connect', async () => {
  const server = await startTravelServer({ port: 0, host: '0.0.0.0' });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.equal(await postWithHost(server.url, `my-laptop.lan:${server.port}`), 200);
  } finally {
    await server.close();
  }
});

test('close() is prompt even while a client holds an open tool-call stream', async () => {
  const server = await startTravelServer({ port: 0 });
  // Elicitation handler that never answers: the call's SSE stream stays open.
  const transport = new StreamableHTTPClientTransport(new URL(server.url));
  const client = new Client({ name: 'hang', version: '0' }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler('elicitation/create', () => new Promise(() => {}));
  await client.connect(transport);
  const pending = client.callTool({ name: 'plan_trip', arguments: {} }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
  await client.close();
  await pending;
});

test('a port in use is a one-line user error with exit code 2', async () => {
  const first = await startTravelServer({ port: 0 });
  try {
    await assert.rejects(startTravelServer({ port: first.port }), (error: Error & { exitCode?: number }) => {
      assert.equal(error.name, 'UserError');
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, `port ${first.port} is in use; pass --port`);
      return true;
    });
  } finally {
    await first.close();
  }
});

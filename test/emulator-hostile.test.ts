// The AgentCore emulator against hostile clients (issue 12, items 10 and 11), over real sockets:
// auth is checked from the headers before any body byte is read, bodies are bounded and timed out,
// sessions belong to the runtime that minted them, and Host/Origin must name the front door.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startAgentCoreEmulator, type AgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { createSigV4Fetch, signRequest } from '../src/target/sigv4.js';
import { startHostileServer, type HostileServer } from './support/hostile-server.js';
import { runCliMeasured } from './support/measured-cli.js';

const ARN_A = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/alpha_agent-Ab12Cd34Ef';
const ARN_B = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/beta_agent-Ab12Cd34Ef';
const CREDS = { accessKeyId: 'AKIDHOSTILEEMULATOR', secretAccessKey: 'hostile-emulator-secret-value' };
const ACCEPT = 'application/json, text/event-stream';
const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });

let upstream: HostileServer;
before(async () => {
  upstream = await startHostileServer();
});
after(() => upstream.close());

/**
 * Sends headers and the first `sendBytes` of a body announced as `contentLength` bytes, then waits
 * (bounded by `boundMs`) for the response or the connection to close, without sending the rest.
 */
function partialPost(url: string, headers: Record<string, string>, contentLength: number, sendBytes: number, boundMs = 15_000): Promise<{ status?: number; closed: boolean; written: number }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    let written = 0;
    let settled = false;
    const done = (r: { status?: number; closed: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...r, written });
    };
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { ...headers, 'content-length': String(contentLength) } }, (res: IncomingMessage) => {
      res.resume();
      done({ status: res.statusCode, closed: false });
    });
    req.on('error', () => done({ closed: true }));
    req.on('close', () => done({ closed: true }));
    const timer = setTimeout(() => done({ closed: false }), boundMs);
    const chunk = Buffer.alloc(Math.min(64 * 1024, sendBytes), 'a');
    while (written < sendBytes) {
      req.write(chunk);
      written += chunk.length;
    }
  });
}

describe('10. the emulator cannot be made to hold memory without authentication', () => {
  let emulator: AgentCoreEmulator;
  before(async () => {
    emulator = await startAgentCoreEmulator({ upstream: `${upstream.url}/mcp`, port: 0, credentials: CREDS, requestTimeoutMs: 1500, headersTimeoutMs: 1000 });
  });
  after(() => emulator.close());

  for (const [name, authorization] of [
    ['no Authorization', undefined],
    ['a malformed Authorization', 'AWS4-HMAC-SHA256 garbage'],
    ['an unknown access key', `AWS4-HMAC-SHA256 Credential=AKIDSOMEONEELSE/20261201/us-west-2/bedrock-agentcore/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`],
  ] as const) {
    test(`${name}: refused (403) before the 99 MB body is sent`, async () => {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: ACCEPT, 'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d+/g, '') };
      if (authorization) headers.authorization = authorization;
      const r = await partialPost(emulator.invocationUrl(ARN_A), headers, 99 * 1024 * 1024, 64 * 1024);
      assert.equal(r.status, 403, JSON.stringify(r));
    });
  }

  test('a signed request whose body never finishes is closed by the request timeout', async () => {
    const url = new URL(emulator.invocationUrl(ARN_A));
    const body = INIT + ' '.repeat(1000);
    const signed = await signRequest(
      { method: 'POST', host: url.host, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { 'content-type': 'application/json', accept: ACCEPT }, body },
      { credentials: CREDS, region: 'us-west-2', service: 'bedrock-agentcore' },
    );
    const { host: _host, ...headers } = signed.headers;
    const r = await partialPost(url.href, headers as Record<string, string>, Buffer.byteLength(body), 10, 20_000);
    assert.ok(r.closed || r.status === 408, `the stalled request was neither answered 408 nor closed: ${JSON.stringify(r)}`);
  });

  test('12 concurrent unsigned 99 MB POSTs: the emulator process stays under 300 MiB', async () => {
    let port: number | undefined;
    let ready!: () => void;
    const listening = new Promise<void>((r) => (ready = r));
    let finished!: () => void;
    const allDone = new Promise<void>((r) => (finished = r));
    const run = runCliMeasured(['emulate-agentcore', '--upstream', `${upstream.url}/mcp`, '--port', '0'], {
      timeoutMs: 120_000,
      env: { AWS_ACCESS_KEY_ID: CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
      onStdout: (out) => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m && port === undefined) {
          port = Number(m[1]);
          ready();
        }
      },
      signal: { signal: 'SIGTERM', when: allDone },
    });
    await listening;
    const url = `http://127.0.0.1:${port}/runtimes/${encodeURIComponent(ARN_A)}/invocations?qualifier=DEFAULT`;
    // Each client pushes its whole 99 MB unless refused first; a refused one stops at once.
    const results = await Promise.all(Array.from({ length: 12 }, () => partialPost(url, { 'content-type': 'application/json', accept: ACCEPT }, 99 * 1024 * 1024, 8 * 1024 * 1024, 60_000)));
    finished();
    const r = await run;
    assert.ok(results.every((x) => x.status === 403 || x.closed), JSON.stringify(results));
    assert.notEqual(r.peakRssMiB, null, r.stdout + r.stderr);
    assert.ok(r.peakRssMiB! < 300, `emulator peak RSS ${r.peakRssMiB} MiB`);
  });
});

describe('11. emulator isolation', () => {
  let emulator: AgentCoreEmulator;
  let bearer: AgentCoreEmulator;
  before(async () => {
    emulator = await startAgentCoreEmulator({ upstream: `${upstream.url}/mcp`, port: 0, credentials: CREDS });
    bearer = await startAgentCoreEmulator({ upstream: `${upstream.url}/mcp`, port: 0, auth: 'bearer' });
  });
  after(async () => {
    await emulator.close();
    await bearer.close();
  });

  test('a session id minted for runtime A is unknown on runtime B and on another qualifier', async () => {
    const fetch = createSigV4Fetch({ region: 'us-west-2', credentials: CREDS });
    const init = await fetch(emulator.invocationUrl(ARN_A), { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: INIT });
    assert.equal(init.status, 200);
    await init.body?.cancel();
    const sid = init.headers.get('mcp-session-id')!;
    assert.ok(sid);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: ACCEPT, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' };
    const same = await fetch(emulator.invocationUrl(ARN_A), { method: 'POST', headers, body: list });
    assert.equal(same.status, 200, 'the session works on its own runtime');
    await same.body?.cancel();
    const other = await fetch(emulator.invocationUrl(ARN_B), { method: 'POST', headers, body: list });
    assert.equal(other.status, 404, 'another runtime does not know the session');
    await other.body?.cancel();
    const otherQualifier = await fetch(emulator.invocationUrl(ARN_A, 'v2'), { method: 'POST', headers, body: list });
    assert.equal(otherQualifier.status, 404, 'another qualifier does not know the session');
    await otherQualifier.body?.cancel();
  });

  function rawPost(url: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(INIT) } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(INIT);
    });
  }

  test('bearer mode with any token: Host attacker.example is refused, not forwarded with a rewritten Host', async () => {
    const before = upstream.requests.length;
    const status = await rawPost(bearer.invocationUrl(ARN_A), { host: 'attacker.example', authorization: 'Bearer anything-at-all', 'content-type': 'application/json', accept: ACCEPT });
    assert.equal(status, 403);
    assert.equal(upstream.requests.length, before, 'nothing reached the upstream');
    const ok = await rawPost(bearer.invocationUrl(ARN_A), { authorization: 'Bearer anything-at-all', 'content-type': 'application/json', accept: ACCEPT });
    assert.equal(ok, 200, 'the loopback Host is served');
  });

  test('an Origin that is not the front door is refused', async () => {
    const before = upstream.requests.length;
    const status = await rawPost(bearer.invocationUrl(ARN_A), { origin: 'http://attacker.example', authorization: 'Bearer anything-at-all', 'content-type': 'application/json', accept: ACCEPT });
    assert.equal(status, 403);
    assert.equal(upstream.requests.length, before, 'nothing reached the upstream');
  });
});

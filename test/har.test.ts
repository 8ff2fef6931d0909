// `--trace FILE` writes a HAR 1.2 of every HTTP exchange: validated against the HAR 1.2 JSON Schema
// (har-schema, with ajv), imported with a HAR parser (@har-sdk/core), and checked for what a reader needs
// (JSON-RPC bodies, SSE event text, timings, session ids, the stream). A remote run through the AgentCore
// emulator with SigV4 and a session token holds no secret in the HAR or the HTML report; `compare` puts
// both sides in one HAR and one HTML report, side by side.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import harSdk from '@har-sdk/core';
import type { Har } from 'har-format';
import { startTravelServer } from '../src/servers/travel/server.js';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { ROOT, runCli } from './support/cli.js';
import { startReportServer } from './support/report-server.js';

const require = createRequire(import.meta.url);
const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_har-AbCdEf1234';
const KEY = 'AKIDHARTRACE0000001';
const SECRET = 'har-secret/key+with=url/unsafe+chars';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEHAaCXVzLXdlc3QtMiJHMEUCIQ/session+token=value/with+slashes==';
const SUITE = path.join(ROOT, 'test/fixtures/report/report.yaml');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const schemas = require('har-schema') as Record<string, { $id: string }>;
  for (const s of Object.values(schemas)) ajv.addSchema(s);
  return ajv.getSchema('har.json#')!;
}

async function importHar(text: string): Promise<Har> {
  const spec = await new harSdk.HARImporter().import(text);
  assert.ok(spec, 'the HAR parser accepts the file as HAR');
  assert.equal(spec.type, 'har');
  return spec.doc as unknown as Har;
}

/** Every form a server or a careless writer might put a secret in. */
function encodings(secret: string): string[] {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')];
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-har-'));
});

describe('--trace: a HAR 1.2 of a local run', () => {
  let server: Awaited<ReturnType<typeof startReportServer>>;
  let har: Har;
  let text: string;
  before(async () => {
    server = await startReportServer();
    const file = path.join(dir, 'local.har');
    const r = await runCli(['local', '--url', server.url, SUITE, '--reporter', 'plain', '--trace', file], { timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    text = await readFile(file, 'utf8');
    har = await importHar(text);
  });
  after(async () => server.close());

  test('validates against the HAR 1.2 schema', () => {
    const validate = validator();
    assert.equal(validate(JSON.parse(text)), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.equal(har.log.version, '1.2');
    assert.equal(har.log.creator.name, 'mcp-verify');
  });

  test('one page per scenario session; every entry belongs to one', () => {
    const pages = har.log.pages ?? [];
    assert.equal(pages.length, 5);
    assert.ok(pages.some((p) => /plan-a-trip/.test(p.title)));
    const ids = new Set(pages.map((p) => p.id));
    assert.ok(har.log.entries.length >= 5 * 4, `${har.log.entries.length} entries`);
    for (const e of har.log.entries) assert.ok(ids.has(e.pageref!), `entry on a known page (${e.pageref})`);
  });

  test('JSON-RPC request bodies, SSE responses as their event text, session ids and timings', () => {
    const call = har.log.entries.find((e) => e.request.method === 'POST' && /"name":"plan_trip"/.test(e.request.postData?.text ?? ''));
    assert.ok(call, 'the plan_trip call');
    assert.equal(JSON.parse(call.request.postData!.text!).method, 'tools/call');
    assert.equal(call.response.content.mimeType, 'text/event-stream');
    assert.match(call.response.content.text!, /^(event: message\n)?data: .*"method":"elicitation\/create"/m);
    assert.match(call.response.content.text!, /notifications\/progress/);
    assert.match(call.response.content.text!, /"result":\{"content"/);
    assert.ok(call.request.headers.some((h) => h.name === 'mcp-session-id'), 'the session id sent');
    assert.ok(call.time >= call.timings.wait && call.timings.wait >= 0);
    const x = call as unknown as { _mcpStream: string; _mcpEvents: { methods: string[] }[] };
    assert.match(x._mcpStream, /^POST #\d+$/);
    assert.equal(x._mcpEvents.filter((e) => e.methods.includes('elicitation/create')).length, 3);
    const answers = har.log.entries.filter((e) => e.pageref === call.pageref && /"result":\{"action":"accept"/.test(e.request.postData?.text ?? ''));
    assert.equal(answers.length, 3, 'the three elicitation answers, POSTed');
    const get = har.log.entries.find((e) => e.pageref === call.pageref && e.request.method === 'GET');
    assert.ok(get, 'the standalone GET stream');
    assert.match((get as unknown as { _mcpStream: string })._mcpStream, /^GET #1$/);
    const init = har.log.entries.find((e) => /"method":"initialize"/.test(e.request.postData?.text ?? ''));
    assert.ok(init?.response.headers.some((h) => h.name === 'mcp-session-id'), 'the session id received');
  });

  test('the GET stream carries the request the SDK-v1-style tool sent there', () => {
    const page = har.log.pages!.find((p) => /confirm-on-the-get-stream/.test(p.title))!;
    const get = har.log.entries.find((e) => e.pageref === page.id && e.request.method === 'GET')!;
    assert.match(get.response.content.text ?? '', /elicitation\/create/);
  });
});

describe('--trace: bounds and failures', () => {
  test('a body larger than the bound is cut in the trace, and says so', async () => {
    const server = await startReportServer();
    try {
      const suite = path.join(dir, 'big.yaml');
      await writeFile(suite, 'scenarios:\n  - name: big\n    steps:\n      - call: big_answer\n        expect: { text: xxx }\n');
      const file = path.join(dir, 'big.har');
      const r = await runCli(['local', '--url', server.url, suite, '--reporter', 'plain', '--trace', file]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const text = await readFile(file, 'utf8');
      assert.equal(validator()(JSON.parse(text)), true);
      const har = await importHar(text);
      const big = har.log.entries.find((e) => /"name":"big_answer"/.test(e.request.postData?.text ?? ''))!;
      assert.ok(big.response.content.size > 100 * 1024, 'the real size is recorded');
      assert.ok(big.response.content.text!.length <= 64 * 1024, 'the copy is bounded');
      assert.match(big.comment ?? '', /response body cut in the trace/);
      assert.ok(text.length < 200 * 1024, `the whole HAR stays small (${text.length} bytes)`);
    } finally {
      await server.close();
    }
  });

  test('nothing listening: exit 3, and the HAR and HTML report are still written, valid', async () => {
    const harFile = path.join(dir, 'refused.har');
    const htmlFile = path.join(dir, 'refused.html');
    const port = await closedPort();
    const r = await runCli(['local', '--url', `http://127.0.0.1:${port}/mcp`, '--reporter', `table,html=${htmlFile}`, '--trace', harFile]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const text = await readFile(harFile, 'utf8');
    assert.equal(validator()(JSON.parse(text)), true);
    assert.equal((await importHar(text)).log.entries.length, 0);
    assert.match(await readFile(htmlFile, 'utf8'), new RegExp(`Could not connect:</b> cannot connect to http://127\\.0\\.0\\.1:${port}/mcp: connection refused`));
  });

  test('--trace with --suite protocol is a usage error before anything runs', async () => {
    const r = await runCli(['local', '--url', 'http://127.0.0.1:1/mcp', '--suite', 'protocol', '--trace', path.join(dir, 'p.har')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--trace records scenario runs/);
  });
});

describe('--trace and --reporter html on a remote run: SigV4 with a session token, nothing secret', () => {
  let upstream: Awaited<ReturnType<typeof startTravelServer>>;
  let emulator: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
  let home: string;
  const env = () => ({
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: KEY,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
  });
  before(async () => {
    upstream = await startTravelServer({ port: 0 });
    emulator = await startAgentCoreEmulator({ upstream: upstream.url, port: 0, credentials: { accessKeyId: KEY, secretAccessKey: SECRET } });
    home = await mkdtemp(path.join(tmpdir(), 'mcp-verify-har-home-'));
  });
  after(async () => {
    await emulator.close();
    await upstream.close();
  });

  test('remote: the HAR validates, shows the signed headers masked, and holds no secret', async () => {
    const harFile = path.join(dir, 'remote.har');
    const htmlFile = path.join(dir, 'remote.html');
    const r = await runCli(
      ['remote', '--arn', ARN, '--endpoint-url', emulator.url, path.join(ROOT, 'scenarios/travel/elicitation.yaml'), '--trace', harFile, '--reporter', `plain,html=${htmlFile}`, '-v'],
      { env: env(), timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const text = await readFile(harFile, 'utf8');
    const html = await readFile(htmlFile, 'utf8');
    const validate = validator();
    assert.equal(validate(JSON.parse(text)), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const har = await importHar(text);
    const post = har.log.entries.find((e) => e.request.method === 'POST')!;
    const header = (n: string) => post.request.headers.find((h) => h.name.toLowerCase() === n)?.value;
    assert.equal(header('authorization'), 'AWS4-HMAC-SHA256 [REDACTED]', 'the signature header as sent, masked');
    assert.equal(header('x-amz-security-token'), '[REDACTED]');
    assert.ok(header('x-amz-date'), 'the rest of the signed request is there');
    for (const [name, out] of [
      ['HAR', text],
      ['HTML', html],
      ['stdout', r.stdout + r.stderr],
    ] as const) {
      for (const secret of [SECRET, SESSION_TOKEN]) for (const form of encodings(secret)) assert.ok(!out.includes(form), `${name} holds a secret (${form.slice(0, 12)}…)`);
      assert.doesNotMatch(out, /Signature=[0-9a-f]{16,}/, `${name} holds a signature`);
    }
    assert.match(r.stdout, /step 1 "call plan_trip" PASS/, '-v shows the transcript of passing steps');
  });

  test('compare: both sides in one HAR and one HTML report, side by side with differences marked', async () => {
    const harFile = path.join(dir, 'compare.har');
    const htmlFile = path.join(dir, 'compare.html');
    const r = await runCli(
      ['compare', '--url', upstream.url, '--arn', ARN, '--endpoint-url', emulator.url, path.join(ROOT, 'scenarios/travel/session.yaml'), '--trace', harFile, '--reporter', `html=${htmlFile}`],
      { env: env(), timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const har = await importHar(await readFile(harFile, 'utf8'));
    const titles = (har.log.pages ?? []).map((p) => p.title);
    assert.ok(titles.some((t) => t.startsWith('Local: ')) && titles.some((t) => t.startsWith('Remote (AgentCore): ')), titles.join('\n'));
    const html = await readFile(htmlFile, 'utf8');
    assert.match(html, /<h2>Side by side<\/h2>/);
    assert.match(html, /<div class="runs compare">/);
    assert.match(html, /<tr><td>Auth Method<\/td><td class="differs">None<\/td><td class="differs">SigV4<\/td><td><b>differs<\/b><\/td><\/tr>/);
    for (const secret of [SECRET, SESSION_TOKEN]) assert.ok(!html.includes(secret));
  });
});

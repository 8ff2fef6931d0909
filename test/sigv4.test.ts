// The SigV4 signer and verifier against every case of the AWS SigV4 test suite (fixtures copied from
// botocore, see test/fixtures/sigv4-test-suite/PROVENANCE.md), plus the AgentCore-specific facts:
// double-encoded canonical path, qualifier in the query, fetch over real loopback HTTP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSigV4Fetch,
  parseAuthorization,
  parseQueryString,
  signRequest,
} from '../src/target/sigv4.js';
import { explainSignature, verifySigV4, type IncomingSignedRequest } from '../src/servers/agentcore/sigv4-verify.js';
import { invocationUrlForArn } from '../src/target/arn.js';

const SUITE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sigv4-test-suite');
const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const REGION = 'us-east-1';
const SERVICE = 'service';
const SUITE_TIME = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));

interface RawRequest {
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  body: string | undefined;
}

/** Parse a `.req`/`.sreq` file: request line, headers (with continuation lines), blank line, body. */
function parseRawRequest(text: string): RawRequest {
  const lines = text.split('\n');
  const requestLine = lines.shift()!;
  // The path may contain a space (normalize-path/get-space), so take method and protocol from the ends.
  const first = requestLine.indexOf(' ');
  const last = requestLine.lastIndexOf(' ');
  const method = requestLine.slice(0, first);
  const target = requestLine.slice(first + 1, last);
  const q = target.indexOf('?');
  const headers: Array<[string, string]> = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') break;
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]![1] += `\n${line}`; // continuation of a multi-line value
      continue;
    }
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  // A blank line followed by nothing is a trailing newline, not an empty body.
  const rest = lines.slice(i + 1).join('\n');
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers,
    body: rest === '' ? undefined : rest,
  };
}

function findCases(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...findCases(p));
    else if (entry.endsWith('.req')) out.push(p.slice(0, -'.req'.length));
  }
  return out.sort();
}

const read = (base: string, ext: string) => readFileSync(`${base}.${ext}`, 'utf8');
const tryRead = (base: string, ext: string) => {
  try {
    return read(base, ext);
  } catch {
    return undefined;
  }
};

const cases = findCases(SUITE);

test('the fixture holds the whole suite', () => {
  assert.equal(cases.length, 34);
});

for (const base of cases) {
  const name = base.slice(SUITE.length + 1);
  test(`signer reproduces ${name}`, async () => {
    const req = parseRawRequest(read(base, 'req'));
    const creq = tryRead(base, 'creq');
    // Session-token cases whose .req lacks the token: the signer adds it from the credentials.
    const tokenInCreq = creq ? /^x-amz-security-token:(.*)$/m.exec(creq)?.[1] : undefined;
    const hasTokenHeader = req.headers.some(([n]) => n.toLowerCase() === 'x-amz-security-token');
    const credentials = tokenInCreq && !hasTokenHeader ? { ...CREDS, sessionToken: tokenInCreq } : CREDS;
    const headers: Record<string, string> = {};
    for (const [n, v] of req.headers) {
      const lower = n.toLowerCase();
      headers[lower] = lower in headers ? `${headers[lower]},${v}` : v;
    }
    const { host, ...rest } = headers;
    const signed = await signRequest(
      { method: req.method, host: host!.trim(), path: req.path, query: parseQueryString(req.query), headers: rest, body: req.body },
      { credentials, region: REGION, service: SERVICE, signingDate: SUITE_TIME },
    );
    // The signature is smithy's own (signRequest uses SignatureV4 as it is).
    assert.equal(signed.authorization, read(base, 'authz').trim(), 'authorization');
    // The verifier's explanation of a refusal must show the very strings that signature was made from.
    const explained = await explainSignature(
      { method: req.method, host: host!.trim(), path: req.path, query: parseQueryString(req.query), headers: signed.headers, body: req.body },
      { region: REGION, service: SERVICE },
    );
    if (creq !== undefined) assert.equal(explained.canonicalRequest, creq, 'canonical request');
    const sts = tryRead(base, 'sts');
    if (sts !== undefined) assert.equal(explained.stringToSign, sts, 'string to sign');
  });

  test(`verifier accepts ${name} and refuses it with one byte changed`, async () => {
    const sreq = parseRawRequest(read(base, 'sreq'));
    const authz = read(base, 'authz').trim();
    const sreqAuth = sreq.headers.find(([n]) => n.toLowerCase() === 'authorization')![1].trim();
    if (sreqAuth !== authz) {
      // PROVENANCE.md: get-vanilla-with-session-token.sreq carries a stale signature. It must fail;
      // the .authz value (the correct one) must pass.
      assert.equal(basename(base), 'get-vanilla-with-session-token');
      const stale = await verifySigV4(toIncoming(sreq), { credentials: CREDS, region: REGION, service: SERVICE, now: SUITE_TIME });
      assert.equal(stale.ok, false);
      sreq.headers = sreq.headers.map(([n, v]) => [n, n.toLowerCase() === 'authorization' ? authz : v]);
    }
    const opts = { credentials: CREDS, region: REGION, service: SERVICE, now: SUITE_TIME };
    const verdict = await verifySigV4(toIncoming(sreq), opts);
    assert.deepEqual(verdict, { ok: true, accessKeyId: 'AKIDEXAMPLE' });

    const mutations: Array<[string, RawRequest]> = [];
    const withHeader = (name: string, f: (v: string) => string): RawRequest => ({
      ...sreq,
      headers: sreq.headers.map(([n, v]) => [n, n.toLowerCase() === name ? f(v) : v]),
    });
    mutations.push(['host', withHeader('host', (v) => v.replace('example', 'exbmple'))]);
    mutations.push(['x-amz-date', withHeader('x-amz-date', (v) => v.replace(/0Z$/, '1Z'))]);
    mutations.push(['signature', withHeader('authorization', (v) => v.replace(/.$/, (c) => (c === '0' ? '1' : '0')))]);
    if (sreq.body) mutations.push(['body', { ...sreq, body: sreq.body.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x')) }]);
    // Skipped where ".." removes the changed segment: both paths then normalize to the same canonical URI.
    if (/[a-z]/.test(sreq.path) && !sreq.path.includes('..')) {
      mutations.push(['path', { ...sreq, path: sreq.path.replace(/[a-z]/, (c) => (c === 'z' ? 'y' : String.fromCharCode(c.charCodeAt(0) + 1))) }]);
    }
    if (sreq.query) mutations.push(['query', { ...sreq, query: sreq.query.replace(/.$/, (c) => (c === '1' ? '2' : '1')) }]);
    for (const [what, mutated] of mutations) {
      const v = await verifySigV4(toIncoming(mutated), opts);
      assert.equal(v.ok, false, `one byte changed in ${what} must be refused`);
      // A wrong signature over an unchanged request: the refusal shows the canonical request the suite expects.
      const creq = tryRead(base, 'creq');
      if (what === 'signature' && creq !== undefined && !v.ok) assert.equal(v.canonicalRequest, creq, 'the refusal explains with the canonical request');
    }
  });
}

function toIncoming(r: RawRequest): IncomingSignedRequest {
  return { method: r.method, path: r.path, query: r.query, headers: r.headers, body: r.body };
}

const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/my_agent-Ab12Cd34Ef';

test('AgentCore: canonical path is the wire path encoded twice and the qualifier is in the query', async () => {
  const url = invocationUrlForArn(ARN, { qualifier: 'DEFAULT' });
  assert.equal(
    url.pathname,
    '/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-west-2%3A123456789012%3Aruntime%2Fmy_agent-Ab12Cd34Ef/invocations',
  );
  const signed = await signRequest(
    { method: 'POST', host: url.host, path: url.pathname, query: parseQueryString(url.search.slice(1)), body: '{}' },
    { credentials: CREDS, region: 'us-west-2' },
  );
  const explained = await explainSignature(
    { method: 'POST', host: url.host, path: url.pathname, query: parseQueryString(url.search.slice(1)), headers: signed.headers, body: '{}' },
    { region: 'us-west-2' },
  );
  const [method, path, query] = explained.canonicalRequest.split('\n');
  assert.equal(method, 'POST');
  assert.equal(
    path,
    '/runtimes/arn%253Aaws%253Abedrock-agentcore%253Aus-west-2%253A123456789012%253Aruntime%252Fmy_agent-Ab12Cd34Ef/invocations',
  );
  assert.equal(query, 'qualifier=DEFAULT');
  assert.match(signed.authorization, /\/us-west-2\/bedrock-agentcore\/aws4_request, /);
  assert.equal(signed.headers['x-amz-content-sha256'], undefined, 'botocore adds no x-amz-content-sha256 here');
});

test('createSigV4Fetch signs every request over real HTTP; the verifier accepts what it sent', async () => {
  const seen: Array<{ req: IncomingMessage; body: string }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ req, body: Buffer.concat(chunks).toString('utf8') });
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  try {
    const url = invocationUrlForArn(ARN, { endpointUrl: `http://127.0.0.1:${port}` });
    const creds = { ...CREDS, sessionToken: 'TOKEN-abc' };
    let calls = 0;
    const f = createSigV4Fetch({ region: 'us-west-2', credentials: async () => (calls++, creds) });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    for (const method of ['POST', 'GET', 'DELETE']) {
      const res = await f(url, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'user-agent': 'x' },
        body: method === 'POST' ? body : undefined,
      });
      assert.equal(await res.text(), 'ok');
    }
    assert.equal(calls, 3, 'credentials are asked for before every signature (refresh)');
    assert.equal(seen.length, 3);
    for (const { req, body: received } of seen) {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const [path, query = ''] = req.url!.split('?');
      assert.equal(path, url.pathname, 'the wire path is the encoded ARN');
      assert.equal(query, 'qualifier=DEFAULT');
      const auth = parseAuthorization(req.headers.authorization!)!;
      for (const h of ['connection', 'user-agent', 'accept-encoding', 'accept-language', 'content-length', 'sec-fetch-mode']) {
        assert.ok(!auth.signedHeaders.includes(h), `${h} must not be signed`);
      }
      assert.ok(auth.signedHeaders.includes('host') && auth.signedHeaders.includes('x-amz-security-token'));
      assert.equal(req.headers['x-amz-content-sha256'], undefined);
      const verdict = await verifySigV4(
        { method: req.method!, path: path!, query, headers: pairs, body: received },
        { credentials: creds, region: 'us-west-2' },
      );
      assert.deepEqual(verdict, { ok: true, accessKeyId: 'AKIDEXAMPLE' });
      const wrongRegion = await verifySigV4(
        { method: req.method!, path: path!, query, headers: pairs, body: received },
        { credentials: creds, region: 'us-east-1' },
      );
      assert.equal(wrongRegion.ok, false);
      assert.ok(!JSON.stringify(wrongRegion).includes(CREDS.secretAccessKey));
    }
  } finally {
    server.close();
  }
});

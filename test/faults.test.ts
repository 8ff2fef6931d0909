// Fault injection over real sockets: the real CLI → the fault proxy → the real reference server.
// For every fault: the run ends within its timeouts, the faulted step FAILs with a cause a person can
// read (no stack trace), the other scenario still PASSes, the exit code is the documented one, and
// every requested report file is complete and valid. Resilience (retries, Last-Event-ID resume,
// re-initialize after 404) and the hostile-server rules are checked the same way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { REPORTER_NAMES } from '../src/report/reporters.js';
import { runCli, type CliResult } from './support/cli.js';
import { startFaultProxy, type Fault, type FaultProxy, type FaultRule } from './support/fault-proxy.js';

let server: Awaited<ReturnType<typeof startTravelServer>>;
let proxy: FaultProxy;
let dir: string;
let twoScenarios: string;
const tally = { injected: 0, handled: 0 };

/** Two scenarios in one file: only the second (it reads "paris") is ever faulted. */
const TWO = `scenarios:
  - name: healthy
    steps:
      - read: travel://destinations
        expect: { text: Paris }
  - name: faulted
    steps:
      - read: travel://destination/paris
        expect: { text: Paris }
`;

before(async () => {
  // A server that cannot resume: a cut stream is the client's failure to report, unless the fault itself
  // makes the stream resumable (resumable-cut). The reference server's own resumption: protocol-suite.test.ts.
  server = await startTravelServer({ port: 0, resumable: false });
  proxy = await startFaultProxy(server.url);
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-faults-'));
  twoScenarios = path.join(dir, 'two.yaml');
  await writeFile(twoScenarios, TWO);
});
after(async () => {
  await proxy.close();
  await server.close();
  console.log(`faults injected: ${tally.injected}, handled: ${tally.handled}`);
});

const fileReporters = ['json', 'junit', 'tap'].filter((r) => (REPORTER_NAMES as readonly string[]).includes(r));

/** Runs the two-scenario file through the proxy with every file reporter, and checks what every fault must show. */
async function runFaulted(name: string, rules: FaultRule[], extra: string[] = [], file = twoScenarios): Promise<{ r: CliResult; json: any }> {
  proxy.setRules(rules);
  const reports = Object.fromEntries(fileReporters.map((f) => [f, path.join(dir, `${name}.${f}`)]));
  const reporter = ['table', ...fileReporters.map((f) => `${f}=${reports[f]}`)].join(',');
  const r = await runCli(['local', '--url', proxy.url, '--timeout', '2s', '--reporter', reporter, ...extra, file], { timeoutMs: 30_000 });
  assert.equal(r.signal, null, `the run hung and was killed\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout + r.stderr, /^\s+at .+\(.*:\d+:\d+\)$/m, 'no stack trace');
  assert.doesNotMatch(r.stderr, /internal error/);
  let json: any;
  if (reports.json) {
    json = JSON.parse(await readFile(reports.json, 'utf8'));
    assert.equal(json.scenarios.length, 2, 'json report lists both scenarios');
  }
  if (reports.junit) {
    const xml = await readFile(reports.junit, 'utf8');
    assert.match(xml, /^<\?xml[^>]*\?>/);
    assert.match(xml.trim(), /<\/testsuites>$/);
    assert.equal((xml.match(/<testsuite\b/g) ?? []).length, 2, 'junit has a suite per scenario');
  }
  if (reports.tap) {
    const tap = await readFile(reports.tap, 'utf8');
    assert.match(tap, /^TAP version \d+/m);
    assert.match(tap, /^1\.\.2$/m);
  }
  return { r, json };
}

/** The healthy scenario passed, the faulted one failed with `cause`, exit 1. */
function assertIsolatedFailure(r: CliResult, json: any, cause: RegExp): void {
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^healthy\s+.*PASS/m, 'the other scenario is unaffected');
  assert.match(r.stdout, /^faulted\s+.*FAIL/m);
  assert.match(r.stdout, cause);
  if (json) {
    assert.equal(json.scenarios[0].status, 'passed');
    assert.equal(json.scenarios[1].status, 'failed');
  }
  tally.handled++;
}

const paris = (fault: Fault, more: Partial<FaultRule> = {}): FaultRule[] => [{ rpc: 'resources/read', bodyIncludes: 'paris', fault, ...more }];

const faults: { name: string; fault: Fault; cause: RegExp }[] = [
  { name: 'reset before any response', fault: { kind: 'reset-before-response' }, cause: /connection reset: POST resources\/read got no response|socket|reset/i },
  { name: 'reset mid-response', fault: { kind: 'reset-mid-response' }, cause: /response stream for resources\/read ended before the result \(connection reset/ },
  { name: 'SSE stream cut before the result', fault: { kind: 'cut-sse-before-result' }, cause: /response stream for resources\/read ended before the result \(the server closed it/ },
  { name: 'response delayed past the step timeout', fault: { kind: 'delay', ms: 4000 }, cause: /read travel:\/\/destination\/paris failed: no result within the step timeout of \d+s \(raise it with --timeout/ },
  { name: 'HTTP 500', fault: { kind: 'status', status: 500, body: 'boom' }, cause: /the server answered HTTP 500 Internal Server Error to resources\/read: boom/ },
  { name: 'HTTP 502', fault: { kind: 'status', status: 502 }, cause: /the server answered HTTP 502 Bad Gateway to resources\/read/ },
  { name: 'truncated JSON', fault: { kind: 'truncated-json' }, cause: /the response to resources\/read is not valid JSON/ },
  { name: 'invalid JSON', fault: { kind: 'invalid-json' }, cause: /the response to resources\/read is not valid JSON .*starting "<html>/ },
  { name: 'invalid SSE framing', fault: { kind: 'invalid-sse' }, cause: /response stream for resources\/read ended before the result/ },
  { name: 'a response with the wrong id', fault: { kind: 'wrong-id' }, cause: /wire: the server answered id \d+ on the stream of resources\/read, but the request's id is \d+/ },
  { name: 'a second response for the same id', fault: { kind: 'duplicate-response' }, cause: /wire: the server sent a second response for id \d+ \(resources\/read\)/ },
];

describe('faults over real sockets', () => {
  for (const f of faults) {
    test(f.name, async () => {
      tally.injected++;
      const { r, json } = await runFaulted(f.name.replace(/\W+/g, '-'), paris(f.fault));
      assert.ok(proxy.injected >= 1, 'the fault was injected');
      assertIsolatedFailure(r, json, f.cause);
    });
  }

  test('HTTP 503 and 429 without Retry-After are retried with backoff, then given up on, visibly', async () => {
    tally.injected++;
    const { r, json } = await runFaulted('503-always', paris({ kind: 'status', status: 503 }, { times: Infinity }));
    assertIsolatedFailure(r, json, /the server answered HTTP 503 Service Unavailable to resources\/read/);
    assert.match(r.stdout, /note HTTP 503 \(service unavailable\) for POST resources\/read: retry 1 of 3 in 250ms/);
    assert.match(r.stdout, /gave up after 3 retries/);
    assert.equal(proxy.log.filter((e) => e.body.includes('paris')).length, 4, 'one try and three retries');
  });

  test('HTTP 429 with Retry-After is honoured and the retry succeeds', async () => {
    tally.injected++;
    const { r, json } = await runFaulted('429-once', paris({ kind: 'status', status: 429, retryAfter: '1' }), ['--verbose']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    if (json) assert.deepEqual(json.scenarios.map((s: any) => s.status), ['passed', 'passed']);
    assert.equal(proxy.log.filter((e) => e.body.includes('paris')).length, 2, 'one 429 and one retry');
    tally.handled++;
  });

  test('AgentCore "session operation in progress" (HTTP 200 + JSON-RPC -32005) is retried', async () => {
    tally.injected++;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32005, message: 'Session operation in progress, please retry' } });
    const { r } = await runFaulted('in-progress', paris({ kind: 'status', status: 200, contentType: 'application/json', body }, { times: 2 }));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(proxy.log.filter((e) => e.body.includes('paris')).length, 3);
    tally.handled++;
  });

  test('a response larger than --max-response is cut off and reported', async () => {
    tally.injected++;
    const { r, json } = await runFaulted('too-large', paris({ kind: 'large-response', bytes: 300_000 }), ['--max-response', '64KB']);
    assertIsolatedFailure(r, json, /the response to resources\/read exceeded the 65536-byte response cap and was cut off/);
  });

  test('a stream with event ids that is cut before the result is resumed with Last-Event-ID', async () => {
    tally.injected++;
    const { r } = await runFaulted('resumable', paris({ kind: 'resumable-cut' }));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const resume = proxy.log.find((e) => e.httpMethod === 'GET' && e.body === '' && e.fault === undefined);
    assert.ok(resume, 'the client reconnected');
    tally.handled++;
  });

  test('refused connections for one scenario\'s session do not stop the other (exit 1, not 3)', async () => {
    tally.injected++;
    // The second initialize (the faulted scenario's) is reset: that scenario fails, the first passed.
    const { r, json } = await runFaulted('init-reset', [{ rpc: 'initialize', occurrence: 2, fault: { kind: 'reset-before-response' } }]);
    assertIsolatedFailure(r, json, /cannot open an MCP session at .*connection reset/);
  });

  test('nothing listening at all is exit 3 with one line, and the reports are still written', async () => {
    tally.injected++;
    const closed = await startFaultProxy(server.url);
    const url = closed.url;
    await closed.close();
    const json = path.join(dir, 'refused.json');
    const r = await runCli(['local', '--url', url, '--timeout', '2s', '--reporter', `table,json=${json}`, twoScenarios]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot connect to .*: connection refused/);
    assert.ok(r.stderr.trim().split('\n').length <= 2);
    const report = JSON.parse(await readFile(json, 'utf8'));
    assert.match(report.connectError, /connection refused/);
    tally.handled++;
  });

  test('404 for a known session: "session expired", and re-initialize only where the scenario allows', async () => {
    tally.injected++;
    const notFound: Fault = { kind: 'status', status: 404, contentType: 'application/json', body: '{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}' };
    const { r, json } = await runFaulted('expired', paris(notFound));
    assertIsolatedFailure(r, json, /session\.expired: session expired: the server answered 404 for session [0-9a-f]+; the client must re-initialize/);

    const allowed = path.join(dir, 'reinit.yaml');
    await writeFile(allowed, TWO.replace('  - name: faulted\n', '  - name: faulted\n    session: { reinitialize: true }\n'));
    const again = await runFaulted('expired-reinit', paris(notFound), [], allowed);
    assert.equal(again.r.code, 0, again.r.stdout + again.r.stderr);
    assert.equal(proxy.log.filter((e) => e.rpc === 'initialize').length, 3, 'a new session was initialized');
  });

  test('the server dies during a tool call: the call fails with the cause, the earlier scenario stands', async () => {
    tally.injected++;
    const victim = await startTravelServer({ port: 0, resumable: false });
    const killProxy = await startFaultProxy(victim.url, { kill: () => victim.close() });
    try {
      const file = path.join(dir, 'kill.yaml');
      await writeFile(
        file,
        `scenarios:
  - name: healthy
    steps:
      - read: travel://destinations
  - name: faulted
    steps:
      - call: search_flights
        args: { origin: Oslo, destination: Rome }
`,
      );
      killProxy.setRules([{ rpc: 'tools/call', fault: { kind: 'kill-server' } }]);
      const json = path.join(dir, 'kill.json');
      const r = await runCli(['local', '--url', killProxy.url, '--timeout', '2s', '--reporter', `table,json=${json}`, file], { timeoutMs: 30_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^healthy\s+.*PASS/m);
      assert.match(r.stdout, /^faulted\s+.*FAIL/m);
      assert.match(r.stdout, /call search_flights failed: .*(ended before the result|connection reset|no response)/);
      const report = JSON.parse(await readFile(json, 'utf8'));
      assert.deepEqual(report.scenarios.map((s: any) => s.status), ['passed', 'failed']);
      tally.handled++;
    } finally {
      await killProxy.close();
      await victim.close();
    }
  });
});

describe('hostile server', () => {
  test('an unknown server→client method gets "method not found"; a nested elicitation schema is declined and reported', async () => {
    tally.injected++;
    const file = path.join(dir, 'hostile.yaml');
    await writeFile(
      file,
      `scenarios:
  - name: hostile
    steps:
      - read: travel://destination/paris
`,
    );
    proxy.setRules(
      paris({
        kind: 'inject',
        messages: [
          { jsonrpc: '2.0', id: 'evil-1', method: 'shell/exec', params: { command: 'touch /tmp/pwned' } },
          {
            jsonrpc: '2.0',
            id: 'evil-2',
            method: 'elicitation/create',
            params: { message: 'Your address?', requestedSchema: { type: 'object', properties: { address: { type: 'object', properties: { street: { type: 'string' } } } } } },
          },
        ],
      }),
    );
    const r = await runCli(['local', '--url', proxy.url, '--timeout', '5s', file], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const evil1 = proxy.replies.get('evil-1') as { error?: { code: number } } | undefined;
    assert.equal(evil1?.error?.code, -32601, `unknown method answered "method not found": ${JSON.stringify(evil1)}`);
    const evil2 = proxy.replies.get('evil-2') as { result?: { action: string } } | undefined;
    assert.equal(evil2?.result?.action, 'decline');
    assert.match(r.stdout, /schema is not a flat object of primitives .*declined/);
    tally.handled++;
  });
});

describe('signals', () => {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    test(`${sig} during a run: stops promptly, ends the open session, writes every report with the rest "interrupted", exit ${code}`, async () => {
      tally.injected++;
      const file = path.join(dir, `signal-${sig}.yaml`);
      await writeFile(file, `${TWO}  - name: never-started\n    steps:\n      - ping: true\n`);
      proxy.setRules(paris({ kind: 'delay', ms: 20_000 }));
      const json = path.join(dir, `signal-${sig}.json`);
      const { spawn } = await import('node:child_process');
      const { BIN, ROOT } = await import('./support/cli.js');
      const child = spawn(process.execPath, [BIN, 'local', '--url', proxy.url, '--timeout', '30s', '--reporter', `plain,json=${json}`, file], {
        cwd: ROOT,
        env: { ...process.env, CI: 'true', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      // Signal once the faulted scenario's request is in flight (held by the proxy).
      for (let i = 0; i < 200 && !proxy.log.some((e) => e.body.includes('paris')); i++) await new Promise((r) => setTimeout(r, 50));
      child.kill(sig);
      const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      clearTimeout(killer);
      assert.equal(exit, code, stdout + stderr);
      assert.match(stderr, new RegExp(`${sig === 'SIGINT' ? 'interrupted' : 'terminated'} \\(${sig}\\)`));
      assert.match(stdout, /^PASS healthy/m);
      assert.match(stdout, /^INTERRUPTED faulted/m);
      const report = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(report.interrupted, true);
      assert.deepEqual(report.scenarios.map((s: any) => s.status), ['passed', 'interrupted', 'interrupted']);
      assert.equal(proxy.log.filter((e) => e.httpMethod === 'DELETE').length, 2, 'both opened sessions were ended with DELETE');
      tally.handled++;
    });
  }
});

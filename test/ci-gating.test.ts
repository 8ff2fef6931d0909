// CI gating, through the real CLI against real servers on loopback: --workers gives the same verdicts,
// --shard partitions the suite exactly, --grep/--tag select, --retries marks a flaky scenario, --bail
// stops, expected failures (XFAIL, and stale entries fail the run), variables and captures, a secret
// from the environment in no output or report, capability-gated skips, scenario timeout, the shipped
// JSON Schema equals the generated one, and `init` writes a suite that validates and passes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { ROOT, runCli } from './support/cli.js';

/**
 * A tiny test-only MCP server: tools only (no resources, no prompts, no logging), stateful sessions.
 * `flaky_once` fails on its first call server-wide and succeeds afterwards (the honest way to make a
 * scenario fail once and pass on a retry in a new session); `echo` returns its arguments as JSON;
 * `slow` takes 2 s.
 */
async function startToolsOnlyServer(): Promise<{ url: string; close(): Promise<void>; reset(): void }> {
  let flakyCalls = 0;
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();
  const make = () => {
    const server = new McpServer({ name: 'tools-only', version: '1.0.0' });
    server.registerTool('flaky_once', { description: 'fails the first time' }, async () =>
      ++flakyCalls === 1 ? { isError: true, content: [{ type: 'text', text: 'first call fails' }] } : { content: [{ type: 'text', text: 'ok now' }] },
    );
    server.registerTool('echo', { description: 'echo', inputSchema: z.object({ value: z.string() }) }, async ({ value }) => ({
      content: [{ type: 'text', text: JSON.stringify({ echoed: value, length: value.length }) }],
    }));
    server.registerTool('slow', { description: 'slow' }, async () => {
      await new Promise((r) => setTimeout(r, 2000));
      return { content: [{ type: 'text', text: 'done' }] };
    });
    return server;
  };
  const http: Server = createServer(async (req, res) => {
    const sid = req.headers['mcp-session-id'];
    if (typeof sid === 'string') {
      const t = transports.get(sid);
      if (!t) return void res.writeHead(404).end();
      return void (await t.handleRequest(req, res));
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    if (req.method !== 'POST' || !isInitializeRequest(body)) return void res.writeHead(400).end();
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void transports.set(id, transport) });
    transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
    await make().connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    reset: () => void (flakyCalls = 0),
    close: async () => {
      for (const t of transports.values()) await t.close().catch(() => {});
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}

let travel: RunningTravelServer;
let tools: Awaited<ReturnType<typeof startToolsOnlyServer>>;
let dir: string;

before(async () => {
  travel = await startTravelServer({ port: 0, host: '127.0.0.1' });
  tools = await startToolsOnlyServer();
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-ci-'));
});
after(async () => {
  await travel.close();
  await tools.close();
});

interface Json {
  scenarios: { id: string; name: string; status: string; attempts: number; error?: string; failedAttempts?: string[]; checks: { name: string; verdict: string; message?: string }[]; steps: { id: string; verdict: string; checks: { name: string; verdict: string; message?: string; actual?: unknown }[] }[] }[];
  summary: Record<string, number>;
}

async function runJson(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; json: Json; stdout: string; stderr: string }> {
  const out = path.join(dir, `run-${randomUUID()}.json`);
  const r = await runCli([...args, '--reporter', `plain,json=${out}`], { env });
  return { code: r.code, json: JSON.parse(await readFile(out, 'utf8')) as Json, stdout: r.stdout, stderr: r.stderr };
}

async function scenarioFile(name: string, yaml: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, yaml);
  return file;
}

describe('parallel sessions and shards (bundled suite, reference server)', () => {
  test('--workers 8 gives the same verdicts, in the same order, as --workers 1', async () => {
    const [one, eight] = await Promise.all([runJson(['local', '--url', travel.url, '--workers', '1']), runJson(['local', '--url', travel.url, '--workers', '8'])]);
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.equal(eight.code, 0, eight.stdout + eight.stderr);
    const verdicts = (j: Json) => j.scenarios.map((s) => [s.id, s.status, s.steps.map((st) => st.verdict).join(',')].join(' '));
    assert.deepEqual(verdicts(eight.json), verdicts(one.json));
    assert.ok(one.json.scenarios.length >= 10);
  });

  test('--shard i/n partitions the suite exactly: the union of all shards is the suite, no overlap', async () => {
    const all = (await runCli(['local', '--url', 'http://127.0.0.1:1/mcp', '--grep', 'zzz-nothing'])).code;
    assert.equal(all, 2, 'a --grep that matches nothing is a usage error');
    const full = await runJson(['local', '--url', travel.url, '--workers', '4']);
    const shards = await Promise.all([1, 2, 3].map((i) => runJson(['local', '--url', travel.url, '--workers', '4', '--shard', `${i}/3`])));
    const ids = shards.flatMap((s) => s.json.scenarios.map((x) => x.id));
    assert.equal(new Set(ids).size, ids.length, 'no scenario runs in two shards');
    assert.deepEqual([...ids].sort(), full.json.scenarios.map((s) => s.id).sort());
    for (const s of shards) assert.ok(s.json.scenarios.length >= 3 && s.json.scenarios.length <= 4, 'round-robin by id keeps shards even');
    const bad = await runCli(['local', '--url', travel.url, '--shard', '4/3']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shard takes i\/n/);
  });

  test('--grep and --tag select scenarios', async () => {
    const g = await runJson(['local', '--url', travel.url, '--grep', 'sampling-']);
    assert.deepEqual(g.json.scenarios.map((s) => s.name).sort(), ['sampling-in-plan-trip', 'sampling-quick-recommend']);
    const t = await runJson(['local', '--url', travel.url, '--tag', 'elicitation']);
    assert.ok(t.json.scenarios.length >= 3 && t.json.scenarios.every((s) => s.name.startsWith('elicitation')));
  });
});

describe('retries, bail, expected failures, timeouts, skips (tools-only test server)', () => {
  test('--retries: a scenario that fails on its first attempt and passes on the second is FLAKY, and the run passes', async () => {
    tools.reset();
    const file = await scenarioFile('flaky.yaml', 'scenarios:\n  - name: flaky\n    steps:\n      - call: flaky_once\n        expect: { text: ok now }\n');
    const r = await runJson(['local', '--url', tools.url, file, '--retries', '2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = r.json.scenarios[0]!;
    assert.equal(s.status, 'flaky');
    assert.equal(s.attempts, 2);
    assert.match(s.failedAttempts![0]!, /attempt 1: .*isError/);
    assert.match(r.stdout, /FLAKY flaky/);
    tools.reset();
    const noRetry = await runJson(['local', '--url', tools.url, file]);
    assert.equal(noRetry.code, 1, 'without --retries the same first failure fails the run');
  });

  test('--bail stops starting scenarios after the first failure', async () => {
    const file = await scenarioFile(
      'bail.yaml',
      'scenarios:\n  - name: fails\n    steps:\n      - call: echo\n        args: { value: a }\n        expect: { text: nope }\n  - name: would-pass\n    steps:\n      - call: echo\n        args: { value: b }\n',
    );
    const r = await runJson(['local', '--url', tools.url, file, '--bail']);
    assert.equal(r.code, 1);
    assert.deepEqual(r.json.scenarios.map((s) => s.status), ['failed', 'skipped']);
    assert.match(r.json.scenarios[1]!.error!, /--bail/);
  });

  test('expected failures: listed failures are XFAIL (exit 0); an entry that now passes fails the run as stale', async () => {
    const file = await scenarioFile(
      'xfail.yaml',
      'scenarios:\n  - name: known-bug\n    steps:\n      - id: wrong\n        call: echo\n        args: { value: a }\n        expect: { text: nope }\n  - name: fixed-bug\n    steps:\n      - call: echo\n        args: { value: b }\n',
    );
    const list = await scenarioFile('xfail.txt', '# known failures\nknown-bug/wrong\n');
    const ok = await runJson(['local', '--url', tools.url, file, '--expected-failures', list]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.json.scenarios[0]!.status, 'expected-failure');
    assert.equal(ok.json.summary.expectedFailures, 1);

    const stale = await scenarioFile('stale.yaml', '- known-bug\n- fixed-bug\n');
    const r = await runJson(['local', '--url', tools.url, file, '--expected-failures', stale]);
    assert.equal(r.code, 1);
    const fixed = r.json.scenarios.find((s) => s.name === 'fixed-bug')!;
    assert.equal(fixed.status, 'failed');
    assert.match(fixed.checks.find((c) => c.name === 'expected-failure.stale')!.message!, /fixed-bug is listed in .*stale\.yaml but the scenario passed: remove the entry/);

    const unknown = await scenarioFile('unknown.txt', 'no-such-scenario\n');
    const u = await runCli(['local', '--url', tools.url, file, '--expected-failures', unknown]);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown\.txt:1: "no-such-scenario" names no scenario/);
  });

  test('capability-gated skips: SKIP with the reason, FAIL when the scenario requires the capability; scenario timeout', async () => {
    const file = await scenarioFile(
      'caps.yaml',
      [
        'scenarios:',
        '  - name: optional-prompts',
        '    steps:',
        '      - list: prompts',
        '      - list: tools',
        '  - name: required-prompts',
        '    requires: [prompts]',
        '    steps:',
        '      - list: prompts',
        '  - name: too-slow',
        '    timeout: 500ms',
        '    steps:',
        '      - call: slow',
        '      - call: echo',
        '        args: { value: never }',
        '',
      ].join('\n'),
    );
    const r = await runJson(['local', '--url', tools.url, file]);
    assert.equal(r.code, 1);
    const [optional, required, slow] = r.json.scenarios;
    assert.equal(optional!.status, 'passed');
    assert.equal(optional!.steps[0]!.verdict, 'skipped');
    assert.match(optional!.steps[0]!.checks[0]!.message!, /the server did not declare the prompts capability/);
    assert.equal(required!.status, 'failed');
    assert.match(required!.steps[0]!.checks[0]!.message!, /prompts capability, which this scenario requires/);
    assert.equal(slow!.status, 'failed');
    assert.match(slow!.error!, /scenario timeout of 500ms exceeded during step 1/);
    assert.equal(slow!.steps.length, 1, 'no step starts after the scenario timeout');
  });
});

describe('variables, captures and secrets', () => {
  test('${env.X}, --var and captures reach the server; a secret from the environment is in no output or report', async () => {
    const secret = `sk-test-${randomUUID()}`;
    const file = await scenarioFile(
      'vars.yaml',
      [
        'secrets: [env.MCPV_TEST_TOKEN, echoed]',
        'variables: { greeting: hello }',
        'scenarios:',
        '  - name: uses-variables',
        '    steps:',
        '      - call: echo',
        '        args: { value: "${greeting} ${who}" }',
        '        capture: { len: json.length }',
        '        expect: { json: { echoed: hello world } }',
        '      - call: echo',
        '        args: { value: "len=${len}" }',
        '        expect: { text: "len=11" }',
        '  - name: leaks-secret',
        '    steps:',
        '      - call: echo',
        '        args: { value: "${env.MCPV_TEST_TOKEN}" }',
        '        capture: { echoed: json.echoed }',
        '        expect: { text: this-fails-so-the-secret-is-in-the-evidence }',
        '',
      ].join('\n'),
    );
    const reports = path.join(dir, `reports-${randomUUID()}`);
    const summary = path.join(reports, 'summary.md');
    const r = await runCli(
      ['local', '--url', tools.url, file, '--var', 'who=world', '--verbose', '--reporter', `table,plain,json=${reports}/o.json,junit=${reports}/deep/j.xml,tap=${reports}/t.tap,github`],
      { env: { MCPV_TEST_TOKEN: secret, GITHUB_STEP_SUMMARY: summary } },
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const json = JSON.parse(await readFile(`${reports}/o.json`, 'utf8')) as Json;
    assert.equal(json.scenarios[0]!.status, 'passed', JSON.stringify(json.scenarios[0]));
    assert.equal(json.scenarios[1]!.status, 'failed');
    const files = [`${reports}/o.json`, `${reports}/deep/j.xml`, `${reports}/t.tap`, summary];
    assert.deepEqual((await readdir(reports)).sort(), ['deep', 'o.json', 'summary.md', 't.tap']);
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      assert.ok(!text.includes(secret), `${f} contains the secret`);
      assert.ok(!text.includes(secret.slice(8)), `${f} contains part of the secret`);
    }
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the secret is in the console output');
    assert.match(await readFile(`${reports}/o.json`, 'utf8'), /\[REDACTED\]/, 'the redaction marker shows where the secret was');
  });

  test('an unset ${env.X} or undefined ${var} is exit 2 with file:line before anything runs', async () => {
    const file = await scenarioFile('undef.yaml', 'scenarios:\n  - name: u\n    steps:\n      - call: echo\n        args: { value: "${env.MCPV_SURELY_UNSET} ${nope}" }\n');
    const r = await runCli(['local', '--url', 'http://127.0.0.1:1/mcp', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /undef\.yaml:4: \$\{env\.MCPV_SURELY_UNSET\}: the environment variable MCPV_SURELY_UNSET is not set/);
    assert.match(r.stderr, /undef\.yaml:4: \$\{nope\} is not defined/);
  });
});

describe('schema and init', () => {
  test('the shipped schema/scenario.schema.json equals `mcp-verify schema` (regenerate: npm run schema)', async () => {
    const r = await runCli(['schema']);
    assert.equal(r.code, 0);
    assert.equal(await readFile(path.join(ROOT, 'schema', 'scenario.schema.json'), 'utf8'), r.stdout, 'schema/scenario.schema.json is stale: run npm run schema');
  });

  test('init writes a commented starter suite that validates and passes against the server it came from', async () => {
    const out = path.join(dir, 'init', 'starter.yaml');
    const r = await runCli(['init', '--url', travel.url, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(out, 'utf8');
    assert.match(text, /^# yaml-language-server: \$schema=.*schema\/scenario\.schema\.json$/m);
    assert.match(text, /names: \[plan_trip, quick_recommend, search_flights, noop\]/);
    assert.match(text, /# {5}- call: search_flights/, 'tool calls are written commented out');
    assert.equal((await runCli(['validate', out])).code, 0);
    const run = await runCli(['local', '--url', travel.url, out, '--reporter', 'plain']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /PASS server-lists/);
    assert.equal((await runCli(['init', '--url', travel.url, '--out', out])).code, 2, 'an existing file is not overwritten without --force');
    assert.equal((await runCli(['init', '--url', 'http://127.0.0.1:1/mcp', '--out', '-'])).code, 3);
  });
});

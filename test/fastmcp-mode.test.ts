// The reference server in both modes (spec-correct, and `--like fastmcp`, FastMCP 3's observable
// behaviour from ../shared/reference/fastmcp.md), stateful and stateless, under the bundled suite.
// Issue 13: problem 4 (undeclared logging: WARN, every check still runs, no SKIP) and problem 5 (the
// stateless diagnosis: each scenario with the right reason, the answer lost found at once, the
// diagnosis once per run).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { runCli } from './support/cli.js';

type Server = Awaited<ReturnType<typeof startTravelServer>>;
let reference: Server;
let fastmcp: Server;
let referenceStateless: Server;
let fastmcpStateless: Server;
let dir: string;

before(async () => {
  [reference, fastmcp, referenceStateless, fastmcpStateless] = await Promise.all([
    startTravelServer({ port: 0 }),
    startTravelServer({ port: 0, like: 'fastmcp' }),
    startTravelServer({ port: 0, stateless: true }),
    startTravelServer({ port: 0, stateless: true, like: 'fastmcp' }),
  ]);
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-fastmcp-'));
});
after(async () => {
  await Promise.all([reference, fastmcp, referenceStateless, fastmcpStateless].map((s) => s.close()));
});

interface Check {
  name: string;
  verdict: string;
  message?: string;
}
interface Report {
  summary: { passed: number; failed: number; skipped: number; warnings: number };
  features: { feature: string; verdict: string }[];
  diagnosis?: string;
  scenarios: { name: string; status: string; diagnosis?: string; checks: Check[]; steps: { label: string; verdict: string; checks: Check[] }[] }[];
}

async function runJson(url: string, extra: string[] = []): Promise<{ code: number | null; stdout: string; report: Report }> {
  const file = path.join(dir, `run-${Math.random().toString(36).slice(2)}.json`);
  const r = await runCli(['local', '--url', url, ...extra, '--reporter', `table,json=${file}`]);
  return { code: r.code, stdout: r.stdout + r.stderr, report: JSON.parse(await readFile(file, 'utf8')) as Report };
}

describe('bundled suite, stateful', () => {
  test('reference mode: every scenario PASS, no SKIP, no warning', async () => {
    const { code, stdout, report } = await runJson(reference.url);
    assert.equal(code, 0, stdout);
    assert.deepEqual(new Set(report.scenarios.map((s) => s.status)), new Set(['passed']));
    assert.equal(report.summary.skipped, 0);
    assert.equal(report.summary.warnings, 0);
  });

  test('fastmcp mode: PASS with no SKIP; the undeclared logging is a WARN with the spec reference and the progress and log checks ran', async () => {
    const { code, stdout, report } = await runJson(fastmcp.url);
    assert.equal(code, 0, stdout);
    assert.equal(report.summary.skipped, 0);
    assert.ok(!report.scenarios.some((s) => s.status === 'skipped' || s.status === 'failed'), stdout);
    const progress = report.scenarios.find((s) => s.name === 'progress-search-flights')!;
    assert.equal(progress.status, 'warning');
    const checks = progress.steps[0]!.checks;
    for (const name of ['progress.count', 'progress.increasing', 'progress.beforeResult', 'logs.count', 'logs.contains', 'json']) {
      assert.equal(checks.find((c) => c.name === name)?.verdict, 'passed', `${name} did not run and pass: ${JSON.stringify(checks)}`);
    }
    const warn = checks.find((c) => c.name === 'capability.undeclared')!;
    assert.match(warn.message!, /without declaring the logging capability/);
    assert.match(stdout, /server\/utilities\/logging/);
    assert.equal(report.features.find((f) => f.feature === 'Progress Notifications')?.verdict, 'warning');
    assert.match(stdout, /Progress Notifications\s+WARN/);
  });

  test('compare: the warning shows on both sides, through the AgentCore emulator too', async () => {
    const KEY = 'AKIDTESTFASTMCP00001';
    const SECRET = 'test-secret-fastmcp/abcdefghijklmnopqrstuvwxyz';
    const emulator = await startAgentCoreEmulator({ upstream: fastmcp.url, port: 0, credentials: { accessKeyId: KEY, secretAccessKey: SECRET } });
    try {
      const home = await mkdtemp(path.join(tmpdir(), 'mcp-verify-home-'));
      const env = { HOME: home, AWS_CONFIG_FILE: path.join(home, 'c'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'k'), AWS_EC2_METADATA_DISABLED: 'true', AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: undefined };
      const args = ['compare', '--url', fastmcp.url, '--arn', 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/fastmcp_like-AbCdEf1234', '--endpoint-url', emulator.url, 'scenarios/travel/progress.yaml'];
      const r = await runCli(args, { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Progress Notifications\s+WARN\s+WARN/);
      const strict = await runCli([...args, '--strict'], { env });
      assert.equal(strict.code, 1, strict.stdout);
      assert.match(strict.stdout, /Progress Notifications\s+FAIL\s+FAIL/);
    } finally {
      await emulator.close();
    }
  });

  test('fastmcp mode reproduces FastMCP 3 on the wire: errors, structuredContent, lax integers', async () => {
    const { code, stdout } = await runJson(fastmcp.url, ['test/fixtures/fastmcp/']);
    assert.equal(code, 0, stdout);
    // The same file against the spec-correct mode fails: the fixture tells the two apart.
    const other = await runJson(reference.url, ['test/fixtures/fastmcp/']);
    assert.equal(other.code, 1);
  });

  test('fastmcp mode: capabilities without logging, FastMCP serverInfo, any Origin accepted', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const post = (url: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', origin: 'http://evil.example' }, body: JSON.stringify(init) });
    const res = await post(fastmcp.url);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(res.headers.get('mcp-session-id')!, /^[0-9a-f]{32}$/);
    const result = JSON.parse(/data: (.*)/.exec(body)![1]!).result;
    assert.equal(result.capabilities.logging, undefined);
    assert.deepEqual(result.serverInfo, { name: 'Travel Planner', version: '3.0.0rc2' });
    assert.equal((await post(reference.url)).status, 403, 'the reference mode refuses a foreign Origin');
  });
});

describe('bundled suite, stateless: the diagnosis without timeouts', () => {
  for (const [mode, server] of [
    ['reference', () => referenceStateless],
    ['fastmcp', () => fastmcpStateless],
  ] as const) {
    test(`${mode} --stateless: every scenario fails for its own reason, a lost answer at once, the diagnosis once`, async () => {
      // The default 30 s step timeout: a step that waited for it would show as a timeout below.
      const { code, stdout, report } = await runJson(server().url);
      assert.equal(code, 1, stdout);
      assert.match(report.diagnosis ?? '', /No Mcp-Session-Id was issued at initialize/);
      assert.equal(stdout.match(/diagnosis: No Mcp-Session-Id/g)?.length, 1, 'the run diagnosis is printed once');
      for (const s of report.scenarios) {
        assert.equal(s.status, 'failed', s.name);
        assert.equal(s.checks.find((c) => c.name === 'session.idIssued')?.verdict, 'failed', s.name);
        for (const st of s.steps) for (const c of st.checks) assert.ok(!/timed out|no result within the step timeout/i.test(c.message ?? ''), `${s.name} ${st.label} waited for a timeout: ${c.message}`);
      }
      // Steps that need no elicitation or sampling pass: those scenarios fail on the missing session id alone.
      for (const name of ['prompts', 'resources']) {
        const s = report.scenarios.find((x) => x.name === name)!;
        assert.ok(s.steps.every((st) => st.verdict === 'passed'), `${name}: ${JSON.stringify(s.steps)}`);
        assert.equal(s.diagnosis, undefined, `${name} gets no elicitation text`);
      }
      const requestMessage = (scenario: string) => report.scenarios.find((x) => x.name === scenario)!.steps[0]!.checks.find((c) => (c.name === 'request' || c.name === 'isError') && c.verdict === 'failed')?.message ?? '';
      if (mode === 'fastmcp') {
        // FastMCP sends the elicitation; the answer is lost. Sampling is refused at once.
        assert.match(requestMessage('elicitation-string-and-integer'), /stateless server: elicitation\/create arrived on the call's response stream and was answered \(POST → 202\)/);
        assert.match(requestMessage('sampling-quick-recommend'), /Client does not support sampling/);
      } else {
        assert.match(requestMessage('sampling-quick-recommend'), /stateless server: sampling\/createMessage arrived .* was lost/);
        assert.match(requestMessage('elicitation-string-and-integer'), /Client does not support form elicitation/);
      }
    });
  }
});

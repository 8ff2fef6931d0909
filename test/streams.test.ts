// Streams are facts, not races (issue 13, problems 1-3): against a server written the SDK v1 example way
// (elicitation, sampling and logs sent on the standalone GET stream), a local run passes with an
// AgentCore-readiness WARN naming the fix, the same verdict every time; through the AgentCore emulator
// (GET answered 405) the step fails with the diagnosis and the fix; --strict makes the WARN a failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { runCli } from './support/cli.js';
import { startV1ExampleServer, type RunningV1Server } from './support/v1-example-server.js';

const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/v1_example-AbCdEf1234';
const KEY = 'AKIDTESTSTREAMS00001';
const SECRET = 'test-secret-streams/abcdefghijklmnopqrstuvwxyz';
const SUITE = 'test/fixtures/v1-example/';

let server: RunningV1Server;
let emulator: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
let dir: string;

before(async () => {
  server = await startV1ExampleServer();
  emulator = await startAgentCoreEmulator({ upstream: server.url, port: 0, credentials: { accessKeyId: KEY, secretAccessKey: SECRET } });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-streams-'));
});
after(async () => {
  await emulator.close();
  await server.close();
});

interface Report {
  summary: { passed: number; failed: number; warnings: number };
  scenarios: { name: string; status: string; steps: { verdict: string; checks: { name: string; verdict: string; message?: string; fix?: string }[] }[] }[];
}

describe('a server that sends a call\'s traffic on the GET stream (SDK v1 example style)', () => {
  test('locally: every call passes its checks with an AgentCore-readiness WARN and the fix, in every reporter', async () => {
    const json = path.join(dir, 'local.json');
    const junit = path.join(dir, 'local.xml');
    const tap = path.join(dir, 'local.tap');
    const r = await runCli(['local', '--url', server.url, SUITE, '--reporter', `table,github,json=${json},junit=${junit},tap=${tap}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    assert.equal(report.summary.warnings, 3);
    for (const s of report.scenarios) {
      assert.equal(s.status, 'warning', s.name);
      const warn = s.steps[0]!.checks.find((c) => c.name === 'agentcore.getStream');
      assert.ok(warn, `${s.name}: no GET-stream warning`);
      assert.match(warn.fix!, /relatedRequestId: extra\.requestId/);
      assert.match(warn.fix!, /ctx methods/);
      // Every other check held (the log arrived just before the result, on the other stream: problem 3).
      assert.ok(s.steps[0]!.checks.filter((c) => c.verdict !== 'warning').every((c) => c.verdict === 'passed'), JSON.stringify(s.steps[0]));
    }
    const methods = report.scenarios.map((s) => s.steps[0]!.checks.find((c) => c.name === 'agentcore.getStream')!.message!.split(' ')[1]);
    assert.deepEqual(methods, ['elicitation/create', 'sampling/createMessage', 'notifications/message']);
    // The table, the summary line and GitHub's ::warning at the step's YAML line.
    assert.match(r.stdout, /book-a-table\s+Elicitation\s+WARN/);
    assert.match(r.stdout, /3 passed, 0 failed, 3 with warnings/);
    assert.match(r.stdout, /::warning file=test\/fixtures\/v1-example\/v1-example\.yaml,line=6,title=mcp-verify%3A book-a-table › call book_table%3A agentcore.getStream::1 elicitation\/create/);
    assert.match(await readFile(junit, 'utf8'), /<property name="warning" value="agentcore.getStream: 1 elicitation\/create/);
    assert.match(await readFile(junit, 'utf8'), /<system-out>WARNING agentcore.getStream/);
    assert.match(await readFile(tap, 'utf8'), /^ {4}# warning: agentcore.getStream: 1 sampling\/createMessage .* at test\/fixtures\/v1-example\/v1-example\.yaml:16$/m);
  });

  test('--strict: the same run fails on its warnings', async () => {
    const r = await runCli(['local', '--url', server.url, SUITE, '--strict', '--reporter', 'plain']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL book-a-table/);
    assert.match(r.stdout, /a failure under --strict/);
  });

  test('20 sessions in a row get the same verdict (the GET stream is open before the first call)', async () => {
    const file = path.join(dir, 'twenty.yaml');
    const one = (i: number) => `  - name: book-${i}\n    steps:\n      - call: book_table\n        elicitation: [{ content: { cuisine: italian, partySize: 2, name: Bo } }]\n        expect: { elicitations: { count: 1 }, text: { contains: Booked italian } }\n      - call: log_then_answer\n        expect: { logs: { count: 1 } }\n`;
    await writeFile(file, `scenarios:\n${Array.from({ length: 20 }, (_, i) => one(i + 1)).join('')}`);
    const json = path.join(dir, 'twenty.json');
    const r = await runCli(['local', '--url', server.url, file, '--workers', '4', '--reporter', `plain,json=${json}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    assert.deepEqual(new Set(report.scenarios.map((s) => s.status)), new Set(['warning']));
    assert.equal(report.scenarios.length, 20);
  });

  test('doctor reports the same finding: a WARN per method on the GET stream, with the fix', async () => {
    const r = await runCli(['doctor', '--url', server.url, '--elicit-tool', 'book_table', '--sample-tool', 'summarize']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /WARN\s+AgentCore\s+1 elicitation\/create message\(s\) for this call arrived on the standalone GET stream/);
    assert.match(r.stdout, /WARN\s+AgentCore\s+1 sampling\/createMessage/);
    assert.match(r.stdout, /fix: TypeScript SDK: pass \{ relatedRequestId: extra\.requestId \}/);
    assert.match(r.stdout, /2 warnings/);
    const strict = await runCli(['doctor', '--url', server.url, '--elicit-tool', 'book_table', '--sample-tool', 'summarize', '--strict']);
    assert.equal(strict.code, 1, strict.stdout);
  });

  test('through the AgentCore emulator (GET 405): the call times out, and the diagnosis names the GET stream and the fix', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'mcp-verify-home-'));
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', emulator.url, SUITE, '--grep', 'book-a-table', '--timeout', '3s'], {
      env: {
        HOME: home,
        AWS_CONFIG_FILE: path.join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PROFILE: undefined,
        AWS_ACCESS_KEY_ID: KEY,
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_SESSION_TOKEN: undefined,
      },
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /no result within the step timeout of 3s \(raise it with --timeout/);
    assert.match(r.stdout, /refuses the standalone GET stream \(405, as AgentCore does\)/);
    assert.match(r.stdout, /relatedRequestId: extra\.requestId/);
  });
});

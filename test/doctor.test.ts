// `mcp-verify doctor` through the real CLI against real servers on loopback: a healthy reference
// server (every finding PASS/INFO, exit 0), a stateless one (the stateless diagnosis with the fix,
// exit 1), server-everything (its elicitation and sampling tools reach the client, UUID session ids),
// --json, a named tool that does not exist (SKIP with the tools listed), and nothing listening (exit 3).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';
import { freePort, startEverything } from './support/everything-server.js';

/** "PASS  session id    issued at …" → verdict and detail per topic. */
function findings(stdout: string): Map<string, { verdict: string; detail: string }> {
  const out = new Map<string, { verdict: string; detail: string }>();
  for (const m of stdout.matchAll(/^ {2}(PASS|FAIL|WARN|INFO|SKIP)\s{2,}(\S+(?: \S+)?)\s{2,}(.*)$/gm)) out.set(m[2]!, { verdict: m[1]!, detail: m[3]! });
  return out;
}

describe('doctor', () => {
  let healthy: RunningTravelServer;
  let stateless: RunningTravelServer;
  let everything: { url: string; child: ChildProcess };
  before(async () => {
    [healthy, stateless, everything] = await Promise.all([startTravelServer({ port: 0 }), startTravelServer({ port: 0, stateless: true }), startEverything()]);
  });
  after(async () => {
    everything?.child.kill('SIGTERM');
    await Promise.all([healthy?.close(), stateless?.close()]);
  });

  test('a healthy reference server: every finding passes, exit 0', async () => {
    const r = await runCli(['doctor', '--url', healthy.url]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const f = findings(r.stdout);
    assert.equal(f.get('reachable')?.verdict, 'PASS');
    assert.match(f.get('initialize')!.detail, /Travel Planner/);
    assert.match(f.get('protocol')!.detail, /^2025-11-25 \(legacy era\)/);
    assert.match(f.get('capabilities')!.detail, /tools/);
    assert.equal(f.get('session id')?.verdict, 'PASS');
    assert.match(f.get('session id')!.detail, /^issued at initialize: [0-9a-f]{32} \(hex string, 32 chars\)/);
    assert.equal(f.get('session kept')?.verdict, 'PASS');
    assert.match(f.get('GET stream')!.detail, /^supported \(200 text\/event-stream\)/);
    assert.match(f.get('DELETE')!.detail, /^supported \(200\)/);
    assert.match(f.get('elicitation')!.detail, /^plan_trip: 3 elicitation requests reached the client/);
    assert.match(f.get('sampling')!.detail, /^quick_recommend: 1 sampling request reached the client/);
    assert.doesNotMatch(r.stdout, /FAIL|fix:|diagnosis/);
  });

  test('a stateless reference server gets the stateless diagnosis and the fix, exit 1', async () => {
    const r = await runCli(['doctor', '--url', stateless.url, '--timeout', '5s']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const f = findings(r.stdout);
    assert.equal(f.get('session id')?.verdict, 'FAIL');
    assert.match(f.get('session id')!.detail, /the server is running stateless/);
    assert.equal(f.get('elicitation')?.verdict, 'FAIL');
    assert.equal(f.get('sampling')?.verdict, 'FAIL');
    assert.match(f.get('sampling')!.detail, /reached the client and was answered, but the tool did not complete/);
    assert.match(r.stdout, /fix: run the server stateful: FastMCP .*stateless_http=False.*sessionIdGenerator/);
    assert.match(r.stdout, /diagnosis: No Mcp-Session-Id was issued at initialize: the server is running stateless/);
  });

  test('server-everything: UUID session ids; its elicitation and sampling tools reach the client', async () => {
    const r = await runCli(['doctor', '--url', everything.url]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const f = findings(r.stdout);
    assert.match(f.get('session id')!.detail, /\(UUID, 36 chars\)/);
    assert.match(f.get('elicitation')!.detail, /^trigger-elicitation-request: 1 elicitation request reached the client, answered with schema defaults; the tool completed/);
    assert.match(f.get('sampling')!.detail, /^trigger-sampling-request: 1 sampling request reached the client/);
  });

  test('--json gives the same findings as data; a named tool that is not there is SKIP with the list', async () => {
    const r = await runCli(['doctor', '--url', healthy.url, '--json', '--elicit-tool', 'no_such_tool']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { topic: string; verdict: string; detail: string }[]; unreachable: boolean };
    assert.equal(report.unreachable, false);
    const elicit = report.findings.find((x) => x.topic === 'elicitation')!;
    assert.equal(elicit.verdict, 'SKIP');
    assert.match(elicit.detail, /--elicit-tool no_such_tool: the server lists no such tool \(it lists: .*plan_trip/);
  });

  test('nothing listening: exit 3 with the fix; --url and --arn together: exit 2', async () => {
    const port = await freePort();
    const r = await runCli(['doctor', '--url', `http://127.0.0.1:${port}/mcp`]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL\s+reachable\s+no answer from .*connection refused/);
    assert.match(r.stdout, /fix: start the server/);
    const both = await runCli(['doctor', '--url', healthy.url, '--arn', 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234']);
    assert.equal(both.code, 2);
  });
});

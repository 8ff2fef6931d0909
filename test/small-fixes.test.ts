// Issue 13, problem 11 (the smaller ones), each through the real CLI against a real server: a text
// `actual` is quoted once; the suggested sampling rule matches the request it was made from; a tool
// result with isError is not labelled "ok"; the Origin fix names the fix for the server's own stack,
// not one SDK's helper; the bundled suite against a server without the travel tools says what to run
// instead (exit 2) rather than printing ten FAILs. ("Request timed out" naming the duration and the key
// is in streams.test.ts; the priming event in conformance.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';
import { startV1ExampleServer, type RunningV1Server } from './support/v1-example-server.js';

let v1: RunningV1Server;
let travel: Awaited<ReturnType<typeof startTravelServer>>;
let fastmcp: Awaited<ReturnType<typeof startTravelServer>>;
let dir: string;

before(async () => {
  v1 = await startV1ExampleServer();
  travel = await startTravelServer({ port: 0 });
  fastmcp = await startTravelServer({ port: 0, like: 'fastmcp' });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-small-'));
});
after(async () => {
  await v1.close();
  await travel.close();
  await fastmcp.close();
});

async function file(name: string, text: string): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, text);
  return f;
}

describe('smaller verdict fixes', () => {
  test('a text actual is quoted once, in the table and the JSON report; an isError result is labelled a tool error', async () => {
    const f = await file('text.yaml', 'scenarios:\n  - name: wrong-text\n    steps:\n      - call: no_such_tool\n        expect: { text: { equals: nope } }\n');
    const json = path.join(dir, 'text.json');
    const r = await runCli(['local', '--url', fastmcp.url, f, '--reporter', `table,json=${json}`]);
    assert.equal(r.code, 1);
    // A failed equals shows a line diff (issue 15): the actual text as it is, not JSON-escaped or quoted twice.
    assert.match(r.stdout, /\+ Unknown tool: 'no_such_tool'\n/);
    assert.doesNotMatch(r.stdout, /\\"Unknown tool/);
    assert.doesNotMatch(r.stdout, /\\"Unknown tool/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    assert.equal(report.scenarios[0].steps[0].checks.find((c: { name: string }) => c.name === 'text').actual, "Unknown tool: 'no_such_tool'");
    assert.match(r.stdout, /result of tools\/call: tool error \(isError: true\)/);
  });

  test('the suggested sampling rule matches the request it was suggested for', async () => {
    const f = await file('unscripted.yaml', 'scenarios:\n  - name: unscripted\n    steps:\n      - call: summarize\n        args: { text: hello }\n');
    const r = await runCli(['local', '--url', v1.url, f, '--reporter', 'plain']);
    assert.equal(r.code, 1);
    const m = /sampling: \[\{ match: \{ text: "([^"]*)" \}/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const g = await file('scripted.yaml', `scenarios:\n  - name: scripted\n    steps:\n      - call: summarize\n        args: { text: hello }\n        sampling: [{ match: { text: ${JSON.stringify(m[1])} }, text: short }]\n        expect: { text: { equals: "Summary: short" } }\n`);
    const again = await runCli(['local', '--url', v1.url, g, '--reporter', 'plain']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  });

  test('the Origin fix names the fix for any stack, not only one SDK helper', async () => {
    const json = path.join(dir, 'protocol.json');
    const r = await runCli(['local', '--suite', 'protocol', '--url', fastmcp.url, '--reporter', `plain,json=${json}`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = JSON.parse(await readFile(json, 'utf8'));
    const origin = JSON.stringify(report).match(/accepted a request from Origin[^"]*/)?.[0] ?? '';
    assert.match(origin, /Python SDK: TransportSecuritySettings\(allowed_origins/);
    assert.match(origin, /any other server: compare Origin with an allow-list/);
  });

  test('the bundled suite against a server without the travel tools: exit 2, what to run instead, nothing run', async () => {
    const r = await runCli(['local', '--url', v1.url]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.length <= 2, r.stderr);
    assert.match(r.stderr, /the bundled suite \(scenarios\/travel\/\) is for the reference travel server/);
    assert.match(r.stderr, /lists book_table, preferences, summarize, log_then_answer/);
    assert.match(r.stderr, /mcp-verify init --url/);
    assert.match(r.stderr, /--suite protocol/);
    // The reference server still gets the bundled suite.
    const ok = await runCli(['local', '--url', travel.url, '--grep', 'prompts']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });
});

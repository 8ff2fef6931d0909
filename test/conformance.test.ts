// The official MCP conformance suite's client scenario `sse-retry` (SEP-1699, 2025-11-25 SSE polling)
// with mcp-verify as the client: a tools/call whose POST stream the server closes after a priming event
// (`id` + `retry: 500`) must be resumed with GET and Last-Event-ID after the server's retry interval, and
// the result read from the resumed stream (issue 13, problem 10). The suite needs Node >= 22: it runs on
// the Node 24 that test/support/newer-node.ts installs into .cache/, and the suite itself is installed
// into .cache/conformance/ (pinned), so a fresh clone's `npm test` does both by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN } from './support/cli.js';
import { ensureCached, ensureNode } from './support/newer-node.js';

const CONFORMANCE = '@modelcontextprotocol/conformance@0.1.16';
const ENTRY = 'node_modules/@modelcontextprotocol/conformance/dist/index.js';

test('conformance client scenario sse-retry: mcp-verify resumes the closed POST stream with Last-Event-ID after retry', { timeout: 900_000 }, async () => {
  const node = await ensureNode(24);
  const suite = path.join(await ensureCached('conformance', CONFORMANCE, ENTRY), ENTRY);
  const cwd = await mkdtemp(path.join(tmpdir(), 'mcp-verify-conformance-'));
  // The suite appends the server URL to the command: `mcp-verify call test_reconnection --url <url>`.
  const command = `${node} ${BIN} call test_reconnection --url`;
  const child = spawn(node, [suite, 'client', '--command', command, '--scenario', 'sse-retry', '--output-dir', 'results'], { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  assert.equal(code, 0, out);
  assert.match(out, /Received GET request for \/ \(Last-Event-ID: event-\d+\)/);
  assert.match(out, /Passed: 3\/3, 0 failed/);
  // The machine-readable results the suite writes agree.
  const results = path.join(cwd, 'results');
  const file = (await readdir(results, { recursive: true })).find((f) => f.endsWith('checks.json'));
  assert.ok(file, `no checks.json under ${results}`);
  const checks = JSON.parse(await readFile(path.join(results, file), 'utf8')) as { id: string; status: string }[];
  for (const id of ['client-sse-graceful-reconnect', 'client-sse-retry-timing', 'client-sse-last-event-id']) {
    assert.equal(checks.find((c) => c.id === id)?.status, 'SUCCESS', `${id}: ${JSON.stringify(checks.filter((c) => c.id === id))}`);
  }
  // The result went out on the resumed stream, which mcp-verify was reading.
  assert.match(out, /Sent tool response on GET stream after reconnection/);
});

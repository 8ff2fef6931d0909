// The built-in protocol suite (`mcp-verify local --suite protocol`), run through the real CLI and the
// normal reporters against real servers on loopback: the reference server passes all of it (its
// streams are resumable and primed; the one WARN is its SDK's -32603 for an invalid log level);
// server-everything (a real third-party server, SDK v1 + Express) is reported FAIL for exactly its known
// deviations and WARN for the SHOULDs it misses, each with the spec section, and PASS for the rest,
// including its elicitation, sampling and progress tools; the SSE priming / retry: check WARNs on SDK
// servers set up the ways that miss them; usage errors exit 2 and no server exits 3.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';
import { freePort, startEverything } from './support/everything-server.js';
import { startPollingServer, type PollingServerOptions } from './support/polling-server.js';

/** The plain reporter's verdict per check name: "PASS Unknown session id → 404 (protocol:3) 40ms". */
function verdicts(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of stdout.matchAll(/^(PASS|FAIL|SKIP|WARN) (.+?) \(protocol:\d+\)/gm)) out.set(m[2]!, m[1]!);
  return out;
}

const CHECKS = {
  accept: 'POST without both Accept types → 406',
  required: 'Request without the session id after initialize → 400',
  unknown: 'Unknown session id → 404',
  deleted: 'After DELETE the old id → 404, and a fresh initialize works',
  version: 'Unsupported MCP-Protocol-Version → 400',
  origin: 'Invalid Origin → 403',
  host: 'Foreign Host header on a loopback server → refused (DNS rebinding)',
  ping: 'ping → an empty result',
  setLevel: 'logging/setLevel → an empty result (when logging is declared)',
  completion: 'completion/complete → values (at most 100) (when completions is declared)',
  subscribe: 'resources/subscribe and unsubscribe → empty results (when resources.subscribe is declared)',
  toolSchemas: 'Every tool schema is valid JSON Schema (2020-12 by default)',
  concurrent: 'Two concurrent sessions: distinct ids, each gets only its own messages',
  progress: 'Progress strictly increasing and ending before the result',
  schema: 'Every elicitation schema is a flat object of primitives',
  maxTokens: 'Every sampling request carries maxTokens',
  resumption: 'Resumption with Last-Event-ID',
  priming: 'SSE streams start with a priming event (id, empty data); retry: before an early close',
};

describe('protocol suite', () => {
  let travel: RunningTravelServer;
  let everything: { url: string; child: ChildProcess };
  before(async () => {
    [travel, everything] = await Promise.all([startTravelServer({ port: 0 }), startEverything()]);
  });
  after(async () => {
    everything?.child.kill('SIGTERM');
    await travel?.close();
  });

  test('the reference server passes the whole suite (SKIP: subscribe, not declared; WARN: its SDK\'s code for an invalid log level), through the table and plain reporters', async () => {
    const r = await runCli(['local', '--suite', 'protocol', '--url', travel.url, '--reporter', 'plain,table']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const v = verdicts(r.stdout);
    assert.equal(v.size, Object.keys(CHECKS).length, r.stdout);
    const expected = (key: string) => (key === 'subscribe' ? 'SKIP' : key === 'setLevel' ? 'WARN' : 'PASS');
    for (const [key, name] of Object.entries(CHECKS)) assert.equal(v.get(name), expected(key), `${name}\n${r.stdout}`);
    assert.match(r.stdout, /17 passed, 0 failed, 1 with warnings, 1 skipped/);
    // The SDK v2 server answers an invalid level with -32603 (its zod error), not the -32602 the spec says it SHOULD.
    assert.match(r.stdout, /an invalid level got error -32603, not -32602 \(Invalid params\), which servers SHOULD return.*Setting Log Level/);
    // The table: negotiated version, session id format, and the Protocol feature line.
    assert.match(r.stdout, /legacy era, protocol 2025-11-25 · session id [0-9a-f]{32} · format: hex string/);
    assert.match(r.stdout, /^Protocol\s+WARN$/m);
  });

  test('server-everything: exactly its known deviations FAIL, with the spec reference; the rest PASS', async () => {
    const json = join(tmpdir(), `mcp-verify-protocol-${process.pid}.json`);
    const r = await runCli(['local', '--suite', 'protocol', '--url', everything.url, '--reporter', `plain,json=${json}`, '--timeout', '3s']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const v = verdicts(r.stdout);
    // Deviations seen live: 400 (not 404) for unknown and terminated sessions, any Origin accepted, and
    // its example event store returns an event id where the SDK expects a stream id, so a stream
    // resumed mid-call never receives the rest.
    // And: it answers a request whose Host is a foreign name (DNS rebinding reaches it).
    const failing = new Set<string>([CHECKS.unknown, CHECKS.deleted, CHECKS.origin, CHECKS.resumption]);
    // SHOULDs it misses are WARN: a foreign Host accepted (Origin is the MUST), -32603 for an invalid log level.
    const warned = new Set<string>([CHECKS.host, CHECKS.setLevel]);
    for (const name of Object.values(CHECKS)) assert.equal(v.get(name), failing.has(name) ? 'FAIL' : warned.has(name) ? 'WARN' : 'PASS', `${name}\n${r.stdout}`);
    assert.match(r.stdout, /answered 400 to an unknown session id.*\[MCP 2025-11-25 Basic › Transports › Streamable HTTP › Session Management — https:\/\/modelcontextprotocol\.io\/specification\/2025-11-25\/basic\/transports#session-management\]/);
    assert.match(r.stdout, /the deleted session id got 400, not 404/);
    assert.match(r.stdout, /accepted a request from Origin https:\/\/attacker\.example \(HTTP 200\).*Security Warning — https:\/\/modelcontextprotocol\.io\/specification\/2025-11-25\/basic\/transports#security-warning/);
    assert.match(r.stdout, /accepted a request with Host: attacker\.example:\d+ \(HTTP 200\) on a loopback server.*Security Warning/);
    // A SHOULD it misses is WARN, not FAIL: an invalid log level gets -32603, not -32602.
    const report = JSON.parse(await readFile(json, 'utf8')) as { scenarios: { name: string; steps: { checks: { message?: string }[] }[] }[] };
    await rm(json, { force: true });
    const setLevel = report.scenarios.find((s) => s.name === CHECKS.setLevel)!.steps[0]!.checks[0]!.message ?? '';
    assert.match(setLevel, /an invalid level got error -32603, not -32602 \(Invalid params\), which servers SHOULD return/);
    // The evidence behind a failure is the exchange itself.
    assert.match(r.stdout, /POST tools\/list with an unknown Mcp-Session-Id [0-9a-f]{32} → 400/);
  });

  test('SSE priming and retry: WARN (spec-cited) for an SDK server without an event store, and for an early close without retry:; PASS with both', async () => {
    const run = async (opts: PollingServerOptions) => {
      const server = await startPollingServer(opts);
      try {
        const json = join(tmpdir(), `mcp-verify-priming-${process.pid}-${opts.eventStore}-${opts.retryInterval ?? 'none'}.json`);
        const r = await runCli(['local', '--suite', 'protocol', '--url', server.url, '--reporter', `plain,json=${json}`, '--timeout', '5s']);
        const report = JSON.parse(await readFile(json, 'utf8')) as { scenarios: { name: string; status: string; steps: { checks: { message?: string }[]; evidence?: string[] }[] }[] };
        await rm(json, { force: true });
        const s = report.scenarios.find((x) => x.name === CHECKS.priming)!;
        return { status: s.status, message: s.steps[0]!.checks[0]!.message ?? '', evidence: (s.steps[0]!.evidence ?? []).join('\n'), stdout: r.stdout };
      } finally {
        await server.close();
      }
    };
    // The SDK's default: no event store, so no event ids and no priming event.
    const plain = await run({ eventStore: false });
    assert.equal(plain.status, 'warning', plain.stdout);
    assert.match(plain.message, /The ping stream did not open with a priming event \(an event id and an empty data field\); its first event was \{event:message data:"\{.*\}"\}\. Without an event id a client whose connection drops cannot resume the stream \(SHOULD\)\./);
    assert.match(plain.message, /Sending Messages to the Server — https:\/\/modelcontextprotocol\.io\/specification\/2025-11-25\/basic\/transports#sending-messages-to-the-server/);
    // An event store without retryInterval: primed, but the tool closes its stream early with no retry: first.
    const noRetry = await run({ eventStore: true });
    assert.equal(noRetry.status, 'warning', noRetry.stdout);
    assert.doesNotMatch(noRetry.message, /did not open with a priming event/);
    assert.match(noRetry.message, /The server closed the long_progress stream before its result without sending a retry: field first \(SHOULD\)/);
    assert.match(noRetry.evidence, /POST tools\/call long_progress → 200 text\/event-stream; SSE: \{id:"[^"]+" data:""\}.* — connection closed before the result/);
    // Both: the priming event carries retry: 500, which the early close respects.
    const good = await run({ eventStore: true, retryInterval: 500 });
    assert.equal(good.status, 'passed', good.stdout);
    assert.match(good.message, /the ping stream opened with a priming event .*; the long_progress stream was closed before its result after retry: 500 ms, as it should be/);
  });

  test('usage errors exit 2; nothing listening exits 3 with one line', async () => {
    const bad = await runCli(['local', '--suite', 'nope', '--url', travel.url]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--suite takes travel or protocol/);
    const both = await runCli(['local', '--suite', 'protocol', '--url', travel.url, 'scenarios/travel']);
    assert.equal(both.code, 2);
    const port = await freePort();
    const down = await runCli(['local', '--suite', 'protocol', '--url', `http://127.0.0.1:${port}/mcp`]);
    assert.equal(down.code, 3, down.stdout + down.stderr);
    assert.match(down.stderr, /connection refused/);
  });
});

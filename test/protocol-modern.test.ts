// The protocol suite on the 2026-07-28 wire (`mcp-verify local|remote --suite protocol --era modern`),
// through the real CLI against real servers on loopback: the reference server passes every modern
// check, locally and through the AgentCore emulator with SigV4; a correct hand-rolled server passes
// too (so each broken variant below differs from it in one rule); each test-only broken server fails
// exactly the check for the rule it breaks, with a message that says what is wrong; and a legacy-only
// server is one line, exit 3: it does not speak 2026-07-28.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startAgentCoreEmulator, type AgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { startHandRolledServer, type HandRolledMistake, type RunningFixture } from './fixtures/modern-servers/hand-rolled.js';
import { startSdkMistakeServer, type SdkMistake } from './fixtures/modern-servers/sdk-mistakes.js';
import { cleanAwsEnv } from './support/aws-env.js';
import { runCli } from './support/cli.js';

const CHECKS = {
  discover: 'server/discover lists 2026-07-28, the capabilities and resultType complete',
  version: 'Unsupported protocol version → -32022',
  method: 'Mcp-Method that disagrees with the body → -32020',
  name: 'Mcp-Name that disagrees with the body → -32020',
  getDelete: 'GET and DELETE → 405',
  sessionId: 'Mcp-Session-Id is ignored and never sent back',
  capabilities: 'Never asks for an undeclared capability; -32021 when one is required',
  rounds: 'input_required rounds, each retry a new id, reach a complete result',
  state: 'Tampered requestState is rejected',
  retry: 'A retry without the answers is asked again, not failed',
  resultType: 'Every result carries resultType complete or input_required',
  scope: 'input_required only on tools/call, prompts/get and resources/read',
} as const;
type CheckKey = keyof typeof CHECKS;

interface Row {
  verdict: string;
  /** The rest of the plain reporter's line: the failure message with its spec citation. */
  line: string;
}

/** The plain reporter's rows: "FAIL Tampered requestState is rejected (protocol:9) 55ms — step 1 …". */
function rows(stdout: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const m of stdout.matchAll(/^(PASS|FAIL|SKIP|WARN) (.+?) \(protocol:\d+\)(.*)$/gm)) out.set(m[2]!, { verdict: m[1]!, line: m[3]! });
  return out;
}

const modern = (url: string, ...extra: string[]) => runCli(['local', '--suite', 'protocol', '--era', 'modern', '--url', url, '--reporter', 'plain', '--timeout', '5s', ...extra]);

function assertAllPass(stdout: string, code: number | null, stderr: string) {
  assert.equal(code, 0, stdout + stderr);
  const r = rows(stdout);
  for (const name of Object.values(CHECKS)) assert.equal(r.get(name)?.verdict, 'PASS', `${name}\n${stdout}`);
  assert.match(stdout, /12 passed, 0 failed/);
}

describe('protocol suite, modern era: servers that follow the rules', () => {
  let travel: RunningTravelServer;
  let handRolled: RunningFixture;
  before(async () => {
    [travel, handRolled] = await Promise.all([startTravelServer({ port: 0 }), startHandRolledServer()]);
  });
  after(async () => {
    await travel.close();
    await handRolled.close();
  });

  test('the reference server passes every 2026-07-28 check; the table names the modern era', async () => {
    const r = await modern(travel.url, '--reporter', 'plain,table');
    assertAllPass(r.stdout, r.code, r.stderr);
    assert.match(r.stdout, /modern era, protocol 2026-07-28/);
  });

  test('a correct hand-rolled server (no SDK) passes too, so each broken variant differs in one rule', async () => {
    const r = await modern(handRolled.url);
    assertAllPass(r.stdout, r.code, r.stderr);
  });

  test('the legacy suite still runs by default on the same (dual-era) reference server', async () => {
    const r = await runCli(['local', '--suite', 'protocol', '--url', travel.url, '--reporter', 'plain']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Unknown session id → 404/);
    assert.doesNotMatch(r.stdout, /server\/discover lists/);
  });
});

describe('protocol suite, modern era: each test-only broken server fails the check for its mistake', () => {
  const cases: Array<{ mistake: HandRolledMistake | SdkMistake; sdk?: true; fails: CheckKey[]; says: RegExp; skips?: CheckKey[] }> = [
    { mistake: 'no-result-type', fails: ['discover', 'resultType'], says: /no valid resultType \(server\/discover → no resultType, tools\/list → no resultType\)/ },
    // With tools/list asking for input, no tool is known: the checks that call one have nothing to call.
    { mistake: 'input-required-on-list', fails: ['scope'], says: /tools\/list answered input_required; only tools\/call, prompts\/get and resources\/read may/, skips: ['capabilities', 'rounds', 'state', 'retry'] },
    { mistake: 'no-header-check', fails: ['method', 'name'], says: /Mcp-Method: prompts\/list on a tools\/list body; servers MUST reject a request whose headers and body disagree with -32020/ },
    { mistake: 'undeclared-capability', fails: ['capabilities'], says: /elicit_name asked for name \(elicitation\/create\) although the request declared no elicitation/ },
    { mistake: 'get-not-405', fails: ['getDelete'], says: /GET got 400, DELETE got 400/ },
    { mistake: 'any-version', fails: ['version'], says: /served a request for protocol version 1999-01-01 as if it were supported; it MUST answer -32022/ },
    { mistake: 'retry-errors', fails: ['retry'], says: /answered error -32602 \(missing inputResponses\.name\) to a retry that lacked the answers/ },
    { mistake: 'endless-rounds', fails: ['rounds'], says: /elicit_name still asked for input after 10 answered rounds/ },
    { mistake: 'unverified-state', sdk: true, fails: ['state'], says: /accepted a requestState changed in one character/ },
    { mistake: 'session-echo', sdk: true, fails: ['sessionId'], says: /got Mcp-Session-Id [0-9a-f-]{36} back; a request carrying [0-9a-f-]{36} got Mcp-Session-Id echoed back/ },
  ];
  for (const c of cases) {
    test(`${c.sdk ? 'SDK v2 server' : 'hand-rolled server'} with "${c.mistake}": ${c.fails.map((k) => k).join(', ')} FAIL${c.skips ? `, ${c.skips.join(', ')} SKIP` : ''}, the rest PASS`, async () => {
      const server = c.sdk ? await startSdkMistakeServer(c.mistake as SdkMistake) : await startHandRolledServer(c.mistake as HandRolledMistake);
      try {
        const r = await modern(server.url);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const got = rows(r.stdout);
        for (const [key, name] of Object.entries(CHECKS) as [CheckKey, string][]) {
          const want = c.fails.includes(key) ? 'FAIL' : c.skips?.includes(key) ? 'SKIP' : 'PASS';
          assert.equal(got.get(name)?.verdict, want, `${name}\n${r.stdout}`);
        }
        const failLines = c.fails.map((k) => got.get(CHECKS[k])!.line).join('\n');
        assert.match(failLines, c.says);
        // Every failure cites the 2026-07-28 section it breaks.
        for (const k of c.fails) assert.match(got.get(CHECKS[k])!.line, /\[MCP 2026-07-28 .+ — https:\/\/modelcontextprotocol\.io\/specification\/2026-07-28\//);
      } finally {
        await server.close();
      }
    });
  }
});

describe('protocol suite, modern era: a server that does not speak 2026-07-28', () => {
  test('the reference server restricted to --era legacy: one line, exit 3, nothing failed', async () => {
    const legacy = await startTravelServer({ port: 0, era: 'legacy' });
    try {
      const r = await modern(legacy.url);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /does not speak 2026-07-28: it did not offer it in answer to server\/discover/);
      assert.doesNotMatch(r.stdout, /^FAIL /m);
      // --era both: the legacy suite runs and the modern column reads "not spoken", not a column of FAILs.
      const both = await runCli(['local', '--suite', 'protocol', '--era', 'both', '--url', legacy.url, '--timeout', '5s']);
      assert.equal(both.code, 0, both.stdout + both.stderr);
      // (The legacy column is the legacy suite's own verdict on this server; the point is the modern one.)
      assert.match(both.stdout, /^Protocol\s+(PASS|WARN)\s+not spoken/m);
      assert.match(both.stdout, /Modern: not spoken: .* does not speak 2026-07-28/);
    } finally {
      await legacy.close();
    }
  });
});

describe('protocol suite, modern era, through the AgentCore emulator with SigV4', () => {
  const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_modern-AbCdEf1234';
  const KEY = 'AKIDTESTMODERN000001';
  const SECRET = 'test-secret-modern/abcdefghijklmnopqrstuvwxyz';
  let travel: RunningTravelServer;
  let emulator: AgentCoreEmulator;
  let home: string;
  before(async () => {
    travel = await startTravelServer({ port: 0 });
    emulator = await startAgentCoreEmulator({ upstream: travel.url, port: 0, credentials: { accessKeyId: KEY, secretAccessKey: SECRET } });
    home = await mkdtemp(path.join(tmpdir(), 'mcp-verify-home-'));
  });
  after(async () => {
    await emulator.close();
    await travel.close();
  });
  const env = (extra: Record<string, string> = {}) => cleanAwsEnv(home, KEY, SECRET, extra);

  test('every modern check passes through the emulator (default --modern-session ignore), and no secret is printed', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', emulator.url, '--suite', 'protocol', '--era', 'modern', '--reporter', 'plain', '--timeout', '5s'], { env: env() });
    assertAllPass(r.stdout, r.code, r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'the secret was printed');
  });

  test('--modern-session mint: the session-id check warns (the platform may be the cause), it does not fail the server', async () => {
    const mint = await startAgentCoreEmulator({ upstream: travel.url, port: 0, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, modernSessionMode: 'mint' });
    try {
      const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', mint.url, '--suite', 'protocol', '--era', 'modern', '--reporter', 'plain', '--timeout', '5s'], { env: env() });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const got = rows(r.stdout);
      for (const [key, name] of Object.entries(CHECKS)) assert.equal(got.get(name)?.verdict, key === 'sessionId' ? 'WARN' : 'PASS', `${name}\n${r.stdout}`);
      assert.match(got.get(CHECKS.sessionId)!.line, /got Mcp-Session-Id [0-9a-f-]{36} back.*behind AgentCore this may be the platform rather than your server/);
    } finally {
      await mint.close();
    }
  });

  test('with a wrong secret every request is refused: exit 3, not a row of failures', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', emulator.url, '--suite', 'protocol', '--era', 'modern', '--reporter', 'plain'], { env: env({ AWS_SECRET_ACCESS_KEY: 'wrong-secret-value-0123456789' }) });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /^FAIL /m);
  });
});

// `remote`, `compare` and `demo` through the AgentCore emulator in front of the reference server, with
// test credentials from the environment, exactly as a user points them at the emulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { BIN, ROOT, runCli } from './support/cli.js';
import { cleanAwsEnv } from './support/aws-env.js';

const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_test-AbCdEf1234';
const KEY = 'AKIDTESTREMOTE00001';
const SECRET = 'test-secret-remote/abcdefghijklmnopqrstuvwxyz';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.test-bearer-token-value.signature';

let server: Awaited<ReturnType<typeof startTravelServer>>;
let sigv4: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
let bearer: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
let home: string;

before(async () => {
  server = await startTravelServer({ port: 0 });
  sigv4 = await startAgentCoreEmulator({ upstream: server.url, port: 0, credentials: { accessKeyId: KEY, secretAccessKey: SECRET } });
  bearer = await startAgentCoreEmulator({ upstream: server.url, port: 0, auth: 'bearer', bearerToken: TOKEN });
  home = await mkdtemp(path.join(tmpdir(), 'mcp-verify-home-'));
});
after(async () => {
  await sigv4.close();
  await bearer.close();
  await server.close();
});

/** A clean AWS environment: no real profile files, no instance metadata lookups. */
function awsEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return cleanAwsEnv(home, KEY, SECRET, extra);
}

function assertNoSecrets(text: string) {
  for (const s of [SECRET, TOKEN]) assert.ok(!text.includes(s), 'a secret was printed');
}

describe('remote through the AgentCore emulator', () => {
  test('SigV4: the bundled suite passes, session ids are UUIDs', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', sigv4.url], { env: awsEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Remote \(AgentCore\) http:\/\/127\.0\.0\.1:\d+\/runtimes\/arn%3Aaws%3Abedrock-agentcore%3Aus-west-2%3A123456789012%3Aruntime%2Ftravel_test-AbCdEf1234\/invocations\?qualifier=DEFAULT \(auth: SigV4\)/);
    assert.match(r.stdout, /format: UUID/);
    // The emulator answers DELETE 405 as AgentCore likely does: reported, not failed.
    assert.match(r.stdout, /session end: DELETE answered 405, not supported by the endpoint \(not a failure\)/);
    assert.match(r.stdout, /^10 passed, 0 failed/m);
    assertNoSecrets(r.stdout + r.stderr);
  });

  test('the runtime-id form reaches the same runtime', async () => {
    const r = await runCli(
      ['remote', '--runtime-id', 'travel_test-AbCdEf1234', '--account-id', '123456789012', '--region', 'us-west-2', '--endpoint-url', sigv4.url, 'scenarios/travel/prompts.yaml'],
      { env: awsEnv() },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /accountId=123456789012/);
  });

  test('the protocol suite through AgentCore: passes, with what the platform hides skipped and said why', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', sigv4.url, '--suite', 'protocol', '--reporter', 'plain'], { env: awsEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^PASS Unknown session id → 404/m);
    assert.match(r.stdout, /^PASS Two concurrent sessions: distinct ids, each gets only its own messages/m);
    assert.match(r.stdout, /^SKIP Invalid Origin → 403/m);
    assert.match(r.stdout, /^SKIP After DELETE the old id → 404/m);
    // No GET through AgentCore: the reference server's event ids cannot be used to resume there.
    assert.match(r.stdout, /^SKIP Resumption with Last-Event-ID/m);
    assert.match(r.stdout, /^PASS SSE streams start with a priming event/m);
    assert.match(r.stdout, /^13 passed, 0 failed, 1 with warnings, 5 skipped/m);
    const mixed = await runCli(['remote', '--arn', ARN, '--suite', 'protocol', 'scenarios/travel'], { env: awsEnv() });
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /either scenario paths or --suite protocol/);
  });

  test('a wrong secret: exit 3 with a clear one-line message and no secret', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', sigv4.url], { env: awsEnv({ AWS_SECRET_ACCESS_KEY: 'wrong-secret-value-0123456789' }) });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /refused authentication \(HTTP 403\)/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(!r.stderr.includes('wrong-secret-value-0123456789'));
  });

  test('no credentials anywhere: exit 3 naming the sources tried', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', sigv4.url], { env: awsEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }) });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /credentials/i);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('a bad ARN is a usage error that explains what is wrong', async () => {
    const r = await runCli(['remote', '--arn', 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-test-AbCdEf1234'], { env: awsEnv() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /hyphen/i);
    const bare = await runCli(['remote', '--arn', 'travel_test-AbCdEf1234'], { env: awsEnv() });
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--runtime-id/);
  });

  test('bearer token from an environment variable; the token is never printed', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'AGENTCORE_TOKEN', 'scenarios/travel/resources.yaml'], {
      env: awsEnv({ AGENTCORE_TOKEN: TOKEN }),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\(auth: Bearer\)/);
    assertNoSecrets(r.stdout + r.stderr);
    const missing = await runCli(['remote', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'NOT_SET_ANYWHERE'], { env: awsEnv() });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /NOT_SET_ANYWHERE/);
  });
});

describe('compare and demo', () => {
  test('compare: the seed table, every feature PASS on both sides, auth and id format differ', async () => {
    const r = await runCli(['compare', '--url', server.url, '--arn', ARN, '--endpoint-url', sigv4.url], { env: awsEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const feature of ['Elicitation', 'Sampling', 'Progress Notifications', 'Resources', 'Prompts', 'Session ID Persistence']) {
      assert.match(r.stdout, new RegExp(`^${feature}\\s+PASS\\s+PASS$`, 'm'), feature);
    }
    assert.match(r.stdout, /^Auth Method\s+None\s+SigV4\s+differs$/m);
    assert.match(r.stdout, /^Session ID Format\s+Hex string\s+UUID\s+differs$/m);
    assertNoSecrets(r.stdout + r.stderr);
  });

  test('compare marks a feature that fails on one side only', async () => {
    // The remote side cannot authenticate: every remote row reads ERROR, and the run is exit 3.
    const r = await runCli(['compare', '--url', server.url, '--arn', ARN, '--endpoint-url', bearer.url, 'scenarios/travel/prompts.yaml'], { env: awsEnv() });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /^Prompts\s+PASS\s+ERROR\s+differs$/m);
  });

  test('demo: Local vs Remote (emulator) with every row PASS, no AWS account needed', async () => {
    const r = await runCli(['demo'], { env: awsEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Local vs Remote \(AgentCore emulator\)/);
    const featureRows = r.stdout.split('\n').filter((l) => /^(Elicitation|Sampling|Progress Notifications|Resources|Prompts|Session ID Persistence)\s/.test(l));
    assert.equal(featureRows.length, 6);
    for (const row of featureRows) assert.match(row, /\sPASS\s+PASS$/);
    assert.match(r.stdout, /^Session ID Format\s+Hex string\s+UUID/m);
  });

  test('SIGINT during compare: both sides stop, the comparison of what ran is printed and written, exit 130', async () => {
    const file = path.join(home, 'slow.yaml');
    const slow = Array.from({ length: 8 }, () => '      - call: search_flights\n        args: { origin: A, destination: B }\n').join('');
    await writeFile(file, `scenarios:\n  - name: slow\n    feature: Progress Notifications\n    steps:\n${slow}`);
    const json = path.join(home, 'compare-interrupted.json');
    // Sessions of earlier tests stay on the emulator (DELETE is 405 there, as on AgentCore): wait for a new one.
    const before = new Set(sigv4.sessionIds());
    const child = spawn(process.execPath, [BIN, 'compare', '--url', server.url, '--arn', ARN, '--endpoint-url', sigv4.url, '--json', json, file], {
      cwd: ROOT,
      env: { ...process.env, ...awsEnv(), CI: 'true', NO_COLOR: '1' } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    // Signal once the remote side has a session open (the emulator knows it).
    for (let i = 0; i < 200 && !sigv4.sessionIds().some((id) => !before.has(id)); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(killer);
    assert.equal(code, 130, stdout + stderr);
    assert.match(stdout, /^Progress Notifications\s+FAIL\s+FAIL$/m);
    const cmp = JSON.parse(await readFile(json, 'utf8'));
    assert.equal(cmp.runs[0].interrupted, true);
    assert.equal(cmp.runs[1].interrupted, true);
    assert.equal(cmp.runs[1].scenarios[0].status, 'interrupted');
  });
});

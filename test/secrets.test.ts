// Secrets never leak: with known test secrets in the environment (AWS access key, secret key, session
// token, a bearer token) and as secret scenario variables, every command and every reporter runs at
// maximum verbosity, with failures (so transcripts are printed), and no secret appears in stdout,
// stderr or any written file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { REPORTER_NAMES } from '../src/report/reporters.js';
import { runCli, type CliResult } from './support/cli.js';

const SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAMCPVERIFYLEAKTEST',
  AWS_SECRET_ACCESS_KEY: 'leaktest/SecretAccessKey+0123456789abcdefghij',
  AWS_SESSION_TOKEN: 'leaktestSessionToken0123456789//abcdefABCDEF==',
  MCP_VERIFY_TEST_BEARER: 'leaktest.bearer.eyJhbGciOiJIUzI1NiJ9.0123456789',
};
const SECRET_VAR = 'leaktest-secret-variable-Oslo';
const ENV = { ...SECRETS, AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true' };
const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_demo-AbCdEf1234';

let server: Awaited<ReturnType<typeof startTravelServer>>;
let sigv4: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
let bearer: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
let dir: string;
let scenarios: string;
let leaks = 0;
let checked = 0;

before(async () => {
  server = await startTravelServer({ port: 0 });
  const credentials = { accessKeyId: SECRETS.AWS_ACCESS_KEY_ID, secretAccessKey: SECRETS.AWS_SECRET_ACCESS_KEY, sessionToken: SECRETS.AWS_SESSION_TOKEN };
  sigv4 = await startAgentCoreEmulator({ upstream: server.url, port: 0, region: 'us-west-2', credentials });
  bearer = await startAgentCoreEmulator({ upstream: server.url, port: 0, region: 'us-west-2', auth: 'bearer', bearerToken: SECRETS.MCP_VERIFY_TEST_BEARER });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-secrets-'));
  scenarios = path.join(dir, 'secrets.yaml');
  // The secret variable goes to the server and comes back in the result, so it is in the evidence;
  // one scenario fails on purpose so transcripts and actual values are printed.
  await writeFile(
    scenarios,
    `scenarios:
  - name: echoes-the-secret
    steps:
      - call: search_flights
        args: { origin: "\${token}", destination: Rome }
        expect: { text: "\${token}" }
  - name: fails-with-evidence
    steps:
      - call: search_flights
        args: { origin: "\${token}", destination: Rome }
        expect: { text: "not there", json: { origin: "wrong" } }
`,
  );
});
after(async () => {
  await bearer?.close();
  await sigv4?.close();
  await server?.close();
  console.log(`secrets checked in ${checked} outputs; secrets leaked: ${leaks}`);
});

const fileReporters = ['json', 'junit', 'tap', 'github', 'plain', 'html'].filter((r) => (REPORTER_NAMES as readonly string[]).includes(r));

async function assertNoSecret(label: string, r: CliResult, files: string[] = []): Promise<void> {
  const outputs: [string, string][] = [
    [`${label} stdout`, r.stdout],
    [`${label} stderr`, r.stderr],
  ];
  for (const f of files) outputs.push([`${label} ${path.basename(f)}`, await readFile(f, 'utf8').catch(() => '')]);
  for (const [where, text] of outputs) {
    checked++;
    for (const secret of [...Object.values(SECRETS), SECRET_VAR]) {
      if (text.includes(secret)) {
        leaks++;
        assert.fail(`${where} contains a secret (${secret.slice(0, 8)}…)`);
      }
    }
  }
}

/** Every reporter at once: table on stdout, the others to files. */
function reporterArgs(name: string): { args: string[]; files: string[] } {
  const files = fileReporters.map((r) => path.join(dir, `${name}.${r}`));
  const har = path.join(dir, `${name}.har`);
  return { args: ['--reporter', ['table', ...fileReporters.map((r, i) => `${r}=${files[i]}`)].join(','), '--verbose', '--trace', har], files: [...files, har] };
}

const run = (args: string[]) => runCli(args, { env: ENV, timeoutMs: 60_000 });

describe('no secret in any output', () => {
  test('local, every reporter, verbose, secret variable, failures with evidence', async () => {
    const { args, files } = reporterArgs('local');
    const r = await run(['local', '--url', server.url, '--timeout', '10s', '--secret-var', `token=${SECRET_VAR}`, ...args, scenarios]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\[REDACTED\]/, 'the secret variable was there to redact');
    await assertNoSecret('local', r, files);
  });

  test('remote with SigV4 from the environment (emulator), every reporter, verbose', async () => {
    const { args, files } = reporterArgs('remote-sigv4');
    const r = await run(['remote', '--arn', ARN, '--endpoint-url', sigv4.url, '--timeout', '10s', '--secret-var', `token=${SECRET_VAR}`, ...args, scenarios]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /echoes-the-secret\s+.*PASS/, 'signed requests were accepted');
    await assertNoSecret('remote sigv4', r, files);
  });

  test('remote with a bearer token from the environment (emulator), every reporter, verbose', async () => {
    const { args, files } = reporterArgs('remote-bearer');
    const r = await run(['remote', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'MCP_VERIFY_TEST_BEARER', '--timeout', '10s', '--secret-var', `token=${SECRET_VAR}`, ...args, scenarios]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    await assertNoSecret('remote bearer', r, files);
  });

  test('remote with the wrong bearer token: the auth failure does not echo it', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'MCP_VERIFY_TEST_BEARER', '--timeout', '5s', '--verbose', '--secret-var', `token=${SECRET_VAR}`, scenarios], {
      env: { ...ENV, MCP_VERIFY_TEST_BEARER: `${SECRETS.MCP_VERIFY_TEST_BEARER}-wrong` },
    });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(`${SECRETS.MCP_VERIFY_TEST_BEARER}-wrong`));
    await assertNoSecret('remote wrong bearer', r);
  });

  test('compare and demo, verbose', async () => {
    const c = await run(['compare', '--url', server.url, '--arn', ARN, '--endpoint-url', sigv4.url, '--timeout', '10s', '--verbose', '--secret-var', `token=${SECRET_VAR}`, scenarios]);
    assert.ok(c.code === 1 || c.code === 2, `compare exit ${c.code}: ${c.stderr}`);
    await assertNoSecret('compare', c);
    const { args, files } = reporterArgs('demo');
    const d = await run(['demo', '--local-only', ...args]);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    await assertNoSecret('demo', d, files);
  });

  test('validate, schema, doctor and help', async () => {
    for (const args of [['validate', scenarios], ['schema'], ['doctor', '--url', server.url, '--verbose'], ['--help'], ['remote', '--help']]) {
      const r = await run(args);
      assert.ok(r.code !== null, `${args.join(' ')} ended`);
      await assertNoSecret(args.join(' '), r);
    }
  });

  test('every file written under the reports directory is clean', async () => {
    for (const f of await readdir(dir)) {
      const text = await readFile(path.join(dir, f), 'utf8');
      for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), `${f} contains a secret`);
      if (f !== 'secrets.yaml') assert.ok(!text.includes(SECRET_VAR), `${f} contains the secret variable`);
    }
  });
});

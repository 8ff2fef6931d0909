// The server under test, started by mcp-verify from a config file (`server:`) or `--server-command`, as a
// user would: a fresh temp directory holding only a config file (and scenarios), the real CLI, real
// servers (the reference server through this repo's bin, and a server written as an author writes one
// with the SDK). Each server command writes the pid of its process group leader (`echo $$`), so the
// tests prove by process group that nothing is left behind: after a pass, a failure, Ctrl-C (mid-run and
// while waiting for readiness), a server that ignores SIGTERM, one that never gets ready and one that exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTravelServer } from '../src/servers/travel/server.js';
import { BIN, ROOT, runCli } from './support/cli.js';
import { groupGone } from './support/processes.js';

const AUTHOR = path.join(ROOT, 'test', 'fixtures', 'servers', 'author-server.mjs');
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const NODE = q(process.execPath);
let base: string;

before(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'mcp-verify-sut-'));
});

/** A fresh project directory with these files. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(base, 'p-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function pidOf(dir: string): Promise<number> {
  const text = await readFile(path.join(dir, 'server.pid'), 'utf8');
  return Number(text.trim());
}

async function assertNothingLeft(dir: string): Promise<void> {
  const pgid = await pidOf(dir);
  assert.ok(pgid > 1, 'the server wrote its pid');
  assert.deepEqual(await groupGone(pgid), [], `processes of the server's group ${pgid} are still alive`);
}

/** Polls for a file (bounded). */
async function waitForFile(file: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) assert.fail(`${file} never appeared`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ECHO_FAILS = `scenarios:
  - name: echo-mismatch
    steps:
      - call: echo
        args: { text: hello }
        expect: { text: { equals: goodbye } }
`;

describe('the server under test, from a config file', () => {
  test('a fresh directory with only a config naming the reference server: local starts it, passes, leaves nothing', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:\${port}/mcp\nserver:\n  command: echo $$ > server.pid; exec ${NODE} ${q(BIN)} example-server --port \${port}\n  readyTimeout: 60s\n`,
    });
    const r = await runCli(['local', '--reporter', 'plain'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /10 passed, 0 failed/);
    await assertNothingLeft(dir);
  });

  test('another command (a shell that stays the parent of an SDK server): a failing step shows the server\'s last lines in every reporter; nothing left', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': [
        'url: http://127.0.0.1:${port}/mcp',
        'scenarios: [echo.yaml]',
        'reporters: [table, json=out/run.json, junit=out/junit.xml, tap=out/run.tap, github=out/summary.md]',
        'server:',
        `  command: echo $$ > server.pid; ${NODE} ${q(AUTHOR)}; echo after`,
        '  readyTimeout: 60s',
        '',
      ].join('\n'),
      'echo.yaml': ECHO_FAILS,
    });
    const r = await runCli(['local'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /server output \(last \d+ lines\):[\s\S]*\| \[author-server\] echo called with "hello"/);
    // github's annotation (stdout) too.
    assert.match(r.stdout, /::error file=echo\.yaml,line=4.*server output.*echo called with/);
    const json = JSON.parse(await readFile(path.join(dir, 'out', 'run.json'), 'utf8'));
    const step = json.scenarios[0].steps[0];
    assert.equal(step.verdict, 'failed');
    assert.ok(step.serverOutput.some((l: string) => l.includes('echo called with "hello"')), JSON.stringify(step));
    assert.match(await readFile(path.join(dir, 'out', 'junit.xml'), 'utf8'), /<system-out>[\s\S]*server output[\s\S]*echo called with (&quot;|")hello(&quot;|")/);
    assert.match(await readFile(path.join(dir, 'out', 'run.tap'), 'utf8'), /serverOutput:[\s\S]*echo called with/);
    assert.match(await readFile(path.join(dir, 'out', 'summary.md'), 'utf8'), /server output[\s\S]*echo called with/);
    await assertNothingLeft(dir);
  });

  test('a server that ignores SIGTERM is SIGKILLed after server.stopTimeout', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:\${port}/mcp\nscenarios: [ping.yaml]\nserver:\n  command: echo $$ > server.pid; exec ${NODE} ${q(AUTHOR)}\n  env: { IGNORE_SIGTERM: "1" }\n  stopTimeout: 300ms\n  readyTimeout: 60s\n`,
      'ping.yaml': 'scenarios:\n  - name: ping\n    steps: [{ ping: true }]\n',
    });
    const r = await runCli(['local', '--reporter', 'plain'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await assertNothingLeft(dir);
  });

  test('never ready: exit 3 with its last output lines, reports still written, nothing left', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:\${port}/mcp\nscenarios: [ping.yaml]\nreporters: [plain, json=run.json]\nserver:\n  command: echo $$ > server.pid; echo "loading model weights"; echo "still loading" >&2; exec sleep 600\n  readyTimeout: 1s\n`,
      'ping.yaml': 'scenarios:\n  - name: ping\n    steps: [{ ping: true }]\n',
    });
    const r = await runCli(['local'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /the server under test \(.*\) did not answer initialize at http:\/\/127\.0\.0\.1:\d+\/mcp within 1000 ms \(server\.readyTimeout\); its last output:\n {2}\| loading model weights\n {2}\| still loading/);
    const json = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    assert.match(json.connectError, /server under test/);
    assert.doesNotMatch(r.stdout + r.stderr, /^\s+at /m);
    await assertNothingLeft(dir);
  });

  test('a server that exits before it is ready: exit 3 with its exit code and last lines', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:\${port}/mcp\nscenarios: [ping.yaml]\nserver:\n  command: >-\n    echo $$ > server.pid; echo "Error: Cannot find module './dist/server.js'" >&2; exit 7\n`,
      'ping.yaml': 'scenarios:\n  - name: ping\n    steps: [{ ping: true }]\n',
    });
    const r = await runCli(['local'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /exited with code 7 before it answered at .*; its last output:\n {2}\| Error: Cannot find module '\.\/dist\/server\.js'/);
  });

  test('Ctrl-C mid-run: exit 130, the report says interrupted, the server is stopped', async () => {
    const marker = path.join(base, `slow-${process.pid}-${Date.now()}`);
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:\${port}/mcp\nscenarios: [slow.yaml]\nreporters: [plain, json=run.json]\nserver:\n  command: echo $$ > server.pid; exec ${NODE} ${q(AUTHOR)}\n  env: { SLOW_MARKER: ${JSON.stringify(marker)} }\n  readyTimeout: 60s\n`,
      'slow.yaml': 'scenarios:\n  - name: slow\n    steps: [{ call: slow, args: { ms: 600000 }, timeout: 10m }]\n',
    });
    const child = spawn(process.execPath, [BIN, 'local'], { cwd: dir, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    await waitForFile(marker, 60_000);
    child.kill('SIGINT');
    assert.equal(await closed, 130, out);
    const json = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    assert.equal(json.interrupted, true);
    await assertNothingLeft(dir);
  });

  test('Ctrl-C while waiting for the server to get ready: exit 130, the server is stopped', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:\${port}/mcp\nscenarios: [ping.yaml]\nserver:\n  command: echo $$ > server.pid; exec sleep 600\n  readyTimeout: 10m\n`,
      'ping.yaml': 'scenarios:\n  - name: ping\n    steps: [{ ping: true }]\n',
    });
    const child = spawn(process.execPath, [BIN, 'local'], { cwd: dir, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    await waitForFile(path.join(dir, 'server.pid'));
    child.kill('SIGINT');
    assert.equal(await closed, 130, out);
    await assertNothingLeft(dir);
  });

  describe('reuseExisting', () => {
    let travel: Awaited<ReturnType<typeof startTravelServer>>;
    before(async () => {
      travel = await startTravelServer({ port: 0 });
    });
    after(async () => travel?.close());

    test('uses a server already answering; without it, a busy URL is exit 2 before anything starts', async () => {
      const files = (reuse: boolean) => ({
        'mcp-verify.config.yaml': `url: ${travel.url}\nscenarios: [ping.yaml]\nserver:\n  command: echo started > started.txt; exit 1\n  reuseExisting: ${reuse}\n`,
        'ping.yaml': 'scenarios:\n  - name: ping\n    steps: [{ ping: true }]\n',
      });
      const reused = await project(files(true));
      const r = await runCli(['local', '--reporter', 'plain'], { cwd: reused });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(existsSync(path.join(reused, 'started.txt')), false, 'the command was not run');
      const busy = await project(files(false));
      const b = await runCli(['local'], { cwd: busy });
      assert.equal(b.code, 2, b.stdout + b.stderr);
      assert.match(b.stderr, /already answers, so the server under test .* cannot be started there: .*reuseExisting: true/);
      assert.equal(existsSync(path.join(busy, 'started.txt')), false);
    });
  });
});

describe('--server-command and local auth (--header, --bearer-token-env, config headers)', () => {
  const TOKEN = 'sekrit-token-0123456789';
  const KEY = 'api-key-9876543210';
  const secretsGone = (text: string) => {
    assert.ok(!text.includes(TOKEN), 'the bearer token is never shown');
    assert.ok(!text.includes(KEY), 'the header value is never shown');
  };

  test('a token-protected server: ready on 401, refused without auth (exit 3), passing with --header and --bearer-token-env, secrets redacted', async () => {
    const dir = await project({ 'ping.yaml': 'scenarios:\n  - name: ping\n    steps: [{ call: echo, args: { text: "hi" }, expect: { text: hi } }]\n' });
    const cmd = `echo $$ > server.pid; REQUIRED_TOKEN=${TOKEN} REQUIRED_API_KEY=${KEY} PORT=\${port} exec ${NODE} ${q(AUTHOR)}`;
    const url = 'http://127.0.0.1:${port}/mcp';
    const refused = await runCli(['local', '--server-command', cmd, '--url', url, 'ping.yaml'], { cwd: dir, timeoutMs: 90_000 });
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /401/);
    await assertNothingLeft(dir);

    const ok = await runCli(['local', '--server-command', cmd, '--url', url, '--header', `X-Api-Key: ${KEY}`, '--bearer-token-env', 'MY_TOKEN', '--reporter', 'table,json=run.json', 'ping.yaml'], {
      cwd: dir,
      env: { MY_TOKEN: TOKEN },
      timeoutMs: 90_000,
    });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /auth: Bearer/);
    secretsGone(ok.stdout + ok.stderr + (await readFile(path.join(dir, 'run.json'), 'utf8')));
    await assertNothingLeft(dir);
  });

  test('config headers with ${env.NAME} and bearerTokenEnv; doctor and call take the same flags', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:\${port}/mcp\nheaders:\n  X-Api-Key: "\${env.MY_KEY}"\nbearerTokenEnv: MY_TOKEN\nserver:\n  command: echo $$ > server.pid; exec ${NODE} ${q(AUTHOR)}\n  env: { REQUIRED_TOKEN: ${TOKEN}, REQUIRED_API_KEY: ${KEY} }\n  readyTimeout: 60s\n`,
      'ping.yaml': 'scenarios:\n  - name: echo\n    steps: [{ call: echo, args: { text: "hi" }, expect: { text: { equals: bye } } }]\n',
    });
    const r = await runCli(['local', '--reporter', 'plain,junit=j.xml', 'ping.yaml'], { cwd: dir, env: { MY_TOKEN: TOKEN, MY_KEY: KEY }, timeoutMs: 90_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /text: result text is not equal to "bye"/, 'it connected and ran the step');
    secretsGone(r.stdout + r.stderr + (await readFile(path.join(dir, 'j.xml'), 'utf8')));
    await assertNothingLeft(dir);
    const unset = await runCli(['local', 'ping.yaml'], { cwd: dir, env: { MY_TOKEN: TOKEN, MY_KEY: undefined } });
    assert.equal(unset.code, 2);
    assert.match(unset.stderr, /headers\.X-Api-Key uses \$\{env\.MY_KEY\}, which is not set/);
  });

  test('doctor and call send --header and --bearer-token-env to a plain-HTTP endpoint', async () => {
    // A protected server the test starts itself (no config).
    const { freePort } = await import('./support/everything-server.js');
    const port = await freePort();
    const server = spawn(process.execPath, [AUTHOR], { env: { ...process.env, PORT: String(port), REQUIRED_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout!.on('data', (d) => String(d).includes('listening') && resolve());
        server.once('exit', (c) => reject(new Error(`author server exited ${c}`)));
      });
      const url = `http://127.0.0.1:${port}/mcp`;
      const call = await runCli(['call', 'echo', '--arg', 'text=hey', '--url', url, '--bearer-token-env', 'MY_TOKEN'], { env: { MY_TOKEN: TOKEN } });
      assert.equal(call.code, 0, call.stdout + call.stderr);
      assert.match(call.stdout, /hey/);
      const doctor = await runCli(['doctor', '--url', url, '--header', `Authorization: Bearer ${TOKEN}`], {});
      assert.match(doctor.stdout, /PASS +initialize/);
      secretsGone(doctor.stdout + doctor.stderr);
      const noAuth = await runCli(['doctor', '--url', url]);
      assert.equal(noAuth.code, 3, noAuth.stdout + noAuth.stderr);
    } finally {
      server.kill('SIGTERM');
    }
  });
});

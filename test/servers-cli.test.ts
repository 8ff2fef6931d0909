// The bundled servers as a user starts them from the command line: `example-server` and
// `emulate-agentcore` print where they listen, serve real runs, refuse a busy port with one line, and
// stop cleanly on SIGINT / SIGTERM.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT, runCli } from './support/cli.js';

const children: ChildProcessWithoutNullStreams[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const KEY = 'AKIDSERVERSCLI000001';
const SECRET = 'servers-cli-secret/abcdefghijklmnop';

/** Starts a long-running command and waits for the line that says where it listens. */
async function start(args: string[], ready: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 15_000;
  while (!ready.test(stdout)) {
    if (Date.now() > deadline || child.exitCode !== null) assert.fail(`not ready: ${stdout}${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async (signal: NodeJS.Signals) => {
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', (c) => resolve(c))));
    return { code, stdout, stderr };
  };
  return { match: stdout.match(ready)!, stop, output: () => stdout + stderr };
}

test('example-server: prints its URL, serves the suite, refuses a busy port in one line, stops on SIGTERM', async () => {
  const server = await start(['example-server', '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:(\d+)\/mcp)\n/);
  const [, url, port] = server.match;
  assert.match(server.output(), /Travel Planner reference server \(2025-11-25 stateful \+ 2026-07-28\)/);
  const run = await runCli(['local', '--url', url!, 'scenarios/travel/prompts.yaml']);
  assert.equal(run.code, 0, run.stdout + run.stderr);

  const busy = await runCli(['example-server', '--port', port!]);
  assert.equal(busy.code, 2, busy.stdout + busy.stderr);
  assert.match(busy.stderr, new RegExp(`port ${port} is in use; pass --port`));
  assert.equal(busy.stderr.trim().split('\n').length, 1);

  const stopped = await server.stop('SIGTERM');
  assert.equal(stopped.code, 0);
  assert.match(stopped.stdout, /stopped\n$/);
});

test('example-server --era: one era only, said on start; a bad era or --like fastmcp with the modern era is a usage error', async () => {
  const modern = await start(['example-server', '--port', '0', '--era', 'modern'], /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/);
  assert.match(modern.output(), /Travel Planner reference server \(2026-07-28 only\)/);
  const run = await runCli(['local', '--url', modern.match[1]!, '--era', 'modern', 'scenarios/travel/prompts.yaml']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  await modern.stop('SIGTERM');

  const bad = await runCli(['example-server', '--era', 'sideways']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--era takes both, legacy or modern \(got "sideways"\)/);
  const fastmcp = await runCli(['example-server', '--like', 'fastmcp', '--era', 'modern']);
  assert.equal(fastmcp.code, 2);
  assert.match(fastmcp.stderr, /FastMCP does not speak 2026-07-28/);
  assert.equal(fastmcp.stderr.trim().split('\n').length, 1);
  const help = await runCli(['example-server', '--help']);
  assert.match(help.stdout, /--like fastmcp serves 2025-11-25 only: FastMCP does not speak 2026-07-28/);
});

test('emulate-agentcore --modern-session: said on start and in --help as unknown; a bad mode is a usage error', async () => {
  const help = await runCli(['emulate-agentcore', '--help']);
  assert.match(help.stdout, /--modern-session <mode>/);
  assert.match(help.stdout, /What AgentCore does with Mcp-Session-Id on 2026-07-28 traffic is\s+UNKNOWN/);
  const bad = await runCli(['emulate-agentcore', '--upstream', 'http://127.0.0.1:1/mcp', '--modern-session', 'sticky']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected one of: ignore, mint, forward/);
});

test('emulate-agentcore: says it is an emulator, fronts the reference server for `remote`, stops on SIGINT', async () => {
  const home = await mkdtemp(path.join(tmpdir(), 'mcp-verify-emu-cli-'));
  const aws = {
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: KEY,
    AWS_SECRET_ACCESS_KEY: SECRET,
  };
  const upstream = await start(['example-server', '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/);
  const emulator = await start(['emulate-agentcore', '--upstream', upstream.match[1]!, '--port', '0'], /run: mcp-verify remote --arn (\S+) --endpoint-url (\S+)\n/, aws);
  assert.match(emulator.output(), /AgentCore Runtime EMULATOR \(local, NOT AWS\)/);
  assert.match(emulator.output(), /2026-07-28 traffic: forwarded; Mcp-Session-Id there: ignore \(AgentCore's behaviour is unknown; --modern-session\)/);
  const [, arn, endpoint] = emulator.match;
  const run = await runCli(['remote', '--arn', arn!, '--endpoint-url', endpoint!, 'scenarios/travel/elicitation.yaml'], { env: aws });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /format: UUID/);
  const stopped = await emulator.stop('SIGINT');
  assert.equal(stopped.code, 0);
  assert.match(stopped.stdout, /stopped\n$/);
  assert.ok(!(stopped.stdout + stopped.stderr).includes(SECRET), 'the emulator never prints the secret');
  await upstream.stop('SIGINT');
});

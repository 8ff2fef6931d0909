// Issue 13, problems 8 and 9: `doctor --url` against a server answering 401 or 403 (with the bodies
// gateways really send) is exit 3 with one clear line, never "internal error"; a reader that closes the
// pipe (`mcp-verify --help | head -1`) ends the CLI quietly with exit 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BIN, ROOT, runCli } from './support/cli.js';

const bodies: Record<string, { status: number; type: string; body: string }> = {
  '/oauth': { status: 401, type: 'application/json', body: '{"error":"invalid_token","error_description":"The access token expired"}' },
  '/gateway': { status: 403, type: 'application/json', body: '{"message":"Forbidden"}' },
  '/text': { status: 403, type: 'text/plain', body: 'Forbidden' },
  '/null': { status: 401, type: 'application/json', body: 'null' },
};
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    const b = bodies[new URL(req.url ?? '/', 'http://x').pathname] ?? bodies['/oauth']!;
    req.resume();
    res.writeHead(b.status, { 'content-type': b.type, 'www-authenticate': 'Bearer error="invalid_token"' }).end(b.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

describe('doctor against a server refusing authentication', () => {
  for (const path of Object.keys(bodies)) {
    test(`HTTP ${bodies[path]!.status} with ${bodies[path]!.type} ${bodies[path]!.body}: exit 3, one finding, no internal error`, async () => {
      const r = await runCli(['doctor', '--url', `${base}${path}`]);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /internal error|TypeError|\n\s+at /);
      assert.match(r.stdout, /FAIL\s+reachable\s+authentication refused: POST initialize → 40[13]/);
    });
  }
});

describe('a closed output pipe', () => {
  for (const args of [['--help'], ['local', '--help'], ['doctor', '--help'], ['--version']]) {
    test(`mcp-verify ${args.join(' ')} | head -1: exit 0, no EPIPE trace`, async () => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      // The reader is gone before the first byte is written: every write meets a closed pipe.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /EPIPE|Unhandled 'error' event/);
    });
  }
});

// The server under test, started for the run and stopped after it (Playwright's `webServer`): any shell
// command (`python travel_server.py`, `node dist/server.js`) in a process group of its own, ready when its
// URL answers `initialize` (a 401/403 counts: the server is up and wants auth) or, with `ready: port`,
// when the port accepts a connection. Stopped with SIGTERM to the whole group, then SIGKILL after a grace
// period: after a pass, a failure, Ctrl-C, and (SIGKILL, synchronously, on process exit) a crash of our own.
// Its output is kept (the last lines) for failing steps and for "never got ready".
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectError, UsageError } from '../errors.js';
import type { FetchLike } from '../target/target.js';
import { OutputTail } from './output.js';

export interface ServerUnderTestOptions {
  command: string;
  /** Where it answers MCP. */
  url: URL;
  cwd: string;
  env?: Record<string, string | number | boolean>;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  reuseExisting?: boolean;
  ready?: 'initialize' | 'port';
  /** The fetch of the target (so a protected server sees its headers / bearer token). */
  fetch?: FetchLike;
  /** Aborted by Ctrl-C / SIGTERM: the wait for readiness ends and the server is stopped. */
  signal?: AbortSignal;
}

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const TAIL_LINES = 20;

/** Every server still running, for the synchronous last-resort kill on exit. */
const running = new Set<ServerUnderTest>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of running) s.killNow();
  });
}

export class ServerUnderTest {
  private child: ChildProcess | undefined;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitWaiters: (() => void)[] = [];
  readonly output = new OutputTail(200);
  private stopping = false;

  private constructor(readonly opts: ServerUnderTestOptions, readonly reused: boolean) {}

  /** Starts the command (or reuses what already answers) and waits until it is ready. */
  static async start(opts: ServerUnderTestOptions): Promise<ServerUnderTest> {
    const up = await probe(opts);
    if (up) {
      if (opts.reuseExisting) return new ServerUnderTest(opts, true);
      throw new UsageError(
        `${opts.url} already answers, so the server under test (${oneLine(opts.command)}) cannot be started there: stop what is running, or set server.reuseExisting: true to use it`,
      );
    }
    const sut = new ServerUnderTest(opts, false);
    sut.spawn();
    try {
      await sut.waitUntilReady();
    } catch (e) {
      await sut.stop();
      throw e;
    }
    return sut;
  }

  /** The process group id (the child's pid), while it runs. */
  get pgid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && !this.exited;
  }

  /** The last lines it printed (stdout and stderr interleaved), terminal-safe. */
  lastLines(n = TAIL_LINES): string[] {
    return this.output.last(n);
  }

  private spawn(): void {
    installExitHook();
    const env = { ...process.env, ...Object.fromEntries(Object.entries(this.opts.env ?? {}).map(([k, v]) => [k, String(v)])) };
    let child: ChildProcess;
    try {
      // detached: its own process group, so Ctrl-C in the terminal reaches only us, and we stop the whole
      // group (a shell, and whatever it started) together.
      child = spawn(this.opts.command, { shell: true, detached: true, cwd: this.opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new ConnectError(`the server under test could not be started (${oneLine(this.opts.command)}): ${(e as Error).message}`);
    }
    this.child = child;
    running.add(this);
    child.stdout?.on('data', (d: Buffer) => this.output.push(d));
    child.stderr?.on('data', (d: Buffer) => this.output.push(d));
    child.on('error', (e) => {
      this.output.note(`(could not start: ${e.message})`);
      this.markExited(null, null);
    });
    child.on('exit', (code, signal) => this.markExited(code, signal));
  }

  private markExited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = { code, signal };
    for (const w of this.exitWaiters.splice(0)) w();
  }

  private exitedPromise(): Promise<void> {
    return this.exited ? Promise.resolve() : new Promise((r) => this.exitWaiters.push(r));
  }

  private async waitUntilReady(): Promise<void> {
    const timeoutMs = this.opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let delay = 50;
    while (!this.exited) {
      if (this.opts.signal?.aborted) throw this.opts.signal.reason ?? new Error('interrupted');
      if (await probe(this.opts)) return;
      if (this.exited) break;
      if (Date.now() >= deadline) {
        throw new ConnectError(
          `the server under test (${oneLine(this.opts.command)}) did not answer ${this.opts.ready === 'port' ? 'on the port of' : 'initialize at'} ${this.opts.url} within ${timeoutMs} ms (server.readyTimeout)${this.tailText()}`,
        );
      }
      await Promise.race([sleep(delay, undefined, { ref: true }), this.exitedPromise()]);
      delay = Math.min(500, delay * 2);
    }
    // Let the last output arrive before quoting it.
    await sleep(20);
    const how = this.exited!.signal ? `was killed by ${this.exited!.signal}` : `exited with code ${this.exited!.code}`;
    throw new ConnectError(`the server under test (${oneLine(this.opts.command)}) ${how} before it answered at ${this.opts.url}${this.tailText()}`);
  }

  private tailText(): string {
    const lines = this.lastLines();
    return lines.length ? `; its last output:\n${lines.map((l) => `  | ${l}`).join('\n')}` : '; it printed nothing';
  }

  /** SIGTERM to the group; SIGKILL after the grace period. Resolves when the group is gone. */
  async stop(): Promise<void> {
    if (!this.child?.pid) return;
    if (this.stopping) {
      await waitForGroupGone(this.child.pid, (this.opts.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS) + 2_000);
      return;
    }
    this.stopping = true;
    const pgid = this.child.pid;
    try {
      if (groupAlive(pgid)) {
        signalGroup(pgid, 'SIGTERM');
        const grace = this.opts.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
        if (!(await waitForGroupGone(pgid, grace))) {
          signalGroup(pgid, 'SIGKILL');
          await waitForGroupGone(pgid, 2_000);
        }
      }
      await Promise.race([this.exitedPromise(), sleep(2_000, undefined, { ref: false })]);
    } finally {
      running.delete(this);
    }
  }

  /** Synchronous last resort (process exit): SIGKILL the group. */
  killNow(): void {
    const pgid = this.child?.pid;
    if (pgid && groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  }

  /** Resolves when it exits on its own (watch mode restarts it; a run reports it). */
  whenExited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exitedPromise().then(() => this.exited!);
  }
}

function oneLine(command: string): string {
  const s = command.replace(/\s+/g, ' ').trim();
  return s.length > 80 ? s.slice(0, 79) + '…' : s;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForGroupGone(pgid: number | undefined, timeoutMs: number): Promise<boolean> {
  if (!pgid) return true;
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/** One readiness probe: initialize answered (2xx, or 401/403 for a protected server), or the port accepts. */
export async function probe(opts: Pick<ServerUnderTestOptions, 'url' | 'ready' | 'fetch'>): Promise<boolean> {
  if (opts.ready === 'port') return portAccepts(opts.url);
  const fetchFn: FetchLike = opts.fetch ?? ((u, i) => fetch(u, i));
  let res: Response;
  try {
    res = await fetchFn(opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 'mcp-verify-ready',
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'mcp-verify-ready-check', version: '1' } },
      }),
      signal: AbortSignal.timeout(2_000),
    });
  } catch {
    return false;
  }
  const sessionId = res.headers.get('mcp-session-id');
  await res.body?.cancel().catch(() => {});
  // End the session the probe opened, so the server keeps no stray state from it.
  if (sessionId) {
    await fetchFn(opts.url, { method: 'DELETE', headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' }, signal: AbortSignal.timeout(2_000) })
      .then((r) => r.body?.cancel())
      .catch(() => {});
  }
  return (res.status >= 200 && res.status < 300) || res.status === 401 || res.status === 403;
}

function portAccepts(url: URL): Promise<boolean> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

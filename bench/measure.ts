// How the benchmark measures a child process: wall time from spawn to exit (performance.now in this
// process) and peak RSS from the kernel, via GNU time (`/usr/bin/time -f %M`) when it is installed,
// else via a `node --import` hook that reports process.resourceUsage().maxRSS at exit.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const HOOK = fileURLToPath(new URL('./maxrss-hook.mjs', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'mcp-verify-bench-rss-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

export interface ChildRun {
  ms: number;
  /** Peak resident set size in KiB, when asked for. */
  maxRssKiB?: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

let counter = 0;

/**
 * Runs `node <args>` (a script or bin/mcp-verify) on the given Node binary (default: the one running the
 * bench), optionally measuring peak RSS. Rejects on non-zero exit.
 */
export function runNode(args: string[], opts: { node?: string; rss?: boolean; okCodes?: number[]; env?: Record<string, string | undefined> } = {}): Promise<ChildRun> {
  const rssFile = path.join(scratch, `rss-${++counter}`);
  const node = opts.node ?? process.execPath;
  let cmd = node;
  let argv = args;
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
  if (opts.rss && GNU_TIME) {
    cmd = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, node, ...args];
  } else if (opts.rss) {
    argv = ['--import', HOOK, ...args];
    Object.assign(env, { BENCH_MAXRSS_FILE: rssFile });
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const run: ChildRun = { ms, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      if (opts.rss) {
        // GNU time writes "Command exited with non-zero status N" first when the child fails.
        const lines = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n') : [];
        run.maxRssKiB = Number(lines.at(-1));
      }
      if (!(opts.okCodes ?? [0]).includes(code ?? -1)) {
        reject(new Error(`${node} ${args.join(' ')} exited ${code}\n${run.stderr.slice(-2000)}${run.stdout.slice(-2000)}`));
      } else resolve(run);
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Runs each side `repeats` times, interleaved and alternating who goes first (A B, B A, A B …) so
 * drift on a shared machine, and whatever one side leaves behind on the server, hits both sides
 * alike; one unmeasured warm-up of each first fills the page cache.
 */
export async function sideBySide<T>(repeats: number, a: () => Promise<T>, b: () => Promise<T>, warmup = true): Promise<{ a: T[]; b: T[] }> {
  if (warmup) {
    await a();
    await b();
  }
  const out = { a: [] as T[], b: [] as T[] };
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      out.a.push(await a());
      out.b.push(await b());
    } else {
      out.b.push(await b());
      out.a.push(await a());
    }
  }
  return out;
}

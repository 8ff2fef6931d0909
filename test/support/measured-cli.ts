// The real CLI as a child process (like cli.ts), with its peak memory measured and, optionally, a
// signal sent once the test says the moment has come (the server saw the request, a line appeared).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ROOT, type CliResult } from './cli.js';

const PRELOAD = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url));

export interface MeasuredResult extends CliResult {
  /** Peak RSS in MiB, or null when the process died without exiting (a crash). */
  peakRssMiB: number | null;
}

export interface MeasuredOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Hard bound: the child is killed (SIGKILL) after this long and the result says so. */
  timeoutMs?: number;
  /** Send `signal` once `when` resolves (e.g. the server saw initialize). */
  signal?: { signal: NodeJS.Signals; when: Promise<unknown> };
  /** Called with everything on stdout so far, each time more arrives (to learn a port, a moment). */
  onStdout?: (soFar: string) => void;
}

export async function runCliMeasured(args: string[], opts: MeasuredOptions = {}): Promise<MeasuredResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-rss-'));
  const rssFile = path.join(dir, 'peak');
  try {
    const r = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: opts.cwd ?? ROOT,
        env: {
          ...process.env,
          CI: 'true',
          NO_COLOR: '1',
          FORCE_COLOR: undefined,
          ...opts.env,
          // Node >= 22 sizes V8's young generation larger by default, which alone puts a message flood over
          // the bound there; cap the semi-space as Node 20 has it (README Reliability says so).
          NODE_OPTIONS: `--import ${PRELOAD}${Number(process.versions.node.split('.')[0]) >= 22 ? ' --max-semi-space-size=16' : ''}`,
          MCP_VERIFY_PEAK_RSS_FILE: rssFile,
        } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
        opts.onStdout?.(stdout);
      });
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      if (opts.signal) opts.signal.when.then(() => child.exitCode === null && child.kill(opts.signal!.signal)).catch(() => {});
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
    const kb = await readFile(rssFile, 'utf8').then(Number, () => NaN);
    return { ...r, peakRssMiB: Number.isFinite(kb) ? Math.round(kb / 1024) : null };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Resolves when `predicate` holds, checking each time `poll` is called back (bounded by `limit` tries, 50 ms apart). */
export async function eventually(predicate: () => boolean, limit = 400): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the condition never held');
}

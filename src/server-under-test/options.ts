// Where the server under test's settings come from: the config file's `server:` block and
// `--server-command` (which replaces the file's command and keeps its other settings).
import type { Command } from 'commander';
import type { ResolvedServer } from '../config/apply.js';
import { durationMs } from '../scenario/duration.js';
import type { FetchLike } from '../target/target.js';
import type { ServerUnderTestOptions } from './server.js';

export interface ServerFlags {
  serverCommand?: string;
  /** From the config file (src/config/apply.ts). */
  server?: ResolvedServer;
}

export function addServerFlags(cmd: Command): Command {
  return cmd.option(
    '--server-command <command>',
    'start the server under test with this shell command before the run, wait until --url answers initialize, stop it after (config: server.command)',
  );
}

export function serverOptionsFrom(flags: ServerFlags, targetUrl: URL, fetch: FetchLike): ServerUnderTestOptions | undefined {
  const s = flags.server;
  const command = flags.serverCommand ?? s?.command;
  if (!command) return undefined;
  return {
    command,
    url: s?.url ? new URL(s.url) : targetUrl,
    cwd: s?.cwd ?? process.cwd(),
    ...(s?.env ? { env: s.env } : {}),
    ...(s?.readyTimeout !== undefined ? { readyTimeoutMs: durationMs(s.readyTimeout, 30_000) } : {}),
    ...(s?.stopTimeout !== undefined ? { stopTimeoutMs: durationMs(s.stopTimeout, 5_000) } : {}),
    ...(s?.reuseExisting !== undefined ? { reuseExisting: s.reuseExisting } : {}),
    ...(s?.ready ? { ready: s.ready } : {}),
    fetch,
  };
}

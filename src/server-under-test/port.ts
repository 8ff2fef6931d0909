// `${port}` in the server under test's settings (server.command, server.url, server.env, url): a free
// loopback port chosen by mcp-verify for this run, also passed as PORT in the server's environment, so
// parallel runs and CI jobs never fight over a fixed port.
import { createServer } from 'node:net';
import type { ResolvedServer } from '../config/apply.js';

export const PORT_PLACEHOLDER = /\$\{\s*port\s*\}/g;
const has = (s: string | undefined) => !!s && /\$\{\s*port\s*\}/.test(s);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface PortFlags {
  url: string;
  serverCommand?: string;
  server?: ResolvedServer;
}

/** Replaces `${port}` everywhere in the flags with one free port (no-op when nothing uses it). */
export async function resolvePortPlaceholder<F extends PortFlags>(flags: F): Promise<F> {
  const s = flags.server;
  const used = has(flags.url) || has(flags.serverCommand) || has(s?.command) || has(s?.url) || Object.values(s?.env ?? {}).some((v) => typeof v === 'string' && has(v));
  if (!used) return flags;
  const port = String(await freePort());
  const sub = (v: string) => v.replace(PORT_PLACEHOLDER, port);
  return {
    ...flags,
    url: sub(flags.url),
    ...(flags.serverCommand ? { serverCommand: sub(flags.serverCommand) } : {}),
    ...(s
      ? {
          server: {
            ...s,
            command: sub(s.command),
            ...(s.url ? { url: sub(s.url) } : {}),
            env: { PORT: port, ...Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, typeof v === 'string' ? sub(v) : v])) },
          },
        }
      : {}),
  };
}

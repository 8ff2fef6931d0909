// The HTTP client of remote targets (and of local ones that carry credentials): undici's fetch over one
// keep-alive pool for the process, never following a redirect, so a signature or a token is never
// replayed to another host (a 3xx comes back as itself: safety/redirects.ts). Credentials are added by a
// fetch middleware above it (sigv4.ts, bearer.ts, local-auth.ts).
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { REDIRECT_POLICY } from '../safety/redirects.js';
import type { FetchLike } from './target.js';

let sharedAgent: Agent | undefined;
/** One keep-alive pool for all signed and bearer requests of the process. */
export function sharedDispatcher(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  return sharedAgent;
}

/** undici's fetch on a pool, redirects not followed. */
export function pooledFetch(dispatcher: Dispatcher = sharedDispatcher()): FetchLike {
  return async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const res = await undiciFetch(input, {
      method: init.method,
      headers,
      body: init.body as string | Uint8Array | undefined,
      signal: init.signal ?? undefined,
      redirect: REDIRECT_POLICY,
      dispatcher,
    });
    // undici's Response is the same class Node's global fetch returns, typed separately.
    return res as unknown as Response;
  };
}

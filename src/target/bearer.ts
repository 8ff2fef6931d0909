// Bearer-token auth for runtimes configured with a JWT authorizer. The token is read only from an
// environment variable whose NAME the user gives (--bearer-token-env NAME), so it never sits in shell
// history or in a process listing; messages name the variable, never its value.

import { REDIRECT_POLICY } from '../safety/redirects.js';
import { fetch as undiciFetch } from 'undici';
export { readBearerToken } from './bearer-token.js';
import { sharedDispatcher } from './sigv4.js';
import { markSentHeaders, type FetchLike } from './target.js';

/** A FetchLike that adds `Authorization: Bearer <token>` to every request. */
export function createBearerFetch(token: string): FetchLike {
  const dispatcher = sharedDispatcher();
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    const plain: Record<string, string> = {};
    headers.forEach((v, k) => {
      plain[k] = v;
    });
    const res = await undiciFetch(input, {
      method: init.method,
      headers: plain,
      body: init.body as string | Uint8Array | undefined,
      signal: init.signal ?? undefined,
      // Never replay credentials to another host: a redirect comes back as itself (safety/redirects.ts).
      redirect: REDIRECT_POLICY,
      dispatcher,
    });
    return markSentHeaders(res, plain) as unknown as Response;
  };
}

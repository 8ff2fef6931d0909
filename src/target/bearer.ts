// Bearer-token auth for runtimes configured with a JWT authorizer. The token is read only from an
// environment variable whose NAME the user gives (--bearer-token-env NAME), so it never sits in shell
// history or in a process listing; messages name the variable, never its value.
import type { Middleware } from '@modelcontextprotocol/client';
import { pooledFetch } from './http.js';
import type { FetchLike } from './target.js';
export { readBearerToken } from './bearer-token.js';

/** The SDK fetch middleware that adds `Authorization: Bearer <token>` to every request. */
export function withBearer(token: string): Middleware {
  return (next) => (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return next(input, { ...init, headers });
  };
}

/** A FetchLike that adds the token to every request: withBearer over the pooled HTTP client (no redirects followed). */
export function createBearerFetch(token: string): FetchLike {
  return withBearer(token)(pooledFetch());
}

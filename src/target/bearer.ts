// Bearer-token auth for runtimes configured with a JWT authorizer. The token is read only from an
// environment variable whose NAME the user gives (--bearer-token-env NAME), so it never sits in shell
// history or in a process listing; messages name the variable, never its value.

import { fetch as undiciFetch } from 'undici';
import { ConnectError, UsageError } from '../errors.js';
import { sharedDispatcher } from './sigv4.js';
import { markSentHeaders, type FetchLike } from './target.js';

/** Read the token from the named variable. @throws ConnectError if it is unset or empty. */
export function readBearerToken(envName: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) {
    throw new UsageError(
      // The value is not echoed: a user who got this wrong has most likely pasted the token itself.
      `--bearer-token-env takes the NAME of an environment variable (e.g. MCP_TOKEN), not a token; ` +
        `put the token in that variable and pass its name.`,
    );
  }
  const value = env[envName];
  if (value === undefined) {
    throw new ConnectError(`The environment variable ${envName} (from --bearer-token-env) is not set; export it with the bearer token.`);
  }
  const token = value.trim().replace(/^Bearer\s+/i, '');
  if (!token) {
    throw new ConnectError(`The environment variable ${envName} (from --bearer-token-env) is empty; it must hold the bearer token.`);
  }
  return token;
}

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
      redirect: init.redirect,
      dispatcher,
    });
    return markSentHeaders(res, plain) as unknown as Response;
  };
}

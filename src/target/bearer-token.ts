// The bearer token from the environment variable the user names (--bearer-token-env NAME): kept apart
// from the bearer fetch (which loads undici) so the flags of every command can read it without loading
// the HTTP stack at start-up.
import { ConnectError, UsageError } from '../errors.js';

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

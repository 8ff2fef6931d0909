// Auth for a plain-HTTP endpoint (`local`, `doctor`, `call`, `init` with --url): `--header 'Name: value'`
// (repeatable; config `headers`) and `--bearer-token-env VAR` (the token read from the environment, never
// from a flag value). Every value given is a secret: redacted from every output, report and recording.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { readBearerToken } from './bearer-token.js';
import type { Middleware } from '@modelcontextprotocol/client';
import { REDIRECT_POLICY } from '../safety/redirects.js';
import { makeTarget, type Target } from './target.js';

export interface LocalAuthFlags {
  header?: string[];
  bearerTokenEnv?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the MCP transport owns: setting them by hand would break the session. */
const RESERVED = new Set(['mcp-session-id', 'mcp-protocol-version', 'content-type', 'accept', 'content-length', 'host', 'last-event-id']);

/** `--header` for commands that have no other way to take it; `withBearer` adds `--bearer-token-env` too. */
export function addLocalAuthFlags(cmd: Command, withBearer = true): Command {
  cmd.option('--header <"Name: value">', 'send this HTTP header on every request to a --url endpoint (repeatable); the value is redacted from every output', collect);
  if (withBearer) cmd.option('--bearer-token-env <NAME>', 'send Authorization: Bearer <token>, the token read from this environment variable (never pass a token as a flag value)');
  return cmd;
}

/** Parses `Name: value` flags. @throws UsageError naming the header, never echoing its value. */
export function parseHeaders(values: string[] | undefined): [string, string][] {
  const out = new Map<string, [string, string]>();
  for (const v of values ?? []) {
    const colon = v.indexOf(':');
    const name = colon > 0 ? v.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) throw new UsageError(`--header takes "Name: value" (e.g. --header 'X-Api-Key: ...'); got a value with no header name before ":"`);
    if (RESERVED.has(name.toLowerCase())) throw new UsageError(`--header ${name}: mcp-verify sets this header itself (it is part of the MCP transport); it cannot be overridden`);
    // A later flag for the same header wins (the config file's come first).
    out.set(name.toLowerCase(), [name, v.slice(colon + 1).trim()]);
  }
  return [...out.values()];
}

/** The secrets a set of header values holds: each value, and the credential after an auth scheme. */
function secretsOf(value: string): string[] {
  const m = /^(?:Bearer|Basic|Token|Digest)\s+(.+)$/i.exec(value);
  return m ? [value, m[1]!] : [value];
}

/** A local target whose every request carries the headers and bearer token the flags give. */
export function withLocalAuth(target: Target, flags: LocalAuthFlags): Target {
  const headers = parseHeaders(flags.header);
  const token = flags.bearerTokenEnv ? readBearerToken(flags.bearerTokenEnv) : undefined;
  if (token && headers.some(([n]) => n.toLowerCase() === 'authorization')) {
    throw new UsageError('--bearer-token-env and --header Authorization both set the Authorization header; give one');
  }
  if (!headers.length && !token) return target;
  // An SDK fetch middleware above the target's own; credentials are never replayed to a redirect target.
  const withHeaders: Middleware = (next) => (url, init = {}) => {
    const h = new Headers(init.headers);
    for (const [n, v] of headers) h.set(n, v);
    if (token) h.set('authorization', `Bearer ${token}`);
    return next(url, { ...init, headers: h, redirect: REDIRECT_POLICY });
  };
  const { fetch: _old, ...parts } = target;
  return makeTarget({
    ...parts,
    auth: (next) => withHeaders(target.auth(next)),
    authMethod: token || headers.some(([n, v]) => n.toLowerCase() === 'authorization' && /^bearer\s/i.test(v)) ? 'Bearer' : target.authMethod,
    secrets: [...target.secrets, ...headers.flatMap(([, v]) => secretsOf(v)), ...(token ? [token] : [])],
    details: { ...target.details, ...(headers.length ? { headers: headers.map(([n]) => n).join(', ') } : {}) },
  });
}

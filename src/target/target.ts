// A Target is everything about *where* an MCP endpoint is and *how to reach it*.
// Local and remote targets differ only here: the session, runner and reporters never care which.
import type { Middleware } from '@modelcontextprotocol/client';

/** The fetch signature the MCP transport takes (a subset of the WHATWG fetch). */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export type AuthMethod = 'None' | 'SigV4' | 'Bearer';
export type TargetKind = 'local' | 'remote';

export interface Target {
  kind: TargetKind;
  /** Short name for reports: "Local", "Remote (AgentCore)". */
  label: string;
  /** The MCP endpoint URL (for AgentCore: the encoded-ARN invocations URL with its qualifier). */
  url: URL;
  /** The HTTP client alone: Node's fetch, or undici's pool with redirects not followed (http.ts). */
  http: FetchLike;
  /**
   * What every request gets on its way out, as the SDK's fetch middleware: the SigV4 signature, the
   * bearer token, --header values; `passThrough` for a plain local target. The session puts it right
   * above `http`, with the wire capture under it, so the capture records what was really sent (session.ts).
   */
  auth: Middleware;
  /** `auth` over `http`: what a raw exchange (protocol checks, doctor, readiness probes) goes through. */
  fetch: FetchLike;
  authMethod: AuthMethod;
  /** Values that must never appear in any output (tokens, keys); the redactor masks them. */
  secrets: string[];
  /** Extra facts for reports (region, ARN, qualifier); never secrets. */
  details?: Record<string, string>;
  /**
   * Work needed before the first request that may take long (resolving AWS credentials: a
   * credential_process, SSO, instance metadata). A run calls it once its reporters exist and its
   * signals are installed, so a signal while it waits still ends in complete, INTERRUPTED reports.
   * Rejects with a ConnectError (exit 3). Idempotent; requests made before it call it themselves.
   */
  prepare?: () => Promise<void>;
}

/** A middleware that changes nothing (a target without credentials). */
export const passThrough: Middleware = (next) => next;

/** A Target from its parts; `fetch` is `auth` applied to `http`. */
export function makeTarget(parts: Omit<Target, 'fetch'>): Target {
  return { ...parts, fetch: parts.auth(parts.http) };
}

/** A plain local target: no auth, Node's global fetch. */
export function localTarget(url: string | URL, label = 'Local'): Target {
  return makeTarget({
    kind: 'local',
    label,
    url: new URL(url),
    http: (u, init) => fetch(u, init),
    auth: passThrough,
    authMethod: 'None',
    secrets: [],
  });
}

// A Target is everything about *where* an MCP endpoint is and *how to reach it*.
// Local and remote targets differ only here: the session, runner and reporters never care which.

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
  /** The fetch every HTTP request of the session goes through (signing, bearer token, plain). */
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

/** A plain local target: no auth, Node's global fetch. */
export function localTarget(url: string | URL, label = 'Local'): Target {
  return {
    kind: 'local',
    label,
    url: new URL(url),
    fetch: (u, init) => fetch(u, init),
    authMethod: 'None',
    secrets: [],
  };
}

/**
 * A fetch that adds headers of its own (the SigV4 signer, bearer auth) marks its Response with what it
 * really sent, so the wire capture (src/session/wire-capture.ts) records the request as it went out.
 */
const SENT_HEADERS = Symbol.for('mcp-verify.sentHeaders');

export function markSentHeaders<R extends object>(res: R, headers: Record<string, string>): R {
  Object.defineProperty(res, SENT_HEADERS, { value: { ...headers }, enumerable: false });
  return res;
}

export function sentHeadersOf(res: object): Record<string, string> | undefined {
  return (res as { [SENT_HEADERS]?: Record<string, string> })[SENT_HEADERS];
}

// Redirects are never followed with credentials. A request carrying a SigV4 signature, a session
// token or a bearer token must not be replayed to whatever host a server names in `Location` (fetch
// keeps custom headers such as x-amz-security-token across origins), and a redirect's target must
// not be reported as if it were the endpoint's own answer. Credentialed fetches and every raw
// exchange send `redirect: 'manual'`; the 3xx comes back as itself and is reported as a redirect.

export const REDIRECT_POLICY = 'manual' as const;

export function isRedirect(status: number | null | undefined): boolean {
  return status !== null && status !== undefined && status >= 300 && status < 400 && status !== 304;
}

/** "HTTP 307 redirect to https://elsewhere.example/ (another origin), not followed: …" */
export function describeRedirect(from: URL | string, status: number, location: string | null): string {
  let where = location ?? '(no Location header)';
  let cross = '';
  if (location) {
    try {
      const to = new URL(location, from);
      where = to.href;
      cross = to.origin !== new URL(from).origin ? ' (another origin)' : ' (same origin)';
    } catch {
      /* an unparsable Location is shown as sent */
    }
  }
  return `HTTP ${status} redirect to ${where}${cross}, not followed: mcp-verify never sends a request with credentials to a redirect target, and the endpoint itself must answer`;
}

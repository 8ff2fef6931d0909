// Secrets (AWS keys, session tokens, bearer tokens, secret scenario variables) never appear in output,
// reports or traces. Everything that leaves the process goes through a Redactor built from the
// secrets known for the run.

export const REDACTED = '[REDACTED]';

export class Redactor {
  private readonly secrets: string[];
  constructor(secrets: Iterable<string | undefined | null>) {
    // Longest first so a secret that contains another is masked whole; very short values would
    // mask ordinary text, and are not credentials anyway.
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.secrets.length === 0;
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // Signatures and bearer tokens are secrets too, whatever produced them.
    return out.replace(/(Signature=)[0-9a-f]{16,}/gi, `$1${REDACTED}`).replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REDACTED}`);
  }

  /** A deep copy with every string redacted (keys included). */
  value<T>(v: T): T {
    if (typeof v === 'string') return this.text(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.value(x);
      return out as T;
    }
    return v;
  }
}

/** Headers whose value is a credential whatever it holds: masked before anything records them. */
export const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-amz-security-token', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);

/** A header value as it may be recorded: credentials masked (the scheme word kept: "Bearer [REDACTED]"). */
export function redactHeaderValue(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value;
  const scheme = /^(Bearer|Basic|AWS4-HMAC-SHA256|Digest)\s/i.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

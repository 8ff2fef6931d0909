// Secrets (AWS keys, session tokens, bearer tokens, secret scenario variables, the values of ${env.X})
// never appear in output, reports or traces. Everything that leaves the process goes through a
// Redactor built from the secrets known for the run: every sink (stdout, stderr, each reporter's
// file, the --record file) applies the same one.
//
// Literal matching is not redaction: a server that reflects request headers may send them back
// URL-encoded, JSON-escaped or base64-encoded. So each secret is masked in every form it can take:
// literal, percent-encoded (once and twice, upper- and lower-case hex), JSON-escaped (including `\/`
// and \uXXXX escapes of the characters JSON may escape), base64 and base64url (at each of the three
// alignments a secret can have inside a longer encoded text). Whatever produced them, SigV4
// signatures and Authorization / Bearer values are masked too, in plain, URL-encoded and JSON-escaped
// text, and a base64 run that decodes to text holding one is masked whole.

export const REDACTED = '[REDACTED]';

/** Shorter values would mask ordinary text, and are not credentials anyway. */
const MIN_SECRET = 4;
/** Encoded fragments shorter than this are too likely to occur by chance. */
const MIN_FRAGMENT = 8;

export class Redactor {
  private needles: string[] = [];
  private seen = -1;
  private readonly lists: Iterable<string | undefined | null>[];
  /**
   * Each list is read again whenever an array among them has grown (credentials refreshed during
   * the run are added to the target's list, and are masked from then on).
   */
  constructor(...lists: Iterable<string | undefined | null>[]) {
    this.lists = lists;
    this.refresh();
  }

  private refresh(): void {
    const size = this.lists.reduce((n, l) => n + (Array.isArray(l) ? l.length : 0), 0);
    if (size === this.seen) return;
    this.seen = size;
    const values = new Set<string>();
    for (const l of this.lists) for (const s of l) if (typeof s === 'string' && s.length >= MIN_SECRET) values.add(s);
    const needles = new Set<string>();
    for (const v of values) for (const form of encodedForms(v)) needles.add(form);
    // Longest first so a secret that contains another is masked whole.
    this.needles = [...needles].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  text(s: string): string {
    this.refresh();
    let out = s;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return maskCredentialShapes(out);
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

/** Every form in which `secret` can appear in text a server sends back. */
export function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const pct = encodeURIComponent(secret);
  forms.add(pct);
  forms.add(pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(encodeURIComponent(pct));
  forms.add(escape(secret));
  forms.add(pct.replace(/%20/g, '+'));
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(JSON.stringify(json).slice(1, -1));
  // \uXXXX for every non-alphanumeric character (what some JSON encoders emit).
  forms.add(secret.replace(/[^A-Za-z0-9]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const bytes = Buffer.from(secret, 'utf8');
  for (let shift = 0; shift < 3; shift++) {
    const b64 = alignedBase64(bytes, shift);
    if (b64.length >= MIN_FRAGMENT) {
      forms.add(b64);
      forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64url'));
  forms.add(Buffer.from(secret, 'utf8').toString('hex'));
  return [...forms].filter((f) => f.length >= MIN_SECRET);
}

/**
 * The base64 characters that encode `bytes` wherever they start at offset ≡ shift (mod 3) inside a
 * longer text: base64 encodes each 3-byte group on its own, so the groups lying wholly inside the
 * secret always encode to the same characters (at most two bytes at each end are left unmasked).
 */
function alignedBase64(bytes: Buffer, shift: number): string {
  const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
  const start = Math.ceil(shift / 3) * 3;
  const end = Math.floor(padded.length / 3) * 3;
  if (end - start < 3) return '';
  return padded.subarray(start, end).toString('base64');
}

const HEX_SIG = /((?:X-Amz-)?Signature(?:=|%3D|%253D|"\s*:\s*"))[0-9a-f]{16,}/gi;
const BEARER = /(Bearer(?:\s+|%20|\+))[A-Za-z0-9._~+/=-]{8,}/g;
/** An Authorization value in plain text (header line, JSON, query) or URL-encoded. */
const AUTH_PLAIN = /(authorization(?:\\*["'])?\s*[:=]\s*(?:\\*["'])?)(?!\[REDACTED\])[^\r\n"'&\\]{4,}/gi;
const AUTH_ENCODED = /(authorization(?:%22)?(?:%3A|%3D)(?:%20|\+|%22)*)(?!%5BREDACTED)[^&\s"']{4,}/gi;
const AMZ_TOKEN = /(x-amz-security-token(?:\\*["'])?\s*[:=]\s*(?:\\*["'])?|x-amz-security-token(?:%22)?(?:%3A|%3D)(?:%20|\+|%22)*|X-Amz-Security-Token=)(?!\[REDACTED\])[A-Za-z0-9%/+=_-]{16,}/gi;

/**
 * A base64 or base64url run (also percent-encoded or with JSON's `\/`) long enough to carry a header
 * line. Runs are decoded to look for credential shapes inside: a server that reflects the request
 * headers base64-encoded carries the signature and Authorization value in them.
 */
const BASE64_RUN = /(?:[A-Za-z0-9+/_-]|%2[BbFf]|\\\/){24,}(?:=|%3[Dd]){0,2}/g;
/** What a decoded run must not contain: the words that introduce a credential in request headers, or a bare SigV4 signature (64 hex digits). */
const CREDENTIAL_WORDS = /signature=|aws4-hmac-sha256|authorization|bearer\s|security-token|x-amz-credential|[0-9a-f]{64}/i;

/** Whether the base64 run decodes (at one of the 4 places it may start) to text that holds a credential shape. */
function base64CarriesCredential(run: string): boolean {
  const b64 = run
    .replace(/%2[Bb]/g, '+')
    .replace(/%2[Ff]|\\\//g, '/')
    .replace(/%3[Dd]/g, '=')
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  for (let skip = 0; skip < 4; skip++) {
    if (CREDENTIAL_WORDS.test(Buffer.from(b64.slice(skip), 'base64').toString('latin1'))) return true;
  }
  return false;
}

/** Credential-shaped values, whoever produced them: in plain, URL-encoded and JSON-escaped text, and inside base64. */
export function maskCredentialShapes(s: string): string {
  if (s.length >= 24) s = s.replace(BASE64_RUN, (run) => (base64CarriesCredential(run) ? REDACTED : run));
  if (!/signature|bearer|authorization|security-token/i.test(s)) return s;
  return s
    .replace(HEX_SIG, `$1${REDACTED}`)
    .replace(AUTH_PLAIN, `$1${REDACTED}`)
    .replace(AUTH_ENCODED, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(AMZ_TOKEN, `$1${REDACTED}`);
}

/** Headers whose value is a credential whatever it holds: masked before anything records them. */
export const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-amz-security-token', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);

/** A header value as it may be recorded: credentials masked (the scheme word kept: "Bearer [REDACTED]"). */
export function redactHeaderValue(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value;
  const scheme = /^(Bearer|Basic|AWS4-HMAC-SHA256|Digest)\s/i.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

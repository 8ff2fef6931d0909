// SigV4 verification, the AgentCore emulator's side: recompute an incoming request's signature with
// the same library the client signs with (src/target/sigv4.ts) and compare in constant time.
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { escapeUri } from '@smithy/core/protocols';
import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, getCanonicalQuery, getPayloadHash } from '@smithy/signature-v4';
import {
  AGENTCORE_SIGNING_NAME,
  headerRules,
  parseAuthorization,
  parseQueryString,
  signRequest,
  toSmithyRequest,
  type AwsCredentials,
  type AwsCredentialsProvider,
  type ParsedAuthorization,
  type SignableRequest,
  type SigningParams,
} from '../../target/sigv4.js';

export interface IncomingSignedRequest {
  method: string;
  /** The path exactly as the client handed it to its signer (for AgentCore: the raw wire path). */
  path: string;
  /** The raw query string, without "?". */
  query?: string;
  /** Header lines as received (node's req.rawHeaders pairs) or a name → value(s) record. */
  headers: Array<[string, string]> | Record<string, string | string[] | undefined>;
  body?: string | Uint8Array;
  /** The body's SHA-256 (hex), when the reader hashed it as it streamed in. */
  bodySha256?: string;
}

export interface SigV4VerifyOptions {
  /** The credentials the server expects requests to be signed with. */
  credentials: AwsCredentials | AwsCredentialsProvider;
  region: string;
  service?: string;
  now?: Date;
  /** Allowed difference between x-amz-date and now; AWS allows 5 minutes. */
  maxClockSkewMs?: number;
}

export type SigV4Verdict =
  | { ok: true; accessKeyId: string }
  | { ok: false; reason: string; canonicalRequest?: string; stringToSign?: string };

function headerLines(headers: IncomingSignedRequest['headers']): Array<[string, string]> {
  if (Array.isArray(headers)) return headers;
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  // Lengths are not secret (hex signatures are always 64 characters).
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Recompute the signature of an incoming request with the same library and compare in constant time.
 * Checks service, region, access key, clock skew, the signed host and date, the session token
 * and the body hash. `reason` never contains a secret.
 */
export type SigV4Precheck =
  | { ok: false; reason: string }
  | { ok: true; all: Map<string, string[]>; auth: ParsedAuthorization; signed: Set<string>; signingDate: Date; expected: AwsCredentials; service: string };

/**
 * Everything the headers alone can show, before any body is read: the Authorization header present
 * and well formed, the access key known, service, region and scope, host and date signed, clock skew,
 * the session token. An endpoint calls this first, so an unauthenticated request is refused without
 * reading (or buffering) its body. `reason` never contains a secret.
 */
export async function precheckSigV4(requestHeaders: IncomingSignedRequest['headers'], options: SigV4VerifyOptions): Promise<SigV4Precheck> {
  const service = options.service ?? AGENTCORE_SIGNING_NAME;
  const lines = headerLines(requestHeaders);
  const all = new Map<string, string[]>();
  for (const [name, value] of lines) {
    const lower = name.toLowerCase();
    all.set(lower, [...(all.get(lower) ?? []), value]);
  }
  const authz = all.get('authorization')?.[0];
  if (!authz) return { ok: false, reason: 'missing Authorization header (the request is not signed)' };
  const auth = parseAuthorization(authz);
  if (!auth) return { ok: false, reason: 'Authorization header is not an AWS4-HMAC-SHA256 signature' };
  const expected = typeof options.credentials === 'function' ? await options.credentials() : options.credentials;
  if (!constantTimeEqual(auth.accessKeyId, expected.accessKeyId)) {
    return { ok: false, reason: 'the access key id in the signature is not the one this endpoint accepts' };
  }
  if (auth.service !== service) {
    return { ok: false, reason: `signed for service "${auth.service}"; expected "${service}"` };
  }
  if (auth.region !== options.region) {
    return { ok: false, reason: `signed for region "${auth.region}"; this runtime is in "${options.region}"` };
  }
  const signed = new Set(auth.signedHeaders);
  if (!signed.has('host')) return { ok: false, reason: 'the host header is not signed' };
  const amzDate = all.get('x-amz-date')?.[0];
  if (!amzDate || !signed.has('x-amz-date')) return { ok: false, reason: 'x-amz-date is missing or not signed' };
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) return { ok: false, reason: `x-amz-date "${amzDate}" is not YYYYMMDDTHHMMSSZ` };
  if (auth.date !== amzDate.slice(0, 8)) {
    return { ok: false, reason: `credential scope date ${auth.date} does not match x-amz-date ${amzDate}` };
  }
  const now = options.now ?? new Date();
  const skew = options.maxClockSkewMs ?? 5 * 60_000;
  if (Math.abs(now.getTime() - signingDate.getTime()) > skew) {
    return {
      ok: false,
      reason: `signature expired or not yet current: x-amz-date ${amzDate} is more than ${skew / 1000}s from the server time ${now.toISOString()}`,
    };
  }
  if (expected.sessionToken) {
    const token = all.get('x-amz-security-token')?.[0];
    if (!token || !constantTimeEqual(token, expected.sessionToken)) {
      return { ok: false, reason: 'x-amz-security-token is missing or is not the session token of these credentials' };
    }
  }
  return { ok: true, all, auth, signed, signingDate, expected, service };
}

export async function verifySigV4(request: IncomingSignedRequest, options: SigV4VerifyOptions): Promise<SigV4Verdict> {
  const pre = await precheckSigV4(request.headers, options);
  if (!pre.ok) return pre;
  const { all, auth, signed, signingDate, expected, service } = pre;
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const values = all.get(name);
    if (!values) return { ok: false, reason: `signed header "${name}" is not in the request` };
    headers[name] = values.join(',');
  }
  const body = request.body ?? '';
  const declaredHash = all.get('x-amz-content-sha256')?.[0];
  if (declaredHash !== undefined) {
    let actual = request.bodySha256;
    if (actual === undefined) {
      const sha = new Sha256();
      sha.update(typeof body === 'string' ? Buffer.from(body) : body);
      actual = Buffer.from(await sha.digest()).toString('hex');
    }
    if (declaredHash !== actual) {
      return { ok: false, reason: `x-amz-content-sha256 does not match the body (UNSIGNED-PAYLOAD is not accepted)` };
    }
  }
  const host = headers.host!;
  const recomputed = await signRequest(
    { method: request.method, host, path: request.path, query: parseQueryString(request.query ?? ''), headers, body },
    {
      // The token, if any, is already among the signed headers; don't let smithy add it again.
      credentials: { accessKeyId: expected.accessKeyId, secretAccessKey: expected.secretAccessKey },
      region: options.region,
      service,
      signingDate,
      // Sign exactly what the client listed, even headers we'd never sign ourselves.
      signableHeaders: signed,
    },
  ).catch(() => undefined);
  if (!recomputed) return { ok: false, reason: 'could not recompute the signature' };
  const sameHeaders = recomputed.signedHeaders.join(';') === auth.signedHeaders.join(';');
  if (!sameHeaders || !constantTimeEqual(recomputed.signature, auth.signature)) {
    const explained = await explainSignature(
      { method: request.method, host, path: request.path, query: parseQueryString(request.query ?? ''), headers: recomputed.headers, body },
      { region: options.region, service, signableHeaders: signed },
    );
    return {
      ok: false,
      reason:
        'signature does not match. Check that the canonical path is the wire path encoded once more ' +
        '(%3A → %253A), the qualifier is in the query, the body sent is the body signed, and the ' +
        'signing name is bedrock-agentcore',
      canonicalRequest: redactToken(explained.canonicalRequest, expected.sessionToken),
      stringToSign: explained.stringToSign,
    };
  }
  return { ok: true, accessKeyId: auth.accessKeyId };
}

function redactToken(text: string, token: string | undefined): string {
  return token ? text.split(token).join('***') : text;
}

/**
 * The canonical request and string to sign behind a signature, for the emulator's refusal log and for
 * the AWS test suite's .creq/.sts files. smithy keeps these steps protected, so they are put together
 * here from its public parts (canonical headers, query, payload hash, scope) and its URI escaper; the
 * signature itself only ever comes from smithy's `sign` (signRequest). `request` is the request as
 * signed: its headers include x-amz-date (and the token), but not authorization.
 */
export async function explainSignature(
  request: SignableRequest,
  params: Pick<SigningParams, 'region' | 'service' | 'unsignableHeaders' | 'signableHeaders'>,
): Promise<{ canonicalRequest: string; stringToSign: string }> {
  const { unsignable, signable } = headerRules(params);
  const smithy = toSmithyRequest(request);
  delete smithy.headers.authorization;
  const canonicalHeaders = getCanonicalHeaders(smithy, unsignable, signable);
  const names = Object.keys(canonicalHeaders).sort();
  const canonicalRequest = [
    smithy.method,
    canonicalPath(smithy.path),
    getCanonicalQuery(smithy),
    ...names.map((n) => `${n}:${canonicalHeaders[n]}`),
    '',
    names.join(';'),
    await getPayloadHash(smithy, Sha256),
  ].join('\n');
  const longDate = smithy.headers['x-amz-date'] ?? '';
  const hash = new Sha256();
  hash.update(Buffer.from(canonicalRequest, 'utf8'));
  const hashed = Buffer.from(await hash.digest()).toString('hex');
  const scope = createScope(longDate.slice(0, 8), params.region, params.service ?? AGENTCORE_SIGNING_NAME);
  return { canonicalRequest, stringToSign: [ALGORITHM_IDENTIFIER, longDate, scope, hashed].join('\n') };
}

/** SigV4's canonical URI with uriEscapePath (every service but S3): "." and ".." resolved, then encoded once more. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

// SigV4 for AgentCore, the client side: a signing FetchLike over smithy's SignatureV4, used as it is
// (the emulator verifies with src/servers/agentcore/sigv4-verify.ts, which signs with this same
// function, so the two cannot drift apart; nothing here hand-writes any crypto). Facts this relies on (see shared/reference/agentcore.md):
//  - every request (POST, GET, DELETE) is signed with a fresh x-amz-date; the body hash is signed;
//  - the canonical URI is the already-encoded wire path encoded once more (uriEscapePath: true);
//  - the query goes into `query` (decoded), never into `path`;
//  - botocore adds no x-amz-content-sha256 for this service: the payload hash lives only in the
//    canonical request (applyChecksum: false);
//  - only headers we control are signed: fetch adds or rewrites connection, user-agent, ... later.

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';
import type { Dispatcher } from 'undici';
import { pooledFetch } from './http.js';
import type { FetchLike } from './target.js';

/** AWS credentials (structurally the SDK's AwsCredentialIdentity). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
/** Returns current credentials; called before every signature so temporary credentials refresh. */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

export const AGENTCORE_SIGNING_NAME = 'bedrock-agentcore';

/**
 * Headers never signed: the HTTP stack adds or rewrites them after we sign (Node's fetch sets
 * connection, user-agent, accept-language, sec-fetch-mode, accept-encoding, content-length), and
 * tracing headers may be rewritten by proxies and tracers (smithy already skips x-amzn-trace-id).
 */
export const UNSIGNED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'user-agent',
  'accept-encoding',
  'accept-language',
  'content-length',
  'transfer-encoding',
  'sec-fetch-mode',
  'expect',
  'te',
  'upgrade',
  'x-amzn-trace-id',
  'traceparent',
  'tracestate',
  'baggage',
]);

/** A request in the signer's terms: `path` is signed as given (encoded once more), `query` decoded. */
export interface SignableRequest {
  method: string;
  /** Host header value (host[:port]); always signed. */
  host: string;
  path: string;
  query?: Record<string, string | string[]>;
  /** Lower- or mixed-case names; a value that came in several header lines is joined with ",". */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface SigningParams {
  credentials: AwsCredentials | AwsCredentialsProvider;
  region: string;
  service?: string;
  signingDate?: Date;
  /** Headers to leave out of the signature in addition to UNSIGNED_HEADERS. */
  unsignableHeaders?: Iterable<string>;
  /** Headers to sign even if they are in UNSIGNED_HEADERS (the verifier signs exactly what the client listed). */
  signableHeaders?: Iterable<string>;
}

export interface SignedParts {
  /** All headers to send (lower-case names), including authorization, x-amz-date, host and any token. */
  headers: Record<string, string>;
  authorization: string;
  signature: string;
  signedHeaders: string[];
}

/** The request in smithy's HttpRequest shape: header names lower-cased, repeated ones joined with ",". */
export interface SmithyRequest {
  method: string;
  protocol: string;
  hostname: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export function toSmithyRequest(req: SignableRequest): SmithyRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const lower = name.toLowerCase();
    headers[lower] = lower in headers ? `${headers[lower]},${value}` : value;
  }
  headers.host = req.host;
  return {
    method: req.method.toUpperCase(),
    protocol: 'https:',
    hostname: req.host,
    path: req.path,
    query: req.query ?? {},
    headers,
    body: req.body,
  };
}

/** UNSIGNED_HEADERS plus the caller's own; `signable` (when given) is exactly what the signature covers. */
export function headerRules(params: Pick<SigningParams, 'unsignableHeaders' | 'signableHeaders'>): { unsignable: Set<string>; signable?: Set<string> } {
  const unsignable = new Set(UNSIGNED_HEADERS);
  for (const h of params.unsignableHeaders ?? []) unsignable.add(h.toLowerCase());
  const signable = params.signableHeaders ? new Set([...params.signableHeaders].map((h) => h.toLowerCase())) : undefined;
  return { unsignable, ...(signable ? { signable } : {}) };
}

/** Sign one request with smithy's SignatureV4 as it is; returns the headers to send. */
export async function signRequest(request: SignableRequest, params: SigningParams): Promise<SignedParts> {
  const { unsignable, signable } = headerRules(params);
  const sigv4 = new SignatureV4({
    service: params.service ?? AGENTCORE_SIGNING_NAME,
    region: params.region,
    credentials: params.credentials,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signed = (await sigv4.sign(toSmithyRequest(request), {
    signingDate: params.signingDate ?? new Date(),
    unsignableHeaders: unsignable,
    ...(signable ? { signableHeaders: signable } : {}),
  })) as SmithyRequest;
  const authorization = signed.headers.authorization!;
  const parsed = parseAuthorization(authorization)!;
  return { headers: signed.headers, authorization, signature: parsed.signature, signedHeaders: parsed.signedHeaders };
}

/**
 * Parse a raw query string (without "?") into the signer's decoded form. "+" stays "+" (SigV4 is
 * not form encoding); repeated keys become arrays.
 */
export function parseQueryString(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (!raw) return query;
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    const prev = query[key];
    if (prev === undefined) query[key] = value;
    else query[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return query;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function bodyBytes(body: RequestInit['body']): Promise<string | Uint8Array | undefined> {
  if (body == null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  // Streams, Blobs, FormData, URLSearchParams: buffer them, because a stream would be signed as
  // UNSIGNED-PAYLOAD, which AgentCore may refuse. MCP messages are small JSON, so this is cheap.
  return new Uint8Array(await new Response(body as BodyInit).arrayBuffer());
}

export interface SigV4FetchOptions {
  region: string;
  credentials: AwsCredentials | AwsCredentialsProvider;
  service?: string;
  /** Shared keep-alive connection pool; defaults to one Agent per process (http.ts). */
  dispatcher?: Dispatcher;
  /** For tests: the clock used for x-amz-date. */
  now?: () => Date;
}

/** The SDK fetch middleware that SigV4-signs every request on its way out (fresh date, body hash, host). */
export function withSigV4(options: Omit<SigV4FetchOptions, 'dispatcher'>): Middleware {
  const service = options.service ?? AGENTCORE_SIGNING_NAME;
  return createMiddleware(async (next, input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input.href);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = await bodyBytes(init.body);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    delete headers.host; // the signer sets host from the URL, which is what fetch sends
    const signed = await signRequest(
      {
        method,
        host: url.host,
        path: url.pathname, // already the encoded wire path; signed encoded once more
        query: parseQueryString(url.search.slice(1)),
        headers,
        body,
      },
      { credentials: options.credentials, region: options.region, service, signingDate: options.now?.() },
    );
    const { host: _host, ...toSend } = signed.headers;
    return next(url, { ...init, method, headers: toSend, body: body as BodyInit | undefined });
  });
}

/** A FetchLike that SigV4-signs every request it sends: withSigV4 over the pooled HTTP client. */
export function createSigV4Fetch(options: SigV4FetchOptions): FetchLike {
  return withSigV4(options)(pooledFetch(options.dispatcher));
}

// Verification (the emulator's side) lives beside the emulator: src/servers/agentcore/sigv4-verify.ts.

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  scope: string;
  signedHeaders: string[];
  signature: string;
}

/** Parse `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  const credential = m[1]!.split('/');
  if (credential.length !== 5 || credential[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = credential as [string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    scope: credential.slice(1).join('/'),
    signedHeaders: m[2]!.split(';'),
    signature: m[3]!,
  };
}

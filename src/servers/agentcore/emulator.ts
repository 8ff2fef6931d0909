// An EMULATOR of the Amazon Bedrock AgentCore Runtime data plane for MCP, in front of any local
// streamable-HTTP MCP server. It is not AWS: it reproduces the documented contract
// (shared/reference/agentcore.md) so the harness, and users testing their own signing, can exercise
// the encoded-ARN route, SigV4 or bearer auth, the Accept rule, platform-minted session ids,
// concurrent requests per session, GET/DELETE answers, idle timeouts and the JSON-RPC error table
// without an AWS account. Where AWS's behaviour is unknown (GET/DELETE, exact 403/404 bodies, what it
// does with Mcp-Session-Id on 2026-07-28 traffic) the choice is an option. Built on node:http and undici; responses stream through unbuffered so an
// elicitation answer can arrive while the tool call's SSE stream is still open.

import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request as undiciRequest } from 'undici';
import { UsageError, UserError } from '../../errors.js';
import {
  DEFAULT_QUALIFIER,
  formatRuntimeArn,
  invocationPathForArn,
  parseRuntimeArn,
  parseRuntimeId,
  validateRegion,
} from '../../target/arn.js';
import type { AwsCredentials, AwsCredentialsProvider } from '../../target/sigv4.js';
import { precheckSigV4, verifySigV4 } from './sigv4-verify.js';
import { AGENTCORE_ERRORS, jsonRpcErrorBody, type AgentCoreError } from './errors.js';
import { SessionTable, type EmulatedSession } from './sessions.js';

export interface InjectedErrors {
  /** Answer the next N invocations with HTTP 200 + JSON-RPC -32003 (throttling). */
  throttle?: number;
  /** Answer the next N invocations with HTTP 200 + JSON-RPC -32005 "Session operation in progress, please retry". */
  conflict?: number;
}

export interface AgentCoreEmulatorOptions {
  /** The MCP server behind the emulator, e.g. http://127.0.0.1:8000/mcp. */
  upstream: string;
  /** 0 = ephemeral; default 9000. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** The region this emulated data plane is in; requests must be signed for it. Default us-west-2. */
  region?: string;
  /** Pin one runtime ARN; otherwise any well-formed ARN in `region` is served by the upstream. */
  arn?: string;
  /** Default sigv4. A runtime takes SigV4 or a bearer token, never both. */
  auth?: 'sigv4' | 'bearer';
  /** Bearer mode: the token to accept; if absent any non-empty token is accepted. */
  bearerToken?: string;
  /** SigV4 mode: the credentials requests must be signed with; default: the AWS default chain. */
  credentials?: AwsCredentials | AwsCredentialsProvider;
  /** SigV4 mode with the default chain: the profile to use. */
  profile?: string;
  /** Default 900 (AgentCore's default). */
  idleTimeoutSeconds?: number;
  /**
   * Delay (ms) before a new session's first request goes upstream, like a microVM being provisioned
   * for a new Mcp-Session-Id; default 0. Later requests of the session are not delayed.
   */
  coldStartMs?: number;
  /** Default 28,800 (AgentCore's default). */
  maxLifetimeSeconds?: number;
  /** What GET (standalone SSE stream) gets: 405 (the likely AWS answer, default) or proxied upstream. */
  getMode?: '405' | 'proxy';
  /** What DELETE (end session) gets: 405 (default) or proxied upstream. */
  deleteMode?: '405' | 'proxy';
  /**
   * What the platform does with `Mcp-Session-Id` on 2026-07-28 (modern) traffic. AWS does not
   * document it, so it is a switch; SigV4/bearer auth, the Accept rule and injected errors apply
   * either way.
   * - `ignore` (default): no platform session. No id is minted or returned, one the client sends is
   *   neither checked nor forwarded; every request reaches the server on its own, as the 2026-07-28
   *   wire means it to (the server must ignore the header and never echo one).
   * - `mint`: the platform treats it like legacy traffic: a request without an id gets a fresh
   *   platform session (a new microVM, `--cold-start` applies) and `Mcp-Session-Id` back; one sent
   *   back must be live (else 404).
   * - `forward`: a transparent pipe: the client's header goes to the server and the server's
   *   answer (with or without an id) comes back unchanged.
   */
  modernSessionMode?: ModernSessionMode;
  inject?: InjectedErrors;
  /** Allowed clock skew for SigV4; default 300 (AWS's 5 minutes). */
  maxClockSkewSeconds?: number;
  /** One line per request and event; never given secrets. */
  log?: (line: string) => void;
  /**
   * Host names (the Host header, and Origin when sent) this front door answers to; default loopback
   * (127.0.0.1, localhost, ::1) and the host it listens on. Anything else is 403: DNS-rebinding
   * protection, which the upstream can no longer do itself since the emulator rewrites Host.
   */
  allowedHosts?: string[];
  /** The whole request (headers and body) must arrive within this; default 60 s. */
  requestTimeoutMs?: number;
  /** The request headers must arrive within this; default 20 s. */
  headersTimeoutMs?: number;
  /** Request bodies held in memory at once, all requests together; default 128 MiB. */
  maxBodiesHeldBytes?: number;
}

export type ModernSessionMode = 'ignore' | 'mint' | 'forward';
export const MODERN_SESSION_MODES: readonly ModernSessionMode[] = ['ignore', 'mint', 'forward'];

export interface AgentCoreEmulator {
  /** Base URL, e.g. http://127.0.0.1:9000 — what `mcp-verify remote --endpoint-url` takes. */
  url: string;
  port: number;
  region: string;
  auth: 'sigv4' | 'bearer';
  /** The full invocation URL for `arn` on this emulator. */
  invocationUrl(arn: string, qualifier?: string): string;
  /** Queue injected errors for the next requests (adds to what is pending). */
  inject(errors: InjectedErrors): void;
  /** End a session now, as if its microVM stopped; its id then answers 404. */
  stopSession(clientSessionId: string): boolean;
  /** Client-facing ids of live sessions. */
  sessionIds(): string[];
  /** The upstream's own id behind a client-facing id (for tests). */
  upstreamSessionId(clientSessionId: string): string | undefined;
  close(): Promise<void>;
}

const MAX_PAYLOAD = 100 * 1024 * 1024;
const ROUTE = /^\/runtimes\/([^/]+)\/(invocations|stopruntimesession)(\/\.well-known\/oauth-protected-resource)?$/;
const SESSION_HEADER = 'mcp-session-id';
const RUNTIME_SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';
/** Request headers passed to the MCP server; auth, host and x-amz-* stay at the platform. */
const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'last-event-id',
  'x-amzn-trace-id',
  'traceparent',
  'tracestate',
  'baggage',
];
/** Response headers not copied back: hop-by-hop, or rewritten by us. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', SESSION_HEADER]);

class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

function rpcAnswer(error: AgentCoreError, id: unknown, detail?: string, headers: Record<string, string> = {}): HttpAnswer {
  return new HttpAnswer(error.http, jsonRpcErrorBody(error, id, detail), { 'x-amzn-errortype': error.exception, ...headers });
}

function plainAnswer(status: number, message: string, headers: Record<string, string> = {}): HttpAnswer {
  return new HttpAnswer(status, JSON.stringify({ message }), headers);
}

function rawHeaderPairs(req: IncomingMessage): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return pairs;
}

/**
 * Reads a body that the headers already allowed (precheckSigV4 / bearer), hashing it as it streams,
 * within the 100 MB payload cap and the bound on bodies held at once. The caller releases the bytes.
 */
async function readBody(req: IncomingMessage, budget: number, held: { bytes: number }, timeoutMs: number): Promise<{ body: Buffer; sha256: string; release(): void }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_PAYLOAD) throw plainAnswer(413, 'Payload exceeds the 100 MB AgentCore limit');
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let size = 0;
  const release = () => {
    held.bytes -= size;
    size = 0;
  };
  // A body that does not finish in time is cut off: its connection holds nothing for long.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    req.destroy();
  }, timeoutMs);
  try {
    for await (const chunk of req) {
      const c = chunk as Buffer;
      size += c.length;
      held.bytes += c.length;
      if (size > MAX_PAYLOAD) throw plainAnswer(413, 'Payload exceeds the 100 MB AgentCore limit');
      if (held.bytes > budget) throw plainAnswer(429, 'Too many large requests in flight; retry later', { 'retry-after': '1' });
      hash.update(c);
      chunks.push(c);
    }
  } catch (e) {
    release();
    if (timedOut) throw plainAnswer(408, 'Request timeout: the body did not arrive in time');
    throw e;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut || !req.complete) {
    release();
    throw plainAnswer(408, 'Request timeout: the body did not arrive in time');
  }
  return { body: Buffer.concat(chunks), sha256: hash.digest('hex'), release };
}

/** The host name of a Host header or Origin value ("[::1]:9000" → "::1"), lower case. */
function hostnameOf(value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

function jsonRpcSummary(body: Buffer): { id: unknown; method: string | undefined } {
  try {
    const msg = JSON.parse(body.toString('utf8')) as unknown;
    const first = (Array.isArray(msg) ? msg[0] : msg) as { id?: unknown; method?: unknown } | undefined;
    return { id: Array.isArray(msg) ? null : (first?.id ?? null), method: typeof first?.method === 'string' ? first.method : undefined };
  } catch {
    return { id: null, method: undefined };
  }
}

/** The runtime this request addresses, from the path segment and query (404 if none). */
function resolveRuntime(
  rawSegment: string,
  query: URLSearchParams,
  region: string,
  pinned: string | undefined,
): { arn: string; escapedArn: string; qualifier: string } {
  // An unencoded ARN has ":" (and a "/", which already failed the route): AgentCore answers 404.
  if (rawSegment.includes(':')) {
    throw plainAnswer(404, 'Not found: the runtime ARN must be percent-encoded as one path segment (encodeURIComponent)');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawSegment);
  } catch {
    throw plainAnswer(404, 'Not found: bad percent-encoding in the runtime path segment');
  }
  let arn: string;
  try {
    if (decoded.startsWith('arn:')) {
      const parsed = parseRuntimeArn(decoded);
      if (parsed.region !== region) {
        throw plainAnswer(404, `Not found: this emulated data plane is in ${region}, the ARN names ${parsed.region}`);
      }
      arn = parsed.arn;
    } else {
      parseRuntimeId(decoded);
      const accountId = query.get('accountId');
      if (!accountId || !/^\d{12}$/.test(accountId)) {
        throw plainAnswer(404, 'Not found: a runtime id in the path needs &accountId=<12 digits> in the query');
      }
      arn = formatRuntimeArn({ region, accountId, runtimeId: decoded });
    }
  } catch (err) {
    if (err instanceof HttpAnswer) throw err;
    throw plainAnswer(404, `Not found: ${(err as Error).message}`);
  }
  if (pinned && arn !== pinned) throw rpcAnswer(AGENTCORE_ERRORS.notFound, null, `this emulator serves only ${pinned}`);
  return { arn, escapedArn: encodeURIComponent(arn), qualifier: query.get('qualifier') ?? DEFAULT_QUALIFIER };
}

function acceptsMcp(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  return types.includes('application/json') && types.includes('text/event-stream');
}

/** Start the emulator; resolves once it listens. SigV4 credentials are resolved before listening. */
export async function startAgentCoreEmulator(options: AgentCoreEmulatorOptions): Promise<AgentCoreEmulator> {
  const region = validateRegion(options.region ?? 'us-west-2');
  const auth = options.auth ?? 'sigv4';
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const getMode = options.getMode ?? '405';
  const modernSessionMode = options.modernSessionMode ?? 'ignore';
  if (!MODERN_SESSION_MODES.includes(modernSessionMode)) throw new UsageError(`--modern-session takes ${MODERN_SESSION_MODES.join(', ')} (got "${String(modernSessionMode)}")`);
  const deleteMode = options.deleteMode ?? '405';
  const skewMs = (options.maxClockSkewSeconds ?? 300) * 1000;
  const bodiesBudget = options.maxBodiesHeldBytes ?? 128 * 1024 * 1024;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  /** Bytes of request bodies held right now, over all requests (bounded by bodiesBudget). */
  const held = { bytes: 0 };
  const allowedHosts = new Set(['127.0.0.1', 'localhost', '::1', host.replace(/^\[|\]$/g, '').toLowerCase(), ...(options.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  const coldStartMs = options.coldStartMs ?? 0;
  if (!Number.isFinite(coldStartMs) || coldStartMs < 0) throw new UsageError(`--cold-start takes a duration of 0 or more (got ${coldStartMs})`);
  let upstream: URL;
  try {
    upstream = new URL(options.upstream);
  } catch {
    throw new UsageError(`--upstream "${options.upstream}" is not a URL (expected e.g. http://127.0.0.1:8000/mcp).`);
  }
  const pinned = options.arn ? parseRuntimeArn(options.arn).arn : undefined;
  if (pinned && parseRuntimeArn(pinned).region !== region) {
    throw new UsageError(`--arn is in ${parseRuntimeArn(pinned).region} but the emulator's --region is ${region}; make them agree.`);
  }
  if (auth === 'bearer' && options.bearerToken === '') {
    throw new UsageError('The bearer token for the emulator is empty.');
  }
  let credentials: AwsCredentialsProvider | undefined;
  if (auth === 'sigv4') {
    if (options.credentials) {
      const c = options.credentials;
      credentials = typeof c === 'function' ? c : async () => c;
    } else {
      // Same chain as the client, so AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile just work.
      const { resolveCredentials } = await import('../../target/credentials.js');
      credentials = (await resolveCredentials({ profile: options.profile })).provider;
    }
  }
  const pending = { throttle: options.inject?.throttle ?? 0, conflict: options.inject?.conflict ?? 0 };
  // Own pool: connections to the upstream are not shared with any client-side fetch in the process.
  const agent = new Agent({ keepAliveTimeout: 10_000, headersTimeout: 15 * 60_000, bodyTimeout: 0 });

  const sessions = new SessionTable({
    idleTimeoutMs: (options.idleTimeoutSeconds ?? 900) * 1000,
    maxLifetimeMs: (options.maxLifetimeSeconds ?? 28_800) * 1000,
    onExpire: (s, why) => {
      log(`session ${s.clientId} ended (${why === 'idle' ? 'idle timeout' : 'maximum lifetime'}); its id now answers 404`);
      endUpstreamSession(s);
    },
  });

  /** The microVM is gone: tell a stateful upstream its session ended (best effort). */
  function endUpstreamSession(s: EmulatedSession): void {
    if (!s.upstreamId) return;
    undiciRequest(upstream, { method: 'DELETE', headers: { [SESSION_HEADER]: s.upstreamId }, dispatcher: agent })
      .then((r) => r.body.dump())
      .catch(() => {});
  }

  let baseUrl = '';

  function resourceMetadataUrl(escapedArn: string, qualifier: string): string {
    // The documented header points at the AWS host; the emulator points at itself so a client
    // that follows it reaches a document that exists.
    return `${baseUrl}/runtimes/${escapedArn}/invocations/.well-known/oauth-protected-resource?qualifier=${encodeURIComponent(qualifier)}`;
  }

  /** Every auth check the headers allow, before any body byte is read. */
  async function authenticateHeaders(req: IncomingMessage, runtime: { escapedArn: string; qualifier: string }): Promise<void> {
    const rpcId = null; // the body (and its id) is not read until the headers pass
    const authorization = req.headers.authorization ?? '';
    const isBearer = /^Bearer\s/i.test(authorization);
    const isSigV4 = authorization.startsWith('AWS4-');
    if (auth === 'bearer') {
      if (isSigV4) {
        throw rpcAnswer(AGENTCORE_ERRORS.accessDenied, rpcId, 'Authorization method mismatch: this runtime is configured for a bearer token (JWT), the request is SigV4-signed');
      }
      const challenge = `Bearer resource_metadata="${resourceMetadataUrl(runtime.escapedArn, runtime.qualifier)}"`;
      if (!isBearer) {
        throw rpcAnswer(AGENTCORE_ERRORS.unauthorized, rpcId, 'missing bearer token', { 'www-authenticate': challenge });
      }
      const token = authorization.replace(/^Bearer\s+/i, '').trim();
      const ok = token !== '' && (options.bearerToken === undefined || token === options.bearerToken);
      if (!ok) {
        throw rpcAnswer(AGENTCORE_ERRORS.unauthorized, rpcId, 'invalid bearer token', {
          'www-authenticate': `${challenge}, error="invalid_token"`,
        });
      }
      return;
    }
    if (isBearer) {
      throw rpcAnswer(AGENTCORE_ERRORS.accessDenied, rpcId, 'Authorization method mismatch: this runtime is configured for SigV4 (IAM), the request carries a bearer token');
    }
    const pre = await precheckSigV4(rawHeaderPairs(req), { credentials: credentials!, region, service: 'bedrock-agentcore', maxClockSkewMs: skewMs });
    if (!pre.ok) {
      log(`  SigV4 refused before reading the body: ${pre.reason}`);
      throw rpcAnswer(AGENTCORE_ERRORS.accessDenied, rpcId, pre.reason);
    }
  }

  /** The rest of SigV4 (body hash, the signature itself), once the body is in. */
  async function authenticateBody(req: IncomingMessage, rawPath: string, rawQuery: string, body: Buffer, sha256: string, rpcId: unknown): Promise<void> {
    if (auth === 'bearer') return;
    const verdict = await verifySigV4(
      { method: req.method ?? 'GET', path: rawPath, query: rawQuery, headers: rawHeaderPairs(req), body, bodySha256: sha256 },
      { credentials: credentials!, region, service: 'bedrock-agentcore', maxClockSkewMs: skewMs },
    );
    if (!verdict.ok) {
      log(`  SigV4 refused: ${verdict.reason}`);
      if (verdict.canonicalRequest) log(`  expected canonical request:\n${verdict.canonicalRequest.replace(/^/gm, '    ')}`);
      // AWS: 403 ACCESS_DENIED and no WWW-Authenticate header.
      throw rpcAnswer(AGENTCORE_ERRORS.accessDenied, rpcId, verdict.reason);
    }
  }

  /** Host and Origin must name this front door (DNS-rebinding protection). */
  function checkHostAndOrigin(req: IncomingMessage): void {
    const hostHeader = req.headers.host ?? '';
    const h = hostnameOf(hostHeader);
    if (!h || !allowedHosts.has(h)) {
      throw plainAnswer(403, `Forbidden: Host "${hostHeader.slice(0, 100)}" is not one this endpoint answers to (DNS-rebinding protection; allow it with --allowed-hosts)`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const o = hostnameOf(origin);
      if (!o || !allowedHosts.has(o)) throw plainAnswer(403, `Forbidden: Origin "${origin.slice(0, 100)}" is not allowed (DNS-rebinding protection; allow it with --allowed-hosts)`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const query = new URLSearchParams(rawQuery);
    const route = ROUTE.exec(rawPath);
    if (!route) throw plainAnswer(404, 'Not found: MCP calls go to POST /runtimes/{encodeURIComponent(arn)}/invocations?qualifier=...');
    const [, segment, action, wellKnown] = route as unknown as [string, string, string, string | undefined];
    checkHostAndOrigin(req);
    const runtime = resolveRuntime(segment, query, region, pinned);
    const method = req.method ?? 'GET';

    if (wellKnown) {
      if (auth !== 'bearer' || method !== 'GET') throw plainAnswer(404, 'Not found');
      send(res, 200, JSON.stringify({
        resource: `${baseUrl}${invocationPathForArn(runtime.arn)}?qualifier=${encodeURIComponent(runtime.qualifier)}`,
        authorization_servers: [],
        bearer_methods_supported: ['header'],
        emulator: 'mcp-verify AgentCore emulator, not AWS',
      }));
      return 'protected-resource metadata';
    }

    // Headers first: an unauthenticated request is refused without reading a byte of its body.
    await authenticateHeaders(req, runtime);
    const read = await readBody(req, bodiesBudget, held, requestTimeoutMs);
    res.on('close', read.release);
    const body = read.body;
    const { id: rpcId, method: rpcMethod } = jsonRpcSummary(body);
    await authenticateBody(req, rawPath, rawQuery, body, read.sha256, rpcId);

    if (action === 'stopruntimesession') {
      if (method !== 'POST') throw plainAnswer(405, 'Method not allowed', { allow: 'POST' });
      const id = (req.headers[RUNTIME_SESSION_HEADER] ?? req.headers[SESSION_HEADER]) as string | undefined;
      const s = id ? sessions.end(id) : undefined;
      if (!s) throw rpcAnswer(AGENTCORE_ERRORS.notFound, null, 'no such runtime session');
      endUpstreamSession(s);
      send(res, 200, JSON.stringify({ runtimeSessionId: id, statusCode: 200 }), { [RUNTIME_SESSION_HEADER]: id! });
      return 'stopruntimesession';
    }

    if (method === 'GET' && getMode === '405') throw plainAnswer(405, 'Method not allowed: AgentCore MCP takes POST (emulator --get 405)', { allow: 'POST' });
    if (method === 'DELETE' && deleteMode === '405') throw plainAnswer(405, 'Method not allowed: AgentCore MCP takes POST (emulator --delete 405)', { allow: 'POST' });
    if (!['POST', 'GET', 'DELETE'].includes(method)) throw plainAnswer(405, 'Method not allowed', { allow: 'POST' });
    if (method === 'POST' && !acceptsMcp(req.headers.accept)) throw rpcAnswer(AGENTCORE_ERRORS.notAcceptable, rpcId);

    if (pending.throttle > 0) {
      pending.throttle--;
      throw rpcAnswer(AGENTCORE_ERRORS.throttling, rpcId, 'injected');
    }
    if (pending.conflict > 0) {
      pending.conflict--;
      throw rpcAnswer(AGENTCORE_ERRORS.conflict, rpcId, 'injected');
    }

    // 2026-07-28 traffic has no sessions; what AgentCore does with the header there is a switch.
    if (method === 'POST' && modernSessionMode !== 'mint' && isModernTraffic(req, body)) {
      return forwardModern(req, res, body, read.release, rpcId, rpcMethod);
    }

    const sentId = req.headers[SESSION_HEADER] as string | undefined;
    let session: EmulatedSession | undefined;
    let clientId: string;
    if (sentId !== undefined) {
      if (sentId.length === 0 || sentId.length > 1024) throw rpcAnswer(AGENTCORE_ERRORS.validation, rpcId, 'Mcp-Session-Id must be 1-1024 characters');
      session = sessions.get(sentId);
      // A session belongs to the runtime (ARN and qualifier) that minted it: elsewhere it does not exist.
      if (session && (session.runtimeArn !== runtime.arn || session.qualifier !== runtime.qualifier)) session = undefined;
      if (!session) {
        throw new HttpAnswer(404, jsonRpcErrorBody({ code: -32001, message: 'Session not found' } as AgentCoreError, rpcId, 'unknown, ended or timed-out session: send initialize without Mcp-Session-Id'));
      }
      clientId = sentId;
    } else {
      if (method !== 'POST') throw plainAnswer(400, 'Bad request: Mcp-Session-Id header is required');
      clientId = sessions.mintId(); // the platform mints the id the client sees
      // A new session gets a microVM first: its first request waits (--cold-start), later ones do not.
      if (coldStartMs > 0) await sleep(coldStartMs);
    }

    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const v = req.headers[name];
      if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
    }
    if (session?.upstreamId) headers[SESSION_HEADER] = session.upstreamId;
    headers[RUNTIME_SESSION_HEADER] = clientId;
    if (!headers['x-amzn-trace-id']) headers['x-amzn-trace-id'] = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;

    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const finish = session ? sessions.begin(session) : undefined;
    try {
      let up;
      try {
        up = await undiciRequest(upstream, {
          method: method as 'POST' | 'GET' | 'DELETE',
          headers,
          body: method === 'POST' ? body : undefined,
          signal: abort.signal,
          dispatcher: agent,
        });
      } catch (err) {
        read.release();
        log(`  upstream ${upstream.href} failed: ${(err as Error).message}`);
        throw rpcAnswer(AGENTCORE_ERRORS.internal, rpcId, `upstream MCP server unreachable: ${(err as Error).message}`);
      }
      read.release(); // the body has gone upstream
      const upstreamId = up.headers[SESSION_HEADER];
      if (!session) {
        session = sessions.register(clientId, typeof upstreamId === 'string' ? upstreamId : undefined, runtime.arn, runtime.qualifier);
      }
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(up.headers)) {
        if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) out[name] = value;
      }
      if (method === 'DELETE' && up.statusCode < 300) sessions.end(clientId);
      else out['Mcp-Session-Id'] = clientId; // AgentCore always returns one; never the upstream's
      out['x-amzn-requestid'] = randomUUID();
      res.writeHead(up.statusCode, out);
      res.flushHeaders(); // an SSE client should see the headers before the first event
      await pipeline(up.body, res).catch(() => {});
      const contentType = String(up.headers['content-type'] ?? '').split(';')[0];
      return `${up.statusCode} ${contentType} session=${clientId}${rpcMethod ? ` ${rpcMethod}` : ''}`;
    } finally {
      finish?.();
    }
  }

  /** One 2026-07-28 request, straight to the server: no platform session (ignore) or a transparent pipe (forward). */
  async function forwardModern(req: IncomingMessage, res: ServerResponse, body: Buffer, release: () => void, rpcId: unknown, rpcMethod: string | undefined): Promise<string> {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const v = req.headers[name];
      if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
    }
    const sentId = req.headers[SESSION_HEADER];
    if (modernSessionMode === 'forward' && typeof sentId === 'string') headers[SESSION_HEADER] = sentId;
    // The microVM routing header AgentCore always adds: one per request, since there is no session.
    headers[RUNTIME_SESSION_HEADER] = sessions.mintId();
    if (!headers['x-amzn-trace-id']) headers['x-amzn-trace-id'] = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let up;
    try {
      up = await undiciRequest(upstream, { method: 'POST', headers, body, signal: abort.signal, dispatcher: agent });
    } catch (err) {
      release();
      log(`  upstream ${upstream.href} failed: ${(err as Error).message}`);
      throw rpcAnswer(AGENTCORE_ERRORS.internal, rpcId, `upstream MCP server unreachable: ${(err as Error).message}`);
    }
    release();
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(up.headers)) {
      if (value === undefined) continue;
      if (name === SESSION_HEADER ? modernSessionMode === 'forward' : !DROPPED_RESPONSE_HEADERS.has(name)) out[name] = value;
    }
    out['x-amzn-requestid'] = randomUUID();
    res.writeHead(up.statusCode, out);
    res.flushHeaders();
    await pipeline(up.body, res).catch(() => {});
    const contentType = String(up.headers['content-type'] ?? '').split(';')[0];
    return `${up.statusCode} ${contentType} 2026-07-28 (session header: ${modernSessionMode})${rpcMethod ? ` ${rpcMethod}` : ''}`;
  }

  const server: Server = createServer({ connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) }, (req, res) => {
    const started = Date.now();
    const path = (req.url ?? '').length > 90 ? `${(req.url ?? '').slice(0, 87)}...` : req.url;
    handle(req, res)
      .then((what) => log(`${req.method} ${path} -> ${what} (${Date.now() - started} ms)`))
      .catch((err: unknown) => {
        if (err instanceof HttpAnswer) {
          // A refusal before the body was read: close the connection rather than drain the body.
          const unread = !req.complete;
          if (!res.headersSent) send(res, err.status, err.body, unread ? { ...err.headers, connection: 'close' } : err.headers);
          if (unread) res.once('finish', () => req.destroy());
          log(`${req.method} ${path} -> ${err.status} ${err.body.length > 200 ? `${err.body.slice(0, 200)}...` : err.body}`);
          return;
        }
        log(`${req.method} ${path} -> 500 emulator bug: ${(err as Error)?.stack ?? String(err)}`);
        if (!res.headersSent) send(res, 500, JSON.stringify({ message: 'emulator internal error' }));
        else res.destroy();
      });
  });
  // Receiving a request (headers and body) is bounded, so a client that never finishes its body
  // holds nothing for long; the response is not: a long-lived SSE stream (a tool call waiting on an
  // elicitation answer) is never cut off.
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(options.headersTimeoutMs ?? 20_000, server.requestTimeout);

  server.listen(options.port ?? 9000, host);
  try {
    await once(server, 'listening');
  } catch (err) {
    await agent.destroy();
    sessions.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'EADDRINUSE'
        ? `Port ${options.port ?? 9000} on ${host} is already in use; choose another with --port (0 picks a free one).`
        : `The emulator could not listen on ${host}:${options.port ?? 9000}: ${(err as Error).message}`,
    );
  }
  const port = (server.address() as { port: number }).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    region,
    auth,
    invocationUrl(arn: string, qualifier = DEFAULT_QUALIFIER) {
      return `${baseUrl}${invocationPathForArn(parseRuntimeArn(arn).arn)}?qualifier=${encodeURIComponent(qualifier)}`;
    },
    inject(errors: InjectedErrors) {
      pending.throttle += errors.throttle ?? 0;
      pending.conflict += errors.conflict ?? 0;
    },
    stopSession(id: string) {
      const s = sessions.end(id);
      if (s) endUpstreamSession(s);
      return s !== undefined;
    },
    sessionIds: () => sessions.ids(),
    upstreamSessionId: (id: string) => sessions.get(id)?.upstreamId,
    async close() {
      sessions.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // destroy, not close: close would wait for SSE streams that may never end.
      await agent.destroy().catch(() => {});
    },
  };
}

/**
 * A 2026-07-28 request: it names a modern MCP-Protocol-Version, or its body carries the per-request
 * `_meta` envelope (io.modelcontextprotocol/protocolVersion). The platform sees the same two signals
 * the SDK's own classifier reads; a body that is not JSON is left to the legacy path.
 */
export function isModernTraffic(req: IncomingMessage, body: Buffer): boolean {
  const version = req.headers['mcp-protocol-version'];
  if (typeof version === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= '2026-07-28') return true;
  try {
    const msg = JSON.parse(body.toString('utf8')) as unknown;
    const first = (Array.isArray(msg) ? msg[0] : msg) as { params?: { _meta?: Record<string, unknown> } } | undefined;
    return typeof first?.params?._meta?.['io.modelcontextprotocol/protocolVersion'] === 'string';
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

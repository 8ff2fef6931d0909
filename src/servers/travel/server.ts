// Hosts the Travel Planner over streamable HTTP at /mcp on plain node:http. It speaks both protocol
// eras on one endpoint, by default:
// - 2025-11-25 (legacy): stateful by default (one transport + McpServer per Mcp-Session-Id, like
//   FastMCP with stateless_http=False), or stateless to reproduce the seed's pitfall (stateless_http=True).
// - 2026-07-28 (modern): no initialize and no sessions; every request carries its own `_meta`
//   envelope and is served by a fresh McpServer through the SDK's createMcpHandler; elicitation and
//   sampling come back as input_required results (multi-round-tools.ts).
// A request is routed by the SDK's own classifier (isLegacyRequest), so the two can never disagree
// about which era a request belongs to. `era` restricts the server to one of them.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  localhostHostValidation,
  localhostOriginValidation,
  NodeStreamableHTTPServerTransport,
  toNodeHandler,
  toWebRequest,
} from '@modelcontextprotocol/node';
import { createMcpHandler, isInitializeRequest, isLegacyRequest, type McpServer } from '@modelcontextprotocol/server';
import { ExitCode, UserError } from '../../errors.js';
import { createTravelPlannerServer, createTravelStateCodec } from './travel-planner.js';
import { createFastMcpLikeServer } from './fastmcp-like.js';
import { SessionEventStore } from './event-store.js';

export interface TravelServerOptions {
  /** 0 picks a free port. Default 8000, the seed's port. */
  port?: number;
  /** Default 127.0.0.1: a local MCP server should not be reachable from the network unless asked. */
  host?: string;
  /** Reproduce FastMCP's stateless_http=True: no sessions, so elicitation and sampling cannot work. */
  stateless?: boolean;
  /**
   * `fastmcp`: behave as the real FastMCP 3 server does on the wire (fastmcp-like.ts): no `logging`
   * capability yet logs, structuredContent, lax integers, FastMCP's error codes, any Origin accepted.
   */
  like?: 'reference' | 'fastmcp';
  /**
   * Which protocol eras to serve: `both` (the default for the reference server), `legacy`
   * (2025-11-25 only: a 2026-07-28 request meets the legacy server and fails as it would on any
   * legacy-only server) or `modern` (2026-07-28 only: legacy requests get the SDK's
   * unsupported-protocol-version error). `like: 'fastmcp'` is legacy-only: FastMCP does not speak
   * 2026-07-28.
   */
  era?: ServedEra;
  /**
   * Resumable SSE streams (the default for the reference server): a per-session event store, so every
   * stream opens with a priming event and a retry: hint and a dropped stream is resumed with
   * Last-Event-ID. `false` (and `like: 'fastmcp'`, FastMCP's default) sends no event ids.
   */
  resumable?: boolean;
  /** One line per finished HTTP exchange (method, path, status, session, duration). */
  log?: (line: string) => void;
}

export interface RunningTravelServer {
  /** e.g. http://127.0.0.1:8000/mcp */
  url: string;
  port: number;
  /** Ends every session and socket, including open SSE streams, then stops listening. */
  close(): Promise<void>;
}

export const MCP_PATH = '/mcp';

export type ServedEra = 'legacy' | 'modern' | 'both';
export const SERVED_ERAS: readonly ServedEra[] = ['both', 'legacy', 'modern'];
/** The `retry:` a client is told to wait before reconnecting a dropped stream. */
export const RETRY_INTERVAL_MS = 1000;

/** Same cap as the SDK transport applies when it reads the body itself (4 MiB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Like FastMCP (uuid4().hex): 32 lowercase hex characters. */
export const mintSessionId = (): string => randomUUID().replace(/-/g, '');

/** The MCP server behind one session (or one stateless request). */
type AnyServer = Pick<McpServer, 'connect' | 'close'>;

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  server: AnyServer;
}

export async function startTravelServer(opts: TravelServerOptions = {}): Promise<RunningTravelServer> {
  const host = opts.host ?? '127.0.0.1';
  const requestedPort = opts.port ?? 8000;
  const log = opts.log;
  const stateless = opts.stateless ?? false;

  const fastmcp = opts.like === 'fastmcp';
  const era: ServedEra = opts.era ?? (fastmcp ? 'legacy' : 'both');
  if (fastmcp && era !== 'legacy') {
    throw new UserError('--like fastmcp serves only the 2025-11-25 wire: FastMCP does not speak 2026-07-28 (drop --era, or use --like reference)', ExitCode.Usage);
  }
  const resumable = opts.resumable ?? !fastmcp;
  const createServerFor = (): AnyServer => (fastmcp ? createFastMcpLikeServer() : createTravelPlannerServer());

  // The modern leg: one McpServer per request from the same factory, requestState sealed with a key
  // this process holds for its lifetime. `legacy: 'reject'` because legacy traffic is ours to serve
  // (with sessions); in `modern`-only mode it answers legacy requests with the unsupported-version error.
  const stateCodec = era === 'legacy' ? undefined : createTravelStateCodec();
  const modernHandler = stateCodec
    ? createMcpHandler(() => createTravelPlannerServer({ era: 'modern', stateCodec }), {
        legacy: 'reject',
        onerror: (e) => log?.(`modern: ${e.message}`),
      })
    : undefined;
  const serveModern = modernHandler ? toNodeHandler(modernHandler, { maxRequestBodySize: MAX_BODY_BYTES }) : undefined;
  const sessions = new Map<string, Session>();
  // Per-request servers in stateless mode, kept so close() can end calls still streaming.
  const statelessServers = new Set<AnyServer>();

  // DNS-rebinding protection: a browser page on an attacker's site may reach a loopback server,
  // so a present Origin that is not localhost is refused (403, as the spec requires).
  const validateOrigin = localhostOriginValidation();
  // The Host check only makes sense when bound to loopback; bound to 0.0.0.0 for remote use, clients
  // legitimately send the machine's name or address and a localhost-only list would refuse them.
  const validateHost = LOOPBACK_HOSTS.has(host) ? localhostHostValidation() : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== MCP_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
      return;
    }
    if (validateHost && !validateHost(req, res)) return;
    // FastMCP 3 accepts any Origin (reference/fastmcp.md); the reference server refuses a foreign one.
    if (!fastmcp && !validateOrigin(req, res)) return;
    // Modern only: the SDK's handler answers everything, GET and DELETE included (405).
    if (era === 'modern') return serveModern!(req, res);

    // GET and DELETE are 2025 session operations. The modern wire has no GET stream and no session
    // to end, so one that names a modern version, or carries no session id at all, gets 405.
    if (era === 'both' && req.method !== 'POST') {
      const version = headerValue(req, 'mcp-protocol-version');
      if ((version !== undefined && isModernVersion(version)) || headerValue(req, 'mcp-session-id') === undefined) {
        res.setHeader('Allow', 'POST');
        return jsonRpcError(res, 405, -32000, 'Method not allowed.');
      }
    }
    let body: JsonBody | undefined;
    if (era === 'both' && req.method === 'POST') {
      body = await readJsonBody(req);
      if (body.kind === 'too-large') return jsonRpcError(res, 413, -32000, 'Request body too large');
      if (body.kind === 'invalid') return jsonRpcError(res, 400, -32700, 'Parse error: Invalid JSON');
      // A request carrying the 2026-07-28 `_meta` envelope claim (or a modern MCP-Protocol-Version)
      // is modern, even with an Mcp-Session-Id header: that header means nothing there and is ignored.
      const probe = await toWebRequest(req, body.value);
      if (!(await isLegacyRequest(probe, body.value))) return serveModern!(req, res, body.value);
    }
    if (stateless) await handleStateless(req, res, body);
    else await handleStateful(req, res, body);
  };

  const handleStateful = async (req: IncomingMessage, res: ServerResponse, preread?: JsonBody): Promise<void> => {
    const sessionId = headerValue(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      // Unknown or ended session: 404 tells a spec-following client to start a new session.
      if (!session) return jsonRpcError(res, 404, -32001, 'Session not found');
      return session.transport.handleRequest(req, res, preread?.kind === 'ok' ? preread.value : undefined);
    }

    // Without a session id only an initialize may pass; it creates the session. Any other request
    // has no transport to judge it, so answer as the SDK transport itself does for a missing id.
    if (req.method !== 'POST') {
      return jsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    const body = preread ?? (await readJsonBody(req));
    if (body.kind === 'too-large') return jsonRpcError(res, 413, -32000, 'Request body too large');
    if (body.kind === 'invalid') return jsonRpcError(res, 400, -32700, 'Parse error: Invalid JSON');
    const messages: unknown[] = Array.isArray(body.value) ? body.value : [body.value];
    if (!messages.some((m) => isInitializeRequest(m))) {
      return jsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }

    const server = createServerFor();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: mintSessionId,
      // Resumable streams, each opened with a priming event and a retry: hint (event-store.ts).
      ...(resumable ? { eventStore: new SessionEventStore(), retryInterval: RETRY_INTERVAL_MS } : {}),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    // Fires on DELETE (the transport closes itself) and on our close(); either way the id is dead
    // from now on and must answer 404.
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body.value);
  };

  // What a client observes in stateless mode (checked by test/travel-server.test.ts):
  // - initialize succeeds but no Mcp-Session-Id comes back; every POST meets a brand-new server.
  // - Listing, reading and prompts work, and so does search_flights with its progress and logs:
  //   those notifications ride the call's own POST response stream.
  // - plan_trip fails at once with a tool error (isError, "Client does not support form
  //   elicitation."): the fresh server never saw this client's initialize, so it knows no client
  //   capabilities and the SDK refuses to elicit.
  // - quick_recommend hangs: createMessage does not check capabilities, so the sampling request does
  //   reach the client on the POST stream, but the client's answer is a new POST that lands on
  //   another fresh server (202, dropped), so the call waits until the client's request timeout
  //   (60 s by default) and the client then cancels. That is the seed's "silently fail".
  // - GET and DELETE answer 405: there is no session to stream to or to end.
  const handleStateless = async (req: IncomingMessage, res: ServerResponse, preread?: JsonBody): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return jsonRpcError(res, 405, -32000, 'Method not allowed.');
    }
    const server = createServerFor();
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    statelessServers.add(server);
    res.on('close', () => {
      statelessServers.delete(server);
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, preread?.kind === 'ok' ? preread.value : undefined);
  };

  const httpServer = createServer((req, res) => {
    const started = Date.now();
    if (log) {
      res.once('close', () => {
        const sid = headerValue(req, 'mcp-session-id') ?? res.getHeader('mcp-session-id') ?? '-';
        log(`${req.method} ${req.url} ${res.statusCode} session=${String(sid)} ${Date.now() - started}ms`);
      });
    }
    handle(req, res).catch((error: unknown) => {
      // A bug or a dropped connection; keep serving other sessions.
      log?.(`error: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, 'Internal server error');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      httpServer.off('listening', onListening);
      reject(listenError(error, host, requestedPort));
    };
    const onListening = () => {
      httpServer.off('error', onError);
      resolve();
    };
    httpServer.once('error', onError);
    httpServer.once('listening', onListening);
    httpServer.listen(requestedPort, host);
  });

  const port = (httpServer.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost(host)}:${port}${MCP_PATH}`,
    port,
    close: () => {
      closing ??= (async () => {
        const servers = [...[...sessions.values()].map((s) => s.server), ...statelessServers];
        sessions.clear();
        statelessServers.clear();
        await modernHandler?.close();
        // Closing each server closes its transport, which ends its open SSE streams.
        await Promise.allSettled(servers.map((s) => s.close()));
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          // Keep-alive sockets and any stream a client still holds would keep close() waiting.
          httpServer.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

/** 2026-07-28 and later: the date-shaped versions from the modern wire's first revision on. */
function isModernVersion(version: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= '2026-07-28';
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res
    .writeHead(status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

type JsonBody = { kind: 'ok'; value: unknown } | { kind: 'invalid' } | { kind: 'too-large' };

async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { kind: 'too-large' };
    chunks.push(chunk as Buffer);
  }
  try {
    return { kind: 'ok', value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { kind: 'invalid' };
  }
}

/** Listening on 0.0.0.0 or :: still means "connect to me on loopback" for the printed URL. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new UserError(`port ${port} is in use; pass --port`, ExitCode.Usage);
  if (error.code === 'EACCES') {
    return new UserError(`not allowed to listen on port ${port}; pass --port above 1023`, ExitCode.Usage);
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new UserError(`cannot listen on host ${host}; pass --host 127.0.0.1 or 0.0.0.0`, ExitCode.Usage);
  }
  return error;
}

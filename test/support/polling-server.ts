// A small SDK v2 server written the way the SDK's SSE-polling example is (SEP-1699): a stateful
// streamable HTTP transport per session, optionally with an event store (resumable streams, each
// opened with a priming event) and a retryInterval (the `retry:` hint in it), and a long tool that
// closes its own SSE stream mid-call with ctx.http.closeSSE() so the client has to poll for the rest.
// Three ways real authors set it up: the SDK's defaults (no event store: no priming event), an event
// store without a retry interval (the early close has no `retry:`), and both (spec-conforming).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer, isInitializeRequest, type ServerContext } from '@modelcontextprotocol/server';
import { SessionEventStore } from '../../src/servers/travel/event-store.js';

export interface PollingServerOptions {
  /** Keep events (resumable streams, priming events). */
  eventStore: boolean;
  /** The `retry:` hint, in ms (only with an event store). */
  retryInterval?: number;
}

function toolServer(): McpServer {
  const server = new McpServer({ name: 'polling', version: '1.0.0' });
  server.registerTool('long_progress', { description: 'Reports progress in two steps, closing its stream in between' }, async (ctx: ServerContext) => {
    const token = ctx.mcpReq._meta?.progressToken;
    const progress = (n: number) => (token === undefined ? Promise.resolve() : ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: n, total: 2 } }));
    await progress(1);
    // The SDK offers this only with an event store: the client reconnects (GET + Last-Event-ID) for the rest.
    ctx.http?.closeSSE?.();
    await new Promise((r) => setTimeout(r, 50));
    await progress(2);
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

async function body(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

export async function startPollingServer(opts: PollingServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? transports.get(id) : undefined;
    if (known) return known.handleRequest(req, res, req.method === 'POST' ? await body(req) : undefined);
    if (typeof id === 'string') return void res.writeHead(404).end();
    const parsed = req.method === 'POST' ? await body(req) : undefined;
    if (!isInitializeRequest(parsed)) return void res.writeHead(400).end();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void transports.set(sid, transport),
      ...(opts.eventStore ? { eventStore: new SessionEventStore() } : {}),
      ...(opts.retryInterval !== undefined ? { retryInterval: opts.retryInterval } : {}),
    });
    await toolServer().connect(transport);
    await transport.handleRequest(req, res, parsed);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      for (const t of transports.values()) await t.close().catch(() => {});
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

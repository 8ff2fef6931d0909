// A test-only MCP server for the HTML report and HAR tests (SDK v2, stateful streamable HTTP on loopback):
// the reference Travel Planner (plan_trip with its elicitations, sampling and progress on the call's own
// stream) plus what a report must show that the reference server never does:
// - `confirm_booking` elicits the way SDK v1 examples teach, without relatedRequestId, so the request
//   travels on the standalone GET stream: the step passes locally, and the report warns that it would
//   not reach a client through AgentCore;
// - `hostile_echo` answers (and logs) text full of HTML, `<script>` and terminal escape sequences, and
//   reflects the request's headers URL-encoded, as a hostile server would;
// - `big_answer` answers 100 KB, more than the trace keeps of one body;
// - it does not offer prompts (the capability is taken out of initialize), so a prompt step is SKIP.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { ServerContext } from '@modelcontextprotocol/server';
import { createTravelPlannerServer } from '../../src/servers/travel/travel-planner.js';

/** Text a browser would run or a terminal would obey if either were careless. */
export const HOSTILE_TEXT =
  'Booked!<script>document.title="pwned";window.__pwned=1</script><img src=x onerror="window.__pwned=2">' +
  '\x1b[2J\x1b]0;pwned\x07</pre></details><b>bold</b>&amp;';

interface SessionState {
  transport: NodeStreamableHTTPServerTransport;
  /** Resolves when the client opened its standalone GET stream (a request sent before it would be lost). */
  getOpen: Promise<void>;
  markGetOpen(): void;
  /** The last request's headers, for hostile_echo to reflect. */
  lastHeaders: Record<string, string>;
}

function build(state: () => SessionState) {
  const server = createTravelPlannerServer();
  server.registerTool('confirm_booking', { description: 'Asks for a confirmation the SDK v1 way: no relatedRequestId.' }, async (ctx: ServerContext) => {
    // Bounded: a client that never opens the GET stream gets the request anyway, and loses it.
    await Promise.race([state().getOpen, new Promise((r) => setTimeout(r, 5_000).unref())]);
    const r = await ctx.mcpReq.elicitInput(
      { mode: 'form', message: 'Confirm the booking?', requestedSchema: { type: 'object', properties: { value: { type: 'boolean', title: 'Confirm' } }, required: ['value'] } } as never,
    );
    return { content: [{ type: 'text', text: `confirmed=${r.action === 'accept' ? String(r.content?.['value']) : r.action}` }] };
  });
  server.registerTool('hostile_echo', { description: 'Answers with hostile text and reflects the request headers, URL-encoded.' }, async (ctx: ServerContext) => {
    await ctx.mcpReq.log('warning', HOSTILE_TEXT);
    const reflected = Object.entries(state().lastHeaders).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return { content: [{ type: 'text', text: `${HOSTILE_TEXT} headers: ${reflected}` }] };
  });
  server.registerTool('big_answer', { description: 'Answers with 100 KB of text (the trace keeps a bounded copy).' }, async () => ({
    content: [{ type: 'text', text: 'x'.repeat(100 * 1024) }],
  }));
  const caps = server.server.getCapabilities() as Record<string, unknown>;
  delete caps.prompts;
  return server;
}

export async function startReportServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, SessionState>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers['mcp-session-id'];
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    if (typeof id === 'string') {
      const s = sessions.get(id);
      if (!s) return void res.writeHead(404).end();
      s.lastHeaders = headers;
      if (req.method === 'GET') s.markGetOpen();
      return s.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return void res.writeHead(400).end();
    let markGetOpen!: () => void;
    const getOpen = new Promise<void>((r) => (markGetOpen = r));
    let state!: SessionState;
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => void sessions.set(sid, state),
    });
    state = { transport, getOpen, markGetOpen, lastHeaders: headers };
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await build(() => state).connect(transport);
    await transport.handleRequest(req, res);
  };
  const http = createServer((req, res) => void handle(req, res).catch(() => res.headersSent || res.writeHead(500).end()));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      for (const s of sessions.values()) await s.transport.close().catch(() => {});
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

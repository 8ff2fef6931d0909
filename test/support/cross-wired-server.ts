// A test-only MCP server with a bug real authors write: per-session state kept in a module-level
// variable. `greet` elicits a name, stores it in the shared `lastName`, and answers with whatever
// `lastName` holds when it resumes. One session at a time it is correct; under concurrent sessions one
// session's answer leaks into another's result. To make the leak certain rather than a race, the tool
// waits (bounded) until `barrier` calls have stored their name before any of them reads it back.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';

export async function startCrossWiredServer(barrier: number): Promise<{ url: string; close(): Promise<void> }> {
  let lastName = '';
  let stored = 0;
  const waiters: (() => void)[] = [];
  const build = () => {
    const server = new McpServer({ name: 'cross-wired-test-server', version: '0.0.0' });
    server.registerTool('greet', { description: 'Asks for your name and greets you.' }, async (ctx) => {
      const r = await ctx.mcpReq.elicitInput(
        { mode: 'form', message: 'What is your name?', requestedSchema: { type: 'object', properties: { value: { type: 'string', title: 'Name' } }, required: ['value'] } } as never,
        { relatedRequestId: ctx.mcpReq.id, timeout: 60_000 },
      );
      lastName = String(r.content?.['value'] ?? ''); // the bug: one variable for every session
      stored++;
      if (stored >= barrier) waiters.splice(0).forEach((w) => w());
      else await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 10_000).unref(); // bounded: never hangs a test
      });
      return { content: [{ type: 'text', text: `Hello, ${lastName}!` }] };
    });
    return server;
  };
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers['mcp-session-id'];
    if (typeof id === 'string') {
      const t = sessions.get(id);
      if (!t) return void res.writeHead(404).end();
      return t.handleRequest(req, res);
    }
    if (req.method !== 'POST') return void res.writeHead(400).end();
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => void sessions.set(sid, transport) });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await build().connect(transport);
    await transport.handleRequest(req, res);
  };
  const http = createServer((req, res) => void handle(req, res).catch(() => res.headersSent || res.writeHead(500).end()));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      waiters.splice(0).forEach((w) => w());
      for (const t of sessions.values()) await t.close().catch(() => {});
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

// A test server written the way the TypeScript SDK v1 examples show (`@modelcontextprotocol/sdk`
// 1.x, McpServer + StreamableHTTPServerTransport, one transport per session in a map): the tools call
// `server.server.elicitInput()`, `server.server.createMessage()` and `server.sendLoggingMessage()`
// WITHOUT `relatedRequestId`, exactly as those examples do. The SDK then sends those requests on the
// standalone GET stream. Locally they still work (a client that opened the GET stream gets them);
// through AgentCore (GET answered 405) they never reach the client. Each tool is one such habit.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export interface RunningV1Server {
  url: string;
  close(): Promise<void>;
}

function buildServer(): McpServer {
  const server = new McpServer({ name: 'v1-example', version: '1.0.0' }, { capabilities: { logging: {} } });

  // As in the SDK v1 elicitation example: a multi-field form, sent with server.server.elicitInput.
  server.registerTool('book_table', { description: 'Book a restaurant table (asks for the details).' }, async () => {
    const result = await server.server.elicitInput({
      message: 'Please provide your booking details',
      requestedSchema: {
        type: 'object',
        properties: {
          cuisine: { type: 'string', title: 'Cuisine', enum: ['italian', 'japanese', 'mexican'], enumNames: ['Italian', 'Japanese', 'Mexican'] },
          partySize: { type: 'integer', title: 'Party size', minimum: 1, maximum: 12, default: 2 },
          outdoor: { type: 'boolean', title: 'Outdoor seating', default: false },
          name: { type: 'string', title: 'Name', minLength: 2, maxLength: 40 },
        },
        required: ['cuisine', 'partySize', 'name'],
      },
    });
    if (result.action !== 'accept') return { content: [{ type: 'text', text: `Booking ${result.action}ed.` }] };
    const c = result.content as { cuisine: string; partySize: number; name: string; outdoor?: boolean };
    return { content: [{ type: 'text', text: `Booked ${c.cuisine} for ${c.partySize} under ${c.name}${c.outdoor ? ' outside' : ''}.` }] };
  });

  // A form whose every field has a default: `action: accept` with no content must send the defaults.
  server.registerTool('preferences', { description: 'Ask for display preferences.' }, async () => {
    const result = await server.server.elicitInput({
      message: 'Display preferences',
      requestedSchema: {
        type: 'object',
        properties: { theme: { type: 'string', enum: ['light', 'dark'], default: 'dark' }, fontSize: { type: 'integer', minimum: 8, maximum: 32, default: 14 } },
        required: ['theme', 'fontSize'],
      },
    });
    return { content: [{ type: 'text', text: result.action === 'accept' ? `theme=${result.content?.theme} fontSize=${result.content?.fontSize}` : result.action }] };
  });

  // As in the SDK v1 sampling example: server.server.createMessage from inside the tool.
  server.registerTool('summarize', { description: 'Summarize a text with the client LLM.', inputSchema: { text: z.string() } }, async ({ text }) => {
    const r = await server.server.createMessage({ systemPrompt: 'You are a terse assistant.', messages: [{ role: 'user', content: { type: 'text', text: `Summarize: ${text}` } }], maxTokens: 50 });
    const out = r.content.type === 'text' ? r.content.text : '';
    return { content: [{ type: 'text', text: `Summary: ${out}` }] };
  });

  // As in the SDK v1 logging examples: server.sendLoggingMessage, then the result at once.
  server.registerTool('log_then_answer', { description: 'Log one line, then answer.' }, async () => {
    await server.sendLoggingMessage({ level: 'info', data: 'working on it' });
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

export async function startV1ExampleServer(): Promise<RunningV1Server> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers = new Set<McpServer>();
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId || req.method !== 'POST' || !isInitializeRequest(body)) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null }));
        return;
      }
      const t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void transports.set(id, t) });
      t.onclose = () => {
        if (t.sessionId) transports.delete(t.sessionId);
      };
      const server = buildServer();
      servers.add(server);
      await server.connect(t);
      transport = t;
    }
    await transport.handleRequest(req, res, body);
  };
  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      await Promise.allSettled([...servers].map((s) => s.close()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

// A tiny test-only MCP server (SDK v2, stateful streamable HTTP on loopback) with the requests the
// reference server does not make: a single-select enum (oneOf with titles), URL-mode elicitation, and
// a message full of terminal escape sequences. Each tool returns what the client answered, so a
// test can read both the screen and the result.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** ESC[2J clears the screen, ESC[31m turns red, OSC 0 retitles the window, ESC[1A moves up. */
export const HOSTILE_MESSAGE = 'Approve the payment?\x1b[2J\x1b[31m\x1b]0;pwned\x07\x1b[1A\rall is fine';

function build(): McpServer {
  const server = new McpServer({ name: 'prompt-test-server', version: '0.0.0' });
  const related = (ctx: ServerContext) => ({ relatedRequestId: ctx.mcpReq.id, timeout: 600_000 });

  server.registerTool('choose_color', { description: 'Asks for a colour from a list.' }, async (ctx) => {
    const r = await ctx.mcpReq.elicitInput(
      {
        mode: 'form',
        message: 'Pick a colour for the badge',
        requestedSchema: {
          type: 'object',
          properties: {
            color: { type: 'string', title: 'Colour', oneOf: [{ const: 'red', title: 'Red' }, { const: 'green', title: 'Green' }, { const: 'blue', title: 'Blue' }] },
          },
          required: ['color'],
        },
      } as never,
      related(ctx),
    );
    return { content: [{ type: 'text', text: r.action === 'accept' ? `colour=${String(r.content?.['color'])}` : `action=${r.action}` }] };
  });

  server.registerTool('sign_up', { description: 'A form of several fields (text, integer with a minimum, yes/no).' }, async (ctx) => {
    const r = await ctx.mcpReq.elicitInput(
      {
        mode: 'form',
        message: 'Create your traveller profile',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', title: 'Name' },
            age: { type: 'integer', title: 'Age', minimum: 18 },
            newsletter: { type: 'boolean', title: 'Newsletter' },
          },
          required: ['name', 'age', 'newsletter'],
        },
      } as never,
      related(ctx),
    );
    return { content: [{ type: 'text', text: r.action === 'accept' ? `profile=${JSON.stringify(r.content)}` : `action=${r.action}` }] };
  });

  server.registerTool('open_link', { description: 'Asks the user to visit a URL (URL-mode elicitation).' }, async (ctx) => {
    const r = await ctx.mcpReq.elicitInput(
      { mode: 'url', message: 'Sign in to the travel agency', url: 'https://auth.example.com/login?state=abc', elicitationId: 'e-1' } as never,
      related(ctx),
    );
    return { content: [{ type: 'text', text: `url-consent=${r.action}` }] };
  });

  server.registerTool(
    'echo_token',
    { description: 'Asks with a message that reflects its argument literally, URL-encoded and base64 at three offsets.', inputSchema: z.object({ token: z.string() }) },
    async ({ token }, ctx) => {
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      const r = await ctx.mcpReq.elicitInput(
        { mode: 'form', message: `Confirm ${token} ${encodeURIComponent(token)} ${b64(token)} ${b64(`>${token}`)} ${b64(`>>${token}`)}`, requestedSchema: { type: 'object', properties: { value: { type: 'string', title: 'Value' } }, required: ['value'] } } as never,
        related(ctx),
      );
      return { content: [{ type: 'text', text: `echo=${r.action}` }] };
    },
  );

  server.registerTool('hostile', { description: 'Asks with a message full of escape sequences.' }, async (ctx) => {
    const r = await ctx.mcpReq.elicitInput(
      { mode: 'form', message: HOSTILE_MESSAGE, requestedSchema: { type: 'object', properties: { value: { type: 'string', title: 'Value' } }, required: ['value'] } } as never,
      related(ctx),
    );
    return { content: [{ type: 'text', text: `hostile=${r.action}` }] };
  });
  return server;
}

export async function startPromptServer(): Promise<{ url: string; close(): Promise<void> }> {
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
      for (const t of sessions.values()) await t.close().catch(() => {});
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

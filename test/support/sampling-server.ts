// A test-only MCP server (SDK v2, stateful streamable HTTP on loopback) whose sampling requests use
// what the reference server's do not: a system prompt, an image, an earlier assistant turn,
// temperature, stop sequences and model hints. Its tool returns what the client answered (text, model,
// stopReason) as JSON, so a test sees the answer as the server did.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer, type ServerContext } from '@modelcontextprotocol/server';

/** A 1x1 transparent PNG. */
export const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
export const RICH = {
  systemPrompt: 'You are a terse travel agent.',
  question: 'Which city is in this picture?',
  earlier: 'Send me a picture and I will tell you.',
  followUp: 'One word, please.',
  maxTokens: 64,
  temperature: 0.3,
  stopSequences: ['END'],
  hints: ['claude-3-5-sonnet', 'llama'],
};

function build(): McpServer {
  const server = new McpServer({ name: 'sampling-test-server', version: '0.0.0' });
  const related = (ctx: ServerContext) => ({ relatedRequestId: ctx.mcpReq.id, timeout: 600_000 });

  server.registerTool('rich_sample', { description: 'Asks the client LLM with every sampling field.' }, async (ctx) => {
    const r = await ctx.mcpReq.requestSampling(
      {
        systemPrompt: RICH.systemPrompt,
        messages: [
          { role: 'user', content: { type: 'text', text: RICH.earlier.replace('Send me', 'I will send you') } },
          { role: 'assistant', content: { type: 'text', text: RICH.earlier } },
          { role: 'user', content: [{ type: 'text', text: RICH.question }, { type: 'image', data: PIXEL_PNG, mimeType: 'image/png' }, { type: 'text', text: RICH.followUp }] },
        ],
        maxTokens: RICH.maxTokens,
        temperature: RICH.temperature,
        stopSequences: RICH.stopSequences,
        modelPreferences: { hints: RICH.hints.map((name) => ({ name })), intelligencePriority: 0.8 },
      } as never,
      related(ctx),
    );
    const content = Array.isArray(r.content) ? r.content : [r.content];
    const text = content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    return { content: [{ type: 'text', text: JSON.stringify({ text, model: r.model, stopReason: r.stopReason, role: r.role }) }] };
  });

  server.registerTool('audio_sample', { description: 'Asks the client LLM about a sound.' }, async (ctx) => {
    const r = await ctx.mcpReq.requestSampling(
      { messages: [{ role: 'user', content: { type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' } }], maxTokens: 10 } as never,
      related(ctx),
    );
    return { content: [{ type: 'text', text: `model=${r.model}` }] };
  });
  return server;
}

export async function startSamplingServer(): Promise<{ url: string; close(): Promise<void> }> {
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

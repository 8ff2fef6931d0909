// A small MCP server over plain node:http, written the way a hand-rolled server is, whose tools break
// the schema rules: one returns structuredContent that does not conform to its outputSchema, one
// declares an outputSchema and returns none, one has an inputSchema that is not valid JSON Schema.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const weatherOutput = { type: 'object', properties: { temperature: { type: 'number' } }, required: ['temperature'] };
export const SCHEMA_TOOLS = [
  { name: 'weather', inputSchema: { type: 'object', properties: {} }, outputSchema: weatherOutput },
  { name: 'forgetful', inputSchema: { type: 'object', properties: {} }, outputSchema: weatherOutput },
  { name: 'good', inputSchema: { type: 'object', properties: {} }, outputSchema: weatherOutput },
  { name: 'typo', inputSchema: { type: 'object', properties: { city: { type: 'strnig' } } } },
];

export async function startSchemaServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sessionId = randomUUID();
  const server = createServer(async (req, res) => {
    if (req.method === 'GET') return void res.writeHead(405).end();
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    let body = '';
    for await (const chunk of req) body += chunk;
    const msg = JSON.parse(body) as { id?: number; method?: string; params?: { name?: string; protocolVersion?: string } };
    if (msg.id === undefined) return void res.writeHead(202).end();
    const reply = (result: object) => {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': sessionId });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
    };
    switch (msg.method) {
      case 'initialize':
        return reply({ protocolVersion: msg.params?.protocolVersion ?? '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'schema', version: '1.0.0' } });
      case 'tools/list':
        return reply({ tools: SCHEMA_TOOLS });
      case 'tools/call': {
        const name = msg.params?.name;
        const text = (t: string) => [{ type: 'text', text: t }];
        if (name === 'weather') return reply({ content: text('hot'), structuredContent: { temperature: 'hot' } });
        if (name === 'good') return reply({ content: text('21'), structuredContent: { temperature: 21 } });
        return reply({ content: text('21 degrees') });
      }
      default:
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

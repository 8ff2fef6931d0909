// An MCP server over plain node:http that initializes normally (session id and all) and then never
// answers the methods it is told to ignore: the request stays open until the server closes. The way to
// see that a timeout really bounds a request without timing anything.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface SilentServer {
  url: string;
  /** Requests seen, by method. */
  seen: string[];
  close(): Promise<void>;
}

export async function startSilentServer(ignore: string[]): Promise<SilentServer> {
  const seen: string[] = [];
  const held = new Set<ServerResponse>();
  const sessionId = randomUUID();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET') return void res.writeHead(405).end();
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    let body = '';
    for await (const chunk of req) body += chunk;
    let msg: { id?: number | string; method?: string; params?: { protocolVersion?: string } };
    try {
      msg = JSON.parse(body);
    } catch {
      return void res.writeHead(400).end();
    }
    seen.push(msg.method ?? '(response)');
    if (msg.id === undefined) return void res.writeHead(202).end();
    const reply = (payload: object) => {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': sessionId });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, ...payload }));
    };
    if (ignore.includes(msg.method ?? '')) {
      held.add(res); // never answered
      return;
    }
    if (msg.method === 'initialize') {
      return reply({
        result: {
          protocolVersion: msg.params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: {}, resources: {} },
          serverInfo: { name: 'silent', version: '1.0.0' },
        },
      });
    }
    if (msg.method === 'tools/list') return reply({ result: { tools: [{ name: 'wait', inputSchema: { type: 'object', properties: {} } }] } });
    if (msg.method === 'resources/list') return reply({ result: { resources: [] } });
    if (msg.method === 'resources/templates/list') return reply({ result: { resourceTemplates: [] } });
    if (msg.method === 'ping') return reply({ result: {} });
    return reply({ error: { code: -32601, message: `Method not found: ${msg.method}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    seen,
    async close() {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

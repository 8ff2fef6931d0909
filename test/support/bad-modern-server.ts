// A 2026-07-28 server that breaks the modern wire's rules on purpose, one `fault` per server, hand-written
// on node:http the way a server author who read the spec quickly would write one: it answers
// server/discover and JSON bodies, and gets one thing wrong. It exists so each scenario-run modern check
// is seen to FAIL for the server that breaks it (a check that cannot fail is a defect).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ModernFault =
  /** tools/list answers without resultType. */
  | 'no-result-type'
  /** tools/list answers input_required (only tools/call, prompts/get, resources/read may). */
  | 'input-required-on-list'
  /** tools/call asks for sampling whether or not the request declared it. */
  | 'undeclared-capability'
  /** Every answer carries an Mcp-Session-Id. */
  | 'echo-session-id'
  /** None: a correct server (the control). */
  | 'none';

export interface RunningBadModern {
  url: string;
  /** Every JSON-RPC request body received, in order. */
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startBadModernServer(fault: ModernFault): Promise<RunningBadModern> {
  const received: Record<string, unknown>[] = [];
  const http = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const msg = JSON.parse(body) as { id?: string | number; method: string; params?: Record<string, any> };
      received.push(msg as never);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault === 'echo-session-id') headers['mcp-session-id'] = 'sess-echoed-0001';
      if (msg.id === undefined) {
        res.writeHead(202, headers).end();
        return;
      }
      const reply = (result: Record<string, unknown>) => res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
      const declared = (msg.params?._meta?.['io.modelcontextprotocol/clientCapabilities'] ?? {}) as Record<string, unknown>;
      switch (msg.method) {
        case 'server/discover':
          return reply({ resultType: 'complete', supportedVersions: ['2026-07-28'], capabilities: { tools: {} }, _meta: { 'io.modelcontextprotocol/serverInfo': { name: `bad-modern-${fault}`, version: '1.0.0' } } });
        case 'tools/list':
          if (fault === 'no-result-type') return reply({ tools: [{ name: 'ask', inputSchema: { type: 'object' } }], ttlMs: 0, cacheScope: 'private' });
          if (fault === 'input-required-on-list' && !msg.params?.inputResponses) {
            return reply({ resultType: 'input_required', inputRequests: { who: { method: 'elicitation/create', params: { mode: 'form', message: 'Who is listing?', requestedSchema: { type: 'object', properties: { value: { type: 'string' } } } } } } });
          }
          return reply({ resultType: 'complete', tools: [{ name: 'ask', inputSchema: { type: 'object' } }], ttlMs: 0, cacheScope: 'private' });
        case 'tools/call': {
          const answers = (msg.params?.inputResponses ?? {}) as Record<string, any>;
          if (answers.tip) return reply({ resultType: 'complete', content: [{ type: 'text', text: `tip: ${answers.tip.content?.text ?? '?'}` }] });
          if (fault === 'undeclared-capability' || declared.sampling) {
            return reply({ resultType: 'input_required', inputRequests: { tip: { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'a tip' } }], maxTokens: 20 } } }, requestState: 'state-1' });
          }
          return reply({ resultType: 'complete', content: [{ type: 'text', text: 'no sampling declared' }] });
        }
        default:
          res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: `no ${msg.method}` } }));
      }
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    received,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

// A 2026-07-28-only server written the way the SDK v2 docs show a multi-round-trip server: `createMcpHandler`
// with `legacy: 'reject'`, tools that return `inputRequired(...)` until `ctx.mcpReq.inputResponses` holds
// the answers, the progress state carried in `requestState` (HMAC-sealed by the SDK's codec, so tampered
// state is refused). It exists to test the client side of the modern wire (rounds, responders,
// transcript, expectations) on its own; the reference travel server speaks both eras for the rest.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { McpServer, acceptedContent, createMcpHandler, createRequestStateCodec, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { z } from 'zod';

export interface RunningMrtrServer {
  url: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startMrtrServer(): Promise<RunningMrtrServer> {
  const codec = createRequestStateCodec<{ city?: string; days?: number }>({ key: randomBytes(32), ttlSeconds: 300 });
  const factory = () => {
    const server = new McpServer({ name: 'mrtr-test', version: '1.0.0' }, { capabilities: { logging: {} }, requestState: { verify: codec.verify } } as never);
    // Two questions, one per round, then a sampling round: three input_required answers before the result.
    server.registerTool('plan', { description: 'Plan a trip (asks twice, then samples).' }, async (ctx: any) => {
      const state = (ctx.mcpReq.requestState?.() as { city?: string; days?: number } | undefined) ?? {};
      const city = state.city ?? (acceptedContent(ctx.mcpReq.inputResponses, 'city') as { value?: string } | undefined)?.value;
      if (!city) return inputRequired({ inputRequests: { city: inputRequired.elicit({ message: 'Where would you like to go?', requestedSchema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] } }) } });
      const days = state.days ?? (acceptedContent(ctx.mcpReq.inputResponses, 'days') as { value?: number } | undefined)?.value;
      if (days === undefined) {
        return inputRequired({
          inputRequests: { days: inputRequired.elicit({ message: 'How many days?', requestedSchema: { type: 'object', properties: { value: { type: 'integer' } }, required: ['value'] } }) },
          requestState: await codec.mint({ city }),
        });
      }
      const tips = inputResponse(ctx.mcpReq.inputResponses, 'tips');
      if (tips.kind !== 'sampling') {
        return inputRequired({
          inputRequests: { tips: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: `Three tips for ${city}` } }], maxTokens: 200 }) },
          requestState: await codec.mint({ city, days }),
        });
      }
      const text = tips.result.content && !Array.isArray(tips.result.content) && tips.result.content.type === 'text' ? tips.result.content.text : '';
      for (let i = 1; i <= 3; i++) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: ctx.mcpReq._meta?.progressToken, progress: i, total: 3 } }).catch(() => {});
        await sleep(5);
      }
      await ctx.mcpReq.notify({ method: 'notifications/message', params: { level: 'info', data: `planned ${city}` } }).catch(() => {});
      return { content: [{ type: 'text', text: JSON.stringify({ destination: city, days, tips: text, status: 'planned' }) }] };
    });
    server.registerTool('echo', { description: 'Echo.', inputSchema: z.object({ text: z.string() }) }, async ({ text }: { text: string }) => ({ content: [{ type: 'text', text }] }));
    server.registerResource('city', 'travel://city/tokyo', { mimeType: 'application/json' }, async () => ({ contents: [{ uri: 'travel://city/tokyo', text: JSON.stringify({ city: 'Tokyo' }) }] }));
    server.registerPrompt('packing', { argsSchema: z.object({ days: z.string() }) }, async ({ days }: { days: string }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `A ${days}-day packing list` } }] }));
    return server;
  };
  const handler = createMcpHandler(factory, { legacy: 'reject' });
  const http = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      await handler.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

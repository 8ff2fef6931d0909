// `example-server --like fastmcp`: the Travel Planner as the real FastMCP 3 server shows it on the wire
// (measured with FastMCP 3.0.0rc2, see ../shared/reference/fastmcp.md), so a harness can be tested
// against FastMCP's deviations without Python: capabilities without `logging` while logs are still
// sent, `structuredContent` and FastMCP's wrapped outputSchema on every tool, elicitation requests
// without `mode`, integer answers accepted as strings (pydantic lax mode), FastMCP's error texts and
// codes (0 for prompt errors, tool errors as isError results; an unknown resource is FastMCP's text, but
// with -32602: the SDK v2 re-encodes FastMCP's -32002 on every wire, as the 2026-07-28 spec says), no SSE
// event ids, any Origin. Stateless (`--stateless`) reproduces FastMCP's own stateless failure: the
// elicitation is sent and its answer lost; sampling is refused at once (the fresh server never saw the
// client's capabilities). The default reference server (travel-planner.ts) stays spec-correct.
import { ProtocolError, Server } from '@modelcontextprotocol/server';
import type { ServerContext } from '@modelcontextprotocol/server';
import { DESTINATIONS, TEXT, TRAVEL_SERVER_INSTRUCTIONS, TRAVEL_SERVER_NAME, scalarElicitationSchema } from './travel-planner.js';

export const FASTMCP_VERSION = '3.0.0rc2';

/** What FastMCP 3 declares at initialize: note there is no `logging`, though ctx.info() sends logs. */
export const FASTMCP_CAPABILITIES = {
  experimental: {},
  prompts: { listChanged: true },
  resources: { subscribe: false, listChanged: true },
  tools: { listChanged: true },
  extensions: { 'io.modelcontextprotocol/ui': {} },
};

const OUTPUT_SCHEMA = { type: 'object', properties: { result: { type: 'string' } }, required: ['result'], 'x-fastmcp-wrap-result': true };
const META = { fastmcp: { tags: [] as string[] } };

const TOOLS = [
  {
    name: 'plan_trip',
    description: 'Plan a complete trip using elicitation, sampling, and progress notifications.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'quick_recommend',
    description: 'Get a quick destination recommendation using sampling only.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'search_flights',
    description: 'Simulate a flight search with progress notifications.',
    inputSchema: {
      type: 'object',
      properties: { origin: { title: 'Origin', type: 'string' }, destination: { title: 'Destination', type: 'string' } },
      required: ['origin', 'destination'],
      additionalProperties: false,
    },
  },
].map((t) => ({ ...t, outputSchema: OUTPUT_SCHEMA, _meta: META }));

const PROMPTS = [
  {
    name: 'packing_list',
    description: 'Generate a packing list prompt for a trip.',
    arguments: [
      { name: 'destination', required: true },
      { name: 'days', description: 'Provide as a JSON string matching the following schema: {"type":"integer"}', required: true },
      { name: 'trip_type', required: true },
    ],
  },
  { name: 'local_phrases', description: 'Generate a prompt for learning local phrases.', arguments: [{ name: 'destination', required: true }] },
];

/** FastMCP sends logs without declaring `logging`; the SDK would refuse, so this server lets them out. */
class FastMcpLikeServer extends Server {
  protected override assertNotificationCapability(method: string): void {
    if (method === 'notifications/message') return;
    super.assertNotificationCapability(method as never);
  }
}

const ELICIT_TIMEOUT_MS = 10 * 60 * 1000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pretty = (v: unknown) => JSON.stringify(v, null, 2);
const pyCompact = (v: Record<string, string>) => `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${JSON.stringify(x)}`).join(', ')}}`;
/** A tool result as FastMCP 3 returns it: the text, and the same text as structuredContent.result. */
const result = (text: string) => ({ content: [{ type: 'text' as const, text }], structuredContent: { result: text } });
const toolError = (text: string) => ({ content: [{ type: 'text' as const, text }], isError: true });

export function createFastMcpLikeServer(): Server {
  const server = new FastMcpLikeServer({ name: TRAVEL_SERVER_NAME, version: FASTMCP_VERSION }, { instructions: TRAVEL_SERVER_INSTRUCTIONS, capabilities: FASTMCP_CAPABILITIES as never });

  const progress = async (ctx: ServerContext, value: number, total: number) => {
    const token = ctx.mcpReq._meta?.progressToken;
    if (token !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: value, total } });
  };
  const info = (ctx: ServerContext, msg: string) => ctx.mcpReq.notify({ method: 'notifications/message', params: { level: 'info', data: { msg, extra: null } } });

  /** ctx.elicit(message, response_type=str|int): no `mode` field; an integer may come back as "3". */
  const elicit = async (ctx: ServerContext, message: string, type: 'string' | 'integer'): Promise<{ ok: true; value: string | number } | { ok: false }> => {
    const r = (await ctx.mcpReq.send({ method: 'elicitation/create', params: { message, requestedSchema: scalarElicitationSchema(type) } } as never, { timeout: ELICIT_TIMEOUT_MS, signal: ctx.mcpReq.signal } as never)) as {
      action: string;
      content?: Record<string, unknown>;
    };
    if (r.action !== 'accept') return { ok: false };
    const v = r.content?.value;
    if (type === 'integer') {
      // pydantic lax mode: "3" is 3; anything else is a validation error, as in FastMCP.
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) throw new ProtocolError(-32602, `1 validation error for ScalarElicitationType\nvalue\n  Input should be a valid integer [type=int_parsing, input_value=${JSON.stringify(v)}]`);
      return { ok: true, value: n };
    }
    return { ok: true, value: String(v ?? '') };
  };

  /** ctx.sample(): refused when the client did not declare sampling (a stateless fresh server never saw it). */
  const sample = async (ctx: ServerContext, prompt: string, maxTokens: number): Promise<string | { refused: string }> => {
    if (!server.getClientCapabilities()?.sampling) return { refused: 'Client does not support sampling' };
    const r = (await ctx.mcpReq.send(
      { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens } } as never,
      { timeout: ELICIT_TIMEOUT_MS, signal: ctx.mcpReq.signal } as never,
    )) as { content: { type: string; text?: string } | { type: string; text?: string }[] };
    const blocks = Array.isArray(r.content) ? r.content : [r.content];
    return blocks.map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join('');
  };

  server.setRequestHandler('tools/list', async () => ({ tools: TOOLS }) as never);
  server.setRequestHandler('tools/call', async (request, ctx) => {
    const name = request.params.name;
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    switch (name) {
      case 'plan_trip': {
        await progress(ctx, 0, 5);
        const dest = await elicit(ctx, TEXT.askDestination, 'string');
        if (!dest.ok) return result(TEXT.cancelled) as never;
        await progress(ctx, 1, 5);
        const days = await elicit(ctx, TEXT.askDays(String(dest.value)), 'integer');
        if (!days.ok) return result(TEXT.cancelled) as never;
        await progress(ctx, 2, 5);
        const kind = await elicit(ctx, TEXT.askTripType, 'string');
        if (!kind.ok) return result(TEXT.cancelled) as never;
        await progress(ctx, 3, 5);
        const tips = await sample(ctx, TEXT.tipsPrompt(String(kind.value), String(dest.value), Number(days.value)), 200);
        if (typeof tips !== 'string') return toolError(tips.refused) as never;
        await progress(ctx, 5, 5);
        const key = String(dest.value).toLowerCase();
        const highlights = Object.hasOwn(DESTINATIONS, key) ? DESTINATIONS[key]!.highlights : ['No specific highlights available'];
        return result(pretty({ destination: dest.value, days: days.value, trip_type: kind.value, highlights, ai_tips: tips, status: 'planned' })) as never;
      }
      case 'quick_recommend': {
        const tip = await sample(ctx, TEXT.recommendPrompt, 100);
        return (typeof tip === 'string' ? result(`Recommendation: ${tip}`) : toolError(tip.refused)) as never;
      }
      case 'search_flights': {
        const missing = ['origin', 'destination'].filter((k) => typeof args[k] !== 'string');
        if (missing.length) {
          const input = `{${Object.entries(args).map(([k, v]) => `'${k}': ${typeof v === 'string' ? `'${v}'` : JSON.stringify(v)}`).join(', ')}}`;
          return toolError(
            `${missing.length} validation error${missing.length > 1 ? 's' : ''} for call[search_flights]\n` +
              missing.map((k) => `${k}\n  Missing required argument [type=missing_argument, input_value=${input}, input_type=dict]\n    For further information visit https://errors.pydantic.dev/2.12/v/missing_argument`).join('\n'),
          ) as never;
        }
        for (const [i, stage] of TEXT.flightStages.entries()) {
          await progress(ctx, i + 1, TEXT.flightStages.length);
          await info(ctx, stage);
          await sleep(300);
        }
        return result(
          pretty({
            origin: args.origin,
            destination: args.destination,
            flights: [
              { airline: 'AirExample', price: '$450', duration: '8h 30m' },
              { airline: 'SkyDemo', price: '$520', duration: '7h 15m' },
            ],
          }),
        ) as never;
      }
      default:
        return toolError(`Unknown tool: '${name}'`) as never;
    }
  });

  server.setRequestHandler('resources/list', async () => ({ resources: [{ uri: 'travel://destinations', name: 'list_destinations', mimeType: 'text/plain' }] }) as never);
  server.setRequestHandler('resources/templates/list', async () => ({ resourceTemplates: [{ uriTemplate: 'travel://destination/{city}', name: 'get_destination', mimeType: 'text/plain' }] }) as never);
  server.setRequestHandler('resources/read', async (request) => {
    const uri = request.params.uri;
    const text = (body: string) => ({ contents: [{ uri, mimeType: 'text/plain', text: body }] }) as never;
    if (uri === 'travel://destinations') return text(pretty(DESTINATIONS));
    const m = /^travel:\/\/destination\/([^/]+)$/.exec(uri);
    if (m) {
      let city = m[1]!;
      try {
        city = decodeURIComponent(city);
      } catch {
        /* as given */
      }
      const dest = Object.hasOwn(DESTINATIONS, city.toLowerCase()) ? DESTINATIONS[city.toLowerCase()] : undefined;
      return text(dest ? pretty(dest) : pyCompact({ error: `Destination '${city}' not found` }));
    }
    throw new ProtocolError(-32002, `Resource not found: Unknown resource: '${uri}'`);
  });

  server.setRequestHandler('prompts/list', async () => ({ prompts: PROMPTS }) as never);
  server.setRequestHandler('prompts/get', async (request) => {
    const { name } = request.params;
    const args = (request.params.arguments ?? {}) as Record<string, string>;
    const prompt = PROMPTS.find((p) => p.name === name);
    // FastMCP answers prompt errors with JSON-RPC code 0.
    if (!prompt) throw new ProtocolError(0, `Unknown prompt: '${name}'`);
    const missing = prompt.arguments.filter((a) => a.required && args[a.name] === undefined).map((a) => `'${a.name}'`);
    if (missing.length) throw new ProtocolError(0, `Error rendering prompt '${name}': Missing required arguments: {${missing.join(', ')}}`);
    const say = (t: string) => ({ messages: [{ role: 'user', content: { type: 'text', text: t } }] }) as never;
    if (name === 'packing_list') {
      const days = Number.parseInt(args.days ?? '', 10);
      if (!Number.isInteger(days)) throw new ProtocolError(0, `Error rendering prompt '${name}': days must be an integer`);
      return say(
        `Create a detailed ${days}-day packing list for a ${args.trip_type} trip to ${args.destination}. Include weather-appropriate clothing, essentials, and destination-specific items.`,
      );
    }
    return say(
      `Teach me 10 essential local phrases for visiting ${args.destination}. Include greetings, asking for directions, ordering food, and emergency phrases with pronunciation guides.`,
    );
  });
  return server;
}

// The Travel Planner MCP server: a faithful TypeScript port of the seed article's FastMCP
// `travel_server.py` (tools, resources, prompts), independent of how it is hosted over HTTP.
//
// Everything a tool sends to the client while it runs (elicitation, sampling, progress, logs) is
// tied to the originating `tools/call` via the handler context, so the streamable HTTP transport puts
// it on that call's POST SSE stream. Without that tie the SDK routes it to the standalone GET stream,
// and a client that never opened one waits silently until a timeout.

import { setTimeout as sleep } from 'node:timers/promises';
import { completable, createRequestStateCodec, McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { randomBytes } from 'node:crypto';
import type {
  CreateMessageResult,
  CreateMessageResultWithTools,
  ElicitRequestFormParams,
  RequestOptions,
  ServerContext,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import { planTripRound, quickRecommendRound, type TravelStateCodec, type TravelRoundState, type TravelTexts } from './multi-round-tools.js';

export const TRAVEL_SERVER_NAME = 'Travel Planner';
export const TRAVEL_SERVER_VERSION = '1.0.0';

export const TRAVEL_SERVER_INSTRUCTIONS =
  'A stateful travel planning MCP server that demonstrates ' +
  'elicitation, sampling, and progress notifications.';

export interface Destination {
  city: string;
  country: string;
  highlights: string[];
  best_season: string;
}

/** Exactly the seed's DESTINATIONS, in the seed's key order (it shows in the JSON output). */
export const DESTINATIONS: Readonly<Record<string, Destination>> = {
  paris: {
    city: 'Paris',
    country: 'France',
    highlights: ['Eiffel Tower', 'Louvre Museum', 'Seine River Cruise'],
    best_season: 'Spring',
  },
  tokyo: {
    city: 'Tokyo',
    country: 'Japan',
    highlights: ['Shibuya Crossing', 'Senso-ji Temple', 'Tsukiji Market'],
    best_season: 'Autumn',
  },
  'new york': {
    city: 'New York',
    country: 'USA',
    highlights: ['Central Park', 'Statue of Liberty', 'Broadway'],
    best_season: 'Fall',
  },
  bali: {
    city: 'Bali',
    country: 'Indonesia',
    highlights: ['Ubud Rice Terraces', 'Tanah Lot Temple', 'Seminyak Beach'],
    best_season: 'Dry Season (Apr-Oct)',
  },
};

/** The tool results, prompt texts and messages, shared with tests so they cannot drift. */
export const TEXT = {
  cancelled: 'Trip planning cancelled.',
  askDestination: 'Where would you like to go?\nOptions: Paris, Tokyo, New York, Bali',
  askDays: (destination: string) => `How many days will you spend in ${destination}?`,
  askTripType: 'What type of trip?\nOptions: leisure, business, adventure',
  tipsPrompt: (tripType: string, destination: string, days: number) =>
    `Give 3 brief tips for a ${tripType} trip to ${destination} lasting ${days} days. Be concise.`,
  recommendPrompt:
    'Recommend one travel destination from: Paris, Tokyo, New York, Bali. Give a one-sentence reason why.',
  flightStages: ['Searching airlines...', 'Comparing prices...', 'Checking availability...', 'Finalizing results...'],
} as const;

/**
 * FastMCP's `ctx.elicit(message, response_type=str|int)` wraps the scalar in an object with one
 * property `value`; clients answer `content: {"value": ...}`. Reproduced byte for byte so a client
 * tested here sees what it would see from the Python server.
 */
export function scalarElicitationSchema(type: 'string' | 'integer'): ElicitRequestFormParams['requestedSchema'] {
  return {
    type: 'object',
    properties: { value: { title: 'Value', type } },
    required: ['value'],
    title: 'ScalarElicitationType',
  } as ElicitRequestFormParams['requestedSchema'];
}

/**
 * Server→client requests made from a tool wait for a person (elicitation) or an LLM (sampling);
 * the SDK's 60 s default would fail a human answering at a terminal. FastMCP sets no timeout at all;
 * ten minutes keeps a forgotten call from hanging forever.
 */
const SERVER_TO_CLIENT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The options that tie a server→client request to the tool call being handled. `ctx.mcpReq.send`
 * and `ctx.mcpReq.notify` do this by themselves, but `ctx.mcpReq.elicitInput` and
 * `ctx.mcpReq.requestSampling` (SDK 2.4) forward to `Server.elicitInput`/`createMessage` WITHOUT a
 * related request id, so it must be passed explicitly or the request goes to the GET stream.
 */
function relatedTo(ctx: ServerContext): RequestOptions {
  return {
    relatedRequestId: ctx.mcpReq.id,
    timeout: SERVER_TO_CLIENT_TIMEOUT_MS,
    // Abort the client-bound request if the tool call itself is cancelled.
    signal: ctx.mcpReq.signal,
  };
}

/** FastMCP's `ctx.report_progress`: a no-op unless the caller asked for progress with a token. */
async function reportProgress(ctx: ServerContext, progress: number, total: number): Promise<void> {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return;
  await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total } });
}

/** FastMCP 3's `ctx.info(msg)`: sends `data: {"msg": ..., "extra": null}` (its LogData dataclass). */
async function logInfo(ctx: ServerContext, msg: string): Promise<void> {
  // ctx.mcpReq.log goes through ctx.mcpReq.notify, which is already tied to the tool call.
  await ctx.mcpReq.log('info', { msg, extra: null });
}

type Elicited<T> = { accepted: true; value: T } | { accepted: false };

async function elicitScalar<T extends string | number>(
  ctx: ServerContext,
  message: string,
  type: T extends number ? 'integer' : 'string',
): Promise<Elicited<T>> {
  // elicitInput (not a raw ctx.mcpReq.send) so the SDK checks the client declared elicitation and
  // validates the accepted content against the schema, as pydantic does in FastMCP.
  const result = await ctx.mcpReq.elicitInput(
    { mode: 'form', message, requestedSchema: scalarElicitationSchema(type) },
    relatedTo(ctx),
  );
  if (result.action !== 'accept') return { accepted: false };
  return { accepted: true, value: result.content?.['value'] as T };
}

/** FastMCP's `ctx.sample(messages=str, max_tokens=n).text`. */
async function sampleText(ctx: ServerContext, prompt: string, maxTokens: number): Promise<string> {
  const result = await ctx.mcpReq.requestSampling(
    { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens },
    relatedTo(ctx),
  );
  return samplingText(result);
}

function samplingText(result: CreateMessageResult | CreateMessageResultWithTools): string {
  const blocks = Array.isArray(result.content) ? result.content : [result.content];
  return blocks
    .filter((block): block is { type: 'text'; text: string } => block.type === 'text')
    .map((block) => block.text)
    .join('');
}

function text(value: string) {
  return { content: [{ type: 'text' as const, text: value }] };
}


/** Python's `json.dumps(obj, indent=2)` and JSON.stringify agree for this ASCII-only data. */
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Python's `json.dumps(obj)` without indent uses ", " and ": " separators; the not-found resource
 * body is compact JSON in the seed, so reproduce that spelling exactly.
 */
function pythonCompactJson(value: Record<string, string>): string {
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}

/** The trip types plan_trip asks about, offered by completion/complete for packing_list's trip_type. */
export const TRIP_TYPES = ['leisure', 'business', 'adventure'];

/**
 * The HMAC codec that seals plan_trip's and quick_recommend's `requestState` on the 2026-07-28 wire.
 * One per server process: every round of a call must reach a server holding the same key (the SDK
 * builds a fresh McpServer per modern request, so the codec lives outside it). The state is bound
 * to the JSON-RPC method, and the payload names the tool, so it cannot be replayed elsewhere.
 */
export function createTravelStateCodec(key: Uint8Array = randomBytes(32)): TravelStateCodec {
  return createRequestStateCodec<TravelRoundState>({ key, ttlSeconds: 15 * 60, bind: (ctx) => ctx.mcpReq.method });
}

export interface TravelPlannerOptions {
  /**
   * `legacy` (the default): plan_trip and quick_recommend send elicitation/create and
   * sampling/createMessage to the client during the call (2025-11-25 sessions). `modern`: they answer
   * input_required and continue on the client's retry (2026-07-28 multi-round-trip requests).
   */
  era?: 'legacy' | 'modern';
  /** Seals requestState on the modern era; required there (one per process, see createTravelStateCodec). */
  stateCodec?: TravelStateCodec;
}

/** The legacy pieces the multi-round versions reuse, so the two eras ask and answer alike. */
const MULTI_ROUND_TEXTS: TravelTexts = {
  ...TEXT,
  scalarSchema: (type) => scalarElicitationSchema(type) as Record<string, unknown>,
  highlightsOf: (destination) => {
    const key = destination.toLowerCase();
    return Object.hasOwn(DESTINATIONS, key) ? DESTINATIONS[key]!.highlights : ['No specific highlights available'];
  },
  reportProgress,
  samplingText: (result) => samplingText(result as CreateMessageResult),
};

/**
 * One fresh McpServer carrying the Travel Planner. Each MCP session (legacy) or each request
 * (modern) needs its own instance; the tools, resources and prompts are the same on both eras.
 */
export function createTravelPlannerServer(opts: TravelPlannerOptions = {}): McpServer {
  const modern = opts.era === 'modern';
  if (modern && !opts.stateCodec) throw new Error('the modern-era Travel Planner needs a stateCodec (createTravelStateCodec)');
  const server = new McpServer(
    { name: TRAVEL_SERVER_NAME, version: TRAVEL_SERVER_VERSION },
    {
      instructions: TRAVEL_SERVER_INSTRUCTIONS,
      // Declared so ctx.mcpReq.log sends notifications/message (it is silent without it). On the modern
      // era the SDK sends logs only for requests that set _meta["io.modelcontextprotocol/logLevel"].
      capabilities: { logging: {} },
      // Tampered, expired or misbound requestState is refused with -32602 before the tool runs.
      ...(modern ? { requestState: { verify: (state: string, ctx: ServerContext) => opts.stateCodec!.verify(state, ctx) } } : {}),
    },
  );

  // ---- resources -------------------------------------------------------------------------------
  // FastMCP names resources after the function and gives str results the text/plain MIME type.

  server.registerResource('list_destinations', 'travel://destinations', { mimeType: 'text/plain' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: pretty(DESTINATIONS) }],
  }));

  server.registerResource(
    'get_destination',
    // `list: undefined`: the template is listed in resources/templates/list, not expanded into
    // resources/list, as FastMCP does.
    new ResourceTemplate('travel://destination/{city}', {
      list: undefined,
      // completion/complete for {city}: the known destinations that start with what was typed.
      complete: { city: (value) => Object.keys(DESTINATIONS).filter((k) => k.startsWith(value.toLowerCase())) },
    }),
    { mimeType: 'text/plain' },
    (uri, variables) => {
      const city = decodeTemplateVariable(variables['city']);
      const dest = Object.hasOwn(DESTINATIONS, city.toLowerCase()) ? DESTINATIONS[city.toLowerCase()] : undefined;
      const body = dest ? pretty(dest) : pythonCompactJson({ error: `Destination '${city}' not found` });
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: body }] };
    },
  );

  // ---- prompts ---------------------------------------------------------------------------------

  server.registerPrompt(
    'packing_list',
    {
      description: 'Generate a packing list prompt for a trip.',
      argsSchema: z.object({
        destination: z.string(),
        // Prompt arguments are strings on the wire; FastMCP describes a non-string parameter this
        // way and parses it, so "3" works and "three" is rejected.
        days: z
          .string()
          .regex(/^\s*-?\d+\s*$/, 'days must be an integer')
          .describe('Provide as a JSON string matching the following schema: {"type":"integer"}'),
        trip_type: completable(z.string(), (value) => TRIP_TYPES.filter((t) => t.startsWith(value.toLowerCase()))),
      }),
    },
    ({ destination, days, trip_type }) => ({
      messages: [
        {
          role: 'user' as const,
          content: {
            type: 'text' as const,
            text:
              `Create a detailed ${Number.parseInt(days, 10)}-day packing list for a ${trip_type} trip ` +
              `to ${destination}. Include weather-appropriate clothing, essentials, ` +
              `and destination-specific items.`,
          },
        },
      ],
    }),
  );

  server.registerPrompt(
    'local_phrases',
    {
      description: 'Generate a prompt for learning local phrases.',
      argsSchema: z.object({ destination: z.string() }),
    },
    ({ destination }) => ({
      messages: [
        {
          role: 'user' as const,
          content: {
            type: 'text' as const,
            text:
              `Teach me 10 essential local phrases for visiting ${destination}. ` +
              `Include greetings, asking for directions, ordering food, ` +
              `and emergency phrases with pronunciation guides.`,
          },
        },
      ],
    }),
  );

  // ---- tools -----------------------------------------------------------------------------------

  if (modern) {
    server.registerTool(
      'plan_trip',
      { description: 'Plan a complete trip using elicitation, sampling, and progress notifications.' },
      planTripRound(opts.stateCodec!, MULTI_ROUND_TEXTS),
    );
    server.registerTool(
      'quick_recommend',
      { description: 'Get a quick destination recommendation using sampling only.' },
      quickRecommendRound(opts.stateCodec!, MULTI_ROUND_TEXTS),
    );
  } else registerLegacyAskingTools(server);

  server.registerTool(
    'search_flights',
    {
      description: 'Simulate a flight search with progress notifications.',
      // Titles as pydantic would put in FastMCP's generated input schema.
      inputSchema: z.object({
        origin: z.string().meta({ title: 'Origin' }),
        destination: z.string().meta({ title: 'Destination' }),
      }),
    },
    async ({ origin, destination }, ctx) => {
      const total = TEXT.flightStages.length;
      for (const [i, stage] of TEXT.flightStages.entries()) {
        await reportProgress(ctx, i + 1, total);
        await logInfo(ctx, stage);
        await sleep(300);
      }
      return text(
        pretty({
          origin,
          destination,
          flights: [
            { airline: 'AirExample', price: '$450', duration: '8h 30m' },
            { airline: 'SkyDemo', price: '$520', duration: '7h 15m' },
          ],
        }),
      );
    },
  );

  // Not in the seed: a tool that does nothing, so `mcp-verify load` and the benchmark can measure the
  // client's and transport's own overhead with no server work in the way.
  server.registerTool(
    'noop',
    { description: 'Does nothing and answers "ok" at once (not in the seed: for measuring client and transport overhead).' },
    async () => text('ok'),
  );

  return server;
}

/**
 * plan_trip and quick_recommend on the 2025-11-25 wire: they send elicitation/create and
 * sampling/createMessage to the client while the call runs, on the call's own SSE stream.
 */
function registerLegacyAskingTools(server: McpServer): void {
  server.registerTool(
    'plan_trip',
    { description: 'Plan a complete trip using elicitation, sampling, and progress notifications.' },
    async (ctx) => {
      const totalSteps = 5;

      await reportProgress(ctx, 0, totalSteps);
      const destResult = await elicitScalar<string>(ctx, TEXT.askDestination, 'string');
      if (!destResult.accepted) return text(TEXT.cancelled);
      const destination = destResult.value;

      await reportProgress(ctx, 1, totalSteps);
      const daysResult = await elicitScalar<number>(ctx, TEXT.askDays(destination), 'integer');
      if (!daysResult.accepted) return text(TEXT.cancelled);
      const days = daysResult.value;

      await reportProgress(ctx, 2, totalSteps);
      const typeResult = await elicitScalar<string>(ctx, TEXT.askTripType, 'string');
      if (!typeResult.accepted) return text(TEXT.cancelled);
      const tripType = typeResult.value;

      await reportProgress(ctx, 3, totalSteps);
      const aiTips = await sampleText(ctx, TEXT.tipsPrompt(tripType, destination, days), 200);

      await reportProgress(ctx, 5, totalSteps);
      const key = destination.toLowerCase();
      const highlights = Object.hasOwn(DESTINATIONS, key)
        ? DESTINATIONS[key]!.highlights
        : ['No specific highlights available'];
      return text(
        pretty({ destination, days, trip_type: tripType, highlights, ai_tips: aiTips, status: 'planned' }),
      );
    },
  );

  server.registerTool(
    'quick_recommend',
    { description: 'Get a quick destination recommendation using sampling only.' },
    async (ctx) => text(`Recommendation: ${await sampleText(ctx, TEXT.recommendPrompt, 100)}`),
  );
}

/** Template variables arrive percent-encoded ("new%20york"); FastMCP matches on the decoded text. */
function decodeTemplateVariable(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// plan_trip and quick_recommend on the 2026-07-28 wire: the same questions, prompts, progress and
// results as their legacy versions in travel-planner.ts, but asked the multi-round-trip way. The
// server cannot send elicitation/create or sampling/createMessage to the client any more; instead a
// call answers `{resultType: "input_required", inputRequests, requestState}` and the client retries the
// same call (a new JSON-RPC id) with `inputResponses` and the echoed `requestState`.
//
// What is carried between rounds lives in `requestState`, sealed with HMAC by the SDK's
// createRequestStateCodec (wired as `ServerOptions.requestState.verify` in travel-planner.ts), so a
// client that edits it gets -32602 before the tool runs. A retry that lacks the answer asked for is
// asked the same question again (spec: basic/patterns/mrtr, server requirements), never an error.

import {
  acceptedContent,
  inputRequired,
  inputResponse,
  type CallToolResult,
  type InputRequiredResult,
  type RequestStateCodec,
  type ServerContext,
} from '@modelcontextprotocol/server';
import * as z from 'zod';

/** What plan_trip has learnt so far; `tool` keeps one tool's state from being replayed into another. */
export interface TravelRoundState {
  tool: 'plan_trip' | 'quick_recommend';
  destination?: string;
  days?: number;
  tripType?: string;
}

export type TravelStateCodec = RequestStateCodec<TravelRoundState>;

/** The keys of `inputRequests` / `inputResponses`, one per question (stable: tests and scenarios read them). */
export const INPUT_KEYS = {
  destination: 'destination',
  days: 'days',
  tripType: 'trip_type',
  tips: 'ai_tips',
  recommendation: 'recommendation',
} as const;

/** What the legacy tools need from travel-planner.ts, passed in so the texts and schemas cannot drift. */
export interface TravelTexts {
  cancelled: string;
  askDestination: string;
  askDays: (destination: string) => string;
  askTripType: string;
  tipsPrompt: (tripType: string, destination: string, days: number) => string;
  recommendPrompt: string;
  scalarSchema: (type: 'string' | 'integer') => Record<string, unknown>;
  highlightsOf: (destination: string) => string[];
  reportProgress: (ctx: ServerContext, progress: number, total: number) => Promise<void>;
  samplingText: (result: { content: unknown }) => string;
}

const stringAnswer = z.object({ value: z.string() });
// As strict as the legacy path, where elicitInput checks the content against the schema: "3" is not an integer.
const integerAnswer = z.object({ value: z.number().int() });

type Answer<T> = { kind: 'value'; value: T } | { kind: 'cancelled' } | { kind: 'missing' } | { kind: 'invalid'; why: string };

/** Reads one elicitation answer from the retry. */
function answerOf<T>(ctx: ServerContext, key: string, schema: z.ZodType<{ value: T }>): Answer<T> {
  const view = inputResponse(ctx.mcpReq.inputResponses, key);
  if (view.kind === 'missing') return { kind: 'missing' };
  if (view.kind !== 'elicit') return { kind: 'invalid', why: `the answer to "${key}" is a ${view.kind} result, not an elicitation result` };
  if (view.action !== 'accept') return { kind: 'cancelled' };
  const content = acceptedContent(ctx.mcpReq.inputResponses, key, schema);
  if (!content) return { kind: 'invalid', why: `the accepted content for "${key}" does not match the requested schema` };
  return { kind: 'value', value: content.value };
}

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
const toolError = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }], isError: true });

/** The state this round carries, or a fresh one; state minted for another tool is refused. */
function stateFor(ctx: ServerContext, tool: TravelRoundState['tool']): TravelRoundState | CallToolResult {
  const state = ctx.mcpReq.requestState<TravelRoundState>();
  if (state === undefined) return { tool };
  if (typeof state !== 'object' || state === null || state.tool !== tool) {
    return toolError(`requestState was issued for another tool, not ${tool}; start the call again without it`);
  }
  return state;
}

/** plan_trip, one round: reads the answer the last round asked for, then asks the next question or finishes. */
export function planTripRound(codec: TravelStateCodec, t: TravelTexts) {
  const totalSteps = 5;
  const ask = async (ctx: ServerContext, state: TravelRoundState, key: string, request: ReturnType<typeof inputRequired.elicit> | ReturnType<typeof inputRequired.createMessage>): Promise<InputRequiredResult> =>
    inputRequired({ inputRequests: { [key]: request }, requestState: await codec.mint(state, ctx) });

  return async (ctx: ServerContext): Promise<CallToolResult | InputRequiredResult> => {
    const state = stateFor(ctx, 'plan_trip');
    if ('content' in state) return state;

    if (state.destination === undefined) {
      const a = answerOf(ctx, INPUT_KEYS.destination, stringAnswer);
      if (a.kind === 'cancelled') return text(t.cancelled);
      if (a.kind === 'invalid') return toolError(a.why);
      if (a.kind === 'missing') {
        await t.reportProgress(ctx, 0, totalSteps);
        return ask(ctx, state, INPUT_KEYS.destination, inputRequired.elicit({ message: t.askDestination, requestedSchema: t.scalarSchema('string') as never }));
      }
      state.destination = a.value;
    }
    if (state.days === undefined) {
      const a = answerOf(ctx, INPUT_KEYS.days, integerAnswer);
      if (a.kind === 'cancelled') return text(t.cancelled);
      if (a.kind === 'invalid') return toolError(a.why);
      if (a.kind === 'missing') {
        await t.reportProgress(ctx, 1, totalSteps);
        return ask(ctx, state, INPUT_KEYS.days, inputRequired.elicit({ message: t.askDays(state.destination), requestedSchema: t.scalarSchema('integer') as never }));
      }
      state.days = a.value;
    }
    if (state.tripType === undefined) {
      const a = answerOf(ctx, INPUT_KEYS.tripType, stringAnswer);
      if (a.kind === 'cancelled') return text(t.cancelled);
      if (a.kind === 'invalid') return toolError(a.why);
      if (a.kind === 'missing') {
        await t.reportProgress(ctx, 2, totalSteps);
        return ask(ctx, state, INPUT_KEYS.tripType, inputRequired.elicit({ message: t.askTripType, requestedSchema: t.scalarSchema('string') as never }));
      }
      state.tripType = a.value;
    }
    const tips = inputResponse(ctx.mcpReq.inputResponses, INPUT_KEYS.tips);
    if (tips.kind !== 'sampling') {
      if (tips.kind !== 'missing') return toolError(`the answer to "${INPUT_KEYS.tips}" is a ${tips.kind} result, not a sampling result`);
      await t.reportProgress(ctx, 3, totalSteps);
      return ask(ctx, state, INPUT_KEYS.tips, inputRequired.createMessage({
        messages: [{ role: 'user', content: { type: 'text', text: t.tipsPrompt(state.tripType, state.destination, state.days) } }],
        maxTokens: 200,
      }));
    }
    await t.reportProgress(ctx, 5, totalSteps);
    return text(
      JSON.stringify(
        {
          destination: state.destination,
          days: state.days,
          trip_type: state.tripType,
          highlights: t.highlightsOf(state.destination),
          ai_tips: t.samplingText(tips.result),
          status: 'planned',
        },
        null,
        2,
      ),
    );
  };
}

/** quick_recommend, one round: asks for one sampling answer, then answers with it. */
export function quickRecommendRound(codec: TravelStateCodec, t: TravelTexts) {
  return async (ctx: ServerContext): Promise<CallToolResult | InputRequiredResult> => {
    const state = stateFor(ctx, 'quick_recommend');
    if ('content' in state) return state;
    const answer = inputResponse(ctx.mcpReq.inputResponses, INPUT_KEYS.recommendation);
    if (answer.kind === 'sampling') return text(`Recommendation: ${t.samplingText(answer.result)}`);
    if (answer.kind !== 'missing') return toolError(`the answer to "${INPUT_KEYS.recommendation}" is a ${answer.kind} result, not a sampling result`);
    return inputRequired({
      inputRequests: {
        [INPUT_KEYS.recommendation]: inputRequired.createMessage({
          messages: [{ role: 'user', content: { type: 'text', text: t.recommendPrompt } }],
          maxTokens: 100,
        }),
      },
      requestState: await codec.mint(state, ctx),
    });
  };
}

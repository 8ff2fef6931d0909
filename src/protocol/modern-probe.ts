// What the modern-era (2026-07-28) protocol checks share while one suite runs: whether the server
// speaks 2026-07-28 at all (server/discover, asked once), the tools it lists, the answers the policy
// gives to an input request, and every result any check received, so the resultType and
// input_required-scope checks judge all of them, not only their own.
import type { Target } from '../target/target.js';
import { answerOf, modernExchange, modernRequest, MODERN_PROTOCOL_VERSION, type ModernRequestOptions } from './modern-wire.js';
import { POLICY_MODEL, POLICY_SAMPLING_TEXT, valuesFor } from './policy-responder.js';
import { chooseTool, type ToolChoice, type ToolInfo, type ToolPurpose } from './tool-choice.js';
import { describeExchange, type JsonRpcMessage, type WireExchange } from './wire.js';

/** The tools the user named (--elicit-tool and friends). */
export interface NamedTools {
  progressTool?: string;
  elicitTool?: string;
  sampleTool?: string;
}

/** One result a modern request got, for the checks that judge every result seen. */
export interface SeenResult {
  method: string;
  /** The evidence line of the exchange that carried it. */
  what: string;
  result: Record<string, unknown>;
}

export interface ModernAnswer {
  x: WireExchange;
  /** The JSON-RPC answer with the request's id, if it came. */
  answer: JsonRpcMessage | undefined;
  result: Record<string, unknown> | undefined;
  error: { code: number; message: string; data?: unknown } | undefined;
  evidence: string;
}

export type Discovery = { speaks: true; result: Record<string, unknown>; evidence: string[] } | { speaks: false; why: string; evidence: string[]; unreachable?: boolean };

/** The input requests of an input_required result, keyed as the server keyed them. */
export type InputRequests = Record<string, { method?: string; params?: Record<string, unknown> }>;

export class ModernProbe {
  readonly seen: SeenResult[] = [];
  private next = 1;
  private discovery?: Promise<Discovery>;
  private toolList?: Promise<ToolInfo[]>;

  constructor(
    readonly target: Target,
    readonly timeoutMs: number,
    readonly options: NamedTools = {},
  ) {}

  /** A fresh JSON-RPC id: every request, every retry, gets its own. */
  id(): number {
    return this.next++;
  }

  /** Sends one modern request and records its result. */
  async send(method: string, params: Record<string, unknown> = {}, opts: ModernRequestOptions & { headers?: Record<string, string | null>; what?: string } = {}): Promise<ModernAnswer> {
    const id = this.id();
    const body = modernRequest(id, method, params, opts);
    const x = await modernExchange(this.target, body, { timeoutMs: this.timeoutMs, headers: opts.headers, what: opts.what });
    const answer = answerOf(x, id);
    const evidence = describeExchange(x) + resultNote(answer);
    const result = answer?.result && typeof answer.result === 'object' ? (answer.result as Record<string, unknown>) : undefined;
    if (result) this.seen.push({ method, what: evidence, result });
    return { x, answer, result, error: answer?.error as ModernAnswer['error'], evidence };
  }

  /** Does the server speak 2026-07-28? Asked once with server/discover. */
  discover(): Promise<Discovery> {
    this.discovery ??= (async (): Promise<Discovery> => {
      const r = await this.send('server/discover', {}, { what: 'POST server/discover (2026-07-28)' });
      const evidence = [r.evidence];
      if (r.x.status === null) return { speaks: false, unreachable: true, why: `no answer to server/discover: ${r.x.error ?? 'unknown error'}`, evidence };
      const versions = r.result?.supportedVersions;
      if (Array.isArray(versions) && versions.includes(MODERN_PROTOCOL_VERSION)) return { speaks: true, result: r.result!, evidence };
      const said = r.error
        ? `server/discover answered error ${r.error.code} (${String(r.error.message).slice(0, 100)})`
        : r.result
          ? `server/discover lists supportedVersions ${JSON.stringify(versions ?? null)}`
          : `server/discover got HTTP ${r.x.status} and no JSON-RPC answer`;
      return { speaks: false, why: `the server does not speak ${MODERN_PROTOCOL_VERSION}: ${said}`, evidence };
    })();
    return this.discovery;
  }

  tools(): Promise<ToolInfo[]> {
    this.toolList ??= (async () => {
      const r = await this.send('tools/list');
      const tools = r.result?.tools;
      return Array.isArray(tools) ? (tools as ToolInfo[]) : [];
    })();
    return this.toolList;
  }

  async choose(purpose: ToolPurpose): Promise<ToolChoice | { skip: string }> {
    const named = { progress: this.options.progressTool, elicit: this.options.elicitTool, sample: this.options.sampleTool }[purpose];
    return chooseTool(purpose, await this.tools(), named);
  }

  /** Calls a tool once (one round). */
  call(choice: ToolChoice, extra: Record<string, unknown> = {}, opts: ModernRequestOptions & { what?: string } = {}): Promise<ModernAnswer> {
    return this.send('tools/call', { name: choice.name, arguments: choice.args, ...extra }, opts);
  }
}

/** What the policy answers to each input request: schema-valid elicitation content, a fixed sampling text. */
export function policyResponses(requests: InputRequests): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, req] of Object.entries(requests)) {
    if (req?.method === 'elicitation/create') {
      const params = req.params ?? {};
      if (params.mode === 'url') out[key] = { action: 'decline' };
      else out[key] = { action: 'accept', content: valuesFor(params.requestedSchema as Parameters<typeof valuesFor>[0], true) };
    } else if (req?.method === 'sampling/createMessage') {
      out[key] = { role: 'assistant', content: { type: 'text', text: POLICY_SAMPLING_TEXT }, model: POLICY_MODEL, stopReason: 'endTurn' };
    } else if (req?.method === 'roots/list') {
      out[key] = { roots: [] };
    }
  }
  return out;
}

export function isInputRequired(result: Record<string, unknown> | undefined): result is Record<string, unknown> & { resultType: 'input_required' } {
  return result?.resultType === 'input_required';
}

export function inputRequestsOf(result: Record<string, unknown> | undefined): InputRequests {
  const r = result?.inputRequests;
  return r && typeof r === 'object' && !Array.isArray(r) ? (r as InputRequests) : {};
}

function resultNote(answer: JsonRpcMessage | undefined): string {
  const r = answer?.result as Record<string, unknown> | undefined;
  if (!r) return '';
  const kind = typeof r.resultType === 'string' ? `resultType ${r.resultType}` : 'no resultType';
  const asks = r.resultType === 'input_required' ? ` asking ${Object.entries(inputRequestsOf(r)).map(([k, v]) => `${k}=${v?.method ?? '?'}`).join(', ') || 'nothing'}${typeof r.requestState === 'string' ? ' with requestState' : ''}` : '';
  return ` (${kind}${asks})`;
}

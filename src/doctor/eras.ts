// Doctor's view of the two protocol eras: which ones the server speaks (a 2025-11-25 session opened; a
// client pinned to 2026-07-28 got it from server/discover), and, on the 2026-07-28 wire, whether
// elicitation and sampling work as multi-round-trip requests through the same tools the legacy findings
// tried. Put together it says what breaks for a client of the other era.
import { PolicyResponder } from '../protocol/policy-responder.js';
import type { ProtocolContext } from '../protocol/context.js';
import { chooseTool, type ToolInfo, type ToolPurpose } from '../protocol/tool-choice.js';
import { LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION } from '../era.js';
import { EraNotSpoken } from '../session/era-client.js';
import { Session } from '../session/session.js';
import type { Finding } from './findings.js';

export interface ModernProbe {
  spoken: boolean;
  /** Why not, when it is not spoken (the one-line reason), or why the probe itself failed. */
  reason?: string;
  findings: Finding[];
}

/** Opens a 2026-07-28 session; when it opens, tries elicitation and sampling on it, one call each. */
export async function probeModern(ctx: ProtocolContext, timeoutMs: number): Promise<ModernProbe> {
  let session: Session;
  try {
    session = await Session.open(ctx.target, { responder: new PolicyResponder(), timeoutMs, clientName: 'mcp-verify-doctor', era: 'modern' });
  } catch (e) {
    return { spoken: false, reason: e instanceof EraNotSpoken ? `it does not offer ${MODERN_PROTOCOL_VERSION} in answer to server/discover` : `server/discover failed: ${(e as Error).message}`, findings: [] };
  }
  const findings: Finding[] = [];
  try {
    // The tools as this wire lists them (the context's own list comes from a legacy session, which a
    // 2026-07-28-only server does not open).
    const tools = session.facts.serverCapabilities.tools ? ((await session.client.listTools(undefined, { timeout: timeoutMs, cacheMode: 'bypass' } as never)).tools as ToolInfo[]) : [];
    for (const purpose of ['elicit', 'sample'] as const) findings.push(await modernInteraction(ctx, session, purpose, timeoutMs, tools));
  } finally {
    await session.close();
  }
  return { spoken: true, findings };
}

const KIND = { elicit: { topic: 'elicitation', kind: 'elicitation', noun: 'elicitation request' }, sample: { topic: 'sampling', kind: 'sampling', noun: 'sampling request' } } as const;

async function modernInteraction(ctx: ProtocolContext, session: Session, purpose: Extract<ToolPurpose, 'elicit' | 'sample'>, timeoutMs: number, tools: ToolInfo[]): Promise<Finding> {
  const w = KIND[purpose];
  const topic = `${w.topic} (${MODERN_PROTOCOL_VERSION})`;
  const choice = chooseTool(purpose, tools, purpose === 'elicit' ? ctx.options.elicitTool : ctx.options.sampleTool);
  if ('skip' in choice) return { topic, verdict: 'SKIP', detail: choice.skip };
  const t = session.transcript;
  const from = t.entries.length;
  let error: string | undefined;
  let isError = false;
  // A step of its own (Session.inStep): what it records is its evidence.
  await session.inStep(async () => {
    try {
      const r = (await session.request('tools/call', { name: choice.name, arguments: choice.args }, (p, modern) => session.client.request({ method: 'tools/call', params: p as never }, { timeout: timeoutMs, ...modern }))) as { isError?: boolean };
      isError = r.isError === true;
    } catch (e) {
      error = (e as Error).message;
    }
  });
  const entries = t.entries.slice(from);
  const seen = entries.filter((e) => e.kind === w.kind).length;
  const rounds = entries.filter((e) => e.kind === 'round').length;
  const n = `${seen} ${w.noun}${seen === 1 ? '' : 's'}`;
  if (seen && !error && !isError) return { topic, verdict: 'PASS', detail: `${choice.name}: ${n} came back as input_required and ${seen === 1 ? 'was' : 'were'} answered; the tool completed after ${rounds} round${rounds === 1 ? '' : 's'}, no session needed` };
  return {
    topic,
    verdict: 'FAIL',
    detail: `${choice.name}: ${seen ? `${n} answered, but the tool did not complete (${error ?? 'it answered isError'})` : `no ${w.noun} came back as input_required (${error ?? (isError ? 'the tool answered isError' : 'the tool completed without one')})`}`,
    fix: `on ${MODERN_PROTOCOL_VERSION} a tool asks by returning inputRequired({ inputRequests, requestState }) and continues when the retry carries inputResponses (TypeScript SDK v2: inputRequired.elicit / inputRequired.createMessage, acceptedContent); ctx.mcpReq.elicitInput throws on that wire`,
  };
}

/** The `eras` finding: which eras answer, and what a client of the other era meets. */
export function erasFinding(legacy: boolean, modern: ModernProbe): Finding {
  if (legacy && modern.spoken) {
    const broken = modern.findings.filter((f) => f.verdict === 'FAIL').map((f) => f.topic.replace(/ \(.*\)$/, ''));
    return broken.length
      ? { topic: 'eras', verdict: 'WARN', detail: `speaks ${LEGACY_PROTOCOL_VERSION} (legacy) and ${MODERN_PROTOCOL_VERSION} (modern), but ${broken.join(' and ')} break${broken.length === 1 ? 's' : ''} on ${MODERN_PROTOCOL_VERSION} (see below)`, fix: modern.findings.find((f) => f.verdict === 'FAIL')?.fix ?? '' }
      : { topic: 'eras', verdict: 'PASS', detail: `speaks ${LEGACY_PROTOCOL_VERSION} (legacy, sessions) and ${MODERN_PROTOCOL_VERSION} (modern, multi-round-trip requests): clients of either era are served` };
  }
  if (legacy) {
    return {
      topic: 'eras',
      verdict: 'INFO',
      detail: `speaks ${LEGACY_PROTOCOL_VERSION} only (${modern.reason ?? 'no 2026-07-28'}): a client pinned to ${MODERN_PROTOCOL_VERSION} cannot connect; an auto-negotiating client (SDK v2 'auto') falls back to ${LEGACY_PROTOCOL_VERSION} and needs sessions for elicitation and sampling`,
    };
  }
  if (modern.spoken) {
    return {
      topic: 'eras',
      verdict: 'INFO',
      detail: `speaks ${MODERN_PROTOCOL_VERSION} only: ${LEGACY_PROTOCOL_VERSION} clients (SDK v1, SDK v2 with the default 'legacy' negotiation, AgentCore's stateful mode) cannot initialize; run mcp-verify with --era modern`,
    };
  }
  return { topic: 'eras', verdict: 'FAIL', detail: `neither ${LEGACY_PROTOCOL_VERSION} (initialize) nor ${MODERN_PROTOCOL_VERSION} (server/discover: ${modern.reason ?? 'no answer'}) opened`, fix: 'check the path (usually /mcp) and that the server speaks streamable HTTP' };
}

/** The stateless diagnosis's last word: sessions are a 2025-11-25 need; the modern wire has none. */
export function statelessModernNote(modern: ModernProbe): string {
  const works = modern.spoken && modern.findings.some((f) => f.verdict === 'PASS');
  return modern.spoken
    ? ` This server also speaks ${MODERN_PROTOCOL_VERSION}, where elicitation and sampling come back inside the result (multi-round-trip requests) and need no session${works ? ', and they work there (see the findings above): a client that speaks it is served without stateful mode' : ''}: try mcp-verify --era modern.`
    : ` The ${MODERN_PROTOCOL_VERSION} wire gives elicitation and sampling without sessions (they come back inside the result as multi-round-trip requests), when the server speaks it; this one does not (${modern.reason ?? 'no server/discover'}): a server on the MCP SDK v2 (or another SDK that implements ${MODERN_PROTOCOL_VERSION}) does.`;
}

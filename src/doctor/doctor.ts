// `mcp-verify doctor`: a short diagnosis of one endpoint. Each finding says what was seen and, when it
// is wrong, what to change. It opens one ordinary session (the SDK client, answering elicitation with
// schema defaults and sampling with a fixed text) plus a few raw exchanges through the Target's fetch,
// so a remote, signed endpoint is examined exactly as the scenarios would reach it.
import { ConnectError } from '../errors.js';
import { Redactor } from '../redact.js';
import { ProtocolContext, STATELESS_CALL_TIMEOUT_MS, type ProtocolOptions, type ToolRun } from '../protocol/context.js';
import type { ToolPurpose } from '../protocol/tool-choice.js';
import { closeRawSession, describeExchange, exchange, initializeRequest, openRawSession } from '../protocol/wire.js';
import type { Session } from '../session/session.js';
import type { TranscriptEntry } from '../session/transcript.js';
import { getStreamWarnings, undeclaredCapabilityWarnings } from '../scenario/warnings.js';
import { tallyOf } from '../session/step-tally.js';
import { invocationPathForArn, parseRuntimeArn } from '../target/arn.js';
import type { Target } from '../target/target.js';
import { STATELESS_FIX, type DoctorReport, type Finding } from './findings.js';
import { erasFinding, probeModern, statelessModernNote } from './eras.js';
import { notSpokenMessage } from '../session/era-client.js';

export async function runDoctor(target: Target, options: ProtocolOptions = {}): Promise<DoctorReport> {
  const findings: Finding[] = [];
  const report: DoctorReport = { target: { label: target.label, url: target.url.toString(), authMethod: target.authMethod }, findings, unreachable: false };
  const timeoutMs = options.timeoutMs ?? 10_000;
  // The findings below are the 2025-11-25 ones, on a legacy session; the 2026-07-28 ones come from their own
  // probe (eras.ts). `--era modern` makes a server that does not speak it unreachable (exit 3).
  const requestedEra = options.era ?? 'legacy';
  const ctx = new ProtocolContext(target, { ...options, era: 'legacy', timeoutMs });

  if (target.kind === 'remote') findings.push(...remoteFindings(target));

  // Reachable: one raw initialize, so a network or auth failure is told apart from an MCP one.
  const probe = await exchange(target, { body: initializeRequest(), timeoutMs, until: (m) => m.id === 1 });
  if (probe.sessionId) await closeRawSession(target, { init: probe, id: probe.sessionId, protocolVersion: '2025-11-25', evidence: [] });
  if (probe.status === null) {
    findings.push({ topic: 'reachable', verdict: 'FAIL', detail: `no answer from ${target.url}: ${probe.error}`, fix: unreachableFix(target, probe.error ?? '') });
    report.unreachable = true;
    return redact(target, report);
  }
  if (probe.redirect) {
    findings.push({ topic: 'reachable', verdict: 'FAIL', detail: probe.redirect, fix: 'point mcp-verify at the final URL (the MCP endpoint itself); an MCP endpoint answers a POST, it does not redirect it' });
    return redact(target, report);
  }
  if (probe.cut) {
    findings.push({ topic: 'reachable', verdict: 'FAIL', detail: probe.cut, fix: 'an initialize answer is a few hundred bytes: check what the server sends, or raise --max-response' });
    return redact(target, report);
  }
  if (probe.status === 401 || probe.status === 403) {
    findings.push({ topic: 'reachable', verdict: 'FAIL', detail: `authentication refused: ${describeExchange(probe)}`, fix: authFix(target, probe.status) });
    report.unreachable = true;
    return redact(target, report);
  }
  findings.push({ topic: 'reachable', verdict: 'PASS', detail: `initialize answered HTTP ${probe.status} in ${probe.durationMs}ms` });

  let session: Session;
  try {
    session = await ctx.openSession();
  } catch (e) {
    // Not a 2025-11-25 server: perhaps a 2026-07-28-only one, which has no initialize at all.
    const modern = await probeModern(ctx, timeoutMs);
    if (modern.spoken) {
      findings.push({ topic: 'initialize', verdict: 'INFO', detail: `no 2025-11-25 session: ${(e as Error).message}` }, erasFinding(false, modern), ...modern.findings);
      return redact(target, report);
    }
    findings.push({
      topic: 'initialize',
      verdict: 'FAIL',
      detail: (e as Error).message,
      fix: 'the endpoint answers HTTP but not as an MCP streamable-HTTP server: check the path (usually /mcp) and that the server speaks streamable HTTP, not the old HTTP+SSE transport',
    });
    report.unreachable = e instanceof ConnectError && /connection refused|host not found/.test((e as Error).message);
    return redact(target, report);
  }
  const f = session.facts;
  // Which eras it speaks: the 2026-07-28 probe runs in its own (sessionless) requests, next to this session.
  const modern = await probeModern(ctx, timeoutMs);
  if (requestedEra === 'modern' && !modern.spoken) {
    await session.close();
    findings.push({ topic: 'eras', verdict: 'FAIL', detail: notSpokenMessage(target.url.toString()) });
    report.unreachable = true;
    return redact(target, report);
  }
  findings.push({ topic: 'initialize', verdict: 'PASS', detail: `server ${f.serverName ?? '(unnamed)'} ${f.serverVersion ?? ''}`.trim() });
  findings.push({ topic: 'protocol', verdict: 'INFO', detail: `${f.protocolVersion ?? 'unknown'} (${f.era} era)` });
  const caps = Object.keys(f.serverCapabilities);
  findings.push({ topic: 'capabilities', verdict: 'INFO', detail: caps.length ? caps.join(', ') : 'none declared' });

  const id = f.idAtInitialize;
  const stateless = !id;
  if (id) findings.push({ topic: 'session id', verdict: 'PASS', detail: `issued at initialize: ${id} (${f.idFormat}, ${id.length} chars)` });
  else findings.push({ topic: 'session id', verdict: 'FAIL', detail: 'no Mcp-Session-Id at initialize: the server is running stateless', fix: STATELESS_FIX });

  // Kept: later requests carry the id and the server keeps accepting it.
  const kept: Finding = { topic: 'session kept', verdict: 'SKIP', detail: 'no session id to keep' };
  try {
    if (f.serverCapabilities.tools) await session.client.listTools(undefined, { timeout: timeoutMs });
    await session.client.ping({ timeout: timeoutMs });
  } catch (e) {
    Object.assign(kept, { verdict: 'FAIL', detail: `a request after initialize failed: ${(e as Error).message}` });
  }
  const later = session.transcript.entries.filter((e) => e.kind === 'http' && !e.rpc.includes('initialize') && e.method === 'POST');
  if (id && kept.verdict === 'SKIP') {
    const t = session.transcript;
    const other = [...t.sessionIdsReceived].filter((x) => x !== id);
    const refused = later.filter((e) => e.kind === 'http' && (e.status === null || e.status >= 400));
    if (t.exchangesWithoutId || other.length || refused.length) {
      Object.assign(kept, {
        verdict: 'FAIL',
        detail: [t.exchangesWithoutId ? `${t.exchangesWithoutId} request(s) went without the id` : '', other.length ? `the server answered with other ids: ${other.join(', ')}` : '', refused.length ? `${refused.length} request(s) with the id were refused (HTTP ${refused.map((e) => (e.kind === 'http' ? e.status : '')).join(', ')})` : ''].filter(Boolean).join('; '),
        fix: 'keep one session per Mcp-Session-Id for its whole life; behind a load balancer, pin sessions (sticky routing) or share session state',
      });
    } else Object.assign(kept, { verdict: 'PASS', detail: `${later.length} later request(s) carried it and were accepted` });
  }
  findings.push(kept);

  findings.push(await getStreamFinding(target, timeoutMs, stateless));

  // Elicitation and sampling, on this same session, before it is ended.
  const elicit = await interactionFinding(ctx, session, 'elicit', stateless, timeoutMs);
  const sample = await interactionFinding(ctx, session, 'sample', stateless, timeoutMs);

  const { deleteStatus } = await session.close();
  if (!id) findings.push({ topic: 'DELETE', verdict: 'SKIP', detail: 'no session to end' });
  else if (deleteStatus === 405) findings.push({ topic: 'DELETE', verdict: 'INFO', detail: 'not supported (405): clients cannot end sessions; they end by timeout (allowed by the spec)' });
  else if (deleteStatus !== null && deleteStatus < 300) findings.push({ topic: 'DELETE', verdict: 'PASS', detail: `supported (${deleteStatus}): the session ends when the client says so` });
  else findings.push({ topic: 'DELETE', verdict: 'WARN', detail: `DELETE answered ${deleteStatus ?? 'nothing'}; expected 2xx, or 405 when not supported` });
  findings.push(elicit, sample);
  findings.push(erasFinding(true, modern), ...modern.findings);
  // The same warnings a scenario run gives (scenario/warnings.ts): AgentCore readiness and spec deviations.
  findings.push(...warningFindings(session.transcript.entries, f.serverCapabilities));

  if (stateless) {
    report.diagnosis =
      'No Mcp-Session-Id was issued at initialize: the server is running stateless (FastMCP stateless_http=True, or an SDK transport ' +
      'with sessionIdGenerator: undefined). Every request then meets a fresh server, so elicitation and sampling cannot complete: the ' +
      `client's answer arrives at a server that never asked. Fix: ${STATELESS_FIX}.${statelessModernNote(modern)}`;
  }
  return redact(target, report);
}

const SEE_DIAGNOSIS = 'the server is stateless; see the diagnosis below';

function warningFindings(entries: TranscriptEntry[], serverCapabilities: Record<string, unknown>): Finding[] {
  const tally = tallyOf(entries);
  return [...getStreamWarnings(tally), ...undeclaredCapabilityWarnings(tally, serverCapabilities)].map((w) => ({
    topic: w.name === 'agentcore.getStream' ? 'AgentCore' : 'capabilities',
    verdict: 'WARN' as const,
    detail: `${w.message}${w.reference ? ` (spec: ${w.reference})` : ''}`,
    ...(w.fix ? { fix: w.fix.replace(/^fix in the server: /, '') } : {}),
  }));
}

async function getStreamFinding(target: Target, timeoutMs: number, stateless: boolean): Promise<Finding> {
  if (stateless) return { topic: 'GET stream', verdict: 'SKIP', detail: 'no session to stream for' };
  const raw = await openRawSession(target, timeoutMs);
  const get = await exchange(target, { method: 'GET', sessionId: raw.id, protocolVersion: raw.protocolVersion, headersOnly: true, timeoutMs, what: 'GET' });
  await closeRawSession(target, raw);
  if (get.status === 200 && get.contentType?.includes('text/event-stream')) return { topic: 'GET stream', verdict: 'PASS', detail: 'supported (200 text/event-stream): the server can push messages outside a tool call' };
  if (get.status === 405) return { topic: 'GET stream', verdict: 'INFO', detail: 'not offered (405): messages reach the client only on a request\'s own stream (allowed by the spec)' };
  return { topic: 'GET stream', verdict: 'WARN', detail: `${describeExchange(get)}; expected 200 text/event-stream, or 405 when not offered` };
}

const WORD: Record<'elicit' | 'sample', { topic: string; kind: 'elicitation' | 'sampling'; noun: string }> = {
  elicit: { topic: 'elicitation', kind: 'elicitation', noun: 'elicitation request' },
  sample: { topic: 'sampling', kind: 'sampling', noun: 'sampling request' },
};

async function interactionFinding(ctx: ProtocolContext, session: Session, purpose: Extract<ToolPurpose, 'elicit' | 'sample'>, stateless: boolean, timeoutMs: number): Promise<Finding> {
  const w = WORD[purpose];
  const choice = await ctx.choose(purpose);
  if ('skip' in choice) return { topic: w.topic, verdict: 'SKIP', detail: choice.skip };
  const run: ToolRun = await ctx.callOn(session, choice, stateless ? Math.min(timeoutMs, STATELESS_CALL_TIMEOUT_MS) : timeoutMs);
  const seen = run.entries.filter((e) => e.kind === w.kind);
  const n = `${seen.length} ${w.noun}${seen.length === 1 ? '' : 's'}`;
  const answered = purpose === 'elicit' ? 'answered with schema defaults' : 'answered with a fixed text';
  if (seen.length && run.ok) return { topic: w.topic, verdict: 'PASS', detail: `${choice.name}: ${n} reached the client, ${answered}; the tool completed` };
  const routeFix =
    'send server→client requests on the tool call\'s own stream (TypeScript SDK: pass { relatedRequestId: extra.requestId } or use the handler context\'s sendRequest / ctx.mcpReq.elicitInput; FastMCP: ctx.elicit / ctx.sample)';
  if (seen.length) {
    return {
      topic: w.topic,
      verdict: 'FAIL',
      detail: `${choice.name}: ${n} reached the client and ${seen.length === 1 ? 'was' : 'were'} answered, but the tool did not complete (${run.error})${stateless ? ': the answer went to a server that never asked' : ''}`,
      fix: stateless ? SEE_DIAGNOSIS : 'the answer (a new POST on the same session) must reach the call that is waiting for it',
    };
  }
  return {
    topic: w.topic,
    verdict: 'FAIL',
    detail: `${choice.name}: no ${w.noun} reached the client (${run.ok ? 'the tool completed without one' : run.error})${stateless ? ': without a session the per-request server never saw what this client supports' : ''}`,
    fix: stateless ? SEE_DIAGNOSIS : routeFix,
  };
}

function remoteFindings(target: Target): Finding[] {
  const out: Finding[] = [];
  const d = target.details ?? {};
  if (d.arn) {
    const parsed = parseRuntimeArn(d.arn);
    out.push(
      parsed.region === d.region
        ? { topic: 'region', verdict: 'PASS', detail: `${parsed.region}, from the ARN; requests are sent to and signed for it` }
        : { topic: 'region', verdict: 'FAIL', detail: `the target uses ${d.region} but the ARN says ${parsed.region}`, fix: 'call and sign in the ARN\'s region' },
    );
    const want = invocationPathForArn(d.arn);
    out.push(
      target.url.pathname === want
        ? { topic: 'URL', verdict: 'PASS', detail: `the ARN is one percent-encoded path segment: ${target.url.pathname}` }
        : { topic: 'URL', verdict: 'FAIL', detail: `path ${target.url.pathname}, expected ${want}`, fix: 'encode the whole ARN with encodeURIComponent as one segment (an unencoded ARN gets 404)' },
    );
  } else {
    out.push({ topic: 'URL', verdict: 'INFO', detail: `runtime-id form: ${target.url.pathname}${target.url.search}` });
  }
  const q = target.url.searchParams.get('qualifier');
  out.push(q ? { topic: 'qualifier', verdict: 'PASS', detail: `${q}, in the query string (signed as a query parameter, not part of the path)` } : { topic: 'qualifier', verdict: 'WARN', detail: 'no qualifier in the query; AgentCore uses DEFAULT' });
  out.push({ topic: 'signing', verdict: 'INFO', detail: target.authMethod === 'SigV4' ? `SigV4, service bedrock-agentcore, region ${d.region ?? '?'}; every request (POST, GET, DELETE) signed afresh` : `${target.authMethod} token on every request` });
  return out;
}

function unreachableFix(target: Target, error: string): string {
  if (target.kind === 'local' && /refused/.test(error)) return 'start the server (or `mcp-verify example-server` for the reference one), or pass --url with the right host, port and path';
  if (/host not found/.test(error)) return 'check the host name in the URL (and --endpoint-url, if given)';
  return 'check that the endpoint is up and reachable from here (firewall, VPN, proxy)';
}

function authFix(target: Target, status: number): string {
  if (target.authMethod === 'SigV4') return `HTTP ${status} to a signed request: check the credentials are for the runtime's account and allowed bedrock-agentcore:InvokeAgentRuntime, and that the runtime takes SigV4 (a JWT-configured runtime refuses SigV4; use --bearer-token-env)`;
  if (target.authMethod === 'Bearer') return `HTTP ${status} to a bearer token: check the token has not expired and the runtime is configured for JWT (a SigV4 runtime refuses bearer tokens)`;
  return `HTTP ${status}: the endpoint wants authentication; for AgentCore use --arn (SigV4) or --bearer-token-env`;
}

function redact(target: Target, report: DoctorReport): DoctorReport {
  return new Redactor(target.secrets).value(report);
}

// Warnings: findings that do not fail a step on this target but will break on another, or that deviate
// from the spec while everything checked still held. They are a first-class outcome (verdict
// 'warning'): shown in the table, counted in the summary, written by every reporter, compared, and
// turned into failures by --strict. Each one says what happened, why it matters (the spec section or
// the platform contract), and the fix.
import type { CheckResult, ScenarioResult, StepResult } from '../results.js';
import { GET_STREAM_FIX } from '../session/streams.js';
import type { StepTally } from '../session/step-tally.js';

const SPEC = 'https://modelcontextprotocol.io/specification/2025-11-25';

/** What each kind of server→client traffic is called on the wire. */
const WIRE_METHOD: Record<string, string> = {
  elicitation: 'elicitation/create',
  sampling: 'sampling/createMessage',
  log: 'notifications/message',
  progress: 'notifications/progress',
};

/**
 * AgentCore readiness: a call's elicitation, sampling, logs or progress that arrived on the standalone
 * GET stream instead of the call's own response stream. Locally it works (mcp-verify opened the GET
 * stream); through AgentCore, which answers GET with 405, it never reaches the client.
 */
export function getStreamWarnings(tally: StepTally): CheckResult[] {
  // Counted on every entry of the step (session/step-tally.ts), not only those the display keeps.
  const counts = new Map<string, number>();
  for (const [kind, n] of tally.onGetStream) {
    const m = WIRE_METHOD[kind];
    if (m) counts.set(m, (counts.get(m) ?? 0) + n);
  }
  return [...counts].map(([method, n]) => ({
    name: 'agentcore.getStream',
    verdict: 'warning',
    message: `${n} ${method} message(s) for this call arrived on the standalone GET stream, not on the call's response stream: it works here, but through AgentCore (GET answered 405) they will never reach a client`,
    reference: `${SPEC}/basic/transports#sending-messages-to-the-server (messages tied to a request go on its response stream); AgentCore Runtime MCP contract (GET is not served)`,
    fix: GET_STREAM_FIX,
  }));
}

/**
 * Capabilities the server used without declaring them at initialize. The checks still run (a client must
 * not be left to skip or distrust the call because of it); the deviation is a warning with its spec section.
 */
export function undeclaredCapabilityWarnings(tally: StepTally, serverCapabilities: Record<string, unknown>): CheckResult[] {
  const out: CheckResult[] = [];
  const logs = tally.logs.count;
  if (logs && !serverCapabilities.logging) {
    out.push({
      name: 'capability.undeclared',
      verdict: 'warning',
      message: `the server sent ${logs} notifications/message log(s) without declaring the logging capability at initialize (FastMCP 3 does this); the log checks ran anyway`,
      reference: `${SPEC}/server/utilities/logging#capabilities (servers that emit log message notifications MUST declare the logging capability)`,
      fix: 'declare `logging: {}` in the server capabilities (TypeScript SDK: new McpServer(info, { capabilities: { logging: {} } }))',
    });
  }
  return out;
}

/** A step's verdict from its checks: any failure fails it; otherwise any warning warns. */
export function stepVerdict(checks: CheckResult[]): StepResult['verdict'] {
  if (checks.some((c) => c.verdict === 'failed')) return 'failed';
  if (checks.some((c) => c.verdict === 'warning')) return 'warning';
  return 'passed';
}

/** `--strict`: every warning becomes a failure, so CI can hold a server to the spec and to AgentCore. */
export function applyStrict(r: ScenarioResult): ScenarioResult {
  const harden = (c: CheckResult): CheckResult => (c.verdict === 'warning' ? { ...c, verdict: 'failed', message: `${c.message ?? 'warning'} (a failure under --strict)` } : c);
  const steps = r.steps.map((st) => {
    const checks = st.checks.map(harden);
    return { ...st, checks, verdict: st.verdict === 'warning' ? ('failed' as const) : st.verdict };
  });
  const checks = r.checks.map(harden);
  const status = r.status === 'warning' ? 'failed' : r.status;
  return { ...r, checks, steps, status };
}

// Diagnoses: what the evidence says went wrong, in words, where a bare check would only say "saw 0".
// The stateless pitfall is a fact about the whole server, so it is said once per run (runDiagnosis);
// a scenario gets its own diagnosis only for what happened in it (answers lost, requests never sent).
import type { ScenarioResult, StepResult } from '../results.js';
import type { Session } from '../session/session.js';
import { STATELESS_FIX } from '../session/stateless.js';
import { GET_STREAM_FIX } from '../session/streams.js';
import type { LoadedScenario } from './loader.js';
import { MODERN_PROTOCOL_VERSION } from '../era.js';

export const STATELESS_DIAGNOSIS =
  'No Mcp-Session-Id was issued at initialize: the server is running stateless (FastMCP stateless_http=True, or an SDK transport with sessionIdGenerator: undefined). Every request then meets a fresh server instance, so elicitation and sampling cannot complete: a request may reach the client, but the answer arrives at an instance that never asked (and a fresh instance never saw which capabilities the client declared).';

/** The run-level diagnosis, once: some scenario failed on a server that issued no session id. */
export function runDiagnosis(scenarios: ScenarioResult[]): string | undefined {
  const stateless = scenarios.filter((s) => s.session && s.session.id === null && s.session.era !== 'modern');
  if (!stateless.some((s) => s.status === 'failed')) return undefined;
  return `${STATELESS_DIAGNOSIS} Fix: ${STATELESS_FIX}. Or serve ${MODERN_PROTOCOL_VERSION} as well: that wire gives elicitation and sampling without sessions (they come back inside the result as multi-round-trip requests); check it with --era modern (or --era both).`;
}

/** What happened in this scenario, when its evidence shows more than its failing checks say. */
export function scenarioDiagnosis(session: Session, steps: StepResult[], loaded: LoadedScenario): string | undefined {
  const noId = !session.facts.idAtInitialize;
  const expectedInteraction = (i: number) => {
    const s = loaded.scenario.steps[i];
    return !!(s?.expect?.elicitations || s?.expect?.sampling || (s?.expect?.logs && !noId) || s?.elicitation?.length || s?.sampling?.length || (s?.call !== undefined && (loaded.scenario.elicitation?.length || loaded.scenario.sampling?.length)));
  };
  // A step refused for a missing capability never ran: its silence says nothing about the server.
  const ran = (st: StepResult) => st.verdict !== 'skipped' && !st.checks.some((c) => c.name === 'capability');
  const interacted = (st: StepResult) => session.transcript.forStep(st.index).some((e) => e.kind === 'elicitation' || e.kind === 'sampling' || e.kind === 'log');
  const lost = steps.filter((st) => session.stateless.lossFor(st.index));
  const silent = steps.filter((st) => st.verdict === 'failed' && ran(st) && expectedInteraction(st.index) && !interacted(st));
  const parts: string[] = [];
  if (noId) {
    if (lost.length) parts.push(`${lost.map((s) => s.label).join(', ')}: the server's request reached the client and was answered, but without a session the answer went to a server instance that never asked (lost); stopped at once`);
    if (silent.length) parts.push(`${silent.map((s) => s.label).join(', ')}: no elicitation/sampling request reached the client; without a session the per-request server never saw this client's initialize, so it does not know the client can answer`);
    return parts.length ? `stateless server (see the run diagnosis): ${parts.join('; ')}.` : undefined;
  }
  if (silent.length) {
    const refused = session.streams.getState === 'refused';
    return (
      `${silent.map((s) => s.label).join(', ')} never sent the elicitation, sampling or log messages it should have, though the session has an id: ` +
      (refused
        ? `this endpoint refuses the standalone GET stream (405, as AgentCore does), so a server that sends a call's requests on the GET stream instead of the call's response stream can never reach the client. ${GET_STREAM_FIX}.`
        : `the server may be sending them somewhere this client does not read, or running stateless behind a proxy.`)
    );
  }
  return undefined;
}

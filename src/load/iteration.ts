// THE hook of `load` into the scenario machinery: one iteration = one scenario's steps on a Session,
// with the scenario's scripted answers and every expectation checked exactly as `local` checks them
// (runner.runOneStep, runner.sessionChecks), timed. Everything else in src/load/ is about users,
// pacing and numbers; only this file knows how a scenario runs: the run plan's `planScenario` resolves
// it, the runner's `runOneStep` runs each step over `session.run(step, {signal, responder, index})`.
import { ConnectError, UserError } from '../errors.js';
import { Redactor } from '../redact.js';
import { ScriptedResponder } from '../responders/scripted.js';
import type { CheckResult, StepResult } from '../results.js';
import type { PlannedScenario } from '../run/plan.js';
import { answerChain } from '../scenario/answers.js';
import { runOneStep, sessionChecks } from '../scenario/runner.js';
import type { Step } from '../scenario/schema.js';
import { ScenarioVariables, type VariableSources } from '../scenario/variables.js';
import { Session, type WithheldCapability } from '../session/session.js';
import type { TranscriptEntry } from '../session/transcript.js';
import type { Target } from '../target/target.js';

export interface SessionSettings {
  timeoutMs: number;
  maxResponseBytes?: number;
  withhold?: WithheldCapability[];
}

/** A session a virtual user holds, with the timing hooks the metrics need. */
export class LoadSession {
  /** performance.now() when the running step started; first elicitation/progress/sampling are measured from it. */
  private stepStarted = 0;
  private firsts: Partial<Record<'elicitation' | 'progress' | 'sampling', number>> = {};
  /** When the running step's result (or error) arrived, from its start: the request's own latency. */
  private resultMs: number | undefined;
  iterations = 0;

  private constructor(readonly session: Session) {}

  static async open(target: Target, settings: SessionSettings): Promise<{ session: LoadSession; readyMs: number }> {
    const holder: { s?: LoadSession } = {};
    const started = performance.now();
    const session = await Session.open(target, {
      // Replaced per step by the iteration (step rules, then the scenario's).
      responder: new ScriptedResponder(undefined, undefined),
      timeoutMs: settings.timeoutMs,
      maxResponseBytes: settings.maxResponseBytes,
      withhold: settings.withhold,
      // An iteration's evidence is all a step's checks read; a long warm session stays small.
      transcriptLimit: 500,
      onEntry: (e) => holder.s?.onEntry(e),
    });
    const readyMs = performance.now() - started;
    holder.s = new LoadSession(session);
    return { session: holder.s, readyMs };
  }

  private onEntry(e: TranscriptEntry): void {
    if (e.kind === 'result' && this.resultMs === undefined) this.resultMs = performance.now() - this.stepStarted;
    if ((e.kind === 'elicitation' || e.kind === 'progress' || e.kind === 'sampling') && this.firsts[e.kind] === undefined) {
      this.firsts[e.kind] = performance.now() - this.stepStarted;
    }
  }

  /** Evidence numbers used so far: every step of every iteration on this session gets its own. */
  private evidence = 0;

  /**
   * A reused session's steps repeat their indexes across iterations, so each step runs under a fresh
   * evidence number (session.run's index): one iteration's entries, unanswered requests and faults never
   * count for the next, while the session-id facts (ids sent and received) keep accumulating, so
   * persistence is still checked over the session's whole life. The transcript stays bounded.
   */
  beginIteration(): void {
    this.iterations++;
  }

  /** Starts a step's timers; returns the evidence number to run it under. */
  beginStep(): number {
    this.firsts = {};
    this.resultMs = undefined;
    this.stepStarted = performance.now();
    return this.evidence++;
  }

  /** The step's request latency (to its result), excluding the checks that ran after it. */
  takeResultMs(): number | undefined {
    return this.resultMs;
  }

  takeFirsts(): Partial<Record<'elicitation' | 'progress' | 'sampling', number>> {
    return this.firsts;
  }

  async close(): Promise<void> {
    await this.session.close().catch(() => {});
  }
}

export interface StepSample {
  /** JSON-RPC method, with the tool or prompt name: `tools/call:plan_trip`, `tools/list`, `resources/read`. */
  method: string;
  label: string;
  latencyMs: number;
  verdict: StepResult['verdict'];
  firsts: Partial<Record<'elicitation' | 'progress' | 'sampling', number>>;
}

export interface IterationResult {
  scenario: string;
  /** A new session was opened for this iteration. */
  cold: boolean;
  readyMs?: number;
  /** Iteration start (before initialize, when cold) to the first step's result. */
  firstResultMs?: number;
  durationMs: number;
  steps: StepSample[];
  failed: boolean;
  /** Cut short by the stop signal: neither passed nor failed. */
  interrupted: boolean;
  /** First cause of failure: `HTTP 503`, `JSON-RPC -32603`, `timeout`, `connect`, `expectation json`. */
  cause?: string;
  /** Every failed check, as `scenario › step › check`, with its message. */
  failedChecks: { key: string; message: string }[];
  /** The session can no longer be used (expired, or failed to open). */
  sessionLost: boolean;
  connectError?: string;
}

export interface IterationInput {
  target: Target;
  /** The scenario as the run plan resolves it (kinds, labels, timeouts). */
  planned: PlannedScenario;
  /** The session to reuse, or undefined to open one (a cold iteration). */
  session?: LoadSession;
  settings: SessionSettings;
  variables: VariableSources;
  signal: AbortSignal;
}

/** The JSON-RPC method a step sends, with the tool or prompt name: the latency key. */
export function stepMethod(step: Step): string {
  if (step.call !== undefined) return `tools/call:${step.call}`;
  if (step.list !== undefined) return step.list === 'resourceTemplates' ? 'resources/templates/list' : `${step.list}/list`;
  if (step.read !== undefined) return 'resources/read';
  if (step.prompt !== undefined) return `prompts/get:${step.prompt}`;
  return 'ping';
}

/** Runs one iteration; the session it used (opened or reused) is returned for the next one. */
export async function runIteration(input: IterationInput): Promise<{ result: IterationResult; session?: LoadSession }> {
  const { planned, signal } = input;
  const { loaded } = planned;
  const { scenario } = loaded;
  const started = performance.now();
  const result: IterationResult = { scenario: scenario.name, cold: !input.session, durationMs: 0, steps: [], failed: false, interrupted: false, failedChecks: [], sessionLost: false };
  const fail = (key: string, message: string, cause: string) => {
    result.failed = true;
    result.cause ??= cause;
    result.failedChecks.push({ key: `${scenario.name} › ${key}`, message });
  };
  let ls = input.session;
  if (!ls) {
    try {
      const opened = await LoadSession.open(input.target, input.settings);
      ls = opened.session;
      result.readyMs = opened.readyMs;
    } catch (e) {
      result.durationMs = performance.now() - started;
      result.sessionLost = true;
      if (signal.aborted) return { result: { ...result, interrupted: true } };
      const message = e instanceof UserError ? e.message : `internal error: ${(e as Error).message}`;
      if (e instanceof ConnectError) result.connectError = message;
      fail('initialize', message, connectCause(message));
      return { result };
    }
  }
  ls.beginIteration();
  const vars = new ScenarioVariables(scenario, input.variables);
  vars.sessionId = ls.session.sessionId;
  try {
    ls.session.roots = vars.resolve(scenario.roots ?? []);
    const scenarioResponder = new ScriptedResponder(vars.resolve(scenario.elicitation), vars.resolve(scenario.sampling));
    for (let i = 0; i < scenario.steps.length; i++) {
      if (signal.aborted) break;
      const step = vars.resolve(scenario.steps[i]!);
      // The plan's answer layers (the step's rules, then the scenario's; no person or LLM under load).
      const responder = answerChain(planned.steps[i]!.answers, vars, { scenario: scenarioResponder });
      const evidence = ls.beginStep();
      const t0 = performance.now();
      const r = await runOneStep(ls.session, planned, step, i, planned.steps[i]!.timeoutMs, signal, vars, responder, undefined, false, evidence);
      const latencyMs = ls.takeResultMs() ?? performance.now() - t0;
      if (signal.aborted && r.verdict === 'failed') break; // cut short: not a verdict on the server
      if (i === 0) result.firstResultMs = performance.now() - started;
      result.steps.push({ method: stepMethod(step), label: r.label, latencyMs, verdict: r.verdict, firsts: ls.takeFirsts() });
      if (r.verdict === 'failed') {
        const entries = ls.session.transcript.forStep(evidence);
        for (const c of r.checks.filter((x) => x.verdict === 'failed')) fail(`${r.label} › ${c.name}`, c.message ?? 'failed', causeOf(c, entries));
        if (r.checks.some((c) => c.name === 'session.expired') || entries.some((e) => e.kind === 'http' && e.status === 404 && e.sessionIdSent)) result.sessionLost = true;
      }
    }
  } catch (e) {
    const message = e instanceof UserError ? e.message : `internal error: ${(e as Error).message}`;
    fail('scenario', message, 'error');
  }
  if (signal.aborted && result.steps.length < scenario.steps.length) result.interrupted = true;
  if (!result.interrupted) {
    for (const c of sessionChecks(loaded, ls.session).filter((x: CheckResult) => x.verdict === 'failed')) fail(c.name, c.message ?? 'failed', `expectation ${c.name}`);
  }
  result.durationMs = performance.now() - started;
  // Values captured into secret variables are known only now; the run's Redactor handles the rest.
  if (result.failedChecks.length && vars.secrets.length) result.failedChecks = new Redactor(vars.secrets).value(result.failedChecks);
  return { result, session: result.sessionLost ? (await ls.close(), undefined) : ls };
}

/** The first cause of a failed check: the HTTP status or JSON-RPC code behind it, a timeout, or the expectation. */
function causeOf(c: CheckResult, entries: TranscriptEntry[]): string {
  const actual = c.actual as { code?: number; timeout?: boolean } | undefined;
  if (c.name === 'request' || c.name === 'error') {
    const http = entries.find((e) => e.kind === 'http' && e.status !== null && e.status >= 400);
    if (http && http.kind === 'http') return `HTTP ${http.status}`;
    if (actual?.timeout) return 'timeout';
    if (typeof actual?.code === 'number') return `JSON-RPC ${actual.code}`;
    const net = entries.find((e) => e.kind === 'http' && e.error);
    if (net && net.kind === 'http') return `network: ${net.error}`;
    return 'request failed';
  }
  if (c.name === 'wire') return 'wire';
  return `expectation ${c.name}`;
}

function connectCause(message: string): string {
  const status = /HTTP (\d{3})/.exec(message);
  return status ? `connect: HTTP ${status[1]}` : /connection refused/.test(message) ? 'connect: connection refused' : /timed? ?out/i.test(message) ? 'connect: timeout' : 'connect';
}

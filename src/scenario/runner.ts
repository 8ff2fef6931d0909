// The scenario runner: each scenario in its own Session on the Target, steps in order, verdicts from
// checks, and plain Results out. Reporters listen to run events; nothing here prints.
import { ConnectError, UserError } from '../errors.js';
import { Redactor } from '../redact.js';
import type { Responder } from '../responders/responder.js';
import { ResponderChain } from '../responders/responder.js';
import { ScriptedResponder } from '../responders/scripted.js';
import {
  RESULTS_SCHEMA_VERSION,
  type CheckResult,
  type FeatureSummary,
  type RunResult,
  type ScenarioResult,
  type StepResult,
  type TargetSummary,
} from '../results.js';
import { ConnectInterrupted, Session } from '../session/session.js';
import { sessionIdFormat } from '../session/session-id.js';
import { describeEntry, type TranscriptEntry } from '../session/transcript.js';
import type { Target } from '../target/target.js';
import { evaluateStep } from './checks.js';
import type { LoadedScenario } from './loader.js';
import { durationMs, FEATURES, type Step } from './schema.js';
import { runStep, stepLabel, type StepOutcome } from './steps.js';
import { readCapturePath, ScenarioVariables, type VariableSources } from './variables.js';
import type { WithheldCapability } from '../session/session.js';
import { VERSION } from '../version.js';

export interface RunListener {
  onBegin?(info: { target: TargetSummary; total: number }): void;
  onScenarioBegin?(s: LoadedScenario): void;
  onScenarioEnd?(result: ScenarioResult): void;
  onEnd?(run: RunResult): void | Promise<void>;
}

export interface RunOptions {
  /** Default per-step timeout. */
  stepTimeoutMs?: number;
  workers?: number;
  /** Responders asked after the scripted ones (a person at the terminal). */
  fallbackResponders?: Responder[];
  listeners?: RunListener[];
  /** Live transcript entries (progress bar, verbose). */
  onEntry?: (scenario: LoadedScenario, entry: TranscriptEntry) => void;
  /** Extra values to redact (secret variables). */
  secrets?: string[];
  signal?: AbortSignal;
  /** Run a failed scenario again, in a new session, up to this many times; a later pass is 'flaky'. */
  retries?: number;
  /** Stop starting scenarios after the first failure; the rest are SKIP. */
  bail?: boolean;
  /** `${env.NAME}` and `--var` values (default: process.env, no --var). */
  variables?: VariableSources;
  /** Known failures (--expected-failures): applied to each result before listeners see it. */
  expectedFailures?: { apply(r: ScenarioResult): ScenarioResult };
  /** Response size cap in bytes (hostile-server defence); default in session/resilience.ts. */
  maxResponseBytes?: number;
  /** Client capabilities mcp-verify does not declare (`--no-elicitation`, `--no-sampling`). */
  withhold?: WithheldCapability[];
}

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

export function targetSummary(target: Target): TargetSummary {
  return { label: target.label, kind: target.kind, url: target.url.toString(), authMethod: target.authMethod, ...(target.details ? { details: target.details } : {}) };
}

export async function runScenarios(target: Target, scenarios: LoadedScenario[], opts: RunOptions = {}): Promise<RunResult> {
  const redactor = new Redactor(target.secrets, opts.secrets ?? []);
  const started = Date.now();
  const summaryTarget = redactor.value(targetSummary(target));
  for (const l of opts.listeners ?? []) l.onBegin?.({ target: summaryTarget, total: scenarios.length });

  const results: (ScenarioResult | undefined)[] = new Array(scenarios.length);
  let connectError: string | undefined;
  let firstConnectFailure: string | undefined;
  let opened = 0;
  let next = 0;
  let bailed = false;
  const workers = Math.max(1, Math.min(opts.workers ?? 1, scenarios.length || 1));
  const worker = async () => {
    while (next < scenarios.length && !connectError && !opts.signal?.aborted && !bailed) {
      const i = next++;
      const s = scenarios[i]!;
      for (const l of opts.listeners ?? []) l.onScenarioBegin?.(s);
      let r: ScenarioResult;
      try {
        r = await runScenarioWithRetries(target, s, opts);
        if (opts.expectedFailures) r = opts.expectedFailures.apply(r);
        if (opts.bail && r.status === 'failed') bailed = true;
      } catch (e) {
        if (e instanceof ConnectInterrupted || (opts.signal?.aborted && e instanceof ConnectError)) {
          // A signal during connect: the scenario did not finish, it did not fail.
          r = emptyResult(s, 'interrupted', e.message);
        } else if (e instanceof ConnectError) {
          // One scenario's failed connect (a fault, a flaky proxy) must not take down the others when the
          // target is reachable: it counts as unreachable only when nothing opened and two attempts failed.
          if (opened === 0 && firstConnectFailure !== undefined) connectError ??= firstConnectFailure;
          firstConnectFailure ??= e.message;
          r = emptyResult(s, 'failed', e.message);
        } else throw e;
      }
      if (r.session) opened++;
      r = redactor.value(r);
      results[i] = r;
      for (const l of opts.listeners ?? []) l.onScenarioEnd?.(r);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  if (opened === 0 && firstConnectFailure !== undefined) connectError ??= firstConnectFailure;

  const interrupted = opts.signal?.aborted ?? false;
  const final = scenarios.map(
    (s, i) =>
      results[i] ??
      emptyResult(
        s,
        interrupted ? 'interrupted' : 'skipped',
        interrupted ? 'interrupted before it ran' : connectError ? 'not run: the target could not be reached' : bailed ? 'not run: --bail stopped the run after a failure' : 'not run',
      ),
  );
  const run = buildRunResult(summaryTarget, final, started, interrupted, connectError && redactor.text(connectError));
  for (const l of opts.listeners ?? []) await l.onEnd?.(run);
  return run;
}

export function buildRunResult(target: TargetSummary, scenarios: ScenarioResult[], started: number, interrupted: boolean, connectError?: string): RunResult {
  const firstSession = scenarios.find((s) => s.session)?.session ?? null;
  const count = (st: ScenarioResult['status']) => scenarios.filter((s) => s.status === st).length;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'mcp-verify', version: VERSION },
    target,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    era: firstSession?.era ?? null,
    protocolVersion: firstSession?.protocolVersion ?? null,
    sessionIdFormat: firstSession?.format ?? 'none',
    scenarios,
    features: summarizeFeatures(scenarios),
    summary: {
      total: scenarios.length,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      flaky: count('flaky'),
      interrupted: count('interrupted'),
      expectedFailures: count('expected-failure'),
    },
    interrupted,
    ...(connectError ? { connectError } : {}),
  };
}

/** One verdict per feature; Session ID Persistence also takes every scenario's session checks. */
export function summarizeFeatures(scenarios: ScenarioResult[]): FeatureSummary[] {
  const names = [...FEATURES, ...new Set(scenarios.map((s) => s.feature).filter((f): f is string => !!f && !(FEATURES as readonly string[]).includes(f)))];
  const out: FeatureSummary[] = [];
  for (const feature of names) {
    const mine = scenarios.filter((s) => s.feature === feature && s.status !== 'skipped');
    let failed = mine.filter((s) => s.status === 'failed' || s.status === 'interrupted').length;
    let total = mine.length;
    if (feature === 'Session ID Persistence') {
      const others = scenarios.filter((s) => s.feature !== feature && s.checks.some((c) => c.name.startsWith('session.')));
      total += others.length;
      failed += others.filter((s) => s.checks.some((c) => c.name.startsWith('session.') && c.verdict === 'failed')).length;
    }
    if (total === 0) continue;
    out.push({ feature, verdict: failed ? 'failed' : 'passed', scenarios: total, failed });
  }
  return out;
}

function emptyResult(s: LoadedScenario, status: ScenarioResult['status'], error?: string): ScenarioResult {
  return {
    id: s.id,
    name: s.scenario.name,
    file: s.file,
    line: s.line,
    feature: s.scenario.feature ?? null,
    tags: s.scenario.tags ?? [],
    status,
    attempts: status === 'skipped' || status === 'interrupted' ? 0 : 1,
    durationMs: 0,
    session: null,
    checks: [],
    steps: [],
    ...(error ? { error } : {}),
  };
}

/** Runs a scenario, and again in a new session after a failure while retries remain. */
async function runScenarioWithRetries(target: Target, loaded: LoadedScenario, opts: RunOptions): Promise<ScenarioResult> {
  const retries = opts.retries ?? 0;
  const failedAttempts: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const r = await runScenario(target, loaded, opts);
    if (r.status !== 'failed' || attempt > retries || opts.signal?.aborted) {
      if (attempt === 1) return r;
      return { ...r, status: r.status === 'passed' ? 'flaky' : r.status, attempts: attempt, failedAttempts };
    }
    failedAttempts.push(`attempt ${attempt}: ${firstFailure(r)}`);
  }
}

function firstFailure(r: ScenarioResult): string {
  if (r.error) return r.error;
  for (const st of r.steps) {
    const c = st.checks.find((x) => x.verdict === 'failed');
    if (c) return `step ${st.index + 1} ${st.label}: ${c.name}: ${c.message ?? 'failed'}`;
  }
  const c = r.checks.find((x) => x.verdict === 'failed');
  return c ? `${c.name}: ${c.message ?? 'failed'}` : 'failed';
}

/** Runs one scenario in its own session. Throws ConnectError only when the session cannot open. */
export async function runScenario(target: Target, loaded: LoadedScenario, opts: RunOptions = {}): Promise<ScenarioResult> {
  const { scenario } = loaded;
  const started = performance.now();
  // A scenario timeout bounds the whole scenario; its steps may use what is left of it (unless they
  // set their own), otherwise --timeout is the per-step default.
  const scenarioTimeout = scenario.timeout !== undefined ? durationMs(scenario.timeout, 0) : undefined;
  const deadline = scenarioTimeout !== undefined ? Date.now() + scenarioTimeout : undefined;
  const stepTimeout = scenarioTimeout ?? opts.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const stepTimeoutFor = (step: Step) => Math.min(durationMs(step.timeout, stepTimeout), deadline !== undefined ? Math.max(1, deadline - Date.now()) : Infinity);
  const timeoutAbort = new AbortController();
  const timer = scenarioTimeout !== undefined ? setTimeout(() => timeoutAbort.abort(), scenarioTimeout) : undefined;
  const stepSignal = opts.signal ? AbortSignal.any([opts.signal, timeoutAbort.signal]) : timeoutAbort.signal;
  const vars = new ScenarioVariables(scenario, opts.variables ?? { env: process.env, cli: {}, cliSecrets: [] });
  const scenarioResponder = new ScriptedResponder(vars.resolve(scenario.elicitation), vars.resolve(scenario.sampling));
  const openSession = () =>
    Session.open(target, {
      responder: scenarioResponder,
      timeoutMs: stepTimeout,
      onEntry: opts.onEntry ? (e) => opts.onEntry!(loaded, e) : undefined,
      maxResponseBytes: opts.maxResponseBytes,
      withhold: opts.withhold,
      signal: opts.signal,
    });
  let session = await openSession();
  const steps: StepResult[] = [];
  let error: string | undefined;
  try {
    for (let i = 0; i < scenario.steps.length; i++) {
      if (opts.signal?.aborted) break;
      if (timeoutAbort.signal.aborted) {
        error = `scenario timeout of ${scenario.timeout} exceeded before step ${i + 1}`;
        break;
      }
      const step = vars.resolve(scenario.steps[i]!);
      const prepare = (s: Session) => {
        s.transcript.currentStep = i;
        s.responder = new ResponderChain([
          new ScriptedResponder(step.elicitation, step.sampling),
          scenarioResponder,
          ...(opts.fallbackResponders ?? []),
        ]);
      };
      prepare(session);
      let result = await runOneStep(session, loaded, step, i, stepTimeoutFor(step), stepSignal, vars);
      const expired = expiredSessionId(session, i);
      if (expired && scenario.session?.reinitialize && !opts.signal?.aborted) {
        // The spec: a client that gets 404 for its session MUST start a new one. Only where the
        // scenario allows it, since re-initializing hides the expiry from every later check.
        await session.close();
        session = await openSession();
        session.transcript.note(`session ${expired} expired (HTTP 404); re-initialized as ${session.sessionId ?? '(no id)'}, as the scenario allows`);
        prepare(session);
        result = await runOneStep(session, loaded, step, i, stepTimeoutFor(step), stepSignal, vars);
        result.checks.unshift({ name: 'session.reinitialized', verdict: 'passed', message: `session ${expired} expired (HTTP 404); re-initialized and retried the step` });
      } else if (expired) {
        result.checks.unshift({
          name: 'session.expired',
          verdict: 'failed',
          message: `session expired: the server answered 404 for session ${expired}; the client must re-initialize (allow it in the scenario with session: { reinitialize: true })`,
        });
        result.verdict = 'failed';
      }
      steps.push(result);
      if (timeoutAbort.signal.aborted && !opts.signal?.aborted) {
        error = `scenario timeout of ${scenario.timeout} exceeded during step ${i + 1} (${result.label})`;
        break;
      }
    }
  } catch (e) {
    if (e instanceof UserError) error = e.message;
    else error = `internal error: ${(e as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
  session.transcript.currentStep = -1;
  const { deleteStatus } = await session.close();
  const checks = sessionChecks(loaded, session);
  // Wire problems outside any step (the GET stream cut at the cap while the session opened or idled).
  for (const f of session.faults.filter((x) => x.step === -1)) checks.push({ name: 'wire', verdict: 'failed', message: f.reason });
  const diagnosis = diagnose(session, steps, loaded);
  const failed = !!error || checks.some((c) => c.verdict === 'failed') || steps.some((s) => s.verdict === 'failed');
  // The step running when the signal came was cut short: its FAIL is not a verdict on the server.
  const interrupted = !!opts.signal?.aborted && (steps.length < scenario.steps.length || steps.at(-1)?.verdict === 'failed');
  // A scenario none of whose steps could run shows nothing about the server: SKIP, not PASS.
  const allSkipped = steps.length > 0 && steps.every((st) => st.verdict === 'skipped');
  // Captured secrets are known only now; the run's Redactor handles the rest.
  const redactor = new Redactor(vars.secrets);
  return redactor.value<ScenarioResult>({
    id: loaded.id,
    name: scenario.name,
    file: loaded.file,
    line: loaded.line,
    feature: scenario.feature ?? null,
    tags: scenario.tags ?? [],
    status: interrupted ? 'interrupted' : failed ? 'failed' : allSkipped ? 'skipped' : 'passed',
    attempts: 1,
    durationMs: Math.round(performance.now() - started),
    session: {
      id: session.facts.idAtInitialize,
      format: session.facts.idFormat,
      protocolVersion: session.facts.protocolVersion,
      era: session.facts.era,
      serverName: session.facts.serverName,
      deleteStatus,
      exchanges: session.transcript.exchanges + 1,
    },
    checks,
    steps,
    ...(error ? { error } : {}),
    ...(diagnosis ? { diagnosis } : {}),
  });
}

async function runOneStep(session: Session, loaded: LoadedScenario, step: Step, i: number, timeoutMs: number, signal: AbortSignal | undefined, vars: ScenarioVariables): Promise<StepResult> {
  const started = performance.now();
  const gate = missingCapability(session, step, loaded.scenario.requires ?? []);
  const base = { index: i, id: step.id ?? `step-${i + 1}`, label: stepLabel(step), file: loaded.file, line: loaded.stepLines[i] ?? loaded.line };
  if (gate) {
    return { ...base, verdict: gate.verdict, durationMs: 0, checks: [{ name: 'capability', verdict: gate.verdict, message: gate.message }] };
  }
  const outcome = await runStep(session, step, timeoutMs, signal);
  const entries = session.transcript.forStep(i);
  const tally = session.transcript.tallies.forStep(i);
  const unanswered = session.unanswered.filter((u) => u.step === i).map((u) => u.reason);
  const checks = await evaluateStep(step, outcome, tally, unanswered, signal);
  if (step.capture && outcome.result !== undefined) checks.push(...captureValues(step.capture, outcome, vars));
  for (const f of session.faults.filter((x) => x.step === i)) checks.push({ name: 'wire', verdict: 'failed', message: f.reason });
  const verdict = checks.some((c) => c.verdict === 'failed') ? 'failed' : 'passed';
  return {
    ...base,
    verdict,
    durationMs: Math.round(performance.now() - started),
    checks,
    ...(verdict === 'failed' ? { evidence: evidenceLines(entries, tally.entries) } : {}),
  };
}

/** The last 40 entries of a failed step, saying how many there were in all (the display bound is not the checks'). */
function evidenceLines(entries: TranscriptEntry[], total: number): string[] {
  const shown = entries.slice(-40).map(describeEntry);
  if (total > shown.length) shown.unshift(`… the last ${shown.length} of ${total.toLocaleString('en-US')} transcript entries shown (every entry was checked)`);
  return shown;
}

/** The session id the server answered 404 for during this step (the session expired), if any. */
function expiredSessionId(session: Session, step: number): string | undefined {
  const e = session.transcript.forStep(step).find((x) => x.kind === 'http' && x.status === 404 && x.sessionIdSent);
  return e && e.kind === 'http' ? (e.sessionIdSent ?? undefined) : undefined;
}

/** `capture: {name: path}`: read values from the step's result for later steps, one check each. */
function captureValues(capture: Record<string, string>, outcome: StepOutcome, vars: ScenarioVariables): CheckResult[] {
  const root: Record<string, unknown> = { text: outcome.text, result: outcome.result };
  try {
    root.json = JSON.parse(outcome.text);
  } catch {
    // Not JSON: paths under json find nothing and say so.
  }
  const sc = (outcome.result as { structuredContent?: unknown }).structuredContent;
  if (sc !== undefined) root.structured = sc;
  if (outcome.names) root.names = outcome.names;
  return Object.entries(capture).map(([name, path]): CheckResult => {
    const got = readCapturePath(root, path);
    if (got.problem) return { name: `capture.${name}`, verdict: 'failed', message: `cannot capture ${name}: ${got.problem}` };
    vars.capture(name, got.value);
    return { name: `capture.${name}`, verdict: 'passed', actual: got.value };
  });
}

const CLIENT_SIDE = new Set(['elicitation', 'sampling']);

/** The capabilities a step needs: its action's server capability, the client's for expected interactions, and `requires`. */
export function capabilitiesNeeded(step: Step): string[] {
  const needs = new Set<string>(step.requires ?? []);
  if (step.list === 'tools' || step.call !== undefined) needs.add('tools');
  if (step.list === 'prompts' || step.prompt !== undefined) needs.add('prompts');
  if (step.list?.startsWith('resource') || step.read !== undefined) needs.add('resources');
  const expects = (c: { count?: unknown } | undefined) => c !== undefined && c.count !== 0 && !(typeof c.count === 'object' && (c.count as { max?: number }).max === 0);
  if (expects(step.expect?.logs)) needs.add('logging');
  if (step.elicitation?.length || expects(step.expect?.elicitations)) needs.add('elicitation');
  if (step.sampling?.length || expects(step.expect?.sampling)) needs.add('sampling');
  return [...needs];
}

/**
 * A step that needs a capability the server (or mcp-verify as the client) did not declare is SKIP with
 * the reason; FAIL without running when the step or scenario `requires` it.
 */
function missingCapability(session: Session, step: Step, scenarioRequires: string[]): { verdict: 'skipped' | 'failed'; message: string } | undefined {
  for (const cap of capabilitiesNeeded(step)) {
    const client = CLIENT_SIDE.has(cap);
    const declared = client ? session.facts.clientCapabilities[cap] : session.facts.serverCapabilities[cap];
    if (declared) continue;
    const who = client ? 'mcp-verify (the client)' : 'the server';
    const byStep = (step.requires as string[] | undefined)?.includes(cap);
    if (byStep || scenarioRequires.includes(cap)) {
      return { verdict: 'failed', message: `${who} did not declare the ${cap} capability, which this ${byStep ? 'step' : 'scenario'} requires` };
    }
    return { verdict: 'skipped', message: `${who} did not declare the ${cap} capability` };
  }
  return undefined;
}

function sessionChecks(loaded: LoadedScenario, session: Session): CheckResult[] {
  const exp = { idIssued: true, persistent: true, format: 'any' as const, ...loaded.scenario.session };
  const t = session.transcript;
  const id = session.facts.idAtInitialize;
  const out: CheckResult[] = [];
  if (exp.idIssued) {
    out.push(
      id
        ? { name: 'session.idIssued', verdict: 'passed', actual: id }
        : {
            name: 'session.idIssued',
            verdict: 'failed',
            message: 'the server issued no Mcp-Session-Id at initialize',
          },
    );
  }
  if (exp.persistent && id) {
    const sent = [...t.sessionIdsSent];
    const received = [...t.sessionIdsReceived];
    const problems: string[] = [];
    if (t.exchangesWithoutId) problems.push(`${t.exchangesWithoutId} later request(s) carried no Mcp-Session-Id`);
    const otherSent = sent.filter((s) => s !== id);
    if (otherSent.length) problems.push(`requests carried other ids: ${otherSent.join(', ')}`);
    const otherReceived = received.filter((s) => s !== id);
    if (otherReceived.length) problems.push(`responses carried other ids: ${otherReceived.join(', ')}`);
    out.push(
      problems.length
        ? { name: 'session.persistent', verdict: 'failed', expected: id, message: problems.join('; ') }
        : { name: 'session.persistent', verdict: 'passed', expected: id, actual: `${t.exchanges} later exchange(s) all carried it` },
    );
  }
  if (exp.format !== 'any' && id) {
    const fmt = sessionIdFormat(id);
    const want = exp.format === 'uuid' ? 'UUID' : 'hex string';
    out.push(fmt === want ? { name: 'session.format', verdict: 'passed', actual: fmt } : { name: 'session.format', verdict: 'failed', expected: want, actual: fmt, message: `session id ${id} is ${fmt}, expected ${want}` });
  }
  return out;
}

const STATELESS_CAUSE =
  'the server is likely running stateless (e.g. FastMCP stateless_http=True, or an SDK transport with sessionIdGenerator: undefined), so elicitation and sampling cannot reach the client';

/** The stateless pitfall, said in words: what happened and the likely cause, not a bare timeout. */
function diagnose(session: Session, steps: StepResult[], loaded: LoadedScenario): string | undefined {
  const noId = !session.facts.idAtInitialize;
  const expectedInteraction = (i: number) => {
    const s = loaded.scenario.steps[i];
    return !!(s?.expect?.elicitations || s?.expect?.sampling || s?.elicitation?.length || s?.sampling?.length);
  };
  // A step refused for a missing capability never ran: its silence says nothing about the server.
  const ran = (st: StepResult) => !st.checks.some((c) => c.name === 'capability');
  const silent = steps.filter((st) => st.verdict === 'failed' && ran(st) && expectedInteraction(st.index)).filter((st) => {
    const entries = session.transcript.forStep(st.index);
    return !entries.some((e) => e.kind === 'elicitation' || e.kind === 'sampling');
  });
  if (noId && (silent.length || steps.some((s) => s.verdict === 'failed'))) {
    return `No Mcp-Session-Id was issued at initialize${silent.length ? ` and ${silent.map((s) => s.label).join(', ')} never sent the elicitation/sampling request it should have (it returned without it or hung until the timeout)` : ''}: ${STATELESS_CAUSE}. Run the server stateful (FastMCP: stateless_http=False).`;
  }
  if (noId) return `No Mcp-Session-Id was issued at initialize: ${STATELESS_CAUSE}.`;
  if (silent.length) {
    return `${silent.map((s) => s.label).join(', ')} never sent the elicitation/sampling request it should have, though the session has an id: the server may be sending server→client requests on the standalone GET stream instead of the tool call's stream (SDK: pass relatedRequestId / use the handler context's sendRequest), or running stateless behind a proxy.`;
  }
  return undefined;
}

// The scenario runner: each scenario in its own Session on the Target, steps in order, verdicts from
// checks, and plain Results out. The run loop around it is src/run/execute.ts; nothing here prints.
import { UserError } from '../errors.js';
import { Redactor } from '../redact.js';
import type { Responder } from '../responders/responder.js';
import { ScriptedResponder, type LlmAnswerer } from '../responders/scripted.js';
import type { CheckResult, ScenarioInfo, ScenarioResult, SessionTrace, StepResult } from '../results.js';
import type { PlannedScenario, ResolvedStep } from '../run/plan.js';
import { Session } from '../session/session.js';
import { sessionIdFormat } from '../session/session-id.js';
import { describeEntry, type TranscriptEntry } from '../session/transcript.js';
import type { StepTally } from '../session/step-tally.js';
import type { Target } from '../target/target.js';
import { answerChain } from './answers.js';
import { evaluateStep } from './checks.js';
import { settled, watchStep } from './watches.js';
import type { LoadedScenario } from './loader.js';
import type { Step } from './schema.js';
import type { StepOutcome } from './steps/index.js';
import { readCapturePath, referencedNames, ScenarioVariables, type VariableSources } from './variables.js';
import type { WithheldCapability } from '../session/session.js';
import { stepKindOf, stepLabel } from './steps/index.js';
import { getStreamWarnings, stepVerdict, undeclaredCapabilityWarnings } from './warnings.js';
import { scenarioDiagnosis } from './diagnosis.js';
import type { RunEra } from '../era.js';
import { modernSessionChecks, modernWireChecks } from './modern-checks.js';

/** How one scenario runs: what the plan resolved for it, and the run's controls. */
export interface ScenarioRunOptions {
  /** Responders asked after the scripted ones (a person at the terminal). */
  fallbackResponders?: Responder[];
  /** Live transcript entries (progress bar, verbose, the recorder). */
  onEntry?: (scenario: LoadedScenario, entry: TranscriptEntry) => void;
  /** Each step's raw outcome as it ends. */
  onOutcome?: (scenario: ScenarioInfo, stepIndex: number, outcome: StepOutcome) => void;
  signal?: AbortSignal;
  /** Run a failed scenario again, in a new session, up to this many times; a later pass is 'flaky'. */
  retries?: number;
  /** `${env.NAME}` and `--var` values. */
  variables: VariableSources;
  /** Response size cap in bytes (hostile-server defence); default in session/resilience.ts. */
  maxResponseBytes?: number;
  /** Client capabilities mcp-verify does not declare (`--no-elicitation`, `--no-sampling`). */
  withhold?: WithheldCapability[];
  /** The run's per-step timeout (the session's connect timeout too). */
  stepTimeoutMs: number;
  /** Keep each scenario's raw exchanges and transcript in its result (`trace`): HTML report, HAR. */
  captureWire?: boolean;
  /** Transcript lines as evidence for every step, passing ones too (`-v`), not only failing ones. */
  evidenceForAll?: boolean;
  /** LLMs prepared for the run (src/responders/llm/): `llm:` rules ask `answer`; `fallback` answers what no rule did. */
  llm?: { answer: LlmAnswerer; fallback?: Responder };
  /** The protocol era the sessions speak (src/era.ts); default legacy. */
  era?: RunEra;
}

export function emptyResult(s: ScenarioInfo, status: ScenarioResult['status'], error?: string): ScenarioResult {
  return {
    ...s,
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
export async function runScenarioWithRetries(target: Target, planned: PlannedScenario, opts: ScenarioRunOptions): Promise<ScenarioResult> {
  const retries = opts.retries ?? 0;
  const failedAttempts: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const r = await runScenario(target, planned, opts);
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
export async function runScenario(target: Target, planned: PlannedScenario, opts: ScenarioRunOptions): Promise<ScenarioResult> {
  const { loaded } = planned;
  const { scenario } = loaded;
  const started = performance.now();
  // A scenario timeout bounds the whole scenario; each step's timeout (resolved by the plan) is capped by what is left of it.
  const scenarioTimeout = planned.timeoutMs;
  const deadline = scenarioTimeout !== undefined ? Date.now() + scenarioTimeout : undefined;
  const stepTimeoutFor = (i: number) => Math.min(planned.steps[i]!.timeoutMs, deadline !== undefined ? Math.max(1, deadline - Date.now()) : Infinity);
  const timeoutAbort = new AbortController();
  const timer = scenarioTimeout !== undefined ? setTimeout(() => timeoutAbort.abort(), scenarioTimeout) : undefined;
  const stepSignal = opts.signal ? AbortSignal.any([opts.signal, timeoutAbort.signal]) : timeoutAbort.signal;
  const vars = new ScenarioVariables(scenario, opts.variables);
  const scenarioResponder = new ScriptedResponder(vars.resolve(scenario.elicitation), vars.resolve(scenario.sampling), opts.llm?.answer);
  const openSession = () =>
    Session.open(target, {
      responder: scenarioResponder,
      timeoutMs: scenarioTimeout ?? opts.stepTimeoutMs,
      onEntry: opts.onEntry ? (e) => opts.onEntry!(loaded, e) : undefined,
      maxResponseBytes: opts.maxResponseBytes,
      withhold: opts.withhold,
      signal: opts.signal,
      captureWire: opts.captureWire,
      era: opts.era,
      roots: vars.resolve(scenario.roots ?? []),
    });
  let session = await openSession();
  vars.sessionId = session.sessionId;
  const sessions = [session];
  const steps: StepResult[] = [];
  const skippedCaptures = new Map<string, StepResult>();
  let error: string | undefined;
  try {
    for (let i = 0; i < scenario.steps.length; i++) {
      if (opts.signal?.aborted) break;
      if (timeoutAbort.signal.aborted) {
        error = `scenario timeout of ${scenario.timeout} exceeded before step ${i + 1}`;
        break;
      }
      // A step that reads a value a skipped step would have captured cannot run either: SKIP, saying where.
      const missing = [...referencedNames(scenario.steps[i]!)].find((n) => skippedCaptures.has(n));
      if (missing) {
        const from = skippedCaptures.get(missing)!;
        const raw = scenario.steps[i]!;
        const r = planned.steps[i]!;
        steps.push({
          index: i,
          id: r.id,
          label: stepLabel(raw),
          file: r.file,
          line: r.line,
          verdict: 'skipped',
          durationMs: 0,
          checks: [{ name: 'capture', verdict: 'skipped', message: `needs \${${missing}}, captured by step ${from.index + 1} "${from.label}" (${from.file}:${from.line}), which was skipped` }],
        });
        for (const c of Object.keys(raw.capture ?? {})) skippedCaptures.set(c, steps.at(-1)!);
        continue;
      }
      const step = vars.resolve(scenario.steps[i]!);
      // The plan's answer layers, in its precedence order (run/plan.ts AnswerLayer).
      const responder = answerChain(planned.steps[i]!.answers, vars, {
        scenario: scenarioResponder,
        ...(opts.llm ? { llmAnswer: opts.llm.answer, ...(opts.llm.fallback ? { llm: opts.llm.fallback } : {}) } : {}),
        ...(opts.fallbackResponders ? { people: opts.fallbackResponders } : {}),
      });
      const runIt = (s: Session) => runOneStep(s, planned, step, i, stepTimeoutFor(i), stepSignal, vars, responder, opts.onOutcome, opts.evidenceForAll);
      let result = await runIt(session);
      const expired = expiredSessionId(session, i);
      if (expired && scenario.session?.reinitialize && !opts.signal?.aborted) {
        // The spec: a client that gets 404 for its session MUST start a new one. Only where the
        // scenario allows it, since re-initializing hides the expiry from every later check.
        await session.close();
        session = await openSession();
        vars.sessionId = session.sessionId;
        sessions.push(session);
        session.noteForStep(i, `session ${expired} expired (HTTP 404); re-initialized as ${session.sessionId ?? '(no id)'}, as the scenario allows`);
        result = await runIt(session);
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
      if (result.verdict === 'skipped') for (const c of Object.keys(step.capture ?? {})) skippedCaptures.set(c, result);
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
  const { deleteStatus } = await session.close();
  const checks = sessionChecks(loaded, session);
  // Wire problems outside any step (the GET stream cut at the cap while the session opened or idled).
  for (const reason of session.faultsOutsideSteps) checks.push({ name: 'wire', verdict: 'failed', message: reason });
  const diagnosis = scenarioDiagnosis(session, steps, loaded);
  const failed = !!error || checks.some((c) => c.verdict === 'failed') || steps.some((s) => s.verdict === 'failed');
  const warned = checks.some((c) => c.verdict === 'warning') || steps.some((s) => s.verdict === 'warning');
  // The step running when the signal came was cut short: its FAIL is not a verdict on the server.
  const interrupted = !!opts.signal?.aborted && (steps.length < scenario.steps.length || steps.at(-1)?.verdict === 'failed');
  // A scenario none of whose steps could run shows nothing about the server: SKIP, not PASS.
  const allSkipped = steps.length > 0 && steps.every((st) => st.verdict === 'skipped');
  // Captured secrets are known only now; the run's Redactor handles the rest.
  const redactor = new Redactor(vars.secrets);
  return redactor.value<ScenarioResult>({
    ...planned.info,
    status: interrupted ? 'interrupted' : failed ? 'failed' : allSkipped ? 'skipped' : warned ? 'warning' : 'passed',
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
      getStream: session.streams.getState === 'not-opened' ? 'not opened' : session.streams.getStatus === 405 ? 'refused (405)' : session.streams.getState === 'failed' ? `failed (${session.streams.getStatus ?? 'no response'})` : 'open',
    },
    checks,
    steps,
    ...(error ? { error } : {}),
    ...(diagnosis ? { diagnosis } : {}),
    ...(opts.captureWire ? { trace: sessions.map(sessionTrace) } : {}),
  });
}

function sessionTrace(s: Session): SessionTrace {
  return { sessionId: s.facts.idAtInitialize, wire: s.wire!.snapshot(), transcript: [...s.transcript.entries], transcriptDropped: s.transcript.dropped };
}

/**
 * One step on an open session: capability gate, run, checks, captures. Also `load`'s per-iteration step:
 * a reused session gives each iteration's steps their own evidence number (`evidenceIndex`), so one
 * iteration's entries, unanswered requests and faults never count for the next.
 */
export async function runOneStep(
  session: Session,
  planned: PlannedScenario,
  step: Step,
  i: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  vars: ScenarioVariables,
  responder: Responder,
  onOutcome?: ScenarioRunOptions['onOutcome'],
  evidenceForAll = false,
  evidenceIndex: number = i,
): Promise<StepResult> {
  const started = performance.now();
  const resolved = planned.steps[i]!;
  const gate = missingCapability(session, resolved, planned.loaded.scenario);
  const base = { index: i, id: resolved.id, label: resolved.label, ...(resolved.description !== undefined ? { description: vars.resolve(resolved.description) } : {}), file: resolved.file, line: resolved.line };
  if (gate) {
    return { ...base, verdict: gate.verdict, durationMs: 0, checks: [{ name: 'capability', verdict: gate.verdict, message: gate.message }] };
  }
  const notHere = stepKindOf(step).notOn?.(session.facts.era);
  if (notHere) return { ...base, verdict: 'skipped', durationMs: 0, checks: [{ name: 'era', verdict: 'skipped', message: notHere }] };
  const within = resolved.withinMs !== undefined ? { ms: resolved.withinMs, done: (t: StepTally) => settled(step, t) } : undefined;
  const { outcome, entries, tally, unanswered, faults } = await session.run(step, { signal, responder, timeoutMs, index: evidenceIndex, prepare: (t) => watchStep(step, t), ...(within ? { within } : {}) });
  onOutcome?.(planned.info, i, outcome);
  const undeclared = undeclaredServerCapability(session, resolved);
  // Impossible, not merely undeclared: the server does not implement what it did not declare.
  if (undeclared && outcome.error?.code === -32601) {
    const message = `the server did not declare the ${undeclared} capability and answered ${outcome.label} with -32601 (method not found)`;
    return { ...base, verdict: 'skipped', durationMs: Math.round(performance.now() - started), checks: [{ name: 'capability', verdict: 'skipped', message }] };
  }
  const checks = await evaluateStep(step, outcome, tally, unanswered, signal, session.facts.era);
  if (step.capture && outcome.result !== undefined) checks.push(...captureValues(step.capture, outcome, vars));
  for (const reason of faults) checks.push({ name: 'wire', verdict: 'failed', message: reason });
  if (session.facts.era === 'modern') checks.push(...modernWireChecks(session.rounds.forStep(evidenceIndex)));
  // A step that only sends a notification opens no response stream: what the server sends meanwhile can only come on the GET stream.
  checks.push(...(stepKindOf(step).notification ? [] : getStreamWarnings(tally)), ...undeclaredCapabilityWarnings(tally, session.facts.serverCapabilities));
  // An empty list is how many SDK servers answer for a capability they did not declare: not a use of it.
  if (undeclared && !outcome.error && !(step.list !== undefined && (outcome.names?.length ?? 0) === 0)) {
    checks.push({
      name: 'capability.undeclared',
      verdict: 'warning',
      message: `the server answered ${outcome.label} without declaring the ${undeclared} capability at initialize; the checks ran anyway`,
      reference: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#capability-negotiation',
      fix: `declare \`${undeclared.includes('.') ? `${undeclared.split('.')[0]}: { ${undeclared.split('.')[1]}: true }` : `${undeclared}: {}`}\` in the server capabilities`,
    });
  }
  const verdict = stepVerdict(checks);
  const llm = llmUsage(tally);
  return {
    ...base,
    verdict,
    durationMs: Math.round(performance.now() - started),
    checks,
    ...(llm ? { llm } : {}),
    ...(verdict !== 'passed' || evidenceForAll ? { evidence: evidenceLines(entries, tally.entries) } : {}),
  };
}

/** Token usage of the step's LLM answers (drafts a person sent or edited, and answers over budget, included), for the reports. */
function llmUsage(tally: StepTally): StepResult['llm'] {
  const u = tally.llm;
  if (u.calls === 0) return undefined;
  return { calls: u.calls, inputTokens: u.inputTokens, outputTokens: u.outputTokens, models: [...u.models] };
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

const CLIENT_SIDE = new Set(['elicitation', 'sampling', 'roots']);

/** A capability by name, or a sub-capability by path ("resources.subscribe"). */
function declaredCapability(caps: Record<string, unknown>, name: string): unknown {
  return name.split('.').reduce<unknown>((c, k) => (c && typeof c === 'object' ? (c as Record<string, unknown>)[k] : undefined), caps);
}

/** The server capability a step's action uses that the server did not declare (the step still runs). */
function undeclaredServerCapability(session: Session, resolved: ResolvedStep): string | undefined {
  const required = (resolved.step.requires as string[] | undefined) ?? [];
  return resolved.needs.find((c) => !CLIENT_SIDE.has(c) && !declaredCapability(session.facts.serverCapabilities, c) && !required.includes(c.split('.')[0]!));
}

/**
 * SKIP a step only when a missing capability makes it impossible: a client capability mcp-verify did not
 * declare (--no-elicitation / --no-sampling) for a step that needs it, including a call answered only by
 * the scenario's own rules. FAIL without running when the step or scenario `requires` a missing one. A
 * server capability that was not declared does not stop the step: it runs, and is SKIP only if the server
 * then answers -32601, else a warning (undeclaredServerCapability).
 */
function missingCapability(session: Session, resolved: ResolvedStep, scenario: LoadedScenario['scenario']): { verdict: 'skipped' | 'failed'; message: string } | undefined {
  const step = resolved.step;
  const scenarioRequires: string[] = scenario.requires ?? [];
  const needs = new Set(resolved.needs);
  const byScenarioRules = new Set<string>();
  if (step.call !== undefined) {
    if (scenario.elicitation?.length && !step.elicitation?.length && !needs.has('elicitation') && step.expect?.elicitations === undefined) byScenarioRules.add('elicitation');
    if (scenario.sampling?.length && !step.sampling?.length && !needs.has('sampling') && step.expect?.sampling === undefined) byScenarioRules.add('sampling');
  }
  for (const cap of [...needs, ...byScenarioRules]) {
    const client = CLIENT_SIDE.has(cap);
    const declared = declaredCapability(client ? session.facts.clientCapabilities : session.facts.serverCapabilities, cap);
    if (declared) continue;
    const who = client ? 'mcp-verify (the client)' : 'the server';
    const top = cap.split('.')[0]!;
    const byStep = (step.requires as string[] | undefined)?.includes(top);
    if (byStep || scenarioRequires.includes(top)) {
      return { verdict: 'failed', message: `${who} did not declare the ${cap} capability, which this ${byStep ? 'step' : 'scenario'} requires` };
    }
    if (!client) continue;
    const flag = `--no-${cap}`;
    return {
      verdict: 'skipped',
      message: byScenarioRules.has(cap)
        ? `this call is answered by the scenario's ${cap} rules, and mcp-verify (the client) did not declare the ${cap} capability (${flag})`
        : `mcp-verify (the client) did not declare the ${cap} capability (${flag})`,
    };
  }
  return undefined;
}

export function sessionChecks(loaded: LoadedScenario, session: Session): CheckResult[] {
  if (session.facts.era === 'modern') return modernSessionChecks(session.transcript, loaded.scenario.session ?? {}, session.target.kind === 'remote');
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

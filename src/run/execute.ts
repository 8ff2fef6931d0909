// The one execution path: executeRun(plan, listeners) runs a RunPlan (scenario files or the built-in
// protocol suite) on its target and returns the RunResult. Every command that runs anything comes
// here: local, remote, demo and compare (two plans), call (a one-step plan). Nothing here prints;
// listeners see plain values, and one that throws is reported through onListenerFailure.
import { setRegexTimeout } from '../safety/regex.js';
import { ConnectInterrupted } from '../session/session.js';
import { ConnectError } from '../errors.js';
import { EraNotSpoken } from '../session/era-client.js';
import { Redactor } from '../redact.js';
import type { Responder } from '../responders/responder.js';
import type { LlmAnswerer } from '../responders/scripted.js';
import type { RunResult, ScenarioInfo, ScenarioResult } from '../results.js';
import type { StepOutcome } from '../scenario/steps/index.js';
import type { LoadedScenario } from '../scenario/loader.js';
import { emptyResult, runScenarioWithRetries } from '../scenario/runner.js';
import type { TranscriptEntry } from '../session/transcript.js';
import { describeFailure, multiplex, type ListenerFailure, type RunListener } from './listeners.js';
import type { RunPlan } from './plan.js';
import { buildRunResult, targetSummary } from './run-result.js';
import { applyStrict } from '../scenario/warnings.js';

/** What is not in the plan because it is not a setting: the run's live controls. */
export interface RunControl {
  signal?: AbortSignal;
  /** Responders asked after the scripted ones (a person at the terminal). */
  fallbackResponders?: Responder[];
  /** Live transcript entries (progress bar, the recorder). */
  onEntry?: (scenario: LoadedScenario, entry: TranscriptEntry) => void;
  /** Each step's raw outcome as it ends (call prints the tool's result from it). */
  onOutcome?: (scenario: ScenarioInfo, stepIndex: number, outcome: StepOutcome) => void;
  /** The plan's LLMs, prepared (src/cli/llm-flags.ts): `llm:` rules and --sampling-llm ask them; their AWS secrets are redacted. */
  llm?: { answer: LlmAnswerer; fallback?: Responder; secrets: string[] };
  /** A listener threw: default, collected and written by the CLI as one line each. */
  onListenerFailure?: (failure: ListenerFailure, text: string) => void;
}

export async function executeRun(plan: RunPlan, listeners: readonly RunListener[], control: RunControl = {}): Promise<RunResult> {
  const bus = multiplex(listeners, (f) => control.onListenerFailure?.(f, describeFailure(f)));
  if (plan.suite === 'protocol') {
    const { runProtocolSuite } = await import('../protocol/scenario-results.js');
    const run = await runProtocolSuite(plan.target, { ...plan.protocol, listeners: [bus], signal: control.signal });
    return { ...run, requestedEra: plan.era };
  }
  const { target, scenarios } = plan;
  // The target's list by reference: credentials refreshed during the run are masked too.
  const redactor = new Redactor(target.secrets, plan.secrets, control.llm?.secrets ?? []);
  setRegexTimeout(plan.regexTimeoutMs);
  const started = Date.now();
  const summaryTarget = redactor.value(targetSummary(target));
  bus.onBegin({ target: summaryTarget, total: scenarios.length });

  const results: (ScenarioResult | undefined)[] = new Array(scenarios.length);
  let connectError: string | undefined;
  let firstConnectFailure: string | undefined;
  /** The server does not speak the era asked for: every scenario would say the same, so none runs. */
  let notSpoken: string | undefined;
  let opened = 0;
  let next = 0;
  let bailed = false;
  const options = {
    fallbackResponders: control.fallbackResponders,
    onEntry: control.onEntry,
    onOutcome: control.onOutcome,
    signal: control.signal,
    retries: plan.retries,
    variables: plan.variables,
    maxResponseBytes: plan.maxResponseBytes,
    withhold: plan.withhold,
    stepTimeoutMs: plan.stepTimeoutMs,
    captureWire: plan.captureWire,
    evidenceForAll: plan.evidenceForAll,
    era: plan.era,
    ...(control.llm ? { llm: control.llm } : {}),
  };
  const workers = Math.max(1, Math.min(plan.workers, scenarios.length || 1));
  const worker = async () => {
    while (next < scenarios.length && !connectError && !notSpoken && !control.signal?.aborted && !bailed) {
      const i = next++;
      const s = scenarios[i]!;
      bus.onScenarioBegin(s.info);
      let r: ScenarioResult;
      try {
        r = await runScenarioWithRetries(target, s, options);
        if (plan.strict) r = applyStrict(r);
        if (plan.expectedFailures) r = plan.expectedFailures.apply(r);
        if (plan.bail && r.status === 'failed') bailed = true;
      } catch (e) {
        if (e instanceof ConnectInterrupted || (control.signal?.aborted && e instanceof ConnectError)) {
          // A signal during connect (a hung initialize): the scenario did not finish, it did not fail.
          r = emptyResult(s.info, 'interrupted', e.message);
        } else if (e instanceof EraNotSpoken) {
          notSpoken ??= e.message;
          r = emptyResult(s.info, 'skipped', `not run: ${e.message}`);
        } else if (e instanceof ConnectError) {
          // One scenario's failed connect (a fault, a flaky proxy) must not take down the others when the
          // target is reachable: it counts as unreachable only when nothing opened and two attempts failed.
          if (opened === 0 && firstConnectFailure !== undefined) connectError ??= firstConnectFailure;
          firstConnectFailure ??= e.message;
          r = emptyResult(s.info, 'failed', e.message);
        } else throw e;
      }
      if (r.session) opened++;
      r = redactor.value(r);
      results[i] = r;
      bus.onScenarioEnd(r);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  if (opened === 0 && firstConnectFailure !== undefined) connectError ??= firstConnectFailure;

  const interrupted = control.signal?.aborted ?? false;
  const final = scenarios.map(
    (s, i) =>
      results[i] ??
      emptyResult(
        s.info,
        interrupted ? 'interrupted' : 'skipped',
        interrupted ? 'interrupted before it ran' : notSpoken ? `not run: ${notSpoken}` : connectError ? 'not run: the target could not be reached' : bailed ? 'not run: --bail stopped the run after a failure' : 'not run',
      ),
  );
  const unreachable = connectError ?? notSpoken;
  const built = buildRunResult(summaryTarget, final, started, interrupted, unreachable && redactor.text(unreachable));
  const run = { ...built, requestedEra: plan.era, ...(notSpoken ? { eraNotSpoken: redactor.text(notSpoken) } : {}) };
  await bus.onEnd(run);
  return run;
}

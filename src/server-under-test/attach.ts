// The server under test's last output lines on every failing step, for every reporter: a listener
// wrapper that hands each reporter the result with `serverOutput` filled in (the same lines in
// onScenarioEnd and onEnd), redacted like everything else that leaves the process.
import { Redactor } from '../redact.js';
import type { RunResult, ScenarioResult } from '../results.js';
import type { RunListener } from '../run/listeners.js';

export interface OutputSource {
  lastLines(n?: number): string[];
}

export function attachServerOutput(listeners: RunListener[], source: OutputSource, secrets: string[], lines = 20): RunListener[] {
  const redactor = new Redactor(secrets);
  const decorated = new Map<string, ScenarioResult>();
  const decorate = (r: ScenarioResult): ScenarioResult => {
    const known = decorated.get(r.id);
    if (known) return known;
    if (!r.steps.some((s) => s.verdict === 'failed')) return r;
    const tail = source.lastLines(lines).map((l) => redactor.text(l));
    if (!tail.length) return r;
    const out = { ...r, steps: r.steps.map((s) => (s.verdict === 'failed' ? { ...s, serverOutput: tail } : s)) };
    decorated.set(r.id, out);
    return out;
  };
  return listeners.map((l) => ({
    ...(l.onBegin ? { onBegin: (info) => l.onBegin!(info) } : {}),
    ...(l.onScenarioBegin ? { onScenarioBegin: (s) => l.onScenarioBegin!(s) } : {}),
    onScenarioEnd: (r) => l.onScenarioEnd?.(decorate(r)),
    onEnd: (run: RunResult) => l.onEnd?.({ ...run, scenarios: run.scenarios.map(decorate) }),
  }) satisfies RunListener);
}

// Listeners (every reporter is one): they receive plain values as a run goes (ScenarioInfo when a
// scenario begins, its ScenarioResult when it ends, the RunResult at the end). A listener that throws
// is reported and stops neither the run nor the other listeners (as Playwright's reporter multiplexer).
import type { RunResult, ScenarioInfo, ScenarioResult, TargetSummary } from '../results.js';

export interface RunListener {
  /** Shown when this listener fails ("junit=out.xml"). */
  name?: string;
  onBegin?(info: { target: TargetSummary; total: number }): void;
  onScenarioBegin?(s: ScenarioInfo): void;
  onScenarioEnd?(result: ScenarioResult): void;
  onEnd?(run: RunResult): void | Promise<void>;
}

/**
 * A listener whose one document can hold several runs side by side (the HTML report, the HAR trace):
 * `compare` and `demo` hand it both sides with onRuns instead of the merged run other reporters get.
 */
export interface RunsDocumentListener extends RunListener {
  onRuns(runs: RunResult[]): void;
}

export function isRunsDocument(l: RunListener): l is RunsDocumentListener {
  return typeof (l as Partial<RunsDocumentListener>).onRuns === 'function';
}

export interface ListenerFailure {
  listener: string;
  event: 'onBegin' | 'onScenarioBegin' | 'onScenarioEnd' | 'onEnd';
  message: string;
}

/** One listener that calls them all, in order, each failure caught and handed to onFailure. */
export function multiplex(listeners: readonly RunListener[], onFailure: (f: ListenerFailure) => void): Required<Omit<RunListener, 'name'>> {
  const guard = async <E extends ListenerFailure['event']>(event: E, call: (l: RunListener) => unknown) => {
    for (const l of listeners) {
      try {
        await call(l);
      } catch (e) {
        onFailure({ listener: l.name ?? 'a reporter', event, message: (e as Error)?.message ?? String(e) });
      }
    }
  };
  const guardSync = (event: ListenerFailure['event'], call: (l: RunListener) => unknown) => {
    for (const l of listeners) {
      try {
        const r = call(l);
        // A listener returning a promise from a sync event: its rejection is still reported.
        if (r && typeof (r as Promise<unknown>).catch === 'function') {
          (r as Promise<unknown>).catch((e) => onFailure({ listener: l.name ?? 'a reporter', event, message: (e as Error)?.message ?? String(e) }));
        }
      } catch (e) {
        onFailure({ listener: l.name ?? 'a reporter', event, message: (e as Error)?.message ?? String(e) });
      }
    }
  };
  return {
    onBegin: (info) => guardSync('onBegin', (l) => l.onBegin?.(info)),
    onScenarioBegin: (s) => guardSync('onScenarioBegin', (l) => l.onScenarioBegin?.(s)),
    onScenarioEnd: (r) => guardSync('onScenarioEnd', (l) => l.onScenarioEnd?.(r)),
    onEnd: (run) => guard('onEnd', (l) => l.onEnd?.(run)),
  };
}

export function describeFailure(f: ListenerFailure): string {
  return `reporter ${f.listener} failed (${f.event}): ${f.message}`;
}

// Interactive mode for a run (`local|remote --interactive`, `call`): decides whether a person may be
// asked, and wires the pieces into the runner's options: the InteractiveResponder after the scripted
// ones (`fallbackResponders`), live progress and the answer recorder on `onEntry`, and the person's
// "stop" (second Ctrl-C) as the run's `signal`. Without a person nothing here is created, so nothing
// is ever asked: an unmatched request fails its step with a hint saying how to script it.
import path from 'node:path';
import { UsageError } from '../errors.js';
import { Redactor } from '../redact.js';
import { AnswerRecorder, assertRecordable, writeRecording } from '../responders/recorder.js';
import { InteractiveResponder } from '../responders/interactive.js';
import type { Responder } from '../responders/responder.js';
import type { LoadedScenario } from '../scenario/loader.js';
import { stepLabel } from '../scenario/steps/index.js';
import type { TranscriptEntry } from '../session/transcript.js';
import type { Target } from '../target/target.js';
import { shownPath } from './shown-path.js';
import { styleFor } from '../report/style.js';
import { LiveProgress } from './progress.js';
import { sanitizeForTerminal } from './sanitize.js';

export interface InteractiveFlags {
  interactive?: boolean;
  record?: string;
  samplingDefault?: string;
  color?: boolean;
}

/** CI=true (any value but false/0) means no person is there, whatever the terminal says. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** A person can be asked: keys come from a terminal, prompts can be drawn on one, and this is not CI. */
export function personAvailable(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY && !isCi();
}

/** `--interactive` where no person can answer is a usage error (exit 2), said before anything runs. */
export function assertPersonAvailable(flag = '--interactive'): void {
  if (isCi()) throw new UsageError(`${flag} cannot be used with CI=true: nobody is there to answer; script the answers (see --record)`);
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UsageError(`${flag} needs a terminal (stdin and stderr must be a TTY); script the answers instead, or record them once at a terminal with --interactive --record FILE`);
  }
}

export interface InteractiveSession {
  responder: InteractiveResponder;
  progress: LiveProgress;
  recorder?: AnswerRecorder;
  /** For RunOptions: the person answers after the scripted rules. */
  fallbackResponders: Responder[];
  /** Aborted when the person stops the run. */
  signal: AbortSignal;
  /** Feed a transcript entry; `where` names the scenario and step. */
  observe(scenarioId: string, where: string, entry: TranscriptEntry): void;
  /** Uninstall the Ctrl-C handler. */
  dispose(): void;
}

/** Who owns stopping the run: the run's signal, and how to stop it (second Ctrl-C at a prompt). */
export interface RunControl {
  signal?: AbortSignal;
  onStop?: () => void;
  /** Values the --record file must not hold besides the target's (the plan's secret variables, ${env.X}). */
  secrets?: readonly string[];
}

/** Creates the person's side of a run. Call only after assertPersonAvailable (or personAvailable()). */
export function startInteractive(flags: InteractiveFlags, target: Target, control: RunControl = {}): InteractiveSession {
  const progress = new LiveProgress(process.stderr);
  let where: string | undefined;
  const redactor = new Redactor(target.secrets, control.secrets ?? []);
  const responder = new InteractiveResponder({
    redact: (text) => redactor.text(text),
    display: progress,
    samplingDefault: flags.samplingDefault,
    context: () => where,
    style: styleFor(process.stderr, flags.color === false),
    signal: control.signal,
    onStop: control.onStop,
  });
  const recorder = flags.record ? new AnswerRecorder(redactor) : undefined;
  // When the run's owner handles SIGINT (signals.ts), it also stops the run between prompts.
  const uninstall = control.onStop ? () => {} : responder.handleSigint();
  let lastHeader: string | undefined;
  return {
    responder,
    progress,
    recorder,
    fallbackResponders: [responder],
    signal: responder.stopSignal,
    observe(scenarioId, label, entry) {
      where = label;
      recorder?.observe(scenarioId, entry);
      if ((entry.kind === 'progress' || entry.kind === 'log') && lastHeader !== label) {
        lastHeader = label;
        progress.line(`▶ ${label}`);
      }
      progress.handle(entry);
    },
    dispose: uninstall,
  };
}

/** "scenario-name · call plan_trip", sanitised (scenario files are trusted, tool names are not). */
export function whereInSuite(s: LoadedScenario, step: number): string {
  const st = s.scenario.steps[step];
  return sanitizeForTerminal(`${s.scenario.name}${st ? ` · ${stepLabel(st)}` : ''}`, { oneLine: true, maxChars: 120 });
}

/**
 * Everything a suite run needs from interactive mode, or undefined without `--interactive`.
 * `bases` are where the scenario files' shown paths are relative to (for --record).
 */
export async function interactiveSuite(flags: InteractiveFlags, target: Target, scenarios: LoadedScenario[], bases: string[], control: RunControl = {}) {
  if (flags.record && !flags.interactive) throw new UsageError('--record needs --interactive: it records what a person answers at the terminal');
  if (!flags.interactive) return undefined;
  assertPersonAvailable();
  const recordPath = flags.record ? await assertRecordable(flags.record, scenarios.flatMap((s) => bases.map((b) => path.resolve(b, s.file)))) : undefined;
  const session = startInteractive(flags, target, control);
  return {
    /** The person; an LLM's drafts go through its reviewDraft. */
    responder: session.responder,
    runOptions: {
      fallbackResponders: session.fallbackResponders,
      signal: control.signal ? AbortSignal.any([control.signal, session.signal]) : session.signal,
      onEntry: (s: LoadedScenario, e: TranscriptEntry) => session.observe(s.id, whereInSuite(s, e.step), e),
    },
    /** After the run: uninstall, and write the recording (also after an interrupted run). */
    async finish(interrupted: boolean): Promise<void> {
      session.dispose();
      session.progress.settle();
      if (!recordPath || !session.recorder) return;
      const header = [
        ` Recorded by mcp-verify --record on ${new Date().toISOString()} against ${target.url.toString()}.`,
        ` ${session.recorder.count} answer(s) given by a person are scripted below (times: 1 each, in the order given).`,
        ...(interrupted ? [' The run was interrupted: only the scenarios that started are here.'] : []),
        ` Replay without a person: mcp-verify ${target.kind === 'local' ? `local ${shownPath(recordPath)} --url ${target.url.toString()}` : `remote ${shownPath(recordPath)} ...`}`,
      ].join('\n');
      const { namesTakenBeside } = await import('../responders/recorder.js');
      await writeRecording(recordPath, await session.recorder.suiteFile(scenarios, bases, header, await namesTakenBeside(recordPath)));
      process.stderr.write(`mcp-verify: recorded ${session.recorder.count} answer(s) to ${shownPath(recordPath)}; replay it without --interactive\n`);
    },
  };
}
export { shownPath as shownPathOf } from './shown-path.js';

// What the protocol checks share while one suite runs: the Target, the tools the server lists, and the
// runs of the progress / elicitation / sampling tools (memoized, so two checks reading the same run do
// not call the tool twice). Every elicitation and sampling request seen is collected for the checks
// that judge "every schema seen" and "every sampling request".
import { setTimeout as sleep } from 'node:timers/promises';
import { Session, type SessionFacts } from '../session/session.js';
import type { ElicitationEntry, SamplingEntry, TranscriptEntry } from '../session/transcript.js';
import type { Target } from '../target/target.js';
import { ModernProbe } from './modern-probe.js';
import { PolicyResponder } from './policy-responder.js';
import { chooseTool, type ToolChoice, type ToolInfo, type ToolPurpose } from './tool-choice.js';

export interface ProtocolOptions {
  /** Per-request timeout. */
  timeoutMs?: number;
  progressTool?: string;
  elicitTool?: string;
  sampleTool?: string;
  /** The wire the suite speaks (src/era.ts); default legacy. */
  era?: 'legacy' | 'modern';
}

export interface ToolRun {
  choice: ToolChoice;
  facts: SessionFacts;
  sessionId: string | null;
  entries: TranscriptEntry[];
  ok: boolean;
  /** The tool answered with isError, or the request failed: the text says which. */
  error?: string;
  text: string;
  /** Progress notifications the client could not match to a pending request (late, or someone else's). */
  strayProgress: string[];
}

export const STATELESS_CALL_TIMEOUT_MS = 3000;

export class ProtocolContext {
  readonly timeoutMs: number;
  /** The era the checks run on: legacy (2025-11-25 sessions) or modern (2026-07-28 requests). */
  readonly era: 'legacy' | 'modern';
  /** The modern-era checks' shared state: discovery, tools, every result seen (modern-probe.ts). */
  readonly modern: ModernProbe;
  readonly elicitations: ElicitationEntry[] = [];
  readonly samplings: SamplingEntry[] = [];
  private toolList?: Promise<ToolInfo[]>;
  private runs = new Map<ToolPurpose, Promise<ToolRun | { skip: string }>>();

  constructor(
    readonly target: Target,
    readonly options: ProtocolOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.era = options.era ?? 'legacy';
    this.modern = new ModernProbe(target, this.timeoutMs, options);
  }

  async openSession(): Promise<Session> {
    return Session.open(this.target, { responder: new PolicyResponder(), timeoutMs: this.timeoutMs, clientName: 'mcp-verify-protocol', era: this.era });
  }

  tools(): Promise<ToolInfo[]> {
    this.toolList ??= (async () => {
      const session = await this.openSession();
      try {
        if (!session.facts.serverCapabilities.tools) return [];
        const r = await session.client.listTools(undefined, { timeout: this.timeoutMs });
        return r.tools as ToolInfo[];
      } finally {
        await session.close();
      }
    })();
    return this.toolList;
  }

  async choose(purpose: ToolPurpose): Promise<ToolChoice | { skip: string }> {
    const named = { progress: this.options.progressTool, elicit: this.options.elicitTool, sample: this.options.sampleTool }[purpose];
    return chooseTool(purpose, await this.tools(), named);
  }

  /** The chosen tool for this purpose, called once in its own session. */
  toolRun(purpose: ToolPurpose): Promise<ToolRun | { skip: string }> {
    let run = this.runs.get(purpose);
    if (!run) {
      run = (async () => {
        const choice = await this.choose(purpose);
        if ('skip' in choice) return choice;
        const session = await this.openSession();
        try {
          // Without a session a sampling answer cannot reach the waiting call, which then hangs until
          // the timeout: give up sooner, the evidence is in by then.
          const timeout = session.facts.idAtInitialize ? this.timeoutMs : Math.min(this.timeoutMs, STATELESS_CALL_TIMEOUT_MS);
          return await this.callOn(session, choice, timeout);
        } finally {
          await session.close();
        }
      })();
      this.runs.set(purpose, run);
    }
    return run;
  }

  /** Calls a tool with a progress token on an open session; records what the tool sent meanwhile. */
  async callOn(session: Session, choice: ToolChoice, timeoutMs = this.timeoutMs): Promise<ToolRun> {
    const stray: string[] = [];
    const previous = session.client.onerror;
    session.client.onerror = (e: Error) => {
      if (/progress notification for an unknown token/.test(e.message)) stray.push(e.message.replace(/^.*unknown token: /, ''));
      previous?.(e);
    };
    const t = session.transcript;
    const from = t.entries.length;
    // The call is this run's step: a stateless server's lost answer stops it at once (session/stateless.ts).
    // It is a step of its own (Session.inStep): what it records is its evidence.
    return session.inStep(async (step) => {
      const lost = session.stateless.signalFor(step);
      let ok = true;
      let error: string | undefined;
      let text = '';
      try {
        const r = (await session.client.callTool(
          { name: choice.name, arguments: choice.args },
          {
            timeout: timeoutMs,
            signal: lost,
            onprogress: (p: { progress: number; total?: number; message?: string }) => {
              const stream = session.streamOf('notifications/progress', undefined, p);
              t.add({ kind: 'progress', progress: p.progress, total: p.total, message: p.message, ...(stream ? { stream } : {}) });
            },
          },
        )) as { content?: { type: string; text?: string }[]; isError?: boolean };
        text = (r.content ?? []).map((c) => c.text ?? '').join('');
        if (r.isError) {
          ok = false;
          error = `the tool answered with an error: ${text.slice(0, 200)}`;
        }
        t.add({ kind: 'result', method: 'tools/call', ok });
      } catch (e) {
        ok = false;
        error = session.stateless.lossFor(step) ?? (e as Error).message;
        t.add({ kind: 'result', method: 'tools/call', ok: false });
      }
      // A late progress notification arrives after the result; give it a moment to show up (and GET-stream
      // traffic tied to the call, streams.ts).
      await sleep(100);
      await session.streams.settle();
      const entries = t.entries.slice(from);
      for (const e of entries) {
        if (e.kind === 'elicitation') this.elicitations.push(e);
        if (e.kind === 'sampling') this.samplings.push(e);
      }
      return { choice, facts: session.facts, sessionId: session.sessionId ?? null, entries, ok, ...(error ? { error } : {}), text, strayProgress: stray };
    });
  }
}

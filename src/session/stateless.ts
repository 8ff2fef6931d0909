// The stateless pitfall, caught as it happens. A server that issued no Mcp-Session-Id at initialize
// serves every POST with a fresh instance: when it sends a server→client request (elicitation,
// sampling) on a call's stream, the client's answer is a new POST that reaches an instance that never
// asked, so the call can never complete. Waiting for the step timeout proves nothing more (FastMCP
// stateless took 181 s for the bundled suite that way): once the answer has been POSTed, the running
// step is stopped at once and fails with what happened (request arrived, answer sent, lost).
import type { SessionFacts } from './session.js';
import type { StreamKind } from './streams.js';
import type { TranscriptEntry } from './transcript.js';

export const STATELESS_FIX =
  'run the server stateful: FastMCP `mcp.run(transport="streamable-http", stateless_http=False)` (the default); TypeScript SDK `sessionIdGenerator: () => randomUUID()` with one transport kept per session';

export class StatelessLoss {
  private pending?: { step: number; method: string; stream?: StreamKind };
  private readonly controllers = new Map<number, AbortController>();
  private readonly losses = new Map<number, string>();

  /** The signal the step's request runs with: aborted when its answer is known to be lost. */
  signalFor(step: number): AbortSignal {
    const c = new AbortController();
    this.controllers.set(step, c);
    return c.signal;
  }

  /** A server request was answered; on a stateless session that answer is lost. */
  answered(facts: SessionFacts | undefined, method: string, stream: StreamKind | undefined, step: number): void {
    if (!facts || facts.idAtInitialize || facts.era === 'modern' || step < 0) return;
    this.pending ??= { step, method, stream };
  }

  /** Transcript listener: the POST carrying the answer has been answered by the server. */
  observe(e: TranscriptEntry): void {
    const p = this.pending;
    if (!p || e.kind !== 'http' || e.method !== 'POST' || !e.rpc.includes('response')) return;
    this.pending = undefined;
    const where = p.stream === 'get' ? 'the standalone GET stream' : "the call's response stream";
    const message =
      `stateless server: ${p.method} arrived on ${where} and was answered (POST → ${e.status ?? 'no response'}), ` +
      `but the server issued no Mcp-Session-Id at initialize, so the answer went to a fresh server instance that never asked and was lost; ` +
      `the call could never complete, so the step was stopped at once instead of waiting for its timeout`;
    this.losses.set(p.step, message);
    this.controllers.get(p.step)?.abort(new Error(message));
  }

  /** Why the step was stopped, if its answer was lost. */
  lossFor(step: number): string | undefined {
    return this.losses.get(step);
  }
}

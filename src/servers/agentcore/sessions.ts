// The emulator's session table: AgentCore mints the client-facing Mcp-Session-Id (a UUID) and maps
// it to the MCP server's own id, as the real platform does (hex ids locally, UUIDs remotely).
// A session ends after an idle period with no request in flight or after its maximum lifetime;
// afterwards its id answers 404, like a stopped microVM whose stateful server lost the session.

import { randomUUID } from 'node:crypto';

export interface EmulatedSession {
  /** The id the client sees (UUID). */
  clientId: string;
  /** The upstream MCP server's own id, if it sent one. */
  upstreamId: string | undefined;
  runtimeArn: string;
  /** The endpoint qualifier it was minted on (DEFAULT, a version, …). */
  qualifier: string;
  createdAt: number;
  lastActivity: number;
  /** Requests on this session whose response is still streaming; an open stream is not idle. */
  inFlight: number;
}

export interface SessionTableOptions {
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  /** Called once per session that ended by timeout (e.g. to DELETE it upstream, to log). */
  onExpire?: (session: EmulatedSession, why: 'idle' | 'lifetime') => void;
  now?: () => number;
}

export class SessionTable {
  private readonly sessions = new Map<string, EmulatedSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SessionTableOptions) {
    // Sweeping only frees memory and tells the upstream; lookups check expiry themselves, so the
    // interval can be coarse. unref: the table never keeps the process alive.
    const every = Math.max(50, Math.min(5_000, options.idleTimeoutMs / 2));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Mint a client-facing id; the session exists once `register` is called with the upstream's answer. */
  mintId(): string {
    return randomUUID();
  }

  register(clientId: string, upstreamId: string | undefined, runtimeArn: string, qualifier = 'DEFAULT'): EmulatedSession {
    const t = this.now();
    const session: EmulatedSession = { clientId, upstreamId, runtimeArn, qualifier, createdAt: t, lastActivity: t, inFlight: 0 };
    this.sessions.set(clientId, session);
    return session;
  }

  private expiredWhy(s: EmulatedSession, t: number): 'idle' | 'lifetime' | undefined {
    if (t - s.createdAt >= this.options.maxLifetimeMs) return 'lifetime';
    if (s.inFlight === 0 && t - s.lastActivity >= this.options.idleTimeoutMs) return 'idle';
    return undefined;
  }

  /** The live session for a client id, or undefined (unknown, ended, or timed out just now). */
  get(clientId: string): EmulatedSession | undefined {
    const s = this.sessions.get(clientId);
    if (!s) return undefined;
    const why = this.expiredWhy(s, this.now());
    if (why) {
      this.end(clientId, why);
      return undefined;
    }
    return s;
  }

  /** Mark a request on the session as started; returns the function that marks it finished. */
  begin(s: EmulatedSession): () => void {
    s.inFlight++;
    s.lastActivity = this.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      s.inFlight--;
      s.lastActivity = this.now();
    };
  }

  /** End a session now (stopruntimesession, DELETE, a test simulating a stopped microVM). */
  end(clientId: string, why?: 'idle' | 'lifetime'): EmulatedSession | undefined {
    const s = this.sessions.get(clientId);
    if (!s) return undefined;
    this.sessions.delete(clientId);
    if (why) this.options.onExpire?.(s, why);
    return s;
  }

  get size(): number {
    return this.sessions.size;
  }

  ids(): string[] {
    return [...this.sessions.keys()];
  }

  sweep(): void {
    const t = this.now();
    for (const s of [...this.sessions.values()]) {
      const why = this.expiredWhy(s, t);
      if (why) this.end(s.clientId, why);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sessions.clear();
  }
}

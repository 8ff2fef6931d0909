// A Session is one MCP session on a Target: the SDK v2 client over streamable HTTP, client capabilities
// declared, responders registered, and every exchange recorded in a Transcript.
import { applyMiddlewares, Client, SdkError, SdkErrorCode, SdkHttpError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ConnectError, networkErrorText } from '../errors.js';
import type { Responder, SamplingRequest } from '../responders/responder.js';
import { AnswerFailure, flatSchemaProblem, scriptHintForElicitation, scriptHintForSampling } from '../responders/responder.js';
import type { Target } from '../target/target.js';
import { Transcript, type TranscriptEntry } from './transcript.js';
import type { StepTally } from './step-tally.js';
import { sessionIdFormat, type SessionIdFormat } from './session-id.js';
import { withWireChecks } from './resilience.js';
import { withRetry } from './retry.js';
import { withTranscript } from './recording.js';
import { withDiversion } from './divert.js';
import { WireCapture } from './wire-capture.js';
import { StreamTracker, type StreamKind } from './streams.js';
import { StatelessLoss } from './stateless.js';
import { RoundWire, driveRounds, type MrtrMethod } from './rounds.js';
import { clientEraOptions, eraConnectFailure } from './era-client.js';
import type { RunEra } from '../era.js';
import { boundSessionFetch } from '../safety/session-fetch.js';

import type { Step } from '../scenario/schema.js';
import { runStep, type StepOutcome } from '../scenario/steps/index.js';

/** What mcp-verify declares at initialize; the runner SKIPs steps that need a client capability not in it. */
export const CLIENT_CAPABILITIES: Record<string, unknown> = { elicitation: { form: {}, url: {} }, sampling: {}, roots: { listChanged: true } };

/** Client capabilities a run may leave undeclared (`--no-elicitation`, `--no-sampling`, `--no-roots`). */
export type WithheldCapability = 'elicitation' | 'sampling' | 'roots';

/** A root mcp-verify offers the server (roots/list). */
export interface ClientRoot {
  uri: string;
  name?: string;
}

/** `within:` after a step's result: wait at most `ms` until `done` (read from the step's tally) holds. */
export interface WithinWindow {
  ms: number;
  done: (tally: StepTally) => boolean;
}

export interface SessionOptions {
  /** Answers server→client requests; replaced per step by the runner (step rules, then scenario rules…). */
  responder: Responder;
  /** Default request timeout. */
  timeoutMs?: number;
  /** Called for every transcript entry as it is recorded (live progress, verbose output). */
  onEntry?: (entry: TranscriptEntry) => void;
  /** Transcript bound. */
  transcriptLimit?: number;
  clientName?: string;
  /** Response size cap in bytes (hostile-server defence); see resilience.ts. */
  maxResponseBytes?: number;
  /** Client capabilities not to declare, to test how the server treats clients without them. */
  withhold?: WithheldCapability[];
  /** Cancels the connect (initialize) itself: a signal must not wait out a hung initialize. */
  signal?: AbortSignal;
  /** The roots offered at roots/list (the scenario's `roots:`; none by default). */
  roots?: ClientRoot[];
  /** Keep every HTTP exchange with its bodies and streams (HTML report, HAR trace); see wire-capture.ts. */
  captureWire?: boolean;
  /** The protocol era to speak (src/era.ts); default legacy. */
  era?: RunEra;
}

/** Thrown by Session.open when its signal ended the connect: an interruption, not a connect failure. */
export class ConnectInterrupted extends Error {
  constructor(reason?: unknown) {
    super(`interrupted while connecting${reason instanceof Error ? ` (${reason.message})` : ''}`);
  }
}

export interface SessionFacts {
  /** The Mcp-Session-Id the server issued on the initialize response, if any. */
  idAtInitialize: string | null;
  idFormat: SessionIdFormat;
  protocolVersion: string | null;
  era: 'legacy' | 'modern';
  serverName: string | null;
  serverVersion: string | null;
  serverCapabilities: Record<string, unknown>;
  /** What mcp-verify declared as the client. */
  clientCapabilities: Record<string, unknown>;
}

export class Session {
  readonly transcript: Transcript;
  /** Who answers server requests now: the one given at open, or the running step's (see run). */
  private responder: Responder;
  private readonly baseResponder: Responder;
  /** Steps run so far: the next step's number unless run() is told it. */
  private steps = 0;
  /** The step now running, -1 between steps: set only by inStep; the transcript and the wire capture read it. */
  private running = -1;
  /** Unanswered server requests, for the step that was running: each is a failure reason. */
  private readonly unansweredList: { step: number; reason: string }[] = [];
  /** Wire problems (second response for an id, answer for an unknown id…), for the step that was running. */
  private faultList: { step: number; reason: string }[] = [];
  facts!: SessionFacts;
  /** The raw exchanges, when the run asked for them (captureWire). */
  wire?: WireCapture;
  /** Which stream each server→client message came on; the standalone GET stream's state. */
  readonly streams: StreamTracker;
  /** A stateless server's lost answers: the running step is stopped at once (stateless.ts). */
  readonly stateless = new StatelessLoss();
  /** Every JSON-RPC request and its answer as they went over the wire, on a session that may speak 2026-07-28 (rounds.ts). */
  rounds = new RoundWire(() => -1);
  private closed = false;
  /** The roots answered to roots/list; a notifyRootsChanged step replaces them. */
  roots: ClientRoot[] = [];

  private constructor(
    readonly target: Target,
    readonly client: Client,
    readonly transport: StreamableHTTPClientTransport,
    transcript: Transcript,
    responder: Responder,
    streams: StreamTracker,
  ) {
    this.transcript = transcript;
    this.responder = responder;
    this.streams = streams;
    this.baseResponder = responder;
  }

  /** Wire problems while no step ran (the GET stream cut at the cap while the session opened or idled). */
  get faultsOutsideSteps(): string[] {
    return this.faultList.filter((f) => f.step === -1).map((f) => f.reason);
  }

  /** Every unanswered server request so far (e.g. for \`call\`'s summary). */
  get unanswered(): readonly { step: number; reason: string }[] {
    return this.unansweredList;
  }

  /**
   * Runs one step: its entries, unanswered requests and faults are its own. \`responder\` answers its
   * server requests (default: the session's); the next step number is the session's own counter unless
   * \`index\` names it (a retried step keeps its index).
   */
  async run(
    step: Step,
    opts: { signal?: AbortSignal; responder?: Responder; timeoutMs: number; index?: number; within?: WithinWindow; prepare?: (tally: StepTally) => void },
  ): Promise<{ outcome: StepOutcome; entries: TranscriptEntry[]; tally: StepTally; unanswered: string[]; faults: string[] }> {
    return this.inStep(async (index) => {
      opts.prepare?.(this.transcript.tallies.open(index));
      const outcome = await runStep(this, step, opts.timeoutMs, opts.signal);
      // GET-stream traffic the server wrote just before the result may still be in flight: let it land
      // in this step (streams.ts, SETTLE_QUIET_MS).
      await this.streams.settle(opts.signal);
      // A `within:` window: what the step expects may still come after the result.
      if (opts.within && !outcome.error) await this.within(index, opts.within, opts.signal);
      // The wire record of every answer read (rounds.ts), for the step's modern checks.
      await this.rounds.settled();
      return {
        outcome,
        entries: this.transcript.forStep(index),
        tally: this.transcript.tallies.forStep(index),
        unanswered: this.unansweredList.filter((u) => u.step === index).map((u) => u.reason),
        faults: this.faultList.filter((f) => f.step === index).map((f) => f.reason),
      };
    }, opts.index, opts.responder);
  }

  /**
   * Runs `fn` as a step: everything recorded meanwhile (entries, unanswered requests, faults) is that
   * step's, and `responder` (default: the session's) answers its server requests. The step's number is
   * the session's next unless `index` names it (a retried step keeps its index).
   */
  async inStep<T>(fn: (index: number) => Promise<T>, index = this.steps, responder?: Responder): Promise<T> {
    this.steps = Math.max(this.steps, index + 1);
    this.running = index;
    this.responder = responder ?? this.baseResponder;
    try {
      return await fn(index);
    } finally {
      this.running = -1;
      this.responder = this.baseResponder;
    }
  }

  /**
   * The step's `within:` window: what the server sends after the result (notifications on the GET
   * stream, logs) still belongs to the step until `done` says, from the step's running tally, that every
   * expectation is met, or the window ends. An expectation of silence waits out the whole window.
   */
  private async within(index: number, w: WithinWindow, signal?: AbortSignal): Promise<void> {
    const tally = this.transcript.tallies.forStep(index);
    if (w.done(tally) || signal?.aborted) return;
    const t = this.transcript;
    await new Promise<void>((resolve) => {
      const previous = t.onEntry;
      const finish = () => {
        clearTimeout(timer);
        t.onEntry = previous;
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, w.ms);
      signal?.addEventListener('abort', finish, { once: true });
      t.onEntry = (e) => {
        previous?.(e);
        if (e.step === index && w.done(t.tallies.forStep(index))) finish();
      };
    });
  }

  /** The tools a `list: tools` step of this session saw, by name (no hidden requests: the trace shows only what the scenario asked). */
  readonly listedTools = new Map<string, Record<string, unknown>>();

  /** Marks what follows (re-initialization notes) as part of a step's evidence. */
  noteForStep(index: number, text: string): void {
    this.transcript.note(text, index);
  }

  static async open(target: Target, opts: SessionOptions): Promise<Session> {
    let session: Session | undefined;
    const transcript = new Transcript(opts.transcriptLimit, () => session?.running ?? -1);
    const clientCapabilities = Object.fromEntries(Object.entries(CLIENT_CAPABILITIES).filter(([k]) => !opts.withhold?.includes(k as WithheldCapability)));
    transcript.onEntry = (e) => {
      session?.stateless.observe(e);
      opts.onEntry?.(e);
    };
    const faults: { step: number; reason: string }[] = [];
    const wire = opts.captureWire ? new WireCapture(() => performance.now() - transcript.started, () => transcript.currentStep) : undefined;
    const era = opts.era ?? 'legacy';
    const rounds = new RoundWire(() => transcript.currentStep);
    const streams = new StreamTracker((text) => transcript.note(text));
    // The wire is the SDK's fetch middleware, innermost first: the wire capture right above the HTTP
    // client (it records what really went out), on a session that may speak 2026-07-28 the record of every
    // JSON-RPC request and its answer (rounds.ts), the target's credentials (signature, token, headers),
    // the transcript (every attempt as sent), retries, the wire checks (size cap, broken answers), stream
    // attribution (it sees exactly what the SDK reads), and what the SDK would refuse unheard (divert.ts).
    // Outermost, what a session may hold at once (a signal per request, a bounded number of answers in
    // flight: safety/session-fetch.ts).
    const fetch = boundSessionFetch(applyMiddlewares(
      ...(wire ? [wire.middleware()] : []),
      ...(era === 'legacy' ? [] : [rounds.middleware()]),
      target.auth,
      withTranscript(transcript),
      withRetry({ note: (text) => transcript.note(text) }),
      withWireChecks({
        maxResponseBytes: opts.maxResponseBytes,
        note: (text) => transcript.note(text),
        fault: (reason) => faults.push({ step: transcript.currentStep, reason }),
      }),
      streams.middleware(),
      withDiversion((message) => session?.claim(message) ?? false),
    )(target.http), opts.signal);
    const transport = new StreamableHTTPClientTransport(target.url, {
      fetch,
      // A test harness must see the server's own failures, not a reconnect loop that hides them: the
      // only reconnects are a bounded resume with Last-Event-ID of a stream whose server gave event ids
      // (the SDK reconnects only then), each one a transcript note.
      reconnectionOptions: { maxRetries: 2, initialReconnectionDelay: 250, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2 },
    });
    const client = new Client(
      { name: opts.clientName ?? 'mcp-verify', version: '0.1.0' },
      // SDK v2 has no client-wide request timeout: every request passes its own `timeout` (steps, listings).
      { capabilities: clientCapabilities, ...clientEraOptions(era) },
    );
    session = new Session(target, client, transport, transcript, opts.responder, streams);
    session.rounds = rounds;
    session.faultList = faults;
    session.roots = [...(opts.roots ?? [])];
    if (wire) session.wire = wire;
    session.registerHandlers(clientCapabilities);
    try {
      if (opts.signal?.aborted) throw opts.signal.reason;
      await client.connect(transport, { timeout: opts.timeoutMs ?? 30_000, ...(opts.signal ? { signal: opts.signal } : {}) });
      // Streams are facts, not races: the standalone GET stream is open (or refused) before any step.
      await streams.ready();
    } catch (e) {
      await transport.close().catch(() => {});
      if (opts.signal?.aborted) throw new ConnectInterrupted(opts.signal.reason);
      throw eraConnectFailure(target, era, e) ?? connectFailure(target, e);
    }
    const init = transcript.entries.find((x) => x.kind === 'http' && x.rpc.includes('initialize'));
    const idAtInitialize = init && init.kind === 'http' ? init.sessionIdReceived : null;
    const server = client.getServerVersion();
    session.facts = {
      idAtInitialize,
      idFormat: sessionIdFormat(idAtInitialize),
      protocolVersion: client.getNegotiatedProtocolVersion() ?? null,
      era: client.getProtocolEra?.() === 'modern' ? 'modern' : 'legacy',
      serverName: server?.name ?? null,
      serverVersion: server?.version ?? null,
      serverCapabilities: (client.getServerCapabilities() ?? {}) as Record<string, unknown>,
      clientCapabilities,
    };
    return session;
  }

  get sessionId(): string | undefined {
    return this.transport.sessionId;
  }

  private answerElicitation?: (request: { params?: unknown }, ctx?: { mcpReq?: { id?: string | number } }) => Promise<unknown>;
  private answerSampling?: (request: { params?: unknown }, ctx?: unknown) => Promise<unknown>;

  /**
   * Sends a request that may take several rounds: on the 2026-07-28 wire every `input_required` answer is
   * answered and retried by the harness itself (rounds.ts), each leg sent with `allowInputRequired`; on the
   * legacy wire it is one request, its server->client requests answered by the handlers.
   */
  request(method: MrtrMethod, params: Record<string, unknown>, send: (params: Record<string, unknown>, modern: { allowInputRequired?: true; cacheMode?: 'bypass' }) => Promise<unknown>, signal?: AbortSignal): Promise<unknown> {
    if (this.facts.era !== 'modern') return send(params, {});
    return driveRounds(this, method, params, (p) => send(p, { allowInputRequired: true, cacheMode: 'bypass' }), signal);
  }

  /**
   * An embedded request of an `input_required` result (2026-07-28), answered by the same code that answers
   * the server->client request of the legacy wire: the same responders, the same transcript entries.
   */
  answerInputRequest(key: string, request: { method?: string; params?: Record<string, unknown> }): Promise<unknown> {
    const capability = request.method === 'elicitation/create' ? 'elicitation' : request.method === 'sampling/createMessage' ? 'sampling' : request.method === 'roots/list' ? 'roots' : undefined;
    if (!capability) return Promise.reject(new Error(`the server's input request "${key}" is ${JSON.stringify(request.method)}, which 2026-07-28 does not define (elicitation/create, sampling/createMessage, roots/list)`));
    if (!this.facts.clientCapabilities[capability]) {
      const reason = `the server asked for ${request.method} (input request "${key}") though the client did not declare the ${capability} capability on the request; a 2026-07-28 server must not`;
      this.unansweredList.push({ step: this.transcript.currentStep, reason });
      return Promise.reject(new Error(reason));
    }
    const answer = capability === 'elicitation' ? this.answerElicitation : this.answerSampling;
    return answer!({ params: request.params ?? {} });
  }

  /**
   * The SDK answers a form elicitation whose schema is not a flat object of primitives with -32602
   * before any handler runs, so the step would never hear of it. The hostile-server rule is to report
   * it and answer decline unless scripted: such a request is taken off the stream (divert.ts) and
   * answered by our own handler. Everything else goes to the SDK untouched.
   */
  private claim(message: unknown): boolean {
    const m = message as { method?: string; id?: string | number; params?: Record<string, unknown> } | null;
    const answer = this.answerElicitation;
    if (!answer || m?.method !== 'elicitation/create' || m.id === undefined || m.params?.mode === 'url' || !flatSchemaProblem(m.params?.requestedSchema as never)) return false;
    const id = m.id;
    answer({ params: m.params }, { mcpReq: { id } })
      .then(
        (result) => this.transport.send({ jsonrpc: '2.0', id, result } as never),
        (e) => this.transport.send({ jsonrpc: '2.0', id, error: { code: -32603, message: String((e as Error)?.message ?? e) } } as never),
      )
      .catch(() => {});
    return true;
  }

  /** The SDK refuses a handler for an undeclared capability; an undeclared one answers "method not found". */
  private registerHandlers(declared: Record<string, unknown>): void {
    const { client, transcript } = this;
    const answerElicitation = async (request: { params?: unknown }, ctx?: { mcpReq?: { id?: string | number } }) => {
      const p = (request.params ?? {}) as Record<string, unknown>;
      const stream = this.streamOf('elicitation/create', ctx?.mcpReq?.id, p);
      const mode: 'form' | 'url' = p.mode === 'url' ? 'url' : 'form';
      const req = {
        mode,
        message: String(p.message ?? ''),
        requestedSchema: p.requestedSchema as never,
        url: typeof p.url === 'string' ? p.url : undefined,
        elicitationId: typeof p.elicitationId === 'string' ? p.elicitationId : undefined,
      } as const;
      const base = { kind: 'elicitation' as const, mode, message: req.message, requestedSchema: req.requestedSchema, url: req.url, elicitationId: req.elicitationId, ...(stream ? { stream } : {}) };
      const reply = await this.responder.elicit(req);
      if (reply) {
        transcript.add({ ...base, answeredBy: reply.answeredBy, action: reply.action, content: reply.content, note: reply.note });
        if (reply.problem) this.unansweredList.push({ step: transcript.currentStep, reason: reply.problem });
        this.stateless.answered(this.facts, 'elicitation/create', stream, transcript.currentStep);
        return reply.action === 'accept' ? { action: 'accept', content: (reply.content ?? {}) as never } : { action: reply.action };
      }
      // Nobody may answer: never accept silently. A malformed schema is declined (hostile-server rule),
      // anything else cancelled, and the step fails naming the request and how to script it.
      const problem = mode === 'form' ? flatSchemaProblem(req.requestedSchema) : undefined;
      const action = problem ? 'decline' : 'cancel';
      const note = problem ? `schema is not a flat object of primitives (${problem}); declined` : scriptHintForElicitation(req);
      transcript.add({ ...base, answeredBy: 'unanswered', action, note });
      this.unansweredList.push({
        step: transcript.currentStep,
        reason: `unanswered elicitation ${JSON.stringify(req.message)}${mode === 'url' ? ` (url ${req.url})` : ''}: no scripted answer matched and no person may answer (answered ${action}; --interactive asks at a terminal); ${note}`,
      });
      return { action };
    };
    if (declared.elicitation) {
      this.answerElicitation = answerElicitation;
      client.setRequestHandler('elicitation/create', answerElicitation as never);
    }

    const answerSampling = async (request: { params?: unknown }, ctx?: unknown) => {
      const p = request.params as Record<string, unknown>;
      const stream = this.streamOf('sampling/createMessage', (ctx as { mcpReq?: { id?: string | number } })?.mcpReq?.id, p);
      const messages = ((p.messages as { role: string; content: unknown }[]) ?? []).map((m) => ({ role: m.role, text: contentText(m.content) }));
      const req: SamplingRequest = {
        messages,
        systemPrompt: typeof p.systemPrompt === 'string' ? p.systemPrompt : undefined,
        maxTokens: typeof p.maxTokens === 'number' ? p.maxTokens : undefined,
        modelHints: ((p.modelPreferences as { hints?: { name?: string }[] })?.hints ?? []).map((h) => h.name ?? '').filter(Boolean),
        text: [typeof p.systemPrompt === 'string' ? p.systemPrompt : '', ...messages.map((m) => m.text)].filter(Boolean).join('\n'),
        params: p,
      };
      const base = { kind: 'sampling' as const, maxTokens: req.maxTokens, systemPrompt: req.systemPrompt, text: messages.map((m) => m.text).join('\n'), ...(stream ? { stream } : {}) };
      let reply: Awaited<ReturnType<Responder['sample']>>;
      try {
        reply = await this.responder.sample(req);
      } catch (e) {
        if (e instanceof AnswerFailure) {
          // An LLM could not answer (refused, timed out, junk, budget spent): the server gets an error
          // and the step fails saying why.
          transcript.add({ ...base, answeredBy: e.answeredBy, note: `failed: ${e.message}`, ...(e.usage ? { usage: e.usage } : {}) });
          this.unansweredList.push({ step: transcript.currentStep, reason: e.message });
          throw new Error(`mcp-verify: ${e.message}`);
        }
        // A person refused (Ctrl-C): the request still happened, so it counts and shows in the transcript.
        transcript.add({ ...base, answeredBy: 'person', note: `refused: ${(e as Error).message}` });
        throw e;
      }
      if (!reply) {
        const note = scriptHintForSampling(req);
        transcript.add({ ...base, answeredBy: 'unanswered', note });
        this.unansweredList.push({
          step: transcript.currentStep,
          reason: `unanswered sampling request ${JSON.stringify(req.text.slice(0, 200))}: no scripted answer matched and no person may answer (--interactive asks at a terminal); ${note}`,
        });
        throw new Error('mcp-verify: no scripted sampling answer matched this request');
      }
      transcript.add({
        ...base,
        answeredBy: reply.answeredBy,
        reply: reply.text,
        model: reply.model,
        stopReason: reply.stopReason,
        ...(reply.provider ? { provider: reply.provider } : {}),
        ...(reply.usage ? { usage: reply.usage } : {}),
        ...(reply.note ? { note: reply.note } : {}),
      });
      this.stateless.answered(this.facts, 'sampling/createMessage', stream, transcript.currentStep);
      return { role: 'assistant', content: { type: 'text', text: reply.text }, model: reply.model, stopReason: reply.stopReason } as never;
    };
    this.answerSampling = answerSampling;
    if (declared.sampling) client.setRequestHandler('sampling/createMessage', answerSampling as never);

    if (declared.roots) client.setRequestHandler('roots/list', async (_req, ctx) => {
      const stream = this.streamOf('roots/list', (ctx as { mcpReq?: { id?: string | number } })?.mcpReq?.id);
      const roots = this.roots.map((r) => ({ uri: r.uri, ...(r.name !== undefined ? { name: r.name } : {}) }));
      transcript.add({ kind: 'request', method: 'roots/list', answer: `${roots.length} root(s)${roots.length ? `: ${roots.map((r) => r.uri).join(', ')}` : ''}`, ...(stream ? { stream } : {}) });
      return { roots };
    });

    // Every other notification (resources/updated, list_changed, …) is evidence for expect.notifications.
    client.fallbackNotificationHandler = async (n) => {
      const stream = this.streamOf(n.method, undefined, n.params);
      transcript.add({ kind: 'notification', method: n.method, ...(n.params !== undefined ? { params: n.params } : {}), ...(stream ? { stream } : {}) });
    };

    client.setNotificationHandler('notifications/message', (n) => {
      const p = n.params as { level: string; logger?: string; data: unknown };
      const stream = this.streamOf('notifications/message', undefined, n.params);
      transcript.add({ kind: 'log', level: p.level, logger: p.logger, data: p.data, ...(stream ? { stream } : {}) });
    });
  }

  /** The stream a server→client message came on (by its request id, else by method and params). */
  streamOf(method: string, id: string | number | undefined, params?: unknown): StreamKind | undefined {
    return this.streams.originOf(method, id !== undefined ? { id } : { params });
  }

  /** Ends the session: DELETE with the id. 405 is "not supported by the endpoint", not a failure. */
  async close(): Promise<{ deleteStatus: number | null }> {
    if (this.closed) return { deleteStatus: null };
    this.closed = true;
    let deleteStatus: number | null = null;
    if (this.transport.sessionId) {
      try {
        await this.transport.terminateSession();
      } catch {
        /* recorded by the fetch wrapper */
      }
      const del = [...this.transcript.entries].reverse().find((e) => e.kind === 'http' && e.method === 'DELETE');
      deleteStatus = del && del.kind === 'http' ? del.status : null;
      if (deleteStatus === 405) this.transcript.note('DELETE answered 405: ending a session is not supported by the endpoint');
    }
    await this.client.close().catch(() => {});
    return { deleteStatus };
  }
}

function contentText(content: unknown): string {
  const blocks = Array.isArray(content) ? content : [content];
  return blocks
    .map((b) => (b && typeof b === 'object' && (b as { type?: string }).type === 'text' ? String((b as { text: unknown }).text) : ''))
    .join('');
}

/** A failed initialize, in one line a person can act on (exit 3). */
function connectFailure(target: Target, e: unknown): ConnectError {
  const text = networkErrorText(e);
  const url = target.url.toString();
  if (text === 'connection refused') {
    const hint = target.kind === 'local' ? ' Start the reference server with `mcp-verify example-server`, or pass --url.' : '';
    return new ConnectError(`cannot connect to ${url}: connection refused.${hint}`);
  }
  // The SDK's typed HTTP error carries the status (401/403 have their own codes too).
  const status = e instanceof SdkHttpError ? e.status : e instanceof SdkError && e.code === SdkErrorCode.ClientHttpAuthentication ? 401 : e instanceof SdkError && e.code === SdkErrorCode.ClientHttpForbidden ? 403 : (e as { status?: number })?.status;
  if (status === 401 || status === 403) {
    return new ConnectError(`${url} refused authentication (HTTP ${status}) during initialize: ${oneLine(text)}`);
  }
  return new ConnectError(`cannot open an MCP session at ${url}: ${oneLine(text)}`);
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}

// A small HTTP fault proxy over real sockets, between the CLI and a real server (the reference server
// or the AgentCore emulator). Each test gives it rules: "the Nth request whose JSON-RPC method is X
// (and whose body contains Y) gets fault F"; everything else is forwarded untouched. It keeps a log of
// what it saw, including the client's answers to server→client requests it injected.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Drop the connection before any response (the client sees a reset). */
  | { kind: 'reset-before-response' }
  /** Send the status line, headers and a partial SSE event, then reset the connection. */
  | { kind: 'reset-mid-response' }
  /** Forward the SSE stream but end it cleanly just before the event carrying the result. */
  | { kind: 'cut-sse-before-result' }
  /** Like cut-sse-before-result, but with event ids; a GET with Last-Event-ID gets the withheld result. */
  | { kind: 'resumable-cut' }
  /** Hold the request this long before forwarding it. */
  | { kind: 'delay'; ms: number }
  /** Answer this status without forwarding. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; contentType?: string }
  | { kind: 'truncated-json' }
  | { kind: 'invalid-json' }
  /** text/event-stream whose framing is broken (lines without a field, data that is not JSON). */
  | { kind: 'invalid-sse' }
  /** Forward, but the result carries another id. */
  | { kind: 'wrong-id' }
  /** Forward, and send the result event twice. */
  | { kind: 'duplicate-response' }
  /** Forward, then kill the upstream server while the call runs (the test supplies how). */
  | { kind: 'kill-server' }
  /** A valid SSE result whose text is this many bytes. */
  | { kind: 'large-response'; bytes: number }
  /** Server→client messages put on the call's SSE stream before the result; the result waits for the client's answers. */
  | { kind: 'inject'; messages: Record<string, unknown>[] }
  /** Exactly this body and content type, status 200 (fuzzing the input path). */
  | { kind: 'raw'; contentType: string; body: string | Uint8Array };

export interface FaultRule {
  /** JSON-RPC method of the request body (e.g. "tools/call", "initialize"). */
  rpc?: string;
  /** HTTP method (default: any). */
  httpMethod?: string;
  /** The request body contains this text. */
  bodyIncludes?: string;
  /** Apply from the Nth matching request (1-based, default 1)… */
  occurrence?: number;
  /** …this many times (default 1; Infinity for every one). */
  times?: number;
  fault: Fault;
}

export interface ProxyLogEntry {
  httpMethod: string;
  rpc: string | null;
  body: string;
  fault?: Fault['kind'];
}

export interface FaultProxy {
  url: string;
  log: ProxyLogEntry[];
  /** Faults applied so far. */
  readonly injected: number;
  setRules(rules: FaultRule[]): void;
  /** Answers the client posted to injected server→client requests, by id. */
  replies: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamUrl: string, opts: { kill?: () => Promise<void> } = {}): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  let rules: { rule: FaultRule; seen: number; applied: number }[] = [];
  const log: ProxyLogEntry[] = [];
  const replies = new Map<string, Record<string, unknown>>();
  const pendingInjected = new Set<string>();
  const waiters = new Map<string, () => void>();
  const withheld = new Map<string, string>();
  let eventCounter = 0;
  const state = { injected: 0 };

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const rpc = rpcMethod(body);
    const entry: ProxyLogEntry = { httpMethod: req.method ?? 'GET', rpc, body };
    log.push(entry);

    // The client's answer to a request we injected: keep it; the real server never sent that request.
    const answer = parseJson(body) as Record<string, unknown> | undefined;
    if (answer && typeof answer === 'object' && !('method' in answer) && 'id' in answer && pendingInjected.has(String(answer.id))) {
      pendingInjected.delete(String(answer.id));
      replies.set(String(answer.id), answer);
      waiters.get(String(answer.id))?.();
      res.writeHead(202).end();
      return;
    }
    // Resumption of a stream we cut: replay the withheld result.
    const lastEventId = req.headers['last-event-id'];
    if (req.method === 'GET' && typeof lastEventId === 'string' && withheld.has(lastEventId)) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(`id: ev-${++eventCounter}\nevent: message\ndata: ${withheld.get(lastEventId)}\n\n`);
      withheld.delete(lastEventId);
      return;
    }

    const fault = pickFault(req.method ?? 'GET', rpc, body);
    if (fault) {
      entry.fault = fault.kind;
      state.injected++;
    }
    const id = (parseJson(body) as { id?: unknown } | undefined)?.id;
    try {
      switch (fault?.kind) {
        case 'reset-before-response':
          req.socket.resetAndDestroy();
          return;
        case 'status':
          res.writeHead(fault.status, {
            'content-type': fault.contentType ?? 'text/plain',
            ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
          });
          res.end(fault.body ?? `fault proxy: HTTP ${fault.status}`);
          return;
        case 'truncated-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"contents":[{"uri":"travel://`);
          return;
        case 'invalid-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('<html>502 upstream gone</html>');
          return;
        case 'invalid-sse':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`data {"jsonrpc":"2.0","id":${JSON.stringify(id)}\nthis line has no field\n\nevent: message\ndata: {not json at all\n\n`);
          return;
        case 'large-response': {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const text = 'x'.repeat(fault.bytes);
          res.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, result: { contents: [{ uri: 'travel://big', text }] } })}\n\n`);
          return;
        }
        case 'raw':
          res.writeHead(200, { 'content-type': fault.contentType });
          res.end(fault.body);
          return;
        case 'delay':
          await new Promise((r) => setTimeout(r, fault.ms).unref()); // never keeps the test process alive
          if (res.destroyed || res.socket?.destroyed) return;
          break;
      }
      await forward(req, res, body, fault, id);
    } catch {
      res.destroy();
    }
  });

  function pickFault(httpMethod: string, rpc: string | null, body: string): Fault | undefined {
    for (const r of rules) {
      const { rule } = r;
      if (rule.rpc !== undefined && rule.rpc !== rpc) continue;
      if (rule.httpMethod !== undefined && rule.httpMethod !== httpMethod) continue;
      if (rule.bodyIncludes !== undefined && !body.includes(rule.bodyIncludes)) continue;
      r.seen++;
      if (r.seen >= (rule.occurrence ?? 1) && r.applied < (rule.times ?? 1)) {
        r.applied++;
        return rule.fault;
      }
    }
    return undefined;
  }

  async function forward(req: IncomingMessage, res: ServerResponse, body: string, fault: Fault | undefined, id: unknown): Promise<void> {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host };
    delete headers['content-length'];
    if (body) headers['content-length'] = String(Buffer.byteLength(body));
    const up = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = httpRequest({ host: upstream.hostname, port: upstream.port, path: upstream.pathname + upstream.search, method: req.method, headers }, resolve);
      r.on('error', reject);
      res.on('close', () => r.destroy());
      r.end(body || undefined);
      if (fault?.kind === 'kill-server') setTimeout(() => void opts.kill?.(), 100);
    });
    const isSse = (up.headers['content-type'] ?? '').includes('text/event-stream');
    const rewriting = ['reset-mid-response', 'cut-sse-before-result', 'resumable-cut', 'wrong-id', 'duplicate-response', 'inject'];
    if (!fault || !rewriting.includes(fault.kind) || !isSse) {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.on('error', () => res.destroy());
      return;
    }
    const outHeaders = { ...up.headers };
    delete outHeaders['content-length'];
    res.writeHead(up.statusCode ?? 200, outHeaders);
    if (fault.kind === 'reset-mid-response') {
      res.write(`event: message\ndata: {"jsonrpc":"2.0","id":${JSON.stringify(id)},"res`);
      setTimeout(() => req.socket.resetAndDestroy(), 50);
      up.destroy();
      return;
    }
    if (fault.kind === 'inject') {
      const ids = fault.messages.filter((m) => 'id' in m).map((m) => String(m.id));
      const answered = Promise.all(
        ids.map(
          (i) =>
            new Promise<void>((resolve) => {
              pendingInjected.add(i);
              waiters.set(i, resolve);
              setTimeout(resolve, 3000).unref();
            }),
        ),
      );
      for (const m of fault.messages) res.write(`event: message\ndata: ${JSON.stringify(m)}\n\n`);
      await answered;
    }
    let buffer = '';
    up.setEncoding('utf8');
    up.on('data', (chunk: string) => {
      buffer += chunk.replace(/\r\n/g, '\n');
      let i: number;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        const msg = parseJson(data) as { id?: unknown; result?: unknown; error?: unknown; method?: unknown } | undefined;
        const isResult = !!msg && typeof msg === 'object' && msg.method === undefined && ('result' in msg || 'error' in msg);
        if (!isResult) {
          res.write(fault.kind === 'resumable-cut' ? `id: ev-${++eventCounter}\n${block}\n\n` : `${block}\n\n`);
          continue;
        }
        switch (fault.kind) {
          case 'cut-sse-before-result':
            res.end();
            up.destroy();
            return;
          case 'resumable-cut': {
            const evId = `ev-${++eventCounter}`;
            withheld.set(evId, data);
            res.write(`id: ${evId}\nevent: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"about to cut"}}\n\n`);
            res.end();
            up.destroy();
            return;
          }
          case 'wrong-id':
            res.write(`event: message\ndata: ${JSON.stringify({ ...msg, id: typeof msg!.id === 'number' ? msg!.id + 1000 : `${String(msg!.id)}-other` })}\n\n`);
            break;
          case 'duplicate-response':
            res.write(`${block}\n\n${block}\n\n`);
            break;
          default:
            res.write(`${block}\n\n`);
        }
      }
    });
    up.on('end', () => res.end());
    up.on('error', () => res.destroy());
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}${upstream.search}`,
    log,
    get injected() {
      return state.injected;
    },
    replies,
    setRules(r) {
      rules = r.map((rule) => ({ rule, seen: 0, applied: 0 }));
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => resolve(s));
    req.on('error', () => resolve(s));
  });
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function rpcMethod(body: string): string | null {
  const m = parseJson(body) as { method?: unknown } | undefined;
  return m && typeof m === 'object' && typeof m.method === 'string' ? m.method : m ? 'response' : null;
}

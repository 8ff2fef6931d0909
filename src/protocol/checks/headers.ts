// Header rules of the Streamable HTTP transport: Accept, MCP-Protocol-Version and Origin.
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import { SPEC } from '../spec.js';
import { closeRawSession, describeExchange, exchange, initializeRequest, initialized, openRawSession, request } from '../wire.js';

export const acceptHeader: ProtocolCheck = {
  id: 'http.accept',
  title: 'POST without both Accept types → 406',
  spec: SPEC.sendingMessages,
  async run(ctx) {
    // The client MUST list both application/json and text/event-stream; a server that cannot answer in
    // what the client accepts says 406 Not Acceptable.
    const x = await exchange(ctx.target, {
      body: initializeRequest(),
      headers: { accept: 'application/json' },
      what: 'POST initialize with Accept: application/json only',
      timeoutMs: ctx.timeoutMs,
      until: (m) => m.id === 1,
    });
    if (x.sessionId) await closeRawSession(ctx.target, { init: x, id: x.sessionId, protocolVersion: '2025-11-25', evidence: [] });
    const ev = [describeExchange(x)];
    if (x.status === 406) return pass('answered 406 Not Acceptable', ev, { actual: 406 });
    return fail(`answered ${x.status ?? 'nothing'} to a POST whose Accept lacks text/event-stream; the client MUST accept both types, and a server that cannot honour Accept answers 406`, ev, { expected: 406, actual: x.status });
  },
};

export const protocolVersionHeader: ProtocolCheck = {
  id: 'http.protocol-version',
  title: 'Unsupported MCP-Protocol-Version → 400',
  spec: SPEC.protocolVersionHeader,
  async run(ctx) {
    const raw = await openRawSession(ctx.target, ctx.timeoutMs);
    if (!initialized(raw)) return fail('initialize did not succeed, so the header cannot be tested', raw.evidence);
    const x = await exchange(ctx.target, {
      body: request(2, 'tools/list'),
      sessionId: raw.id,
      protocolVersion: '1999-01-01',
      what: 'POST tools/list with MCP-Protocol-Version: 1999-01-01',
      timeoutMs: ctx.timeoutMs,
      until: (m) => m.id === 2,
    });
    await closeRawSession(ctx.target, raw);
    const ev = [...raw.evidence, describeExchange(x)];
    if (x.status === 400) return pass('answered 400 Bad Request to an unsupported protocol version', ev, { actual: 400 });
    return fail(`answered ${x.status ?? 'nothing'} to MCP-Protocol-Version: 1999-01-01; a server MUST answer 400 to an invalid or unsupported version`, ev, { expected: 400, actual: x.status });
  },
};

export const originHeader: ProtocolCheck = {
  id: 'http.origin',
  title: 'Invalid Origin → 403',
  spec: SPEC.securityWarning,
  async run(ctx) {
    // Origin validation defends an unauthenticated local server against DNS rebinding. Behind AgentCore
    // the platform's front door answers first and every request is SigV4- or bearer-authenticated;
    // whether it passes Origin on to the server is not documented, so the server's own check cannot be
    // observed from here.
    if (ctx.target.kind === 'remote' && ctx.target.authMethod !== 'None') {
      return skip(`the endpoint is behind AgentCore and every request is ${ctx.target.authMethod}-authenticated; whether the platform passes Origin to the server is not documented, so check Origin validation on the server locally (mcp-verify local --suite protocol)`, []);
    }
    const origin = 'https://attacker.example';
    const x = await exchange(ctx.target, {
      body: initializeRequest(),
      headers: { origin },
      what: `POST initialize with Origin: ${origin}`,
      timeoutMs: ctx.timeoutMs,
      until: (m) => m.id === 1,
    });
    if (x.sessionId) await closeRawSession(ctx.target, { init: x, id: x.sessionId, protocolVersion: '2025-11-25', evidence: [] });
    const ev = [describeExchange(x)];
    if (x.status === 403) return pass(`refused Origin ${origin} with 403`, ev, { actual: 403 });
    if (x.status === null) return skip(`no answer to a request with Origin ${origin}: ${x.error}`, ev);
    return fail(
      `accepted a request from Origin ${origin} (HTTP ${x.status}); servers MUST validate Origin and answer 403 to an invalid one (DNS-rebinding protection). Fix: check the Origin header before handling the request and answer 403 to a foreign one (TypeScript SDK: localhostOriginValidation() or your own check — its Express helper checks Host, not Origin; Python SDK: TransportSecuritySettings(allowed_origins=[...]); any other server: compare Origin with an allow-list)`,
      ev,
      { expected: 403, actual: x.status },
    );
  },
};

/**
 * DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 reaches a loopback
 * server with `Host: attacker.example`. A loopback server that answers it is reachable from any web
 * page; checking Host (or Origin) is the defence. Fetch never lets a caller set Host, so this one
 * request goes through node:http; it only applies to a plain-HTTP loopback endpoint.
 */
export const hostHeader: ProtocolCheck = {
  id: 'http.host',
  title: 'Foreign Host header on a loopback server → refused (DNS rebinding)',
  spec: SPEC.securityWarning,
  async run(ctx) {
    const url = ctx.target.url;
    const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
    if (ctx.target.kind !== 'local' || url.protocol !== 'http:' || !loopback) return skip(`applies to a plain-HTTP server on loopback; ${url.host} is not one`);
    const host = `attacker.example:${url.port || 80}`;
    const { request: httpRequest } = await import('node:http');
    const status = await new Promise<{ status: number | null; error?: string }>((resolve) => {
      const body = JSON.stringify(initializeRequest());
      const req = httpRequest(
        url,
        { method: 'POST', headers: { host, accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: ctx.timeoutMs },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? null });
          res.destroy();
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${ctx.timeoutMs}ms`)));
      req.on('error', (e) => resolve({ status: null, error: e.message }));
      req.end(body);
    });
    const ev = [`POST initialize with Host: ${host} → ${status.status ?? `no response (${status.error})`}`];
    if (status.status === null) return skip(`no answer to a request with Host ${host}: ${status.error}`, ev);
    if (status.status >= 400 && status.status < 500) return pass(`refused Host ${host} with ${status.status}`, ev, { actual: status.status });
    // The spec's MUST is Origin validation (its own check); a Host allow-list is the defence in depth the
    // spec's DNS-rebinding warning calls for and the SDKs ship, so a miss is WARN, not FAIL.
    return {
      verdict: 'warning',
      message: `accepted a request with Host: ${host} (HTTP ${status.status}) on a loopback server: a web page can reach it by DNS rebinding. Servers SHOULD bind to localhost only and MUST validate Origin; validate Host too (the SDKs' localhost host validation answers 403)`,
      evidence: ev,
      expected: '4xx',
      actual: status.status,
    };
  },
};

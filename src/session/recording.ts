// The transcript's view of the wire, as a fetch middleware: every HTTP exchange (each retry too) is
// an entry with method, JSON-RPC methods, session ids sent and received, status, content type and
// timing, or the network error in words. The bodies are the wire capture's (wire-capture.ts).
import { createMiddleware, type Middleware } from '@modelcontextprotocol/client';
import { networkErrorText } from '../errors.js';
import { requestInfo } from './rpc-body.js';
import type { Transcript } from './transcript.js';

export function withTranscript(transcript: Transcript): Middleware {
  return createMiddleware(async (next, url, init) => {
    const headers = new Headers(init?.headers);
    const started = performance.now();
    const base = {
      kind: 'http' as const,
      method: (init?.method ?? 'GET').toUpperCase(),
      rpc: requestInfo(init?.body).methods,
      sessionIdSent: headers.get('mcp-session-id'),
      protocolVersionSent: headers.get('mcp-protocol-version'),
    };
    try {
      const res = await next(url, init);
      transcript.add({
        ...base,
        status: res.status,
        sessionIdReceived: res.headers.get('mcp-session-id'),
        contentType: res.headers.get('content-type'),
        durationMs: Math.round(performance.now() - started),
      });
      return res;
    } catch (e) {
      transcript.add({ ...base, status: null, sessionIdReceived: null, contentType: null, durationMs: Math.round(performance.now() - started), error: networkErrorText(e) });
      throw e;
    }
  });
}

// The HAR trace (`--trace trace.har`): every HTTP exchange of the run as an HTTP Archive 1.2, so it opens
// in Chrome DevTools' network panel (import) and any HAR viewer. One page per scenario session; request
// and response bodies as sent (JSON-RPC), an SSE response as its event text; timings from the wire
// capture. Built from the results' traces, which the runner has already redacted with the run's
// Redactor; credential headers were masked as they were recorded, and are masked again here.
// Custom fields start with "_" as HAR allows: `_mcpStep`, `_mcpStream`, `_mcpEvents`.
import { redactHeaderValue } from '../redact.js';
import type { RunResult } from '../results.js';
import type { WireExchange } from '../session/wire-capture.js';

interface HarHeader {
  name: string;
  value: string;
}

export function renderHar(runs: RunResult[]): string {
  const pages: unknown[] = [];
  const entries: unknown[] = [];
  runs.forEach((run, r) => {
    for (const s of run.scenarios) {
      (s.trace ?? []).forEach((session, k) => {
        const pageId = `${r + 1}:${s.id}${k ? `#${k + 1}` : ''}`;
        pages.push({
          startedDateTime: new Date(session.wire.startedAt).toISOString(),
          id: pageId,
          title: `${run.target.label}: ${s.name}${session.sessionId ? ` (session ${session.sessionId})` : ''}`,
          pageTimings: { onContentLoad: -1, onLoad: -1 },
          comment: `${s.file}:${s.line} ${s.status}${session.wire.dropped ? `; ${session.wire.dropped} earlier exchange(s) not kept` : ''}`,
        });
        for (const x of session.wire.exchanges) entries.push(harEntry(x, pageId, s.steps[x.step]?.label));
      });
    }
  });
  const version = runs[0]?.tool.version ?? '0.0.0';
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'mcp-verify', version }, pages, entries } }, null, 2) + '\n';
}

function harEntry(x: WireExchange, pageref: string, stepLabel: string | undefined): unknown {
  const url = safeUrl(x.url);
  const wait = Math.max(0, x.waitMs ?? 0);
  const total = Math.max(wait, x.durationMs ?? wait);
  const requestHeaders = headers(x.requestHeaders);
  const mime = x.contentType ?? 'application/octet-stream';
  const comments = [
    x.error ? `error: ${x.error}` : '',
    x.ended === 'open' ? 'the response stream was still open when the session ended' : '',
    x.ended === 'cancelled' ? 'the client cancelled the response stream' : '',
    x.responseBodyTruncated ? 'response body cut in the trace' : '',
    x.requestBodyTruncated ? 'request body cut in the trace' : '',
    x.eventsDropped ? `${x.eventsDropped} SSE event(s) not kept` : '',
  ].filter(Boolean);
  return {
    pageref,
    startedDateTime: new Date(x.startedAt).toISOString(),
    time: total,
    request: {
      method: x.method,
      url: url?.href ?? x.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: requestHeaders,
      queryString: url ? [...url.searchParams].map(([name, value]) => ({ name, value })) : [],
      ...(x.requestBody !== undefined
        ? { postData: { mimeType: header(x.requestHeaders, 'content-type') ?? 'application/json', text: x.requestBody } }
        : {}),
      headersSize: -1,
      bodySize: x.requestBody !== undefined ? Buffer.byteLength(x.requestBody) : 0,
    },
    response: {
      status: x.status ?? 0,
      statusText: x.statusText ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headers(x.responseHeaders),
      content: {
        size: x.responseBytes,
        mimeType: mime,
        ...(x.responseBody !== undefined ? { text: x.responseBody } : {}),
      },
      redirectURL: header(x.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: x.status === null ? -1 : x.responseBytes,
    },
    cache: {},
    timings: { send: 0, wait, receive: Math.max(0, total - wait) },
    ...(comments.length ? { comment: comments.join('; ') } : {}),
    _mcpStep: stepLabel ?? (x.step < 0 ? 'session open/close' : `step ${x.step + 1}`),
    ...(x.stream ? { _mcpStream: x.stream } : {}),
    ...(x.events ? { _mcpEvents: x.events.map((e) => ({ t: e.t, ...(e.id !== undefined ? { id: e.id } : {}), methods: e.messages.map((m) => m.method ?? m.kind) })) } : {}),
  };
}

function headers(list: [string, string][]): HarHeader[] {
  return list.map(([name, value]) => ({ name, value: redactHeaderValue(name, value) }));
}

function header(list: [string, string][], name: string): string | undefined {
  return list.find(([n]) => n.toLowerCase() === name)?.[1];
}

function safeUrl(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}

// Local LLM endpoints for the sampling tests: one small node:http server per provider, implementing
// that provider's published wire format for the one call mcp-verify makes, so the REAL client libraries
// talk to them over loopback (no mocked client, no internet):
// - Bedrock Runtime Converse: POST /model/{modelId}/converse, REST JSON, SigV4 (service "bedrock")
//   recomputed with smithy's signer from what arrived and compared; errors as `x-amzn-ErrorType` +
//   {message}. Over HTTP/2 (cleartext here), as the client speaks to Bedrock Runtime by default; it then
//   signs `:authority` where HTTP/1.1 clients sign `host`.
// - OpenAI chat completions: POST /v1/chat/completions, `Authorization: Bearer KEY`, {error:{...}} errors.
// - Anthropic Messages: POST /v1/messages, `anthropic-version` and the key as `x-api-key` or (what the
//   1.x SDK sends) `Authorization: Bearer`, {type:"error",error:{...}}.
// Every request is recorded (path, headers, parsed body). What a request gets is chosen by its model id,
// so one run can cover many cases: "…-401" never (a wrong key is a real 401), "rate-once" (429, then an
// answer), "rate-always" (429 every time), "hang" (never answers), "malformed" (JSON of the wrong shape),
// "garbage" (a body that is not JSON), "echo-key" (the answer repeats the key it was sent: a hostile
// endpoint), anything else: an answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export type Provider = 'bedrock' | 'openai' | 'anthropic';

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** Bedrock: the SigV4 verdict ("ok" or the reason). */
  signature?: string;
}

export interface LlmEndpoint {
  provider: Provider;
  /** What to give the client library as its base URL / endpoint. */
  baseUrl: string;
  requests: SeenRequest[];
  /** The text every ordinary answer carries. */
  answerText: string;
  /** The model id the endpoint reports (OpenAI and Anthropic echo a dated id; Converse reports none). */
  reportedModel(asked: string): string;
  close(): Promise<void>;
}

export interface EndpointOptions {
  /** OpenAI / Anthropic: the key this endpoint accepts. */
  apiKey?: string;
  /** Bedrock: the credentials and region signatures must verify against. */
  aws?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; region: string };
  answerText?: string;
  usage?: { input: number; output: number };
}

export const USAGE = { input: 42, output: 17 };

export async function startLlmEndpoint(provider: Provider, opts: EndpointOptions = {}): Promise<LlmEndpoint> {
  const requests: SeenRequest[] = [];
  const answerText = opts.answerText ?? `Lisbon, for its light and its trams (answered by the local ${provider} endpoint).`;
  const usage = opts.usage ?? USAGE;
  const attempts = new Map<string, number>();
  const reportedModel = (asked: string) => (provider === 'bedrock' ? asked : `${asked}-2026-01-01`);

  const handle = async (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      /* recorded as {} */
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const seen: SeenRequest = { method: req.method ?? '', path: url.pathname, headers: req.headers, body };
    requests.push(seen);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    const error = (status: number, kind: string, message: string, headers: Record<string, string> = {}) => {
      if (provider === 'openai') return json(status, { error: { message, type: kind, code: kind } }, headers);
      if (provider === 'anthropic') return json(status, { type: 'error', error: { type: kind, message } }, headers);
      return json(status, { message }, { 'x-amzn-errortype': `${kind}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers });
    };

    // Route and authenticate as the real service does.
    let model: string;
    let key = '';
    if (provider === 'bedrock') {
      const m = /^\/model\/([^/]+)\/converse$/.exec(url.pathname);
      if (req.method !== 'POST' || !m) return error(404, 'UnknownOperationException', 'not a Converse request');
      model = decodeURIComponent(m[1]!);
      const verdict = await verifyBedrockSignature(req.method ?? 'POST', url.pathname, req.headers, raw, opts.aws!);
      seen.signature = verdict.ok ? 'ok' : verdict.reason;
      if (!verdict.ok) return error(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    } else if (provider === 'openai') {
      if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') return error(404, 'not_found', `Unknown request URL: ${req.method} ${url.pathname}`);
      model = String(body.model ?? '');
      key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      // OpenAI says which key it refused (masked); a careless gateway says it whole.
      if (key !== opts.apiKey) return error(401, 'invalid_api_key', `Incorrect API key provided: ${key}.`);
    } else {
      if (req.method !== 'POST' || url.pathname !== '/v1/messages') return error(404, 'not_found_error', `Not found: ${url.pathname}`);
      if (!req.headers['anthropic-version']) return error(400, 'invalid_request_error', 'anthropic-version header is required');
      model = String(body.model ?? '');
      key = String(req.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '');
      if (key !== opts.apiKey) return error(401, 'authentication_error', `invalid x-api-key ${key}`);
    }

    const n = (attempts.get(model) ?? 0) + 1;
    attempts.set(model, n);
    const throttled = () =>
      provider === 'bedrock'
        ? error(429, 'ThrottlingException', 'Too many requests, please wait before trying again.')
        : error(429, provider === 'openai' ? 'rate_limit_exceeded' : 'rate_limit_error', 'Rate limit reached', { 'retry-after-ms': '10', 'retry-after': '0' });
    if (model === 'rate-always' || (model === 'rate-once' && n === 1)) return throttled();
    if (model === 'hang') return; // never answers; close() ends the socket
    if (model === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('<html>502 Bad Gateway</html>');
    }
    if (model === 'malformed') return json(200, provider === 'openai' ? { id: 'x', object: 'chat.completion', choices: 'none' } : provider === 'anthropic' ? { id: 'x', type: 'message' } : { output: {} });

    const text = model === 'echo-key' ? `your key is ${key}` : answerText;
    if (provider === 'openai') {
      return json(200, {
        id: 'chatcmpl-local-1',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: reportedModel(model),
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
      });
    }
    if (provider === 'anthropic') {
      return json(200, {
        id: 'msg_local_1',
        type: 'message',
        role: 'assistant',
        model: reportedModel(model),
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: usage.input, output_tokens: usage.output },
      });
    }
    return json(200, {
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: usage.input, outputTokens: usage.output, totalTokens: usage.input + usage.output },
      metrics: { latencyMs: 1 },
    });
  };

  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) =>
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  const sessions = new Set<ServerHttp2Session>();
  const server = provider === 'bedrock' ? createHttp2Server(onRequest) : createServer(onRequest);
  server.on('session', (s: ServerHttp2Session) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  return {
    provider,
    // OpenAI's base URL includes /v1; Anthropic's client adds /v1/messages itself; Bedrock takes the origin.
    baseUrl: provider === 'openai' ? `${root}/v1` : root,
    requests,
    answerText,
    reportedModel,
    close: async () => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      for (const s of sessions) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Recomputes the SigV4 signature (service "bedrock") over exactly the headers the client signed. */
async function verifyBedrockSignature(
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  aws: NonNullable<EndpointOptions['aws']>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const authz = String(headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authz);
  if (!m) return { ok: false, reason: authz ? 'Authorization is not a SigV4 signature' : 'the request is not signed' };
  const [, keyId, , region, service, signedList, signature] = m;
  if (keyId !== aws.accessKeyId) return { ok: false, reason: `unknown access key ${keyId}` };
  if (service !== 'bedrock') return { ok: false, reason: `signed for service ${service}, not bedrock` };
  if (region !== aws.region) return { ok: false, reason: `signed for region ${region}, not ${aws.region}` };
  const signed = signedList!.split(';');
  if (!signed.includes('host') && !signed.includes(':authority')) return { ok: false, reason: 'neither host nor :authority is signed' };
  const amzDate = String(headers['x-amz-date'] ?? '');
  const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!d) return { ok: false, reason: 'no x-amz-date' };
  if (aws.sessionToken && headers['x-amz-security-token'] !== aws.sessionToken) return { ok: false, reason: 'wrong or missing session token' };
  const picked: Record<string, string> = {};
  for (const h of signed) {
    const v = headers[h];
    if (v === undefined) return { ok: false, reason: `signed header ${h} is missing` };
    picked[h] = Array.isArray(v) ? v.join(',') : v;
  }
  const authority = String(headers[':authority'] ?? headers.host ?? '');
  const signer = new SignatureV4({ service: 'bedrock', region: aws.region, credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey }, sha256: Sha256, uriEscapePath: true });
  const again = await signer.sign(
    { method, protocol: 'http:', hostname: authority.split(':')[0]!, path, query: {}, headers: picked, body } as never,
    { signingDate: new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!)), signableHeaders: new Set(signed), unsignableHeaders: new Set() },
  );
  const got = /Signature=([0-9a-f]{64})/.exec(String((again as { headers: Record<string, string> }).headers.authorization))?.[1] ?? '';
  return got.length === 64 && timingSafeEqual(Buffer.from(got), Buffer.from(signature!)) ? { ok: true } : { ok: false, reason: 'the signature does not match' };
}

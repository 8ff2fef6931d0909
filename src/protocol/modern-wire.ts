// Raw 2026-07-28 exchanges for the modern-era protocol checks: every request carries its own `_meta`
// envelope (protocol version, client info, client capabilities) and the MCP-Protocol-Version,
// Mcp-Method and Mcp-Name headers; there is no initialize and no session. Like wire.ts, these go
// through the Target's own fetch (signed for a remote endpoint) and deliberately break the rules
// the SDK client would never break (a wrong Mcp-Method, an unsupported version, edited requestState).
import type { Target } from '../target/target.js';
import { VERSION } from '../version.js';
import { exchange, type JsonRpcMessage, type WireExchange } from './wire.js';

export const MODERN_PROTOCOL_VERSION = '2026-07-28';

export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
} as const;

/** The client capabilities the checks declare unless a check declares less on purpose. */
export const FULL_CLIENT_CAPABILITIES = { elicitation: { form: {} }, sampling: {} } as const;

/** Which body field `Mcp-Name` mirrors, per method (the spec's standard-header table). */
const NAME_SOURCE: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

export interface ModernRequestOptions {
  capabilities?: Record<string, unknown>;
  protocolVersion?: string;
  logLevel?: string;
  /** Other `_meta` keys (a progressToken). */
  meta?: Record<string, unknown>;
}

/** A 2026-07-28 JSON-RPC request: the params plus the per-request `_meta` envelope. */
export function modernRequest(id: number, method: string, params: Record<string, unknown> = {}, opts: ModernRequestOptions = {}): JsonRpcMessage {
  const _meta: Record<string, unknown> = {
    ...(opts.meta ?? {}),
    [META.protocolVersion]: opts.protocolVersion ?? MODERN_PROTOCOL_VERSION,
    [META.clientInfo]: { name: 'mcp-verify-protocol', version: VERSION },
    [META.clientCapabilities]: opts.capabilities ?? FULL_CLIENT_CAPABILITIES,
    ...(opts.logLevel ? { [META.logLevel]: opts.logLevel } : {}),
  };
  return { jsonrpc: '2.0', id, method, params: { ...params, _meta } };
}

/** The standard headers a 2026-07-28 request carries, derived from its body. */
export function modernHeaders(body: JsonRpcMessage, protocolVersion = MODERN_PROTOCOL_VERSION): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-protocol-version': protocolVersion };
  if (body.method) headers['mcp-method'] = body.method;
  const source = body.method ? NAME_SOURCE[body.method] : undefined;
  const name = source ? body.params?.[source] : undefined;
  if (typeof name === 'string') headers['mcp-name'] = name;
  return headers;
}

export interface ModernExchangeOptions {
  /** Header overrides; `null` leaves a standard header out. */
  headers?: Record<string, string | null>;
  what?: string;
  timeoutMs: number;
  method?: 'POST' | 'GET' | 'DELETE';
}

/** Sends one modern request and reads its response stream up to the answer with the same id. */
export async function modernExchange(target: Target, body: JsonRpcMessage, opts: ModernExchangeOptions): Promise<WireExchange> {
  const version = typeof body.params?._meta === 'object' ? String((body.params._meta as Record<string, unknown>)[META.protocolVersion] ?? MODERN_PROTOCOL_VERSION) : MODERN_PROTOCOL_VERSION;
  return exchange(target, {
    method: opts.method ?? 'POST',
    body,
    headers: { ...modernHeaders(body, version), ...(opts.headers ?? {}) },
    what: opts.what ?? `POST ${body.method} (2026-07-28)`,
    timeoutMs: opts.timeoutMs,
    until: (m) => m.id === body.id && (m.result !== undefined || m.error !== undefined),
  });
}

/** The final answer to a request in an exchange (result or error), if it came. */
export function answerOf(x: WireExchange, id: number): JsonRpcMessage | undefined {
  return x.messages.find((m) => m.id === id && (m.result !== undefined || m.error !== undefined));
}

/** The notifications an exchange carried before its answer. */
export function notificationsOf(x: WireExchange, method: string): JsonRpcMessage[] {
  return x.messages.filter((m) => m.method === method && m.id === undefined);
}

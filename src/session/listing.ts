// What a server lists (tools, resources, resource templates, prompts), in one session, every request
// bounded by the caller's timeout (SDK v2 takes it per request). A listing that does not answer in
// time is a ConnectError (exit 3): the server is not usable, and nothing is half-written.
import { SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { ConnectError } from '../errors.js';
import { ScriptedResponder } from '../responders/scripted.js';
import type { Target } from '../target/target.js';
import { Session } from './session.js';

export interface Listing {
  serverName: string | null;
  tools: { name: string; description?: string; inputSchema?: { properties?: Record<string, { type?: unknown; enum?: unknown[]; description?: string }>; required?: string[] } }[];
  resources: { uri: string; name?: string }[];
  templates: { uriTemplate: string }[];
  prompts: { name: string; arguments?: { name: string; required?: boolean }[] }[];
  capabilities: Record<string, unknown>;
}

export async function listServer(target: Target, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<Listing> {
  const session = await Session.open(target, { responder: new ScriptedResponder(undefined, undefined), timeoutMs: opts.timeoutMs });
  const req = { timeout: opts.timeoutMs, signal: opts.signal };
  const bounded = async <T>(method: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (e) {
      if (e instanceof SdkError && e.code === SdkErrorCode.RequestTimeout) throw new ConnectError(`${method} got no answer within ${opts.timeoutMs} ms (--timeout); the server is not answering`);
      throw new ConnectError(`${method} failed: ${(e as Error).message}`);
    }
  };
  try {
    const caps = session.facts.serverCapabilities;
    const c = session.client;
    return {
      serverName: session.facts.serverName,
      capabilities: caps,
      tools: caps.tools ? ((await bounded('tools/list', () => c.listTools(undefined, req))).tools as Listing['tools']) : [],
      resources: caps.resources ? (await bounded('resources/list', () => c.listResources(undefined, req))).resources : [],
      templates: caps.resources ? (await c.listResourceTemplates(undefined, req).catch(() => ({ resourceTemplates: [] }))).resourceTemplates : [],
      prompts: caps.prompts ? (await bounded('prompts/list', () => c.listPrompts(undefined, req))).prompts : [],
    };
  } finally {
    await session.close();
  }
}

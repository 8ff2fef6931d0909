// Step kinds: one function each (call, list, read, prompt, ping), so a new kind is one new entry here.
// A step runs on a Session and returns its Outcome; checks.ts turns Outcome + transcript into verdicts.
import type { Session } from '../session/session.js';
import type { Step } from './schema.js';

export interface StepOutcome {
  label: string;
  /** The raw result, or undefined when the request failed. */
  result?: unknown;
  error?: { code?: number; message: string; timeout?: boolean };
  /** Text of the result: tool text content, resource text, prompt message text. */
  text: string;
  /** For list steps: the names or URIs listed. */
  names?: string[];
  /** Transcript sequence number at which the result arrived (ordering evidence). */
  resultSeq: number;
}

export function stepLabel(step: Step): string {
  if (step.call !== undefined) return `call ${step.call}`;
  if (step.list !== undefined) return `list ${step.list}`;
  if (step.read !== undefined) return `read ${step.read}`;
  if (step.prompt !== undefined) return `prompt ${step.prompt}`;
  return 'ping';
}

export async function runStep(session: Session, step: Step, timeoutMs: number, signal?: AbortSignal): Promise<StepOutcome> {
  const label = stepLabel(step);
  const { client, transcript } = session;
  const opts = { timeout: timeoutMs, signal };
  const method = step.call !== undefined ? 'tools/call' : step.list !== undefined ? `${step.list}/list` : step.read !== undefined ? 'resources/read' : step.prompt !== undefined ? 'prompts/get' : 'ping';
  try {
    let result: unknown;
    let text = '';
    let names: string[] | undefined;
    if (step.call !== undefined) {
      const r = await client.callTool(
        { name: step.call, arguments: (step.args ?? {}) as Record<string, unknown> },
        {
          ...opts,
          // Passing onprogress is what makes the SDK send a progressToken.
          onprogress: (p: { progress: number; total?: number; message?: string }) =>
            transcript.add({ kind: 'progress', progress: p.progress, total: p.total, message: p.message }),
          resetTimeoutOnProgress: false,
        },
      );
      result = r;
      text = contentText((r as { content?: unknown[] }).content);
    } else if (step.list !== undefined) {
      const r = await listAll(session, step.list, opts);
      result = r.result;
      names = r.names;
      text = names.join('\n');
    } else if (step.read !== undefined) {
      const r = await client.readResource({ uri: step.read }, opts);
      result = r;
      text = (r.contents ?? []).map((c) => ('text' in c ? String(c.text) : '')).join('');
    } else if (step.prompt !== undefined) {
      const args = Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      const r = await client.getPrompt({ name: step.prompt, arguments: args }, opts);
      result = r;
      text = (r.messages ?? []).map((m) => contentText([m.content])).join('\n');
    } else {
      result = await client.ping(opts);
    }
    const entry = transcript.add({ kind: 'result', method, ok: true, preview: text.slice(0, 160) || undefined });
    return { label, result, text, names, resultSeq: entry.seq };
  } catch (e) {
    const error = describeRequestError(e);
    const entry = transcript.add({ kind: 'result', method, ok: false, preview: error.message.slice(0, 160) });
    return { label, error, text: '', resultSeq: entry.seq };
  }
}

async function listAll(session: Session, kind: Step['list'], opts: { timeout: number; signal?: AbortSignal }) {
  const { client } = session;
  switch (kind) {
    case 'tools': {
      const r = await client.listTools(undefined, opts);
      return { result: r, names: r.tools.map((t) => t.name) };
    }
    case 'resources': {
      const r = await client.listResources(undefined, opts);
      return { result: r, names: r.resources.map((x) => x.uri) };
    }
    case 'resourceTemplates': {
      const r = await client.listResourceTemplates(undefined, opts);
      return { result: r, names: r.resourceTemplates.map((x) => x.uriTemplate) };
    }
    default: {
      const r = await client.listPrompts(undefined, opts);
      return { result: r, names: r.prompts.map((p) => p.name) };
    }
  }
}

export function contentText(content: unknown[] | undefined): string {
  return (content ?? [])
    .map((c) => {
      if (!c || typeof c !== 'object') return '';
      const b = c as { type?: string; text?: unknown; resource?: { text?: unknown } };
      if (b.type === 'text') return String(b.text ?? '');
      if (b.type === 'resource' && b.resource?.text !== undefined) return String(b.resource.text);
      return '';
    })
    .join('\n');
}

/** A request failure in words: timeout, JSON-RPC error code and message, or the network cause. */
export function describeRequestError(e: unknown): { code?: number; message: string; timeout?: boolean } {
  const err = e as { code?: unknown; message?: string; name?: string; data?: unknown };
  const message = String(err?.message ?? e);
  const timeout = /timed? ?out/i.test(message) || err?.code === -32001;
  const code = typeof err?.code === 'number' ? err.code : undefined;
  return { code, message: oneLineCause(message.replace(/^MCP error -?\d+: /, '')), ...(timeout ? { timeout: true } : {}) };
}

/**
 * A schema validation failure (the SDK's zod issues, 40-70 lines of JSON) as one line: how many
 * problems, and the first few as "path: message". Any other message is kept, on one line, bounded.
 */
export function oneLineCause(message: string): string {
  const start = message.search(/\[\s*\{/);
  if (start >= 0) {
    try {
      const issues = JSON.parse(message.slice(start)) as { path?: (string | number)[]; message?: string; code?: string }[];
      if (Array.isArray(issues) && issues.length && issues.every((i) => i && typeof i === 'object' && 'message' in i)) {
        const first = issues.slice(0, 3).map((i) => `${(i.path ?? []).join('.') || '(root)'}: ${i.message}`);
        const lead = message.slice(0, start).replace(/\s+/g, ' ').trim().replace(/:$/, '');
        return `${lead ? `${lead}: ` : ''}the server's answer does not match the MCP schema (${issues.length} problem${issues.length === 1 ? '' : 's'}: ${first.join('; ')}${issues.length > 3 ? '; …' : ''})`;
      }
    } catch {
      /* not a zod dump */
    }
  }
  const line = message.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

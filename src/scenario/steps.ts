// Step kinds: one function each (call, list, read, prompt, ping), so a new kind is one new entry here.
// A step runs on a Session and returns its Outcome; checks.ts turns Outcome + transcript into verdicts.
import type { Session } from '../session/session.js';
import type { Step } from './schema.js';

export interface StepOutcome {
  label: string;
  /** The raw result, or undefined when the request failed. */
  result?: unknown;
  error?: { code?: number; message: string; timeout?: boolean; stateless?: boolean };
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
  const stepIndex = transcript.currentStep;
  // A stateless server's lost answer stops the request at once (session/stateless.ts).
  const lost = session.stateless.signalFor(stepIndex);
  const opts = { timeout: timeoutMs, signal: signal ? AbortSignal.any([signal, lost]) : lost };
  const method = step.call !== undefined ? 'tools/call' : step.list !== undefined ? `${step.list}/list` : step.read !== undefined ? 'resources/read' : step.prompt !== undefined ? 'prompts/get' : 'ping';
  try {
    let result: unknown;
    let text = '';
    let names: string[] | undefined;
    let toolError = false;
    if (step.call !== undefined) {
      const r = await client.callTool(
        { name: step.call, arguments: (step.args ?? {}) as Record<string, unknown> },
        {
          ...opts,
          // Passing onprogress is what makes the SDK send a progressToken.
          onprogress: (p: { progress: number; total?: number; message?: string }) => {
            const stream = session.streamOf('notifications/progress', undefined, p);
            transcript.add({ kind: 'progress', progress: p.progress, total: p.total, message: p.message, ...(stream ? { stream } : {}) });
          },
          resetTimeoutOnProgress: false,
        },
      );
      result = r;
      text = contentText((r as { content?: unknown[] }).content);
      toolError = (r as { isError?: unknown }).isError === true;
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
    const entry = transcript.add({ kind: 'result', method, ok: !toolError, ...(toolError ? { isError: true } : {}), preview: text.slice(0, 160) || undefined });
    return { label, result, text, names, resultSeq: entry.seq };
  } catch (e) {
    const loss = session.stateless.lossFor(stepIndex);
    const error = loss ? { message: loss, stateless: true } : describeRequestError(e, timeoutMs);
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
export function describeRequestError(e: unknown, timeoutMs?: number): { code?: number; message: string; timeout?: boolean } {
  const err = e as { code?: unknown; message?: string; name?: string; data?: unknown };
  let message = String(err?.message ?? e).replace(/^MCP error -?\d+: /, '');
  const timeout = /timed? ?out/i.test(message) || err?.code === -32001;
  const code = typeof err?.code === 'number' ? err.code : undefined;
  // "Request timed out" alone names neither the wait nor how to change it.
  if (timeout && timeoutMs !== undefined && /^request timed out$/i.test(message.trim())) {
    message = `no result within the step timeout of ${formatDuration(timeoutMs)} (raise it with --timeout, or timeout: on the step or scenario)`;
  }
  return { code, message, ...(timeout ? { timeout: true } : {}) };
}

function formatDuration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

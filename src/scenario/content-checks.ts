// `expect.content: [{type, mimeType, text, uri, name}]`: the content blocks of a tool result or of a
// prompt's messages appear in this order (other blocks may come between). A block's text is matched
// with the safe matcher (a regex runs off the main thread with a deadline).
import type { CheckResult } from '../results.js';
import { matchTextSafely } from './matchers.js';
import type { Expect } from './schema.js';

type ExpectedBlock = NonNullable<Expect['content']>[number];
type Block = Record<string, unknown>;

const check = (name: string, problem: string | undefined, extra: Partial<CheckResult> = {}): CheckResult =>
  problem ? { name, verdict: 'failed', message: problem, ...extra } : { name, verdict: 'passed', ...extra };

/** The content blocks of a tool result, or of a prompt's messages. */
export function contentBlocks(result: Record<string, unknown>): Block[] {
  if (Array.isArray(result.content)) return result.content as Block[];
  if (Array.isArray(result.messages)) return (result.messages as { content?: unknown }[]).flatMap((m) => (Array.isArray(m.content) ? m.content : [m.content])) as Block[];
  return [];
}

async function blockProblem(block: Block, exp: ExpectedBlock, signal?: AbortSignal): Promise<string | undefined> {
  if (!block || typeof block !== 'object') return `not a content block: ${String(block)}`;
  if (block.type !== exp.type) return `type ${String(block.type)}`;
  const resource = (block.resource && typeof block.resource === 'object' ? block.resource : {}) as Block;
  const mimeType = exp.type === 'resource' ? resource.mimeType : block.mimeType;
  if (exp.mimeType !== undefined && mimeType !== exp.mimeType) return `mimeType ${String(mimeType ?? 'absent')}`;
  const uri = exp.type === 'resource' ? resource.uri : block.uri;
  if (exp.uri !== undefined && uri !== exp.uri) return `uri ${String(uri ?? 'absent')}`;
  if (exp.name !== undefined && block.name !== exp.name) return `name ${String(block.name ?? 'absent')}`;
  if (exp.text !== undefined) {
    const text = exp.type === 'resource' ? String(resource.text ?? '') : String(block.text ?? '');
    const p = await matchTextSafely(text, exp.text, signal);
    if (p) return `text ${p}`;
  }
  return undefined;
}

export async function checkContent(exp: NonNullable<Expect['content']>, blocks: Block[], signal?: AbortSignal): Promise<CheckResult[]> {
  const seen = blocks.map((b) => (b && typeof b === 'object' ? `${String(b.type)}${b.mimeType ? ` ${String(b.mimeType)}` : ''}` : String(b)));
  const out: CheckResult[] = [];
  let from = 0;
  for (const [i, item] of exp.entries()) {
    let at = -1;
    for (let k = from; k < blocks.length && at < 0; k++) if ((await blockProblem(blocks[k]!, item, signal)) === undefined) at = k;
    if (at >= 0) {
      from = at + 1;
      out.push(check(`content[${i}]`, undefined, { expected: item, actual: seen[at] }));
      continue;
    }
    const sameType = blocks.slice(from).find((b) => b && typeof b === 'object' && b.type === item.type);
    const why = sameType ? `; the next ${item.type} block has ${await blockProblem(sameType, item, signal)}` : '';
    out.push(check(`content[${i}]`, `no ${item.type} block${item.mimeType ? ` of ${item.mimeType}` : ''} matches (in order) among the content: [${seen.join(', ') || 'empty'}]${why}`, { expected: item, actual: seen }));
  }
  return out;
}

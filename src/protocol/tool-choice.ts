// Which tool exercises progress, elicitation or sampling on this server. Calling unknown tools to see
// what they do is risky (a tool may have side effects), so: the tool the user named, else a tool we
// know (the reference server's, server-everything's), else the one tool whose name says so, and only
// when exactly one does. Otherwise the check that needs it is SKIP with the reason.
import { valuesFor } from './policy-responder.js';

export type ToolPurpose = 'progress' | 'elicit' | 'sample';

export interface ToolInfo {
  name: string;
  inputSchema?: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
}

export interface ToolChoice {
  name: string;
  args: Record<string, unknown>;
  /** How it was chosen, for the report. */
  how: 'named' | 'known' | 'by name';
}

/** Tools we know, with arguments that make them quick. */
const KNOWN: Record<ToolPurpose, [string, Record<string, unknown>][]> = {
  progress: [
    ['search_flights', { origin: 'NYC', destination: 'Paris' }],
    ['trigger-long-running-operation', { duration: 1, steps: 4 }],
  ],
  elicit: [
    ['plan_trip', {}],
    ['trigger-elicitation-request', {}],
  ],
  sample: [
    ['quick_recommend', {}],
    ['trigger-sampling-request', { prompt: 'Say hello in five words.', maxTokens: 50 }],
  ],
};

const NAME_HINT: Record<ToolPurpose, RegExp> = {
  progress: /progress|long.?running/i,
  elicit: /elicit/i,
  sample: /sampl/i,
};

export const FLAG_FOR: Record<ToolPurpose, string> = { progress: '--progress-tool', elicit: '--elicit-tool', sample: '--sample-tool' };
const WHAT: Record<ToolPurpose, string> = { progress: 'sends progress', elicit: 'elicits', sample: 'requests sampling' };

export function chooseTool(purpose: ToolPurpose, tools: ToolInfo[], named?: string): ToolChoice | { skip: string } {
  if (named) {
    const t = tools.find((x) => x.name === named);
    if (!t) return { skip: `${FLAG_FOR[purpose]} ${named}: the server lists no such tool (it lists: ${tools.map((x) => x.name).join(', ') || 'none'})` };
    const known = KNOWN[purpose].find(([n]) => n === named);
    return { name: named, args: known ? known[1] : valuesFor(t.inputSchema, false), how: 'named' };
  }
  for (const [name, args] of KNOWN[purpose]) if (tools.some((t) => t.name === name)) return { name, args, how: 'known' };
  const hinted = tools.filter((t) => NAME_HINT[purpose].test(t.name));
  if (hinted.length === 1) return { name: hinted[0]!.name, args: valuesFor(hinted[0]!.inputSchema, false), how: 'by name' };
  const why = hinted.length > 1 ? `several tools might (${hinted.map((t) => t.name).join(', ')})` : 'none of its tools is known to';
  return { skip: `no tool to use: ${why}; name the tool that ${WHAT[purpose]} with ${FLAG_FOR[purpose]} NAME` };
}

// The starter suite `mcp-verify init` writes, from what a server lists. Built as data and written by the
// yaml library, never by concatenating strings: a server's names and texts (newlines, quotes, escape
// bytes) can only become quoted scalars or comment lines, never keys of their own.
import { Document, isMap, isPair, isScalar, isSeq, visit, type YAMLSeq } from 'yaml';
import type { Listing } from '../session/listing.js';
import { sanitizeForOutput } from '../terminal/sanitize.js';

function sampleValue(p: { type?: unknown; enum?: unknown[] } | undefined): unknown {
  if (p?.enum?.length) return p.enum[0];
  const t = Array.isArray(p?.type) ? p!.type[0] : p?.type;
  return t === 'integer' || t === 'number' ? 1 : t === 'boolean' ? true : t === 'array' ? [] : t === 'object' ? {} : 'TODO';
}

/** Server text in a comment: one line, control characters visible (the yaml library comments every line). */
const oneLine = (s: string) => sanitizeForOutput(s).replace(/\n/g, ' ⏎ ');

/** A commented-out block (YAML the yaml library wrote, each line then commented by it). */
function commented(value: unknown): string {
  return sanitizeForOutput(new Document(value).toString({ lineWidth: 0 }).trimEnd())
    .split('\n')
    .map((l) => ` ${l}`)
    .join('\n');
}

/**
 * The starter suite, built as data and written by the yaml library: whatever the server calls its
 * tools, resources or itself (newlines, quotes, escape bytes), it can only be a quoted scalar or a
 * comment line, never a key of its own.
 */
export function starterSuite(l: Listing, url: string, schemaPath: string): string {
  const steps: Record<string, unknown>[] = [];
  if (l.tools.length) steps.push({ list: 'tools', expect: { names: l.tools.map((t) => t.name) } });
  if (l.resources.length) steps.push({ list: 'resources', expect: { names: l.resources.map((r) => r.uri) } });
  if (l.templates.length) steps.push({ list: 'resourceTemplates', expect: { names: l.templates.map((r) => r.uriTemplate) } });
  if (l.prompts.length) steps.push({ list: 'prompts', expect: { names: l.prompts.map((p) => p.name) } });
  if (!steps.length) steps.push({ ping: true });
  const scenarios: Record<string, unknown>[] = [
    { name: 'server-lists', description: 'What the server lists at the time `init` ran; a rename or a removal fails here.', tags: ['smoke'], steps },
  ];
  // Prompts with required arguments cannot be guessed (a server validates their types): commented out.
  const reads = l.resources.slice(0, 5);
  const needsArgs = (p: Listing['prompts'][number]) => (p.arguments ?? []).some((a) => a.required);
  const prompts = l.prompts.filter((p) => !needsArgs(p)).slice(0, 5);
  if (reads.length || prompts.length) {
    scenarios.push({
      name: 'server-reads',
      description: 'Read resources and get prompts (no side effects).',
      tags: ['smoke'],
      steps: [...reads.map((r) => ({ read: r.uri })), ...prompts.map((p) => ({ prompt: p.name }))],
    });
  }
  const doc = new Document({ scenarios });
  // `expect: { names: [...] }` and `tags: [smoke]` read best on one line, as a person writes them.
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (isPair(pair) && (key === 'expect' || key === 'tags') && (isMap(pair.value) || isSeq(pair.value))) {
        (pair.value as { flow: boolean }).flow = true;
      }
    },
  });
  doc.commentBefore = [
    ` yaml-language-server: $schema=${oneLine(schemaPath)}`,
    ` Starter suite for ${oneLine(l.serverName ?? 'an MCP server')} at ${oneLine(url)}, written by \`mcp-verify init\`.`,
    ` Run it:      mcp-verify local --url ${oneLine(url)} <this file>`,
    ' Check it:    mcp-verify validate <this file>',
    ' Each scenario runs in its own session. The active steps only list and read; tool calls are commented',
    ' out below with arguments sketched from each input schema: fill them in and uncomment them.',
  ].join('\n');
  const later: string[] = [];
  const argPrompts = l.prompts.filter(needsArgs).slice(0, 5);
  if (argPrompts.length) {
    later.push(' Prompts that take arguments: uncomment and fill them in.');
    later.push(commented([{ name: 'server-prompts', steps: argPrompts.map((p) => ({ prompt: p.name, args: Object.fromEntries((p.arguments ?? []).filter((a) => a.required).map((a) => [a.name, 'TODO'])) })) }]));
  }
  if (l.templates.length) {
    later.push(' Resource templates: read one with a concrete URI (fill in the {placeholders}), e.g.');
    later.push(commented(l.templates.slice(0, 5).map((t) => ({ read: t.uriTemplate }))));
  }
  if (l.tools.length) {
    later.push(' Tool calls: uncomment, fill in the arguments, and say what the result must show.');
    later.push(' A tool that elicits or samples needs scripted answers (elicitation: / sampling:) or --interactive.');
    for (const t of l.tools) {
      const props = t.inputSchema?.properties ?? {};
      const required = new Set(t.inputSchema?.required ?? []);
      const args = Object.entries(props).filter(([k]) => required.has(k) || Object.keys(props).length <= 3);
      const call: Record<string, unknown> = { call: t.name };
      if (args.length) call.args = Object.fromEntries(args.map(([k, p]) => [k, sampleValue(p)]));
      call.expect = { isError: false };
      later.push(
        commented([
          {
            name: `call-${t.name.replace(/[^A-Za-z0-9_-]/g, '-')}`,
            ...(t.description ? { description: t.description.split('\n')[0]!.slice(0, 120) } : {}),
            steps: [call],
          },
        ]),
      );
    }
  }
  if (later.length) (doc.get('scenarios', true) as YAMLSeq).comment = later.join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

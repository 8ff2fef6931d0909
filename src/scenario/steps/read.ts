// `read: URI`: resources/read; the text of its contents (a blob of a text MIME type decoded as UTF-8),
// and `expect.blob` for binary contents (sha256, size, mimeType of the decoded bytes).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ExpectBlob, expectCommon, stepCommon } from '../schema-parts.js';
import { matchCount } from '../matchers.js';
import { roundsExpect } from './rounds.js';
import { check, isTextMimeType, type StepKind } from './kind.js';

type Contents = { uri?: string; mimeType?: string; text?: unknown; blob?: unknown }[];

export const readStep: StepKind = {
  name: 'read',
  schema: z.strictObject({
    read: z.string().describe('Read this resource URI.'),
    ...stepCommon,
    expect: z.strictObject({ ...expectCommon, ...roundsExpect, blob: ExpectBlob.optional() }).optional().describe('What the step must show; each key is one check.'),
  }),
  label: (step) => `read ${step.read}`,
  method: () => 'resources/read',
  capability: () => 'resources',
  async run(session, step, opts) {
    const r = (await session.request('resources/read', { uri: step.read! }, (p, modern) => session.client.readResource(p as never, { ...opts, ...modern }), opts.signal)) as { contents?: unknown[] };
    const text = ((r.contents ?? []) as Contents)
      .map((c) => ('text' in c ? String(c.text) : typeof c.blob === 'string' && isTextMimeType(c.mimeType) ? Buffer.from(c.blob, 'base64').toString('utf8') : ''))
      .join('');
    return { result: r, text };
  },
  checks(step, outcome) {
    const exp = step.expect?.blob;
    if (!exp) return [];
    const blob = ((outcome.result as { contents?: Contents }).contents ?? []).find((c) => typeof c.blob === 'string');
    if (!blob) return [check('blob', 'the resource has no blob content (it is text, or empty)')];
    const bytes = Buffer.from(blob.blob as string, 'base64');
    const out = [];
    if (exp.sha256 !== undefined) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      out.push(check('blob.sha256', sha === exp.sha256.toLowerCase() ? undefined : `sha256 is ${sha}, expected ${exp.sha256.toLowerCase()}`, { expected: exp.sha256, actual: sha }));
    }
    if (exp.size !== undefined) out.push(check('blob.size', matchCount(bytes.length, exp.size) && `size in bytes: ${matchCount(bytes.length, exp.size)}`, { expected: exp.size, actual: bytes.length }));
    if (exp.mimeType !== undefined) out.push(check('blob.mimeType', blob.mimeType === exp.mimeType ? undefined : `mimeType is ${blob.mimeType ?? 'absent'}, expected ${exp.mimeType}`, { expected: exp.mimeType, actual: blob.mimeType }));
    return out;
  },
};

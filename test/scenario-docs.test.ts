// docs/scenarios.md is generated from the zod schema: the committed file must be exactly what
// `mcp-verify schema --markdown` prints (regenerate with `npm run schema`), and it names every key
// of every step kind and its expect, so a key added to the schema cannot go undocumented.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { KINDS } from '../src/scenario/steps/index.js';
import { Scenario } from '../src/scenario/schema.js';
import { ROOT, runCli } from './support/cli.js';

test('docs/scenarios.md is what `mcp-verify schema --markdown` prints (run npm run schema)', async () => {
  const r = await runCli(['schema', '--markdown']);
  assert.equal(r.code, 0, r.stderr);
  const committed = await readFile(join(ROOT, 'docs/scenarios.md'), 'utf8');
  assert.ok(committed === r.stdout, 'docs/scenarios.md is out of date: run `npm run schema` and commit it');
});

test('the reference names every scenario key, every step kind key and every expect key', async () => {
  const doc = await readFile(join(ROOT, 'docs/scenarios.md'), 'utf8');
  const keys = (o: z.ZodObject) => Object.keys(o.shape);
  for (const k of keys(Scenario)) assert.match(doc, new RegExp(`\\| \`${k.replace('$', '\\$')}\` \\|`), `scenario key ${k}`);
  for (const kind of KINDS) {
    assert.match(doc, new RegExp(`### \`${kind.name}\``), kind.name);
    for (const k of keys(kind.schema)) assert.match(doc, new RegExp(`\\| \`${k}\` \\|`), `${kind.name}.${k}`);
    const expect = (kind.schema.shape.expect as z.ZodOptional<z.ZodObject> | undefined)?.unwrap();
    for (const k of expect ? keys(expect) : []) assert.match(doc, new RegExp(`#### \`${kind.name}\` \`expect\`[\\s\\S]*?\\| \`${k}\` \\|`), `${kind.name}.expect.${k}`);
  }
  assert.match(doc, /\{atLeast\}/, 'logs.level {atLeast}');
  // The keys the README used to leave out.
  for (const k of ['mode', 'field', 'messageRegex', 'code', 'min', 'max', 'stopReason', 'reinitialize']) assert.match(doc, new RegExp(`\\| \`${k}\` \\|`), k);
});

test('schema prints one thing: two of --report, --config, --markdown is a usage error (exit 2, one line)', async () => {
  const r = await runCli(['schema', '--markdown', '--config']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^mcp-verify: schema prints one thing: choose one of --config, --markdown\n$/);
});

// The automatic schema checks, through the real CLI against a hand-rolled server that breaks them:
// structuredContent is validated against the tool's outputSchema (spec MUST), a tool with an
// outputSchema must return structuredContent, and every listed tool schema must be valid JSON Schema.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from './support/cli.js';
import { startSchemaServer } from './support/schema-server.js';

let server: Awaited<ReturnType<typeof startSchemaServer>>;
let dir: string;
before(async () => {
  server = await startSchemaServer();
  dir = await mkdtemp(join(tmpdir(), 'mcp-verify-schemas-'));
});
after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test('outputSchema and tool schema checks fail with the reason, and pass for a conforming tool', async () => {
  const file = join(dir, 'schemas.yaml');
  await writeFile(file, 'scenarios:\n  - name: schemas\n    steps:\n      - list: tools\n      - call: weather\n      - call: forgetful\n      - call: good\n');
  const json = join(dir, 'r.json');
  const r = await runCli(['local', '--url', server.url, '--reporter', `plain,json=${json}`, file]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const steps = (JSON.parse(await readFile(json, 'utf8')) as { scenarios: { steps: { checks: { name: string; verdict: string; message?: string }[] }[] }[] }).scenarios[0]!.steps;
  const c = (i: number, name: string) => steps[(i + 1) % 4]!.checks.find((x) => x.name === name);
  assert.equal(c(0, 'outputSchema')?.verdict, 'failed');
  assert.match(c(0, 'outputSchema')!.message!, /structuredContent does not conform to the tool's outputSchema: \/temperature must be number/);
  // The request itself succeeded: the SDK did not turn the violation into a request failure.
  assert.equal(c(0, 'request')?.verdict, 'passed');
  assert.match(c(1, 'outputSchema')!.message!, /declares an outputSchema but returned no structuredContent/);
  assert.equal(c(2, 'outputSchema')?.verdict, 'passed');
  assert.equal(c(3, 'toolSchemas')?.verdict, 'failed');
  assert.match(c(3, 'toolSchemas')!.message!, /typo: inputSchema is not valid JSON Schema 2020-12: .*properties\/city\/type/);
  assert.doesNotMatch(c(3, 'toolSchemas')!.message!, /weather|good|forgetful/);
});

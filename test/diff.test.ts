// A failing text or JSON expectation shows a readable diff (jsdiff), not an escaped blob: through the real
// CLI against the reference server, in the table, the JSON report, JUnit and TAP. Plus the pure parts:
// the actual value cut down to the expected shape, and unique names for recordings.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectOnto, textDiff } from '../src/scenario/diff.js';
import { namesTakenBeside, uniqueName } from '../src/responders/recorder.js';
import { startTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';

let travel: Awaited<ReturnType<typeof startTravelServer>>;
let dir: string;
before(async () => {
  travel = await startTravelServer({ port: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-diff-'));
});
after(async () => travel?.close());

describe('readable diffs for failing text and JSON expectations', () => {
  test('json subset and text equals: - expected / + actual lines in every reporter', async () => {
    const file = path.join(dir, 'diff.yaml');
    await writeFile(
      file,
      `scenarios:
  - name: flights
    steps:
      - call: search_flights
        args: { origin: Oslo, destination: Rome }
        expect: { json: { origin: Oslo, destination: Paris, flights: [{ airline: AirExample }] } }
  - name: phrases
    steps:
      - prompt: local_phrases
        args: { destination: Tokyo }
        expect: { text: { equals: "Teach me 3 phrases" } }
`,
    );
    const r = await runCli(['local', '--url', travel.url, '--reporter', `table,json=${dir}/run.json,junit=${dir}/j.xml,tap=${dir}/run.tap`, file]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /✗ json: \$\.destination: expected "Paris", saw "Rome"\n {6}- expected\n {6}\+ actual\n {8}\{\n[\s\S]*- {3}"destination": "Paris",\n {6}\+ {3}"destination": "Rome",/);
    assert.match(r.stdout, /- Teach me 3 phrases\n {6}\+ Teach me 10 essential local phrases/);
    const json = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    const check = json.scenarios[0].steps[0].checks.find((c: { name: string }) => c.name === 'json');
    assert.ok(check.diff.includes('+   "destination": "Rome",'), JSON.stringify(check));
    assert.match(await readFile(path.join(dir, 'j.xml'), 'utf8'), /- {3}&quot;destination&quot;: &quot;Paris&quot;,|- {3}"destination": "Paris",/);
    assert.match(await readFile(path.join(dir, 'run.tap'), 'utf8'), /diff: /);
  });

  test('pure parts: projection onto the expected shape, JSON text pretty-printed, unique recording names', async () => {
    assert.deepEqual(projectOnto({ a: 1, b: { c: 2, d: 3 }, e: [1, { f: 1, g: 2 }] }, { b: { c: 0 }, e: [0, { f: 0 }] }), { b: { c: 2 }, e: [1, { f: 1 }] });
    assert.deepEqual(textDiff('{"a":1}', '{"a":2}'), ['- expected', '+ actual', '  {', '-   "a": 1', '+   "a": 2', '  }']);
    assert.deepEqual(textDiff('same', 'same'), []);
    const taken = new Set(['plan', 'plan-recorded']);
    assert.equal(uniqueName('plan', taken), 'plan-recorded-2');
    assert.equal(uniqueName('other', taken), 'other');
    const folder = await mkdtemp(path.join(dir, 'rec-'));
    await writeFile(path.join(folder, 'a.yaml'), 'scenarios:\n  - name: plan\n    steps: [{ ping: true }]\n');
    await writeFile(path.join(folder, 'answers.yaml'), 'scenarios:\n  - name: mine\n    steps: [{ ping: true }]\n');
    assert.deepEqual([...(await namesTakenBeside(path.join(folder, 'answers.yaml')))], ['plan'], 'the recording itself does not count');
  });
});

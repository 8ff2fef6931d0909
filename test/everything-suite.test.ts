// The bundled server-everything suite (scenarios/everything/) through the real CLI against a real
// @modelcontextprotocol/server-everything: completion, setLevel + logs.level, subscribe + resources/updated,
// roots (declared, scripted, changed), content types, blob text and the automatic outputSchema check all
// pass; the same kinds of expectation, written wrong, FAIL with the reason.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from './support/cli.js';
import { startEverything } from './support/everything-server.js';

interface Report {
  scenarios: { name: string; status: string; steps: { label: string; description?: string; verdict: string; checks: { name: string; verdict: string; message?: string }[] }[] }[];
}

describe('scenarios/everything against server-everything', () => {
  let everything: { url: string; child: ChildProcess };
  let dir: string;
  before(async () => {
    everything = await startEverything();
    dir = await mkdtemp(join(tmpdir(), 'mcp-verify-everything-'));
  });
  after(async () => {
    everything?.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  test('the bundled suite passes, and every new expectation actually ran', async () => {
    // As a user runs it: the folder's config file starts server-everything (npx) on a free port,
    // declares the suite's features and runs every scenario in the folder.
    const json = join(dir, 'suite.json');
    const r = await runCli(['local', '--config', 'scenarios/everything/mcp-verify.config.yaml', '--reporter', `plain,json=${json}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as Report & { features: { feature: string; verdict: string }[] };
    assert.equal(report.scenarios.length, 6);
    for (const s of report.scenarios) assert.ok(s.status === 'passed' || s.status === 'warning', `${s.name}: ${s.status}`);
    // The only warnings are server-everything's real deviation: its log messages for a request go on
    // the standalone GET stream (no relatedRequestId), which AgentCore would never deliver.
    const warnings = report.scenarios.flatMap((s) => s.steps.flatMap((st) => st.checks.filter((c) => c.verdict === 'warning').map((c) => c.name)));
    assert.deepEqual([...new Set(warnings)], warnings.length ? ['agentcore.getStream'] : []);
    for (const f of ['Completion', 'Content', 'Logging', 'Roots', 'Subscriptions']) {
      assert.ok(['passed', 'warning'].includes(report.features.find((x) => x.feature === f)?.verdict ?? 'missing'), `${f} row: ${JSON.stringify(report.features)}`);
    }
    const passed = new Set(report.scenarios.flatMap((s) => s.steps.flatMap((st) => st.checks.filter((c) => c.verdict === 'passed').map((c) => `${st.label} ${c.name}`))));
    for (const want of [
      'complete prompt completable-prompt department="E" values',
      'complete prompt completable-prompt name="" hasMore',
      'complete resource demo://resource/dynamic/text/{resourceId} resourceId="3" values',
      'subscribe demo://resource/dynamic/text/1 logs.level',
      'subscribe demo://resource/dynamic/text/1 logs.contains',
      'unsubscribe demo://resource/dynamic/text/1 logs.count',
      'call toggle-subscriber-updates notifications[0]',
      'call get-roots-list text',
      'notifyRootsChanged (2 root(s)) rootsRequested',
      'notifyRootsChanged (2 root(s)) logs.contains',
      'call get-tiny-image content[1]',
      'call get-resource-links content[2]',
      'call get-resource-reference content[0]',
      'call get-structured-content outputSchema',
      'read demo://resource/dynamic/blob/5 text',
      'read demo://resource/dynamic/blob/5 blob.size',
      'read demo://resource/dynamic/blob/5 blob.mimeType',
    ]) {
      assert.ok(passed.has(want), `${want} did not pass:\n${[...passed].join('\n')}`);
    }
    // description: is carried into the report.
    const described = report.scenarios.flatMap((s) => s.steps).find((st) => st.label === 'call get-structured-content');
    assert.match(described?.description ?? '', /outputSchema/);
  });

  test('the same expectations written wrong FAIL, each with its reason and the step description', async () => {
    const file = join(dir, 'wrong.yaml');
    await writeFile(
      file,
      `scenarios:
  - name: wrong expectations
    steps:
      - complete: { ref: { prompt: completable-prompt }, argument: { name: department, value: E } }
        expect: { values: [Sales], hasMore: true }
      - setLevel: debug
      - subscribe: demo://resource/dynamic/text/1
        within: 5s
        expect: { logs: { level: { atLeast: warning } } }
      - call: get-tiny-image
        description: the image is a JPEG
        expect: { content: [{ type: image, mimeType: image/jpeg }] }
      - read: demo://resource/dynamic/blob/5
        expect: { blob: { sha256: "${'0'.repeat(64)}", size: 3 } }
      - call: echo
        args: { message: "\${session.id}" }
        within: 200ms
        expect:
          text: "\${session.id}"
          notifications: [{ method: notifications/resources/updated }]
`,
    );
    const json = join(dir, 'wrong.json');
    const r = await runCli(['local', '--url', everything.url, '--reporter', `table,json=${json}`, file]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const steps = (JSON.parse(await readFile(json, 'utf8')) as Report).scenarios[0]!.steps;
    const failed = (i: number) => steps[i]!.checks.filter((c) => c.verdict === 'failed').map((c) => `${c.name}: ${c.message}`).join('\n');
    assert.match(failed(0), /values: not among the completions: Sales \(offered: Engineering\)/);
    assert.match(failed(0), /hasMore: completion.hasMore is (false|absent), expected true/);
    assert.match(failed(2), /logs.level: \d+ log message\(s\) below warning, the first at level (debug|info|notice)/);
    assert.match(failed(3), /content\[0\]: no image block of image\/jpeg matches .*the next image block has mimeType image\/png/);
    assert.match(failed(4), /blob.sha256: sha256 is [0-9a-f]{64}, expected 0{64}/);
    assert.match(failed(4), /blob.size: size in bytes: expected 3, saw \d+/);
    assert.match(failed(5), /notifications\[0\]: notifications\/resources\/updated: expected at least 1, saw 0/);
    // ${session.id} is the session's own id: the echo of it matches.
    assert.equal(steps[5]!.checks.find((c) => c.name === 'text')?.verdict, 'passed');
    assert.match(r.stdout, /step 4 "call get-tiny-image" — the image is a JPEG/);
  });
});

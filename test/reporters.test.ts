// Every reporter's output checked against its format, through the real CLI against the reference server:
// JUnit XML parsed (structure and counts CI systems read), TAP 14 parsed with tap-parser, the JSON shape,
// and GitHub annotations pointing at the failing step's line plus the step summary. Reports are written
// on failure and when the target cannot be reached.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Parser as TapParser } from 'tap-parser';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';

let travel: RunningTravelServer;
let dir: string;
let failing: string;

before(async () => {
  travel = await startTravelServer({ port: 0, host: '127.0.0.1' });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-reporters-'));
  // One passing scenario, one failing step (line 9), one capability skip is not possible here (the
  // reference server declares everything), so a listed expected failure stands in for the third kind.
  failing = path.join(dir, 'mixed.yaml');
  await writeFile(
    failing,
    [
      'scenarios:',
      '  - name: lists-tools',
      '    steps:',
      '      - list: tools',
      '        expect: { names: [plan_trip] }',
      '  - name: wrong-text <&> "quoted"',
      '    steps:',
      '      - list: prompts',
      '      - id: bad',
      '        call: search_flights',
      '        args: { origin: NYC, destination: Paris }',
      '        expect: { text: "no such text" }',
      '',
    ].join('\n'),
  );
});
after(async () => {
  await travel.close();
});

describe('reporters', () => {
  test('junit, tap, json and github from one run (several reporters at once), on a failing run', async () => {
    const out = path.join(dir, 'out');
    const summary = path.join(dir, 'summary.md');
    const r = await runCli(['local', '--url', travel.url, failing, '--reporter', `junit=${out}/junit/report.xml,tap=${out}/r.tap,json=${out}/r.json,github`], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    assert.equal(r.code, 1, r.stderr);

    // JUnit: well-formed, and the structure and counts a CI system reads.
    const xml = await readFile(`${out}/junit/report.xml`, 'utf8');
    assert.equal(XMLValidator.validate(xml), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase', 'property'].includes(n) }).parse(xml);
    const root = doc.testsuites;
    assert.equal(root.testsuite.length, 2);
    const suite = root.testsuite[1];
    assert.equal(suite.name, 'wrong-text <&> "quoted"');
    for (const key of ['tests', 'failures', 'errors', 'skipped', 'time', 'timestamp']) assert.ok(suite[key] !== undefined, `testsuite@${key}`);
    const cases = suite.testcase as Record<string, unknown>[];
    assert.equal(Number(suite.tests), cases.length);
    assert.equal(Number(root.tests), root.testsuite.reduce((n: number, s: { tests: string }) => n + Number(s.tests), 0));
    assert.equal(Number(root.failures), 1);
    const bad = cases.find((c) => String(c.name).startsWith('bad:'))! as { failure: Record<string, string>; 'system-out': string; line: string; classname: string; time: string };
    assert.match(bad.failure.message, /^text: result text/);
    assert.match(bad.failure['#text'], /expected: .*no such text/);
    assert.match(bad['system-out'], /tools\/call/, 'the transcript evidence is in system-out');
    assert.equal(bad.line, '9');
    assert.match(bad.classname, /mixed\.yaml#wrong-text/);
    assert.ok(Number.isFinite(Number(bad.time)));

    // TAP 14: parsed, with the failure's YAML diagnostics.
    const tap = await readFile(`${out}/r.tap`, 'utf8');
    assert.match(tap, /^TAP version 14\n1\.\.2\n/);
    const results = await parseTap(tap);
    assert.equal(results.final.ok, false);
    assert.equal(results.final.count, 2);
    assert.equal(results.final.pass, 1);
    assert.equal(results.final.fail, 1);
    const failure = results.final.failures[0]!;
    assert.equal(failure.name, 'wrong-text <&> "quoted"');
    assert.match(tap, / {4}not ok 2 - bad: call search_flights\n {6}---\n[\s\S]*? {6}at:\n {8}file: .*mixed\.yaml\n {8}line: 9\n/);

    // JSON: the versioned RunResult.
    const json = JSON.parse(await readFile(`${out}/r.json`, 'utf8'));
    assert.equal(json.schemaVersion, 1);
    assert.equal(json.tool.name, 'mcp-verify');
    assert.equal(json.target.url, travel.url);
    assert.equal(typeof json.protocolVersion, 'string');
    assert.deepEqual(json.summary, { total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0, interrupted: 0, expectedFailures: 0, warnings: 0 });
    const step = json.scenarios[1].steps[1];
    assert.equal(step.verdict, 'failed');
    assert.equal(step.line, 9);
    assert.ok(json.scenarios[0].session.id);
    assert.deepEqual(step.checks.find((c: { name: string }) => c.name === 'text').expected, 'no such text');

    // GitHub: an annotation at the failing step's line, and the step summary.
    const rel = path.relative(process.cwd(), failing);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '));
    assert.ok(annotation, r.stdout);
    assert.match(annotation!, new RegExp(`^::error file=${escapeRe(rel.replace(/:/g, '%3A'))},line=9,title=mcp-verify%3A wrong-text <&> "quoted" › call search_flights::text: result text`));
    const md = await readFile(summary, 'utf8');
    assert.match(md, /## mcp-verify: ❌ failed/);
    assert.match(md, /\| lists-tools \| - \| ✅ PASS \|/);
    assert.match(md, /\| wrong-text &lt;&amp;&gt; "quoted" \| - \| ❌ FAIL \|/);
  });

  test('TAP marks expected failures TODO and JUnit skips them; the run passes', async () => {
    const list = path.join(dir, 'xfail.txt');
    await writeFile(list, 'wrong-text <&> "quoted"/bad\n');
    const out = path.join(dir, 'xf');
    const r = await runCli(['local', '--url', travel.url, failing, '--expected-failures', list, '--reporter', `tap=${out}/r.tap,junit=${out}/j.xml`]);
    assert.equal(r.code, 0, r.stderr);
    const results = await parseTap(await readFile(`${out}/r.tap`, 'utf8'));
    assert.equal(results.final.ok, true);
    assert.equal(results.final.todo, 1);
    const xml = await readFile(`${out}/j.xml`, 'utf8');
    assert.match(xml, /<skipped message="expected failure: text: /);
    assert.match(xml, /failures="0"/);
  });

  test('reports are written when the target cannot be reached (exit 3), and a bad report path is exit 2', async () => {
    const out = path.join(dir, 'unreachable');
    const r = await runCli(['local', '--url', 'http://127.0.0.1:1/mcp', failing, '--reporter', `junit=${out}/j.xml,json=${out}/r.json,tap=${out}/r.tap`]);
    assert.equal(r.code, 3);
    const json = JSON.parse(await readFile(`${out}/r.json`, 'utf8'));
    assert.match(json.connectError, /127\.0\.0\.1:1/);
    const xml = await readFile(`${out}/j.xml`, 'utf8');
    assert.equal(XMLValidator.validate(xml), true);
    assert.match(xml, /<error message=/);
    assert.equal((await parseTap(await readFile(`${out}/r.tap`, 'utf8'))).final.ok, false);

    await writeFile(path.join(dir, 'a-file'), '');
    const bad = await runCli(['local', '--url', travel.url, failing, '--reporter', `junit=${dir}/a-file/j.xml`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cannot write the report file/);
    const unknown = await runCli(['local', '--url', travel.url, failing, '--reporter', 'xunit']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown reporter "xunit"; choose from: table, plain, json, junit, tap, github/);
  });
});

interface TapFinal {
  ok: boolean;
  count: number;
  pass: number;
  fail: number;
  todo: number;
  failures: { name: string }[];
}

function parseTap(text: string): Promise<{ final: TapFinal }> {
  return new Promise((resolve) => {
    const p = new TapParser((final: TapFinal) => resolve({ final }));
    p.end(text);
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

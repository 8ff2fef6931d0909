// Scripted answers and client capabilities (issue 13, problems 6 and 7): answers are checked against
// requestedSchema before they are sent (ajv), `invalid: true` sends a bad one on purpose, accept with no
// content sends the schema's defaults, multi-field forms are asserted field by field; with
// --no-elicitation a call answered only by the scenario's rules is SKIP, and so is a step that needs a
// value a skipped step would have captured (with file:line).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';
import { startV1ExampleServer, type RunningV1Server } from './support/v1-example-server.js';

let v1: RunningV1Server;
let travel: Awaited<ReturnType<typeof startTravelServer>>;
let dir: string;

before(async () => {
  v1 = await startV1ExampleServer();
  travel = await startTravelServer({ port: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-answers-'));
});
after(async () => {
  await v1.close();
  await travel.close();
});

interface Check {
  name: string;
  verdict: string;
  message?: string;
}
interface Report {
  features: { feature: string; verdict: string }[];
  scenarios: { name: string; status: string; steps: { verdict: string; checks: Check[] }[] }[];
}

async function run(args: string[]): Promise<{ code: number | null; out: string; report: Report }> {
  const file = path.join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
  const r = await runCli([...args, '--reporter', `plain,json=${file}`]);
  return { code: r.code, out: r.stdout + r.stderr, report: JSON.parse(await readFile(file, 'utf8')) as Report };
}

describe('scripted answers against requestedSchema', () => {
  test('a bad answer fails naming each field and rule and is not sent; invalid: true sends it; accept sends the defaults; forms are asserted field by field', async () => {
    const { code, out, report } = await run(['local', '--url', v1.url, 'test/fixtures/v1-answers/answers.yaml']);
    assert.equal(code, 1, out);
    const by = (n: string) => report.scenarios.find((s) => s.name === n)!;
    // Field assertions ran and passed (the GET-stream warning of this server aside).
    const form = by('form-fields').steps[0]!.checks;
    for (const name of ['elicitations.fields.cuisine', 'elicitations.fields.partySize', 'elicitations.fields.outdoor', 'elicitations.required']) {
      assert.equal(form.find((c) => c.name === name)?.verdict, 'passed', `${name}: ${JSON.stringify(form)}`);
    }
    assert.notEqual(by('form-fields').status, 'failed');
    const bad = by('answer-out-of-range').steps[0]!.checks.find((c) => c.name === 'responders.answered')!;
    assert.equal(bad.verdict, 'failed');
    assert.match(bad.message!, /field "name" is required \(required\)/);
    assert.match(bad.message!, /field "cuisine" must be one of \["italian","japanese","mexican"\] \(enum\)/);
    assert.match(bad.message!, /field "partySize" must be <= 12 \(maximum\)/);
    // The server never saw the bad answer: it was answered cancel.
    assert.match(out, /Booking cancel/);
    // Sent on purpose: the server's own validation refuses it (a tool error), and that is what the step expects.
    assert.notEqual(by('answer-deliberately-invalid').status, 'failed', out);
    assert.notEqual(by('accept-sends-defaults').status, 'failed', out);
  });

  test('a field assertion that does not hold fails naming the field', async () => {
    const file = path.join(dir, 'wrong-form.yaml');
    await writeFile(
      file,
      `scenarios:\n  - name: wrong-form\n    steps:\n      - call: book_table\n        elicitation: [{ content: { cuisine: italian, partySize: 2, name: Ed } }]\n        expect:\n          elicitations:\n            fields: { cuisine: { enum: [italian, french] }, partySize: { maximum: 10 }, nickname: { type: string } }\n            required: [outdoor]\n`,
    );
    const { code, report } = await run(['local', '--url', v1.url, file]);
    assert.equal(code, 1);
    const checks = report.scenarios[0]!.steps[0]!.checks;
    const failed = Object.fromEntries(checks.filter((c) => c.verdict === 'failed').map((c) => [c.name, c.message]));
    assert.match(failed['elicitations.fields.cuisine'] ?? '', /cuisine/);
    assert.match(failed['elicitations.fields.partySize'] ?? '', /maximum|12/);
    assert.match(failed['elicitations.fields.nickname'] ?? '', /has no field "nickname"/);
    assert.match(failed['elicitations.required'] ?? '', /not required: outdoor/);
  });
});

describe('--no-elicitation / --no-sampling', () => {
  test('calls answered only by scenario-level rules are SKIP, not FAIL; the Elicitation row says SKIP', async () => {
    const { code, out, report } = await run(['local', '--url', travel.url, '--no-elicitation']);
    assert.equal(code, 0, out);
    const plan = report.scenarios.find((s) => s.name === 'progress-plan-trip')!;
    assert.equal(plan.status, 'skipped');
    assert.match(plan.steps[0]!.checks[0]!.message!, /answered by the scenario's elicitation rules.*--no-elicitation/);
    assert.equal(report.features.find((f) => f.feature === 'Elicitation')?.verdict, 'skipped');
    assert.ok(!report.scenarios.some((s) => s.status === 'failed'));
  });

  test('a step needing a value captured by a skipped step is SKIP with the file and line of that step', async () => {
    const file = path.join(dir, 'capture.yaml');
    await writeFile(
      file,
      [
        'scenarios:',
        '  - name: capture-then-read',
        '    steps:',
        '      - call: plan_trip',
        '        elicitation: [{ match: { message: Where }, value: Paris }, { match: { type: integer }, value: 2 }, { value: leisure }]',
        '        sampling: [{ text: Walk. }]',
        '        capture: { dest: json.destination }',
        '      - read: travel://destination/${dest}',
        '        expect: { json: { city: Paris } }',
        '      - list: prompts',
        '',
      ].join('\n'),
    );
    const { code, out, report } = await run(['local', '--url', travel.url, file, '--no-elicitation']);
    assert.equal(code, 0, out);
    const steps = report.scenarios[0]!.steps;
    assert.equal(steps[0]!.verdict, 'skipped');
    assert.equal(steps[1]!.verdict, 'skipped');
    assert.match(steps[1]!.checks[0]!.message!, new RegExp(`needs \\$\\{dest\\}, captured by step 1 "call plan_trip" \\(.*capture\\.yaml:4\\), which was skipped`));
    assert.equal(steps[2]!.verdict, 'passed');
  });
});

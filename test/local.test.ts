// The foundation end to end: the real CLI against the real reference server on an ephemeral port.
// The bundled suite passes; a wrong expectation fails with exit 1 and says what was expected and seen;
// a stateless server gets the diagnosis; bad scenario files are exit 2 with file:line:col; nothing
// listening is exit 3 with one line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { startTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';

let stateful: Awaited<ReturnType<typeof startTravelServer>>;
let stateless: Awaited<ReturnType<typeof startTravelServer>>;
let dir: string;

before(async () => {
  stateful = await startTravelServer({ port: 0 });
  stateless = await startTravelServer({ port: 0, stateless: true });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-local-'));
});
after(async () => {
  await stateful.close();
  await stateless.close();
});

async function scenarioFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('mcp-verify local against the reference server', () => {
  test('the bundled suite passes, with every feature PASS and hex session ids', async () => {
    const r = await runCli(['local', '--url', stateful.url]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const feature of ['Elicitation', 'Sampling', 'Progress Notifications', 'Resources', 'Prompts', 'Session ID Persistence']) {
      assert.match(r.stdout, new RegExp(`^${feature}\\s+PASS$`, 'm'), `feature ${feature} should be PASS`);
    }
    assert.match(r.stdout, /format: hex string/);
    assert.match(r.stdout, /legacy era, protocol 2025-11-25 · session id/);
    assert.match(r.stdout, /^10 passed, 0 failed/m);
    assert.doesNotMatch(r.stdout, /FAIL/);
  });

  test('a deliberately wrong expectation fails with exit 1, the expectation, what was seen, and the transcript', async () => {
    const file = await scenarioFile(
      'wrong.yaml',
      `scenarios:
  - name: wrong-progress
    feature: Progress Notifications
    steps:
      - call: search_flights
        args: { origin: Oslo, destination: Rome }
        expect:
          progress: { count: 5 }
          json: { origin: Paris }
`,
    );
    const r = await runCli(['local', '--url', stateful.url, file]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /wrong-progress\s+Progress Notifications\s+FAIL/);
    assert.match(r.stdout, /progress\.count: expected 5, saw 4/);
    assert.match(r.stdout, /json: \$\.origin: expected "Paris", saw "Oslo"/);
    assert.match(r.stdout, /step 1 "call search_flights" \(.*wrong\.yaml:5\)/);
    assert.match(r.stdout, /transcript:\n[\s\S]*http POST tools\/call → 200[\s\S]*progress 4\/4[\s\S]*result of tools\/call: ok/);
    assert.match(r.stdout, /^0 passed, 1 failed/m);
  });

  test('an elicitation nothing scripted answers fails the step with the request and how to script it', async () => {
    const file = await scenarioFile(
      'unscripted.yaml',
      `scenarios:
  - name: unscripted
    steps:
      - call: plan_trip
`,
    );
    const r = await runCli(['local', '--url', stateful.url, '--timeout', '10s', file]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /unanswered elicitation "Where would you like to go\?\\nOptions: Paris, Tokyo, New York, Bali"/);
    assert.match(r.stdout, /script it on the step: elicitation: \[\{ match: \{ message: "Where would you like to go\?" \}, action: accept, value: <answer> \}\]/);
    // Never silently accepted: the tool saw a cancel.
    assert.match(r.stdout, /Trip planning cancelled\./);
  });

  test('a stateless server gets the stateless diagnosis, not a bare timeout', async () => {
    const r = await runCli(['local', '--url', stateless.url, '--timeout', '3s', 'scenarios/travel/elicitation.yaml', 'scenarios/travel/sampling.yaml']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /session\.idIssued: the server issued no Mcp-Session-Id at initialize/);
    assert.match(r.stdout, /diagnosis: stateless server \(see the run diagnosis\): call plan_trip: no elicitation\/sampling request reached the client/);
    assert.match(r.stdout, /diagnosis: No Mcp-Session-Id was issued at initialize: the server is running stateless \(FastMCP stateless_http=True/);
    // quick_recommend's sampling answer is lost between per-request servers: found at once, and said so.
    assert.match(r.stdout, /✗ sampling-quick-recommend[\s\S]*stateless server: sampling\/createMessage arrived on the call's response stream and was answered/);
    assert.match(r.stdout, /format: none/);
  });

  test('nothing listening: exit 3 and one line naming the URL and how to start the reference server', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/mcp`;
    const r = await runCli(['local', '--url', url]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`cannot connect to ${url.replace(/[/.]/g, '\\$&')}: connection refused.*mcp-verify example-server`));
    assert.equal(r.stdout, '');
  });
});

describe('client capabilities withheld (--no-elicitation, --no-sampling)', () => {
  test('steps that need a withheld capability are SKIP with the reason; a scenario with nothing left to run is SKIP, not PASS', async () => {
    const r = await runCli(['local', '--url', stateful.url, '--no-sampling', '--reporter', 'plain', '--verbose', 'scenarios/travel/sampling.yaml', 'scenarios/travel/prompts.yaml']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^SKIP sampling-quick-recommend/m);
    assert.match(r.stdout, /^SKIP sampling-in-plan-trip/m);
    assert.match(r.stdout, /^PASS prompts/m);
    assert.match(r.stdout, /^1 passed, 0 failed, 2 skipped/m);
  });

  test("the server's behaviour towards a client without elicitation can be tested; `requires` turns the skip into a FAIL", async () => {
    const file = await scenarioFile(
      'no-elicitation.yaml',
      `scenarios:
  - name: refused-politely
    steps:
      - call: plan_trip
        expect: { isError: true, text: does not support form elicitation }
  - name: needs-elicitation
    requires: [elicitation]
    steps:
      - call: plan_trip
        elicitation: [{ value: Tokyo }]
`,
    );
    const r = await runCli(['local', '--url', stateful.url, '--no-elicitation', '--reporter', 'plain', file]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^PASS refused-politely/m);
    assert.match(r.stdout, /^FAIL needs-elicitation .*mcp-verify \(the client\) did not declare the elicitation capability, which this scenario requires/m);
    assert.doesNotMatch(r.stdout, /diagnosis/, 'a step that never ran gets no stateless/routing diagnosis');
  });
});

describe('scenario files are checked before anything runs', () => {
  test('a misspelt key: exit 2, file:line:col, the offending text with a caret, and a suggestion', async () => {
    const file = await scenarioFile(
      'typo.yaml',
      `scenarios:
  - name: typo
    steps:
      - call: plan_trip
        expcet:
          isError: false
`,
    );
    const r = await runCli(['local', '--url', 'http://127.0.0.1:9/mcp', file]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /typo\.yaml:5:9: scenarios\.0\.steps\.0: unknown key "expcet"; did you mean "expect"\?/);
    assert.match(r.stderr, /\n {2}\s+expcet:\n {2}\s+\^/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  test('a misspelt required key is one problem, not also "missing"', async () => {
    const file = await scenarioFile('stpes.yaml', 'scenarios:\n  - name: x\n    stpes:\n      - ping: true\n');
    const r = await runCli(['validate', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /stpes\.yaml:3:5: scenarios\.0: unknown key "stpes"; did you mean "steps"\?/);
    assert.equal(r.stderr.match(/stpes\.yaml:\d+:\d+:/g)?.length, 1, r.stderr);
  });

  test('invalid YAML and a wrong type: exit 2 with positions, every problem listed', async () => {
    const bad = await scenarioFile('bad.yaml', 'scenarios:\n  - name: x\n    steps: [ { call: a }\n');
    const wrongType = await scenarioFile('type.yaml', 'scenarios:\n  - name: y\n    steps:\n      - call: 42\n');
    const r = await runCli(['validate', bad, wrongType]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:\d+:\d+: invalid YAML/);
    assert.match(r.stderr, /type\.yaml:4:15: scenarios\.0\.steps\.0\.call: call must be a string, got 42/);
  });

  test('a step with no action, two actions, an invalid regex, duplicate names', async () => {
    const file = await scenarioFile(
      'many.yaml',
      `scenarios:
  - name: same
    steps:
      - expect: { isError: false }
  - name: same
    steps:
      - call: a
        read: b
`,
    );
    const regex = await scenarioFile('regex.yaml', `scenarios:\n  - name: r\n    steps:\n      - call: a\n        expect: { text: { regex: "(" } }\n`);
    const dup = await scenarioFile('dup.yaml', `scenarios:\n  - name: d\n    steps: [ { ping: true } ]\n  - name: d\n    steps: [ { ping: true } ]\n`);
    const r1 = await runCli(['validate', file]);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /many\.yaml:4:9: scenarios\.0\.steps\.0: a step needs one action: call, list, read, prompt, ping, complete, setLevel, subscribe, unsubscribe, notifyRootsChanged/);
    assert.match(r1.stderr, /many\.yaml:7:9: scenarios\.1\.steps\.0: a step has one action, this one has call and read/);
    const r2 = await runCli(['validate', regex]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /regex\.yaml:5:\d+: .*expect\.text\.regex: invalid regular expression/);
    const r3 = await runCli(['validate', dup]);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /dup\.yaml:4:\d+: duplicate scenario name "d" \(first at .*dup\.yaml:2\)/);
  });

  test('the bundled scenarios validate', async () => {
    const r = await runCli(['validate', 'scenarios/travel']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /6 file\(s\), 10 scenario\(s\): valid/);
  });
});

describe('the command line itself', () => {
  test('unknown option: exit 2 with a pointer to --help', async () => {
    const r = await runCli(['local', '--nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--nope'/);
    assert.match(r.stderr, /--help/);
  });

  test('--help on every command teaches with an example, and the exit codes are documented', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Exit codes:[\s\S]*3\s+could not connect or authenticate/);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    assert.ok(commands.includes('local') && commands.includes('demo') && commands.includes('example-server'), commands.join(','));
    for (const c of commands) {
      const r = await runCli([c, '--help']);
      assert.equal(r.code, 0, c);
      assert.match(r.stdout, /Examples?:\n\s+(# .*\n\s+)?(\$ )?mcp-verify /, `${c} --help has an example`);
    }
  });

  test('colours: off by default without a terminal, on with FORCE_COLOR, off again with NO_COLOR or --no-color', async () => {
    const files = ['scenarios/travel/prompts.yaml'];
    const plain = await runCli(['local', '--url', stateful.url, ...files]);
    assert.equal(plain.code, 0);
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
    const forced = await runCli(['local', '--url', stateful.url, ...files], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.match(forced.stdout, /\x1b\[32mPASS/);
    const flag = await runCli(['local', '--url', stateful.url, '--no-color', ...files], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.doesNotMatch(flag.stdout, /\x1b\[/);
    const env = await runCli(['local', '--url', stateful.url, ...files], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    assert.doesNotMatch(env.stdout, /\x1b\[/);
  });

  test('bad flag values are usage errors', async () => {
    const r1 = await runCli(['local', '--timeout', 'soon']);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--timeout takes a duration like 500ms, 10s or 2m \(got "soon"\)/);
    const r2 = await runCli(['local', '--url', 'not a url']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /--url "not a url" is not a URL/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

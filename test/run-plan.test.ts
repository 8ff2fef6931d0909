// The one execution path (src/run): the Duration rule, the plan's pre-run checks, step kinds, demo and
// compare as two plans with every run flag, init's bounded listings, listener failures, and the JSON
// report's published schema. Real CLI, real servers on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTravelServer } from '../src/servers/travel/server.js';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { ROOT, runCli } from './support/cli.js';
import { startSilentServer, type SilentServer } from './support/silent-server.js';

const CREDS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7RUNPLAN', AWS_SECRET_ACCESS_KEY: 'runplan/SecretAccessKey+0123456789abcdefgh', AWS_SESSION_TOKEN: undefined };
const ENV = { ...CREDS, AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true' };
const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_plan-AbCdEf1234';

let dir: string;
let travel: Awaited<ReturnType<typeof startTravelServer>>;
let emulator: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
let silentCall: SilentServer;
let silentList: SilentServer;

const validateReport = async () => {
  const schema = JSON.parse(await readFile(path.join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(schema);
};

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-run-plan-'));
  travel = await startTravelServer({ port: 0, host: '127.0.0.1' });
  emulator = await startAgentCoreEmulator({ upstream: travel.url, port: 0, region: 'us-west-2', credentials: { accessKeyId: CREDS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDS.AWS_SECRET_ACCESS_KEY } });
  silentCall = await startSilentServer(['tools/call']);
  silentList = await startSilentServer(['tools/list']);
});

after(async () => {
  await Promise.all([emulator?.close(), silentCall?.close(), silentList?.close()]);
  await travel?.close();
});

describe('Duration: a bare number is milliseconds everywhere', () => {
  // 2000 rather than 500: the flag also bounds initialize, which a loaded CI machine can take a while over.
  test('--timeout 2000 and `timeout: 2000` both give the step 2000 ms', async () => {
    const file = path.join(dir, 'wait.yaml');
    await writeFile(file, 'scenarios:\n  - name: waits\n    session: { idIssued: false }\n    steps:\n      - call: wait\n');
    const yamlTimeout = path.join(dir, 'wait-500.yaml');
    await writeFile(yamlTimeout, 'scenarios:\n  - name: waits\n    session: { idIssued: false }\n    steps:\n      - call: wait\n        timeout: 2000\n');
    const messages: string[] = [];
    for (const [args, json] of [
      [['--timeout', '2000', file], path.join(dir, 'flag.json')],
      [[yamlTimeout], path.join(dir, 'yaml.json')],
    ] as const) {
      const r = await runCli(['local', '--url', silentCall.url, '--reporter', `plain,json=${json}`, ...args], { timeoutMs: 30_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const report = JSON.parse(await readFile(json, 'utf8'));
      const request = report.scenarios[0].steps[0].checks.find((c: { name: string }) => c.name === 'request');
      messages.push(request.message);
    }
    assert.match(messages[0]!, /no result within the step timeout of 2s \(raise it with --timeout/);
    assert.equal(messages[0], messages[1]);
  });

  test('500ms, 30s and 2m are accepted; an absurd or empty duration is exit 2, flag and YAML alike', async () => {
    for (const t of ['500ms', '30s', '2m']) {
      const v = path.join(dir, `ok-${t}.yaml`);
      await writeFile(v, `scenarios:\n  - name: a\n    timeout: ${t}\n    steps:\n      - ping: true\n        timeout: ${t}\n`);
      assert.equal((await runCli(['validate', v])).code, 0, t);
    }
    const big = await runCli(['local', '--url', silentCall.url, '--timeout', '3000000000']);
    assert.equal(big.code, 2, big.stderr);
    assert.match(big.stderr, /--timeout takes at most 2147483647 ms/);
    assert.equal(big.stderr.trim().split('\n').length, 2, big.stderr);
    const zero = await runCli(['doctor', '--url', silentCall.url, '--timeout', '0']);
    assert.equal(zero.code, 2, zero.stderr);
    const bad = path.join(dir, 'absurd.yaml');
    await writeFile(bad, 'scenarios:\n  - name: a\n    steps:\n      - ping: true\n        timeout: 3000000000\n');
    const y = await runCli(['validate', bad]);
    assert.equal(y.code, 2);
    assert.match(y.stderr, /absurd\.yaml:5:18: .*timeout: expected at most 2147483647 ms/);
  });
});

describe('init --timeout bounds every listing', () => {
  test('a server that never answers tools/list: exit 3 after the timeout, not the SDK\'s 60 s', async () => {
    const out = path.join(dir, 'starter.yaml');
    // Bounded by runCli's 20 s: without a per-request timeout the listing would wait 60 s.
    // 2s: the same flag bounds initialize, which a loaded machine can be slow over.
    const r = await runCli(['init', '--url', silentList.url, '--timeout', '2s', '--out', out], { timeoutMs: 20_000 });
    assert.equal(r.signal, null, 'init did not end by itself');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /tools\/list got no answer within 2000 ms/);
    assert.ok(silentList.seen.includes('tools/list'));
  });
});

describe('step kinds: a key that does not belong to the kind is exit 2 at its position', () => {
  test('args on a read step, isError on a list step, two actions, no action', async () => {
    const file = path.join(dir, 'kinds.yaml');
    await writeFile(
      file,
      [
        'scenarios:',
        '  - name: kinds',
        '    steps:',
        '      - read: travel://destinations',
        '        args: { city: Oslo }',
        '      - list: tools',
        '        expect: { isError: false }',
        '      - call: a',
        '        read: b',
        '      - expect: {}',
        '',
      ].join('\n'),
    );
    for (const cmd of [['validate', file], ['local', '--url', silentCall.url, file]]) {
      const r = await runCli(cmd);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /kinds\.yaml:5:9: scenarios\.0\.steps\.0: unknown key "args"; a read step takes: read, id, description, within, elicitation, sampling, timeout, requires, capture, expect/);
      assert.match(r.stderr, /kinds\.yaml:7:19: scenarios\.0\.steps\.1\.expect: unknown key "isError".*a list step's expect takes: .*names, count/);
      assert.match(r.stderr, /kinds\.yaml:8:9: .*a step has one action, this one has call and read/);
      assert.match(r.stderr, /kinds\.yaml:10:9: .*a step needs one action: call, list, read, prompt, ping, complete, setLevel, subscribe, unsubscribe, notifyRootsChanged/);
    }
  });
});

describe('demo and compare: two plans, every run flag', () => {
  test('compare and demo refuse --interactive (one target at a time), exit 2 before connecting', async () => {
    for (const args of [['compare', '--url', silentCall.url, '--arn', ARN, '--endpoint-url', silentList.url.replace(/\/mcp$/, ''), '--interactive'], ['demo', '--record', path.join(dir, 'rec.yaml')]]) {
      const r = await runCli(args, { env: ENV });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /--interactive and --record answer one target at a time/);
    }
  });

  test('demo --reporter junit=F --retries 1 writes F with both sides', async () => {
    const junit = path.join(dir, 'demo', 'junit.xml');
    const r = await runCli(['demo', '--reporter', `table,junit=${junit}`, '--retries', '1'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Local vs Remote \(AgentCore emulator\)/);
    const xml = await readFile(junit, 'utf8');
    assert.match(xml, /<testsuite name="Local: /);
    assert.match(xml, /<testsuite name="Remote \(AgentCore emulator\): /);
    assert.match(xml, /failures="0"/);
  });

  test('compare takes --grep, --var, --reporter and --expected-failures, and runs only what they select', async () => {
    const junit = path.join(dir, 'compare', 'junit.xml');
    const json = path.join(dir, 'compare', 'report.json');
    const known = path.join(dir, 'known.txt');
    await writeFile(known, '# nothing known\n');
    const r = await runCli(
      ['compare', '--url', travel.url, '--arn', ARN, '--endpoint-url', emulator.url, '--grep', 'prompt', '--var', 'unused=1', '--expected-failures', known, '--reporter', `table,junit=${junit},json=${json}`, '--timeout', '20s'],
      { env: ENV, timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Prompts\s+PASS\s+PASS/);
    assert.match(r.stdout, /Elicitation\s+-\s+-/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    assert.ok(report.scenarios.length >= 2 && report.scenarios.every((s: { id: string; name: string }) => /prompt/i.test(s.id)), JSON.stringify(report.scenarios.map((s: { id: string }) => s.id)));
    assert.ok(report.scenarios.some((s: { id: string }) => s.id.startsWith('local:')) && report.scenarios.some((s: { id: string }) => s.id.startsWith('remote:')));
    assert.match(await readFile(junit, 'utf8'), /<testsuites /);
    const validate = await validateReport();
    assert.ok(validate(report), JSON.stringify(validate.errors));
  });

  test('compare with a bad ${env.X} is exit 2 before either side is contacted', async () => {
    const file = path.join(dir, 'env.yaml');
    await writeFile(file, 'scenarios:\n  - name: env\n    steps:\n      - call: wait\n        args: { token: "${env.MCP_VERIFY_UNSET_FOR_TEST}" }\n');
    const local = await startSilentServer([]);
    const remote = await startSilentServer([]);
    try {
      const r = await runCli(['compare', '--url', local.url, '--arn', ARN, '--endpoint-url', remote.url.replace(/\/mcp$/, ''), file], { env: { ...ENV, MCP_VERIFY_UNSET_FOR_TEST: undefined } });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /MCP_VERIFY_UNSET_FOR_TEST/);
      assert.deepEqual(local.seen, []);
      assert.deepEqual(remote.seen, []);
    } finally {
      await Promise.all([local.close(), remote.close()]);
    }
  });
});

describe('the JSON report has a published schema', () => {
  test('schema/report.schema.json is what `mcp-verify schema --report` prints', async () => {
    const r = await runCli(['schema', '--report']);
    assert.equal(r.code, 0);
    assert.equal(await readFile(path.join(ROOT, 'schema', 'report.schema.json'), 'utf8'), r.stdout, 'stale: run npm run schema');
  });

  test('real reports validate: passing, failing, unreachable, the protocol suite', async () => {
    const validate = await validateReport();
    const cases: [string, string[], number][] = [
      ['pass', ['local', '--url', travel.url, 'scenarios/travel/prompts.yaml'], 0],
      ['fail', ['local', '--url', silentCall.url, '--timeout', '2s', path.join(dir, 'wait.yaml')], 1],
      ['unreachable', ['local', '--url', 'http://127.0.0.1:9/mcp', '--timeout', '2s'], 3],
      ['protocol', ['local', '--suite', 'protocol', '--url', travel.url, '--timeout', '10s'], -1],
    ];
    for (const [name, args, code] of cases) {
      const json = path.join(dir, `schema-${name}.json`);
      const r = await runCli([...args, '--reporter', `plain,json=${json}`], { timeoutMs: 90_000 });
      if (code >= 0) assert.equal(r.code, code, `${name}: ${r.stdout}${r.stderr}`);
      const report = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(report.schemaVersion, 1);
      assert.ok(validate(report), `${name}: ${JSON.stringify(validate.errors)}`);
    }
    // And the schema is not a schema that takes anything.
    assert.equal(validate({ schemaVersion: 1 }), false);
  });
});

describe('listeners', () => {
  test('a listener that throws is reported and stops neither the run nor the others', async () => {
    const { buildPlan } = await import('../src/run/plan.js');
    const { executeRun } = await import('../src/run/execute.js');
    const { loadScenarios } = await import('../src/scenario/loader.js');
    const { localTarget } = await import('../src/target/target.js');
    const scenarios = await loadScenarios([path.join(ROOT, 'scenarios/travel/prompts.yaml'), path.join(ROOT, 'scenarios/travel/resources.yaml')], ROOT);
    const plan = await buildPlan({ timeout: 20_000 }, scenarios, localTarget(new URL(travel.url)));
    const seen: string[] = [];
    const failures: string[] = [];
    const run = await executeRun(
      plan,
      [
        { name: 'broken', onScenarioEnd: () => { throw new Error('disk full'); }, onEnd: async () => { throw new Error('cannot write'); } },
        { name: 'good', onScenarioEnd: (s) => void seen.push(s.name), onEnd: (r) => void seen.push(`end ${r.summary.passed}`) },
      ],
      { onListenerFailure: (_f, text) => failures.push(text) },
    );
    assert.equal(run.summary.failed, 0);
    assert.equal(seen.length, scenarios.length + 1);
    assert.equal(seen.at(-1), `end ${scenarios.length}`);
    assert.equal(failures.length, scenarios.length + 1);
    assert.match(failures[0]!, /reporter broken failed \(onScenarioEnd\): disk full/);
    assert.match(failures.at(-1)!, /reporter broken failed \(onEnd\): cannot write/);
  });
});

describe('answer rules', () => {
  test('each planned step carries its answer layers in precedence order, and the run answers by them', async () => {
    const { buildPlan } = await import('../src/run/plan.js');
    const { executeRun } = await import('../src/run/execute.js');
    const { loadScenarios } = await import('../src/scenario/loader.js');
    const { localTarget } = await import('../src/target/target.js');
    const file = path.join(dir, 'layers.yaml');
    // Step 1's own rule and the scenario's both answer the first question: the step's must win.
    await writeFile(
      file,
      [
        'scenarios:',
        '  - name: layered answers',
        '    elicitation:',
        '      - match: { message: Where would you like to go }',
        '        action: decline',
        '    steps:',
        '      - call: plan_trip',
        '        elicitation:',
        '          - match: { message: Where would you like to go }',
        '            action: cancel',
        '        expect: { elicitations: { count: 1 }, sampling: { count: 0 } }',
        '      - call: plan_trip',
        '        expect: { elicitations: { count: 1 }, sampling: { count: 0 } }',
        '',
      ].join('\n'),
    );
    const scenarios = await loadScenarios([file], dir);
    const target = localTarget(new URL(travel.url));
    const plan = await buildPlan({ timeout: 20_000, verbose: true }, scenarios, target);
    const [first, second] = plan.scenarios[0]!.steps;
    assert.deepEqual(first!.answers.map((l) => l.from), ['step', 'scenario']);
    assert.equal(first!.answers[0]!.from === 'step' && first!.answers[0]!.elicitation[0]!.action, 'cancel');
    assert.equal(second!.answers[0]!.from === 'step' && second!.answers[0]!.elicitation.length, 0);
    const withPerson = await buildPlan({ timeout: 20_000, interactive: true }, scenarios, target);
    assert.deepEqual(withPerson.scenarios[0]!.steps[0]!.answers.map((l) => l.from), ['step', 'scenario', 'person']);

    const run = await executeRun(plan, []);
    const steps = run.scenarios[0]!.steps;
    assert.equal(run.scenarios[0]!.status, 'passed', JSON.stringify(steps.map((s) => s.checks)));
    assert.match((steps[0]!.evidence ?? []).join('\n'), /elicitation "Where would you like to go\?[^"]*" → cancel \(script\)/);
    assert.match((steps[1]!.evidence ?? []).join('\n'), /elicitation "Where would you like to go\?[^"]*" → decline \(script\)/);
  });
});

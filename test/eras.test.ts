// Both protocol eras from the client side, as a user runs them: the bundled suite on the 2026-07-28 wire
// against the reference server (locally and through the AgentCore emulator with SigV4), `demo --era both`'s
// migration table, legacy-only servers ("does not speak 2026-07-28", exit 3; "not spoken" with --era both),
// every round recorded and counted (rounds expectation), and each scenario-run modern check failing for
// the test server that breaks it. Real CLI, real servers on loopback.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTravelServer, type RunningTravelServer } from '../src/servers/travel/server.js';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { modernWireChecks } from '../src/scenario/modern-checks.js';
import { ROOT, runCli } from './support/cli.js';
import { startMrtrServer, type RunningMrtrServer } from './support/mrtr-server.js';
import { startBadModernServer, type ModernFault } from './support/bad-modern-server.js';
import { startEverything } from './support/everything-server.js';

const CREDS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7ERASTST', AWS_SECRET_ACCESS_KEY: 'eras/SecretAccessKey+0123456789abcdefghij', AWS_SESSION_TOKEN: undefined };
const ENV = { ...CREDS, AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true' };
const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_eras-AbCdEf1234';
const FEATURE_ROWS = ['Elicitation', 'Sampling', 'Progress Notifications', 'Resources', 'Prompts', 'Session ID Persistence'];

type Check = { name: string; verdict: string; message?: string; actual?: unknown };
type Report = {
  era: string | null;
  protocolVersion: string | null;
  requestedEra?: string;
  eraNotSpoken?: string;
  scenarios: { name: string; status: string; checks: Check[]; steps: { label: string; verdict: string; checks: Check[]; evidence?: string[] }[] }[];
};

let dir: string;
let travel: RunningTravelServer;
let legacyOnly: RunningTravelServer;
let mrtr: RunningMrtrServer;
let emulator: Awaited<ReturnType<typeof startAgentCoreEmulator>>;

const readReport = async (file: string): Promise<Report> => JSON.parse(await readFile(file, 'utf8'));
const stepChecks = (r: Report, scenario: string, step: string) => r.scenarios.find((s) => s.name === scenario)!.steps.find((s) => s.label === step)!.checks;
const checkOf = (checks: Check[], name: string) => checks.find((c) => c.name === name);

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-eras-'));
  travel = await startTravelServer({ port: 0, host: '127.0.0.1' });
  legacyOnly = await startTravelServer({ port: 0, host: '127.0.0.1', era: 'legacy' });
  mrtr = await startMrtrServer();
  emulator = await startAgentCoreEmulator({ upstream: travel.url, port: 0, region: 'us-west-2', credentials: { accessKeyId: CREDS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDS.AWS_SECRET_ACCESS_KEY } });
});

after(async () => {
  await Promise.all([travel?.close(), legacyOnly?.close(), mrtr?.close(), emulator?.close()]);
});

describe('the bundled suite on the 2026-07-28 wire', () => {
  test('passes against the reference server locally; every report names the era and the negotiated version', async () => {
    const json = path.join(dir, 'modern.json');
    const junit = path.join(dir, 'modern.xml');
    const summary = path.join(dir, 'summary.md');
    const r = await runCli(['local', '--url', travel.url, '--era', 'modern', '--reporter', `plain,json=${json},junit=${junit},github=${summary}`], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /10 passed, 0 failed \([^)]*\) · modern era, protocol 2026-07-28/);
    const report = await readReport(json);
    assert.deepEqual([report.requestedEra, report.era, report.protocolVersion], ['modern', 'modern', '2026-07-28']);
    assert.ok(report.scenarios.every((s) => s.status === 'passed'), JSON.stringify(report.scenarios.map((s) => [s.name, s.status])));
    const schema = JSON.parse(await readFile(path.join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 3)));
    // plan_trip asks three questions and samples once: each round answered by the scripted rules, and
    // our own client's wire checked (requestState echoed byte-exact, a new id per round).
    const plan = stepChecks(report, 'elicitation-string-and-integer', 'call plan_trip');
    assert.equal(checkOf(plan, 'elicitations.count')?.verdict, 'passed');
    for (const name of ['modern.resultType', 'modern.inputRequiredMethods', 'modern.declaredCapabilities', 'client.requestStateEcho', 'client.newIdPerRound']) {
      assert.equal(checkOf(plan, name)?.verdict, 'passed', `${name}: ${JSON.stringify(checkOf(plan, name))}`);
    }
    // Session expectations have nothing to check without sessions: not applicable, never PASS or FAIL.
    const sessionScenario = report.scenarios.find((s) => s.name === 'session-id-persistence')!;
    assert.equal(checkOf(sessionScenario.checks, 'session.idIssued')?.verdict, 'skipped');
    assert.match(checkOf(sessionScenario.checks, 'session.idIssued')!.message!, /not applicable on the 2026-07-28 wire/);
    assert.equal(checkOf(sessionScenario.checks, 'session.noSessionId')?.verdict, 'passed');
    const ping = sessionScenario.steps.find((s) => s.label === 'ping')!;
    assert.equal(ping.verdict, 'skipped');
    assert.match(ping.checks[0]!.message!, /not applicable on the 2026-07-28 wire: ping was removed/);
    const xml = await readFile(junit, 'utf8');
    assert.match(xml, /<testsuites name="mcp-verify Local \(modern era, protocol 2026-07-28\)"/);
    assert.match(xml, /<property name="era" value="modern"\/>/);
    assert.match(await readFile(summary, 'utf8'), /modern era, protocol 2026-07-28/);
  });

  test('passes through the AgentCore emulator with SigV4', async () => {
    const r = await runCli(['remote', '--arn', ARN, '--endpoint-url', emulator.url, '--era', 'modern', '--reporter', 'plain'], { env: ENV, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /10 passed, 0 failed .* · modern era, protocol 2026-07-28/);
  });

  test('the same scenarios show every round: the transcript has each round with its id, requests, state and answers', async () => {
    const json = path.join(dir, 'rounds.json');
    const r = await runCli(['local', '--url', mrtr.url, '--era', 'modern', '-v', '--reporter', `plain,json=${json}`, path.join(ROOT, 'test/fixtures/mrtr')], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = await readReport(json);
    const step = report.scenarios[0]!.steps[0]!;
    assert.equal(checkOf(step.checks, 'rounds.count')?.verdict, 'passed');
    const rounds = (step.evidence ?? []).filter((l) => / round \d of tools\/call id=/.test(l));
    assert.equal(rounds.length, 4, (step.evidence ?? []).join('\n'));
    assert.match(rounds[0]!, /round 1 of tools\/call id=\d+: no inputResponses, no requestState → input_required: city=elicitation\/create$/);
    assert.match(rounds[2]!, /round 3 of tools\/call id=\d+: inputResponses days=accept, requestState echoed \(\d+ bytes, sha256 [0-9a-f]{12}\) → input_required: tips=sampling\/createMessage, requestState \d+ bytes/);
    assert.match(rounds[3]!, /round 4 .*inputResponses tips=sampled.* → complete$/);
    const ids = rounds.map((l) => /id=(\d+)/.exec(l)![1]);
    assert.equal(new Set(ids).size, 4, 'a new JSON-RPC id per round');
    // The answers given in a round are that round's elicitation/sampling entries.
    assert.ok((step.evidence ?? []).some((l) => /\[round 2\] elicitation "How many days\?" → accept \(script\) \{"value":3\}/.test(l)));
  });

  test('rounds: a wrong count fails saying how many there were; on the legacy wire it is not applicable', async () => {
    const wrong = path.join(dir, 'rounds-wrong.yaml');
    const yaml = (await readFile(path.join(ROOT, 'test/fixtures/mrtr/plan.yaml'), 'utf8')).replace('rounds: { count: 4, max: 5 }', 'rounds: { count: 2, max: 3 }');
    await writeFile(wrong, yaml);
    const json = path.join(dir, 'rounds-wrong.json');
    const r = await runCli(['local', '--url', mrtr.url, '--era', 'modern', '--reporter', `plain,json=${json}`, wrong], { timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const checks = (await readReport(json)).scenarios[0]!.steps[0]!.checks;
    assert.match(checkOf(checks, 'rounds.count')!.message!, /the step took 4 request\(s\): expected 2, saw 4/);
    assert.match(checkOf(checks, 'rounds.max')!.message!, /took 4 requests, more than 3/);

    const legacy = path.join(dir, 'rounds-legacy.yaml');
    await writeFile(
      legacy,
      `scenarios:\n  - name: rounds-on-legacy\n    elicitation: [{ match: { message: Where }, value: Tokyo }, { match: { type: integer }, value: 3 }, { value: leisure }]\n    sampling: [{ text: tips }]\n    steps:\n      - call: plan_trip\n        expect: { rounds: { count: 5 } }\n`,
    );
    const lj = path.join(dir, 'rounds-legacy.json');
    const l = await runCli(['local', '--url', travel.url, '--era', 'legacy', '--reporter', `plain,json=${lj}`, legacy], { timeoutMs: 60_000 });
    assert.equal(l.code, 0, l.stdout + l.stderr);
    const lc = checkOf((await readReport(lj)).scenarios[0]!.steps[0]!.checks, 'rounds.count')!;
    assert.equal(lc.verdict, 'skipped');
    assert.match(lc.message!, /not applicable on the legacy wire/);
    // The same file on the modern wire: plan_trip's three questions and one sampling request, then the result.
    const mj = path.join(dir, 'rounds-modern.json');
    const m = await runCli(['local', '--url', travel.url, '--era', 'modern', '--reporter', `plain,json=${mj}`, legacy], { timeoutMs: 60_000 });
    assert.equal(m.code, 0, m.stdout + m.stderr);
    assert.equal(checkOf((await readReport(mj)).scenarios[0]!.steps[0]!.checks, 'rounds.count')!.verdict, 'passed');
  });
});

describe('--era both', () => {
  test('demo --era both prints the migration table: every feature PASS on both eras, local and remote', async () => {
    const r = await runCli(['demo', '--era', 'both'], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /migration table, 2025-11-25 \(legacy\) vs 2026-07-28 \(modern\)/);
    assert.match(r.stdout, /Test\s+Local legacy\s+Local modern\s+Remote legacy\s+Remote modern/);
    for (const row of FEATURE_ROWS) assert.match(r.stdout, new RegExp(`^${row}\\s+PASS\\s+PASS\\s+PASS\\s+PASS\\s*$`, 'm'), row);
    assert.match(r.stdout, /^Era\s+legacy \(2025-11-25\)\s+modern \(2026-07-28\)\s+legacy \(2025-11-25\)\s+modern \(2026-07-28\)\s+differs$/m);
    assert.match(r.stdout, /^Auth Method\s+None\s+None\s+SigV4\s+SigV4\s+differs$/m);
    assert.match(r.stdout, /^Remote modern: 10 passed, 0 failed/m);
  });

  test('local --era both against a legacy-only server: the modern column is "not spoken", not ten FAILs, and the run passes', async () => {
    const json = path.join(dir, 'both.json');
    const html = path.join(dir, 'both.html');
    const r = await runCli(['local', '--url', legacyOnly.url, '--era', 'both', '--reporter', `table,json=${json},html=${html}`], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const row of FEATURE_ROWS) assert.match(r.stdout, new RegExp(`^${row}\\s+PASS\\s+not spoken\\s+differs$`, 'm'), row);
    assert.match(r.stdout, /^Modern: not spoken: .* does not speak 2026-07-28/m);
    assert.doesNotMatch(r.stdout, /FAIL/);
    // The merged JSON report holds both eras, each scenario named by its era.
    const report = await readReport(json);
    assert.ok(report.scenarios.some((s) => s.name.startsWith('Legacy: ') && s.status === 'passed'));
    assert.ok(report.scenarios.filter((s) => s.name.startsWith('Modern: ')).every((s) => s.status === 'skipped'));
    const page = await readFile(html, 'utf8');
    assert.match(page, /Migration table: legacy vs modern/);
    assert.match(page, /Era not spoken:<\/b> [^<]*does not speak 2026-07-28/);
  });

  test('--era auto takes what the server speaks, and every report says it was auto', async () => {
    const modern = await runCli(['local', '--url', travel.url, '--era', 'auto', '--reporter', 'plain', path.join(ROOT, 'scenarios/travel/prompts.yaml')], { timeoutMs: 60_000 });
    assert.equal(modern.code, 0, modern.stdout + modern.stderr);
    assert.match(modern.stdout, /· modern era \(by --era auto\), protocol 2026-07-28/);
    // A legacy-only server: the probe's server/discover is not counted as a session exchange without an id.
    const legacy = await runCli(['local', '--url', legacyOnly.url, '--era', 'auto', '--reporter', 'plain', path.join(ROOT, 'scenarios/travel/prompts.yaml')], { timeoutMs: 60_000 });
    assert.equal(legacy.code, 0, legacy.stdout + legacy.stderr);
    assert.match(legacy.stdout, /· legacy era \(by --era auto\), protocol 2025-11-25/);
  });
});

describe('--era modern against a legacy-only server', () => {
  test('says in one line that it does not speak 2026-07-28 (exit 3): server-everything (SDK v1) and the reference server with --era legacy', async () => {
    const everything = await startEverything();
    try {
      for (const url of [everything.url, legacyOnly.url]) {
        const r = await runCli(['local', '--url', url, '--era', 'modern', '--reporter', 'plain', path.join(ROOT, 'test/fixtures/mrtr')], { timeoutMs: 60_000 });
        assert.equal(r.code, 3, r.stdout + r.stderr);
        const lines = (r.stdout + r.stderr).trim().split('\n').filter((l) => /does not speak/.test(l));
        assert.ok(lines.length >= 1, r.stdout + r.stderr);
        assert.match(lines[0]!, new RegExp(`${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not speak 2026-07-28`));
        assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
      }
    } finally {
      everything.child.kill();
    }
  });
});

describe('scenario-run modern checks fail for the server that breaks them', () => {
  const SCENARIO = `scenarios:\n  - name: modern-rules\n    sampling: [{ text: be kind }]\n    steps:\n      - list: tools\n      - call: ask\n`;
  const run = async (fault: ModernFault, extra: string[] = []) => {
    const server = await startBadModernServer(fault);
    try {
      const file = path.join(dir, `bad-${fault}.yaml`);
      // Without --no-sampling's SKIP of a call the scenario's own sampling rules would answer.
      await writeFile(file, extra.includes('--no-sampling') ? SCENARIO.replace('    sampling: [{ text: be kind }]\n', '') : SCENARIO);
      const json = path.join(dir, `bad-${fault}.json`);
      const r = await runCli(['local', '--url', server.url, '--era', 'modern', '--reporter', `plain,json=${json}`, ...extra, file], { timeoutMs: 60_000 });
      return { r, report: await readReport(json) };
    } finally {
      await server.close();
    }
  };
  const all = (rep: Report) => rep.scenarios.flatMap((s) => [...s.checks, ...s.steps.flatMap((st) => st.checks)]);

  test('a correct server passes every one of them (the control)', async () => {
    const { r, report } = await run('none');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const name of ['modern.resultType', 'modern.declaredCapabilities', 'client.requestStateEcho', 'client.newIdPerRound', 'session.noSessionId']) assert.equal(all(report).find((c) => c.name === name)?.verdict, 'passed', name);
  });

  const cases: [ModernFault, string, RegExp, string[]?][] = [
    ['no-result-type', 'modern.resultType', /tools\/list \(id \d+\) answered with no resultType .*\[MCP 2026-07-28/],
    ['input-required-on-list', 'modern.inputRequiredMethods', /tools\/list \(id \d+\) answered input_required, which only tools\/call, prompts\/get and resources\/read may/],
    ['undeclared-capability', 'modern.declaredCapabilities', /asked "tip" with sampling\/createMessage though the request declared no sampling capability/, ['--no-sampling']],
    ['echo-session-id', 'session.noSessionId', /the server sent Mcp-Session-Id sess-echoed-0001 on the modern wire/],
  ];
  for (const [fault, name, message, extra] of cases) {
    test(`${fault}: ${name} FAILs`, async () => {
      const { r, report } = await run(fault, extra);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const c = all(report).find((x) => x.name === name && x.verdict === 'failed');
      assert.ok(c, `${name} did not fail: ${JSON.stringify(all(report).filter((x) => x.name === name))}`);
      assert.match(c.message!, message);
    });
  }

  test("our own client's rules fail when the wire shows a broken retry (state not echoed byte-exact, an id reused)", () => {
    const checks = modernWireChecks([
      { id: 1, method: 'tools/call', step: 0, declared: { sampling: {} }, answer: { resultType: 'input_required', inputRequests: { a: 'sampling/createMessage' }, requestState: 'Zm9v' } },
      { id: 1, method: 'tools/call', step: 0, declared: { sampling: {} }, inputResponseKeys: ['a', 'b'], requestStateSent: 'Zm9v ', answer: { resultType: 'complete' } },
    ]);
    assert.match(checks.find((c) => c.name === 'client.requestStateEcho')!.message!, /differs from the one tools\/call \(id 1\) issued \(5 vs 4 bytes\); the retry .* sent inputResponses b that round did not ask for/);
    assert.match(checks.find((c) => c.name === 'client.newIdPerRound')!.message!, /reuses the id of an earlier request/);
  });
});

describe('doctor and the eras', () => {
  type DoctorJson = { findings: { topic: string; verdict: string; detail: string }[]; diagnosis?: string };
  const doctor = async (url: string, extra: string[] = []) => {
    const r = await runCli(['doctor', '--url', url, '--json', ...extra], { timeoutMs: 90_000 });
    return { r, report: (r.stdout.trim().startsWith('{') ? JSON.parse(r.stdout) : { findings: [] }) as DoctorJson };
  };
  const finding = (d: DoctorJson, topic: string) => d.findings.find((f) => f.topic === topic);

  test('says which eras a server speaks, and tries elicitation and sampling on 2026-07-28 too', async () => {
    const both = await doctor(travel.url);
    assert.equal(both.r.code, 0, both.r.stdout + both.r.stderr);
    assert.equal(finding(both.report, 'eras')?.verdict, 'PASS');
    assert.match(finding(both.report, 'eras')!.detail, /speaks 2025-11-25 \(legacy, sessions\) and 2026-07-28/);
    assert.match(finding(both.report, 'elicitation (2026-07-28)')!.detail, /plan_trip: 3 elicitation requests came back as input_required .* no session needed/);
    assert.equal(finding(both.report, 'sampling (2026-07-28)')?.verdict, 'PASS');

    const legacy = await doctor(legacyOnly.url);
    assert.equal(legacy.r.code, 0, legacy.r.stdout + legacy.r.stderr);
    assert.match(finding(legacy.report, 'eras')!.detail, /speaks 2025-11-25 only .* a client pinned to 2026-07-28 cannot connect/);
    const pinned = await runCli(['doctor', '--url', legacyOnly.url, '--era', 'modern'], { timeoutMs: 60_000 });
    assert.equal(pinned.code, 3, pinned.stdout + pinned.stderr);
    assert.match(pinned.stdout, /FAIL\s+eras\s+.* does not speak 2026-07-28/);

    const modernOnly = await startTravelServer({ port: 0, host: '127.0.0.1', era: 'modern' });
    try {
      const m = await doctor(modernOnly.url);
      assert.equal(m.r.code, 0, m.r.stdout + m.r.stderr);
      assert.match(finding(m.report, 'eras')!.detail, /speaks 2026-07-28 only: 2025-11-25 clients .* cannot initialize/);
      assert.equal(finding(m.report, 'elicitation (2026-07-28)')?.verdict, 'PASS');
    } finally {
      await modernOnly.close();
    }
  });

  test("the stateless diagnosis says the 2026-07-28 wire gives elicitation and sampling without sessions, and whether this server speaks it", async () => {
    const stateless = await startTravelServer({ port: 0, host: '127.0.0.1', stateless: true });
    try {
      const d = await doctor(stateless.url);
      assert.equal(d.r.code, 1, d.r.stdout + d.r.stderr);
      assert.match(d.report.diagnosis!, /running stateless/);
      assert.match(d.report.diagnosis!, /also speaks 2026-07-28, where elicitation and sampling come back inside the result .* need no session, and they work there/);
    } finally {
      await stateless.close();
    }
    const legacyStateless = await startTravelServer({ port: 0, host: '127.0.0.1', stateless: true, era: 'legacy' });
    try {
      const d = await doctor(legacyStateless.url);
      assert.match(d.report.diagnosis!, /The 2026-07-28 wire gives elicitation and sampling without sessions .* when the server speaks it; this one does not/);
    } finally {
      await legacyStateless.close();
    }
  });
});

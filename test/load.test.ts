// `mcp-verify load` and `merge-reports` as a user runs them: the real CLI against the reference server,
// the AgentCore emulator (SigV4, --cold-start) and a server with a cross-session bug. Counts are made
// deterministic with --iterations; no verdict here depends on how fast the machine is (latency
// thresholds are set where no machine can miss, or can ever meet them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { startAgentCoreEmulator } from '../src/servers/agentcore/emulator.js';
import { parseThreshold } from '../src/load/thresholds.js';
import { BIN, ROOT, runCli } from './support/cli.js';
import { startCrossWiredServer } from './support/cross-wired-server.js';

const FIX = path.join(ROOT, 'test', 'fixtures', 'load');
const NOOP = path.join(FIX, 'noop.yaml');
const PER_SESSION = path.join(FIX, 'per-session.yaml');
const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/load_test-AbCdEf1234';
const KEY = 'AKIDTESTLOAD0000001';
const SECRET = 'test-secret-load/abcdefghijklmnopqrstuvwxyz0123';

let server: Awaited<ReturnType<typeof startTravelServer>>;
let dir: string;

before(async () => {
  server = await startTravelServer({ port: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-load-'));
});
after(async () => {
  await server.close();
});

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

describe('load against the reference server', () => {
  test('20 virtual users: the table has cold and warm figures, the JSON has the histograms', async () => {
    const json = path.join(dir, 'whole.json');
    const r = await runCli(['load', '--url', server.url, '--concurrency', '20', '--iterations', '40', '--duration', '10m', NOOP, '--reporter', `table,json=${json}`, '--status-interval', '0'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // 40 iterations over 20 users: each user's first iteration opens its session (cold), the second reuses it.
    assert.match(r.stdout, /iterations {2}40 \(cold 20, warm 20\) {2}failed 0 \(0\.00%\)/);
    assert.match(r.stdout, /^cold {2}session ready \(initialize \+ initialized\) +20 /m);
    assert.match(r.stdout, /^cold {2}time to first result +20 /m);
    assert.match(r.stdout, /^cold {2}tools\/call:noop +20 /m);
    assert.match(r.stdout, /^warm {2}tools\/call:noop +20 /m);
    assert.match(r.stdout, /PASS {2}errors==0 \(default/);
    const rep = await readJson(json);
    assert.equal(rep.kind, 'load');
    assert.equal(rep.stoppedBy, 'iterations');
    assert.deepEqual([rep.summary.coldIterations, rep.summary.warmIterations, rep.summary.failedIterations, rep.summary.requests], [20, 20, 0, 40]);
    assert.equal(rep.latency['cold.ready'].count, 20);
    assert.equal(rep.latency['warm.tools/call:noop'].count, 20);
    assert.equal(rep.latency['tools/call:noop'].count, 40, 'the aggregate sums both phases');
    assert.equal(rep.latency['warm.ready'], undefined, 'a reused session has no ready time');
    assert.match(rep.metrics.histograms['warm|tools/call:noop'], /^HISTF/, 'the encoded HdrHistogram travels in the report');
    assert.deepEqual(rep.config.users, Array.from({ length: 20 }, (_, i) => i));
  });

  test('--duration bounds the run: it stops by itself, running iterations finish, status lines on stderr', async () => {
    const json = path.join(dir, 'duration.json');
    const r = await runCli(['load', '--url', server.url, '--concurrency', '3', '--duration', '1s', '--graceful-stop', '60s', NOOP, '--reporter', `table,json=${json}`, '--status-interval', '200ms'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const rep = await readJson(json);
    assert.equal(rep.stoppedBy, 'duration');
    assert.ok(rep.summary.coldIterations >= 3, 'every user ran its first iteration to the end');
    assert.equal(rep.summary.interruptedIterations, 0);
    assert.match(r.stdout, /\(the duration ran out\)/);
    assert.match(r.stderr, /^load \d+s\/1s {2}\d+ iterations .* errors 0 {2}users \d+/m);
  });

  test('on a terminal the status is one line redrawn in place', async (t) => {
    const { existsSync } = await import('node:fs');
    if (!existsSync('/usr/bin/script')) return t.skip('needs script(1) from util-linux for a pseudo-terminal');
    const cmd = [process.execPath, BIN, 'load', '--url', server.url, '--concurrency', '2', '--iterations', '4', NOOP].map((a) => `'${a}'`).join(' ');
    const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn('/usr/bin/script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env: { ...process.env, CI: undefined, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => {
        clearTimeout(killer);
        resolve({ code, text });
      });
    });
    assert.equal(out.code, 0, out.text);
    assert.match(out.text, /\r\x1b\[2Kload \d+s {2}\d+ iterations/, 'the line is cleared and redrawn, not appended');
    assert.match(out.text, /PASSED: every threshold held/);
  });

  test('thresholds: exit 0 when they hold, exit 1 naming each violated one', async () => {
    const common = ['load', '--url', server.url, '--concurrency', '3', '--iterations', '6', NOOP, '--status-interval', '0'];
    const ok = await runCli([...common, '--threshold', 'p99<10m', '--threshold', 'tools/call:noop p95<10m', '--threshold', 'errors<1%', '--threshold', 'cold.ready p99<10m', '--threshold', 'iterations count>=6']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    for (const t of ['p99<10m', 'tools/call:noop p95<10m', 'errors<1%', 'cold.ready p99<10m', 'iterations count>=6']) assert.ok(ok.stdout.includes(`PASS  ${t}`), `${t} passes:\n${ok.stdout}`);
    assert.doesNotMatch(ok.stdout, /errors==0/, 'an errors threshold replaces the default');
    assert.match(ok.stdout, /PASSED: every threshold held/);

    const json = path.join(dir, 'thresholds-fail.json');
    const bad = await runCli([...common, '--threshold', 'tools/call:noop p50<1us', '--threshold', 'iterations count>=1000', '--threshold', 'p99<10m', '--threshold', 'tools/call:missing p99<1s', '--reporter', `table,json=${json}`]);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /FAIL {2}tools\/call:noop p50<1us {2}tools\/call:noop p50 = /);
    assert.match(bad.stdout, /FAIL {2}iterations count>=1000 {2}6 iterations/);
    assert.match(bad.stdout, /FAIL {2}tools\/call:missing p99<1s {2}no samples for tools\/call:missing \(metrics with samples: .*tools\/call:noop/);
    assert.match(bad.stdout, /PASS {2}p99<10m/);
    assert.match(bad.stdout, /FAILED: 3 threshold\(s\) violated: tools\/call:noop p50<1us, iterations count>=1000, tools\/call:missing p99<1s/);
    const rep = await readJson(json);
    assert.equal(rep.passed, false);
    assert.deepEqual(rep.thresholds.filter((t: { ok: boolean }) => !t.ok).map((t: { expression: string }) => t.expression), ['tools/call:noop p50<1us', 'iterations count>=1000', 'tools/call:missing p99<1s']);
  });

  test('bad flags are exit 2 before anything connects', async () => {
    const unreachable = ['load', '--url', 'http://127.0.0.1:1/mcp', NOOP];
    for (const [args, message] of [
      [['--threshold', 'p99 < fast'], /--threshold "p99 < fast": .*not a duration/],
      [['--threshold', 'latency<5s'], /unknown aggregate "latency"/],
      [['--threshold', 'errors<lots'], /not a rate/],
      [['--mode', 'lukewarm'], /--mode takes cold, warm or mixed/],
      [['--concurrency', '0'], /--concurrency takes a whole number of at least 1/],
      [['--duration', 'forever'], /--duration takes a duration like 500ms/],
      [['--shard', '3/2'], /--shard takes i\/n/],
      [['--concurrency', '2', '--shard', '1/3'], /3 shards cannot split 2 virtual user/],
      [['--rate', '-5'], /--rate takes iterations per second/],
      [['--reporter', 'html=x.html'], /html reporter does not cover load runs yet/],
      [['--session-iterations', '3'], /applies to --mode mixed only/],
    ] as [string[], RegExp][]) {
      const r = await runCli([...unreachable, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('nothing listening: exit 3 at once, with the report still written', async () => {
    const json = path.join(dir, 'unreachable.json');
    const r = await runCli(['load', '--url', 'http://127.0.0.1:1/mcp', '--concurrency', '2', '--duration', '10m', NOOP, '--reporter', `table,json=${json}`, '--status-interval', '0']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /could not connect: cannot (connect to|open an MCP session at) http:\/\/127\.0\.0\.1:1\/mcp/);
    const rep = await readJson(json);
    assert.equal(rep.stoppedBy, 'connect');
    assert.equal(rep.passed, false);
  });

  test('Ctrl-C: partial results are reported and written, exit 130', async () => {
    const json = path.join(dir, 'interrupted.json');
    const child = spawn(process.execPath, [BIN, 'load', '--url', server.url, '--concurrency', '2', '--duration', '10m', NOOP, '--reporter', `table,json=${json}`, '--status-interval', '100ms'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // Signal once at least one iteration has been counted.
    for (let i = 0; i < 600 && !/ [1-9]\d* iterations/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(killer);
    assert.equal(code, 130, stdout + stderr);
    assert.match(stdout, /\(interrupted: partial results\)/);
    const rep = await readJson(json);
    assert.equal(rep.interrupted, true);
    assert.equal(rep.stoppedBy, 'interrupted');
    assert.ok(rep.summary.iterations >= 1, 'what ran is kept');
    assert.equal(rep.summary.failedIterations, 0, 'an iteration cut short is interrupted, not failed');
  });
});

describe('shards and merge-reports', () => {
  test('two shards merged count exactly what one run of the whole counts; thresholds re-applied', async () => {
    const args = (extra: string[], json: string) => ['load', '--url', server.url, '--concurrency', '6', '--iterations', '24', '--mode', 'mixed', '--session-iterations', '2', NOOP, PER_SESSION, '--status-interval', '0', '--reporter', `json=${json}`, ...extra];
    const [whole, one, two] = [path.join(dir, 'all.json'), path.join(dir, 'shard-1.json'), path.join(dir, 'shard-2.json')];
    // As a CI matrix runs them: the shards at the same time.
    const runs = await Promise.all([runCli(args([], whole), { timeoutMs: 180_000 }), runCli(args(['--shard', '1/2'], one), { timeoutMs: 180_000 }), runCli(args(['--shard', '2/2'], two), { timeoutMs: 180_000 })]);
    for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
    const merged = path.join(dir, 'merged.json');
    const m = await runCli(['merge-reports', one, two, '--reporter', `table,json=${merged}`, '--threshold', 'iterations count>=24', '--threshold', 'errors==0']);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    assert.match(m.stdout, /\(2 reports merged\)/);
    const a = await readJson(whole);
    const b = await readJson(merged);
    const s1 = await readJson(one);
    assert.deepEqual(s1.config.users, [0, 2, 4]);
    assert.equal(s1.summary.iterations, 12);
    assert.deepEqual(b.summary.iterations, 24);
    for (const k of ['iterations', 'coldIterations', 'warmIterations', 'failedIterations', 'requests', 'failedRequests']) assert.equal(b.summary[k], a.summary[k], k);
    assert.deepEqual(b.metrics.scenarios, a.metrics.scenarios);
    // mixed, 2 iterations per session: every user's iterations alternate cold, warm.
    assert.deepEqual([a.summary.coldIterations, a.summary.warmIterations], [12, 12]);
    const counts = (rep: { latency: Record<string, { count: number }> }) => Object.fromEntries(Object.entries(rep.latency).map(([k, v]) => [k, v.count]).filter(([k]) => !String(k).includes('first_')));
    assert.deepEqual(counts(b), counts(a), 'every histogram holds the same number of samples');
    assert.deepEqual(b.config.users, a.config.users);

    const strict = await runCli(['merge-reports', one, two, '--threshold', 'iterations count>=25']);
    assert.equal(strict.code, 1, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /FAIL {2}iterations count>=25 {2}24 iterations/);
  });

  test('merge-reports refuses what is not a set of shards (exit 2) and warns about a missing one', async () => {
    const one = path.join(dir, 'm-1.json');
    const r = await runCli(['load', '--url', server.url, '--concurrency', '2', '--iterations', '2', '--shard', '1/2', NOOP, '--status-interval', '0', '--reporter', `json=${one}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const twice = await runCli(['merge-reports', one, one]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /virtual user 1 is also in .*m-1\.json; merging would count it twice/);
    const junk = path.join(dir, 'junk.json');
    await writeFile(junk, '{"tool":"mcp-verify","schemaVersion":1,"scenarios":[]}');
    const notLoad = await runCli(['merge-reports', one, junk]);
    assert.equal(notLoad.code, 2);
    assert.match(notLoad.stderr, /junk\.json: not an mcp-verify load report/);
    const missing = await runCli(['merge-reports', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json: ENOENT/);
    const half = await runCli(['merge-reports', one]);
    assert.equal(half.code, 0, half.stdout + half.stderr);
    assert.match(half.stderr, /warning: the reports cover 1 of 2 virtual users \(a shard is missing\?\)/);
  });
});

describe('stateful features under load', () => {
  test('elicitation, sampling and progress with per-session answers: every answer reaches its own session', async () => {
    const json = path.join(dir, 'per-session.json');
    const r = await runCli(['load', '--url', server.url, '--concurrency', '8', '--iterations', '16', PER_SESSION, '--status-interval', '0', '--reporter', `table,json=${json}`], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const rep = await readJson(json);
    assert.equal(rep.summary.failedIterations, 0);
    assert.deepEqual(rep.metrics.scenarios, { 'plan-trip-per-session': { iterations: 8, failed: 0 }, 'flights-progress': { iterations: 8, failed: 0 } });
    for (const k of ['first_elicitation', 'first_sampling', 'first_progress']) assert.ok(rep.latency[k]?.count >= 8, `${k} measured`);
  });

  test('a server that leaks one session\'s answer into another fails the iterations it crossed', async () => {
    const crossed = await startCrossWiredServer(2);
    try {
      const file = path.join(dir, 'greet.yaml');
      await writeFile(file, 'scenarios:\n  - name: greet\n    steps:\n      - call: greet\n        elicitation:\n          - match: { message: your name }\n            value: "user-${load.vu}"\n        expect: { text: { equals: "Hello, user-${load.vu}!" } }\n');
      const json = path.join(dir, 'crossed.json');
      const r = await runCli(['load', '--url', crossed.url, '--concurrency', '2', '--iterations', '2', file, '--status-interval', '0', '--reporter', `table,json=${json}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const rep = await readJson(json);
      assert.ok(rep.summary.failedIterations >= 1, 'the crossed answer is a failed iteration');
      assert.equal(rep.metrics.errors['expectation text'].count, rep.summary.failedIterations);
      assert.match(rep.metrics.errors['expectation text'].example, /Hello, user-[12]!/);
      assert.ok(rep.metrics.failedChecks['greet › call greet › text'].count >= 1);
      assert.match(r.stdout, /failed iterations by check:\n +\d+ {2}greet › call greet › text/);
      assert.match(r.stdout, /FAIL {2}errors==0/);
    } finally {
      await crossed.close();
    }
  });
});

describe('load through the AgentCore emulator', () => {
  let emulator: Awaited<ReturnType<typeof startAgentCoreEmulator>>;
  let home: string;
  before(async () => {
    emulator = await startAgentCoreEmulator({ upstream: server.url, port: 0, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, coldStartMs: 800 });
    home = await mkdtemp(path.join(tmpdir(), 'mcp-verify-load-home-'));
  });
  after(async () => {
    await emulator.close();
  });

  test('SigV4 with --cold-start 800ms: every cold session ready takes at least the delay; a --rate over AgentCore\'s limit is warned about', async () => {
    const json = path.join(dir, 'emulator.json');
    const env = {
      HOME: home,
      AWS_CONFIG_FILE: path.join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: undefined,
    };
    const r = await runCli(['load', '--arn', ARN, '--endpoint-url', emulator.url, '--concurrency', '3', '--iterations', '6', '--rate', '30', NOOP, '--status-interval', '0', '--reporter', `table,markdown=${path.join(dir, 'emulator.md')},json=${json}`], { env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\(auth: SigV4\)/);
    assert.match(r.stderr, /warning: --rate 30\/s exceeds AgentCore's documented rate of about 25 invocations per second per endpoint/);
    const rep = await readJson(json);
    assert.equal(rep.target.authMethod, 'SigV4');
    assert.deepEqual([rep.summary.coldIterations, rep.summary.warmIterations, rep.summary.failedIterations], [3, 3, 0]);
    // The delay is a lower bound of every cold start (percentiles report a bucket's upper edge).
    assert.ok(rep.latency['cold.ready'].p50 >= 800, `cold ready p50 ${rep.latency['cold.ready'].p50}ms`);
    assert.ok(rep.latency['cold.first_result'].p50 >= 800);
    assert.ok(rep.latency['warm.tools/call:noop'].count === 3);
    const md = await readFile(path.join(dir, 'emulator.md'), 'utf8');
    assert.match(md, /\| cold \| session ready \(initialize \+ initialized\) \| 3 \|/);
    for (const text of [r.stdout, r.stderr, JSON.stringify(rep), md]) assert.ok(!text.includes(SECRET), 'the secret key never appears');
  });

  test('a bearer-token runtime takes the same flags as remote; the token never appears', async () => {
    const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.load-test-bearer-token.signature';
    const bearer = await startAgentCoreEmulator({ upstream: server.url, port: 0, auth: 'bearer', bearerToken: TOKEN });
    try {
      const json = path.join(dir, 'bearer.json');
      const r = await runCli(['load', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'LOAD_TOKEN', '--concurrency', '2', '--iterations', '4', NOOP, '--status-interval', '0', '--reporter', `table,json=${json}`], { env: { LOAD_TOKEN: TOKEN } });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /\(auth: Bearer\)/);
      assert.match(r.stderr, /no --rate: 2 virtual user\(s\) go as fast as the endpoint answers; AgentCore documents about 25 invocations per second/);
      const text = await readFile(json, 'utf8');
      for (const t of [r.stdout, r.stderr, text]) assert.ok(!t.includes(TOKEN), 'the bearer token never appears');
      const wrong = await runCli(['load', '--arn', ARN, '--endpoint-url', bearer.url, '--bearer-token-env', 'LOAD_TOKEN', '--iterations', '2', NOOP, '--status-interval', '0'], { env: { LOAD_TOKEN: 'not-the-token-0123456789' } });
      assert.equal(wrong.code, 3, wrong.stdout + wrong.stderr);
    } finally {
      await bearer.close();
    }
  });
});

describe('threshold expressions', () => {
  test('k6 spellings parse to metric, aggregate, operator and value in ms', () => {
    assert.deepEqual(pick(parseThreshold('p99<500ms')), ['requests', 'p99', '<', 500]);
    assert.deepEqual(pick(parseThreshold('tools/call:plan_trip p95<2s')), ['tools/call:plan_trip', 'p95', '<', 2000]);
    assert.deepEqual(pick(parseThreshold('errors<0.1%')), ['errors', 'rate', '<', 0.001]);
    assert.deepEqual(pick(parseThreshold('cold.ready p99<3s')), ['cold.ready', 'p99', '<', 3000]);
    assert.deepEqual(pick(parseThreshold('warm.requests p(99.9)<=1m')), ['warm.requests', 'p(99.9)', '<=', 60_000]);
    assert.deepEqual(pick(parseThreshold('throughput>100')), ['throughput', 'rate', '>', 100]);
    assert.deepEqual(pick(parseThreshold('errors count==0')), ['errors', 'count', '==', 0]);
    assert.deepEqual(pick(parseThreshold('med<250')), ['requests', 'p50', '<', 250]);
    assert.throws(() => parseThreshold('cold.errors<1%'), /counted for the whole run/);
    assert.throws(() => parseThreshold('p101<1s'), /past p100/);
  });
});

function pick(t: { metric: string; aggregate: string; op: string; value: number }) {
  return [t.metric, t.aggregate, t.op, t.value];
}

// The fault suite's hostile servers (issue 12): a server written to break the harness, over real
// sockets, with the real CLI as a child process whose peak memory is measured. Every case must end
// within its bound, with the documented exit code, a complete report and under 300 MiB of RSS, and
// huge answers are generated lazily so nothing here holds gigabytes either.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHostileServer, type HostileServer } from './support/hostile-server.js';
import { eventually, runCliMeasured, type MeasuredResult } from './support/measured-cli.js';

const RSS_LIMIT_MIB = 300;
let server: HostileServer;
let dir: string;

before(async () => {
  server = await startHostileServer();
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-hostile-'));
});
after(async () => {
  await server.close();
});

async function scenarioFile(name: string, yaml: string): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, yaml);
  return file;
}

function assertBounded(r: MeasuredResult): void {
  const out = r.stdout + r.stderr;
  assert.equal(r.signal, null, `the run hung or crashed (killed by ${r.signal})\n${out.slice(0, 3000)}`);
  assert.notEqual(r.peakRssMiB, null, `the process died without exiting (exit ${r.code})\n${out.slice(0, 3000)}`);
  assert.ok(r.peakRssMiB! < RSS_LIMIT_MIB, `peak RSS ${r.peakRssMiB} MiB is over ${RSS_LIMIT_MIB} MiB`);
  assert.doesNotMatch(out, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
  assert.doesNotMatch(out, /internal error|FATAL|Check failed/);
}

const CALL = (tool: string, args: Record<string, unknown> = {}, expect = '') => `scenarios:
  - name: hostile
    steps:
      - call: ${tool}
        args: ${JSON.stringify(args)}
${expect}`;

describe('1. a multi-gigabyte JSON answer is cut at --max-response', () => {
  test('initialize answered with 4 GiB of JSON: exit 3 in one line, the report written, memory bounded', async () => {
    const file = await scenarioFile('huge-init', CALL('long_text'));
    const json = path.join(dir, 'huge-init.json');
    const r = await runCliMeasured(['local', '--url', `${server.url}/huge-init`, '--reporter', `table,json=${json}`, file], { timeoutMs: 60_000 });
    assertBounded(r);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /exceeded the 16777216-byte response cap/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    assert.ok(report.connectError, 'the JSON report says why it could not connect');
  });

  test('a tool call answered with 4 GiB of JSON fails its step saying so', async () => {
    const file = await scenarioFile('huge-call', CALL('huge'));
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--max-response', '1MB', file], { timeoutMs: 60_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /exceeded the 1048576-byte response cap and was cut off/);
  });

  for (const [name, args] of [
    ['doctor', ['doctor', '--url']],
    ['--suite protocol', ['local', '--suite', 'protocol', '--url']],
    ['init', ['init', '--out', '-', '--url']],
  ] as const) {
    test(`${name} against a 4 GiB initialize answer ends with a clear error`, async () => {
      const r = await runCliMeasured([...args, `${server.url}/huge-init`], { timeoutMs: 90_000 });
      assertBounded(r);
      assert.ok(r.code === 1 || r.code === 3, `exit ${r.code}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, /response cap/);
    });
  }
});

describe('2. streams without end are capped', () => {
  test('one SSE event on the GET stream that never ends is cut, and the run says so', async () => {
    const file = await scenarioFile('endless-get', CALL('long_text', { length: 10 }, '        expect: { text: b }\n'));
    const r = await runCliMeasured(['local', '--url', `${server.url}/endless-get`, '--max-response', '1MB', file], { timeoutMs: 60_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /standalone GET stream exceeded the 1048576-byte response cap/);
  });

  test('an SSE flood answering notifications/initialized is cut at the cap; the run does not wait out its steps', async () => {
    const file = await scenarioFile('flood', CALL('long_text', { length: 10 }, '        timeout: 20s\n        expect: { text: b }\n'));
    const r = await runCliMeasured(['local', '--url', `${server.url}/flood-initialized`, file], { timeoutMs: 40_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /notifications\/initialized exceeded the 16777216-byte response cap/);
  });
});

describe('3. a catastrophic regex cannot hang the run', () => {
  const REGEX = CALL('long_text', { length: 30_000 }, '        expect: { text: { regex: "^(a+)+$" } }\n');

  test('a too-slow match is a FAIL naming the pattern', async () => {
    const file = await scenarioFile('regex', REGEX);
    const json = path.join(dir, 'regex.json');
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--reporter', `table,json=${json}`, file], { timeoutMs: 30_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\/\^\(a\+\)\+\$\/ took longer than/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    assert.equal(report.summary.failed, 1);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal} during the match stops the run with exit ${code} and a complete report`, async () => {
      const file = await scenarioFile(`regex-${signal}`, REGEX);
      const json = path.join(dir, `regex-${signal}.json`);
      const before = server.requests.length;
      const sawCall = eventually(() => server.requests.slice(before).some((q) => q.path === '/mcp' && q.headers['mcp-session-id'] !== undefined), 600).then(
        () => new Promise((r) => setTimeout(r, 300)),
      );
      const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--regex-timeout', '60s', '--reporter', `table,json=${json}`, file], {
        timeoutMs: 20_000,
        signal: { signal, when: sawCall },
      });
      assertBounded(r);
      assert.equal(r.code, code, r.stdout + r.stderr);
      const report = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(report.interrupted, true);
      assert.equal(report.summary.interrupted, 1);
    });
  }
});

describe('8. a signal during a hung initialize is honoured', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal}: exit ${code}, scenarios INTERRUPTED, report counts agree`, async () => {
      const file = await scenarioFile(`hang-${signal}`, CALL('long_text'));
      const json = path.join(dir, `hang-${signal}.json`);
      const before = server.requests.length;
      const sawInit = eventually(() => server.requests.slice(before).some((q) => q.path === '/hang-init'), 600);
      const r = await runCliMeasured(['local', '--url', `${server.url}/hang-init`, '--timeout', '60s', '--reporter', `table,json=${json}`, file], {
        timeoutMs: 20_000,
        signal: { signal, when: sawInit },
      });
      assertBounded(r);
      assert.equal(r.code, code, r.stdout + r.stderr);
      assert.match(r.stdout, /INTERRUPTED/);
      const report = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(report.interrupted, true);
      assert.equal(report.summary.interrupted, report.summary.total);
      assert.equal(report.scenarios[0].status, 'interrupted');
      assert.equal(report.connectError, undefined);
    });
  }
});

describe('8. signals end every phase: connect, initialize, credentials (12.), a prompt (interactive.test.ts), report writing', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    // Before this was fixed the probe was honoured only when its own 10 s wait ran out; now at once.
    test(`${signal} while connecting (the bundled suite's probe of a server that never answers initialize): exit ${code}, every scenario INTERRUPTED`, async () => {
      const json = path.join(dir, `probe-${signal}.json`);
      const before = server.requests.length;
      const sawInit = eventually(() => server.requests.slice(before).some((q) => q.path === '/hang-init'), 600);
      // No scenario files: the bundled suite, whose probe connects before the run.
      const r = await runCliMeasured(['local', '--url', `${server.url}/hang-init`, '--timeout', '60s', '--reporter', `table,json=${json}`], {
        timeoutMs: 30_000,
        signal: { signal, when: sawInit },
      });
      assertBounded(r);
      assert.equal(r.code, code, r.stdout + r.stderr);
      const report = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(report.interrupted, true);
      assert.ok(report.summary.total > 1, JSON.stringify(report.summary));
      assert.equal(report.summary.interrupted, report.summary.total, JSON.stringify(report.summary));
    });

    test(`${signal} during a step, against a server that never answers the DELETE either: exit ${code}, the DELETE given up on, every report written`, async () => {
      const hung = await startHostileServer({ hangDelete: true });
      try {
        const file = await scenarioFile(`hang-delete-${signal}`, CALL('hang'));
        const json = path.join(dir, `hang-delete-${signal}.json`);
        const sawCall = eventually(() => hung.requests.some((q) => q.headers['mcp-session-id'] !== undefined), 600).then(() => new Promise((r) => setTimeout(r, 300)));
        // The step may wait 120 s and a DELETE forever: the process is given 20 s.
        const r = await runCliMeasured(['local', '--url', `${hung.url}/mcp`, '--timeout', '120s', '--reporter', `table,json=${json}`, file], { timeoutMs: 20_000, signal: { signal, when: sawCall } });
        assertBounded(r);
        assert.equal(r.code, code, r.stdout + r.stderr);
        const report = JSON.parse(await readFile(json, 'utf8'));
        assert.equal(report.summary.interrupted, 1, JSON.stringify(report.summary));
      } finally {
        await hung.close();
      }
    });

    test(`${signal} while the reports are still being written to a slow reader: exit ${code}, the table and the report files complete`, async () => {
      // About 800 KB of table on stdout, more than a pipe holds: while the test does not read, the CLI's
      // last writes wait, after the JSON report is on disk. The signal comes exactly then.
      const wide = 'w'.repeat(8000);
      const yaml = `scenarios:\n${Array.from({ length: 100 }, (_, i) => `  - name: s${i}-${wide}\n    steps: [{ ping: true }]\n`).join('')}`;
      const file = await scenarioFile(`slow-reader-${signal}`, yaml);
      const json = path.join(dir, `slow-reader-${signal}.json`);
      const { spawn } = await import('node:child_process');
      const { BIN, ROOT } = await import('./support/cli.js');
      const child = spawn(process.execPath, [BIN, 'local', '--url', `${server.url}/mcp`, '--reporter', `table,json=${json}`, file], {
        cwd: ROOT,
        env: { ...process.env, CI: 'true', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pause();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, sig) => resolve([c, sig])));
      const jsonComplete = () => {
        try {
          return JSON.parse(readFileSync(json, 'utf8')).summary.total === 100;
        } catch {
          return false;
        }
      };
      await eventually(jsonComplete, 1200);
      child.kill(signal);
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stdout.resume();
      const [exit, killedBy] = await closed;
      clearTimeout(killer);
      assert.equal(killedBy, null, `the process died of ${killedBy} with its table unwritten\n${stderr}`);
      assert.equal(exit, code, stderr);
      assert.match(stdout, /100 passed, 0 failed/, 'the table was written to the end');
      assert.equal(JSON.parse(readFileSync(json, 'utf8')).summary.passed, 100);
    });
  }
});

describe('4. checks do not depend on the transcript bound', () => {
  test('progress 5, 3, then 3,000 rising values FAILs increasing', async () => {
    const file = await scenarioFile('progress-pattern', CALL('progress_pattern', {}, '        expect: { progress: { increasing: true } }\n'));
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, file], { timeoutMs: 60_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /progress went from 5 to 3/);
  });

  test('30,000 progress notifications are all counted; the evidence says how many are shown', async () => {
    const file = await scenarioFile('many-progress', CALL('many_progress', { count: 30_000 }, '        expect: { progress: { count: 30000, increasing: true, finalEqualsTotal: true, beforeResult: true }, text: nope }\n'));
    const json = path.join(dir, 'many-progress.json');
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--timeout', '120s', '--reporter', `table,json=${json}`, file], { timeoutMs: 150_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr); // only `text: nope` fails
    const report = JSON.parse(await readFile(json, 'utf8'));
    const checks = report.scenarios[0].steps[0].checks as { name: string; verdict: string; message?: string }[];
    for (const name of ['progress.count', 'progress.increasing', 'progress.finalEqualsTotal', 'progress.beforeResult']) {
      assert.equal(checks.find((c) => c.name === name)?.verdict, 'passed', `${name}: ${JSON.stringify(checks.find((c) => c.name === name))}`);
    }
    assert.equal(checks.find((c) => c.name === 'text')?.verdict, 'failed');
    assert.ok(report.scenarios[0].steps[0].evidence.some((l: string) => /of 30,0\d\d transcript entries shown/.test(l)), report.scenarios[0].steps[0].evidence.slice(0, 3).join('\n'));
  });

  test('5,000 resources/updated are counted whole, by params too; a debug log long out of the display still fails logs.level {atLeast}', async () => {
    const file = await scenarioFile(
      'many-updates',
      CALL(
        'many_updates',
        { count: 5000 },
        `        expect:
          notifications:
            - { method: notifications/resources/updated, params: { uri: "test://a" }, count: 2500 }
            - { method: notifications/resources/updated, count: 5000 }
            - { method: notifications/tools/list_changed, count: 0 }
          logs: { level: { atLeast: warning } }
`,
      ),
    );
    const json = path.join(dir, 'many-updates.json');
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--timeout', '120s', '--reporter', `table,json=${json}`, file], { timeoutMs: 150_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr); // only logs.level fails
    const checks = JSON.parse(await readFile(json, 'utf8')).scenarios[0].steps[0].checks as { name: string; verdict: string; message?: string; actual?: unknown }[];
    for (const [i, n] of [2500, 5000, 0].entries()) {
      const c = checks.find((x) => x.name === `notifications[${i}]`);
      assert.equal(c?.verdict, 'passed', JSON.stringify(c));
      assert.equal(c?.actual, n);
    }
    const level = checks.find((c) => c.name === 'logs.level');
    assert.equal(level?.verdict, 'failed');
    assert.match(level?.message ?? '', /1 log message\(s\) below warning, the first at level debug: "early debug"/);
  });

  // 3,000: past the 2,000-entry display bound (which hid a third of them before). The answers used to be
  // 3,000 POSTs in flight at once (3,000 sockets, ~320 MiB, and MaxListenersExceededWarning on the
  // session's signal); a session now sends at most 16 at a time (src/safety/session-fetch.ts).
  test('3,000 elicitations in one call are all counted, within the memory bound, without a listener warning', async () => {
    const yaml = `scenarios:
  - name: hostile
    steps:
      - call: many_elicit
        args: { count: 3000 }
        elicitation:
          - match: { message: question }
            value: ok
        expect: { elicitations: { count: 3000 } }
`;
    const file = await scenarioFile('many-elicit', yaml);
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--timeout', '120s', file], { timeoutMs: 150_000 });
    assertBounded(r);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning|memory leak/);
  });

  test('2,000 sequential calls in one session print no MaxListenersExceededWarning', async () => {
    const yaml = `scenarios:\n  - name: many-calls\n    steps:\n${'      - call: long_text\n        args: { length: 10 }\n'.repeat(2000)}`;
    const file = await scenarioFile('many-calls', yaml);
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--reporter', 'plain', file], { timeoutMs: 240_000 });
    assertBounded(r);
    assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
    assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning|memory leak/);
  });
});

/** Whether `secret` can be read back from `text`: literally, URL-decoded, JSON-unescaped or base64-decoded. */
function leaks(text: string, secret: string): string | undefined {
  const middle = secret.slice(3, -3); // the redactor may leave up to 2 bytes at each end of an aligned base64 run
  if (text.includes(secret)) return 'literal';
  if (text.includes(encodeURIComponent(secret))) return 'url-encoded';
  for (const run of text.match(/(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~-]){12,}/g) ?? []) {
    try {
      if (decodeURIComponent(decodeURIComponent(run)).includes(middle)) return `url-encoded run ${run.slice(0, 40)}…`;
    } catch {
      /* not URL-encoded */
    }
  }
  for (const run of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    for (const enc of ['base64', 'base64url'] as const) {
      for (let skip = 0; skip < 4; skip++) {
        if (Buffer.from(run.slice(skip), enc).toString('latin1').includes(middle)) return `${enc} run ${run.slice(0, 40)}…`;
      }
    }
  }
  if (text.replace(/\\\//g, '/').replace(/\\u([0-9a-f]{4})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))).includes(secret)) return 'json-escaped';
  return undefined;
}

describe('6. a secret the server re-encodes is still redacted everywhere', () => {
  test('SigV4 keys, session token, signatures, Authorization and ${env.X} reflected URL-encoded, JSON-escaped and base64 (at every offset, MIME-wrapped): in no output, report, HTML or HAR', async () => {
    const secrets = {
      AWS_ACCESS_KEY_ID: 'AKIDHOSTILEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'hostile/Secret+Key=example0123456789abcd',
      AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjE+hostile/session/token==example0123456789/+xyz',
      API_TOKEN: 'sk-live/hostile+api=token0123456789',
    };
    // One step per encoding, so each is at the start of its text (reports show only the start of a long one).
    const encodings = ['url-encoded', 'json', 'base64', 'base64+1', 'base64+2', 'mime', 'base64url', 'raw'];
    const yaml = `scenarios:
  - name: reflected
    steps:
      - call: reflect
        args: { token: "\${env.API_TOKEN}", note: "x" }
        expect: { text: "never there" }
${encodings.map((only) => `      - call: reflect\n        args: { token: "\${env.API_TOKEN}", only: "${only}" }\n        expect: { text: "never there" }\n`).join('')}`;
    const file = await scenarioFile('reflect', yaml);
    const out = {
      json: path.join(dir, 'reflect.json'),
      junit: path.join(dir, 'reflect.xml'),
      tap: path.join(dir, 'reflect.tap'),
      github: path.join(dir, 'reflect.md'),
      html: path.join(dir, 'reflect.html'),
      har: path.join(dir, 'reflect.har'),
    };
    const r = await runCliMeasured(
      [
        'remote',
        '--arn',
        'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/hostile-Ab12Cd34Ef',
        '--endpoint-url',
        server.url,
        '--verbose',
        '--reporter',
        `table,plain,json=${out.json},junit=${out.junit},tap=${out.tap},github=${out.github},html=${out.html}`,
        '--trace',
        out.har,
        file,
      ],
      { timeoutMs: 60_000, env: { ...secrets, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_PROFILE: undefined, GITHUB_STEP_SUMMARY: out.github } },
    );
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const reflected = server.requests.filter((q) => q.headers['x-amz-security-token']);
    assert.ok(reflected.length > 0, 'the server saw the signed requests');
    const signatures = [...new Set(reflected.map((q) => /Signature=([0-9a-f]{64})/.exec(String(q.headers.authorization))?.[1]).filter((x): x is string => !!x))];
    assert.ok(signatures.length > 0, 'the requests were SigV4-signed');
    const outputs: Record<string, string> = { stdout: r.stdout, stderr: r.stderr };
    for (const [k, f] of Object.entries(out)) outputs[k] = await readFile(f, 'utf8');
    assert.match(outputs.json!, /url-encoded: /, 'the reflection is in the report (redacted)');
    const found: string[] = [];
    for (const [where, text] of Object.entries(outputs)) {
      for (const [name, secret] of Object.entries(secrets)) {
        const how = leaks(text, secret);
        if (how) found.push(`${name} in ${where} (${how})`);
      }
      if (/Signature(?:=|%3D|%253D)[0-9a-f]{64}/i.test(text)) found.push(`a SigV4 signature in ${where}`);
      if (/AWS4-HMAC-SHA256(?:\s|%20|\+)+Credential/.test(text)) found.push(`an Authorization value in ${where}`);
      // Every signature the server was sent, and each request's Authorization value: in no encoding.
      for (const sig of signatures) {
        const how = leaks(text, sig);
        if (how) found.push(`the signature ${sig.slice(0, 8)}… in ${where} (${how})`);
      }
      for (const run of text.match(/[A-Za-z0-9+/_-]{24,}={0,2}/g) ?? []) {
        for (let skip = 0; skip < 4; skip++) {
          const decoded = Buffer.from(run.slice(skip).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
          if (/AWS4-HMAC-SHA256|Signature=[0-9a-f]{8}/i.test(decoded)) found.push(`an Authorization value base64-encoded in ${where} (${run.slice(0, 40)}…)`);
        }
      }
    }
    assert.deepEqual(found, [], 'secrets leaked');
  });
});

describe('7. credentials never follow a redirect to another origin', () => {
  const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/hostile-Ab12Cd34Ef';
  const creds = {
    AWS_ACCESS_KEY_ID: 'AKIDREDIRECTEXAMPLE1',
    AWS_SECRET_ACCESS_KEY: 'redirect-secret-key-example-0123456789',
    AWS_SESSION_TOKEN: 'redirect-session-token-example-0123456789',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_PROFILE: undefined,
  };
  let other: HostileServer;
  let redirector: HostileServer;
  before(async () => {
    other = await startHostileServer();
    redirector = await startHostileServer({ redirectTo: `${'http://localhost:'}${new URL(other.url).port}/elsewhere`, redirectAll: true });
  });
  after(async () => {
    await redirector.close();
    await other.close();
  });

  for (const [name, args, code] of [
    ['doctor', ['doctor'], 1],
    ['remote --suite protocol', ['remote', '--suite', 'protocol'], 3],
    ['remote (the SDK path)', ['remote'], 3],
  ] as const) {
    test(`${name}: the redirect is reported, and the other host sees no signed request`, async () => {
      const r = await runCliMeasured([...args, '--arn', ARN, '--endpoint-url', redirector.url], { timeoutMs: 60_000, env: creds });
      assertBounded(r);
      assert.equal(r.code, code, r.stdout + r.stderr);
      assert.ok(redirector.requests.length > 0, 'the endpoint was asked');
      const leaked = other.requests.filter((q) => q.headers['x-amz-security-token'] || q.headers.authorization);
      assert.deepEqual(leaked.map((q) => q.path), [], 'no credentialed request reached the redirect target');
      if (name === 'doctor') assert.match(r.stdout, /HTTP 307 redirect to http:\/\/localhost:\d+\/elsewhere \(another origin\), not followed/);
      else assert.match(r.stdout + r.stderr, /[Rr]edirect .*not followed/);
    });
  }
});

const EVIL_TEXT = [
  'before\u001b]0;pwned title\u0007\u001b[2J\u001b[31mred',
  '::error file=/etc/passwd,line=1::injected annotation',
  '::stop-commands::tok3n',
  '  ::warning::indented',
  '##[error]old syntax',
  'after\u009b2J\r\u202eevil',
].join('\n');
const EVIL_NAME = 'evil\nvariables:\n  injected: 1\nsecrets: [env.HOME]\n\u001b]0;t\u0007';

describe('5. server text reaches no terminal or CI log raw', () => {
  let evil: HostileServer;
  before(async () => {
    evil = await startHostileServer({ text: EVIL_TEXT, serverName: EVIL_NAME });
  });
  after(() => evil.close());

  function assertNeutral(where: string, text: string): void {
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/, `${where}: a raw control character or escape sequence`);
    for (const line of text.split('\n')) {
      assert.doesNotMatch(line, /^\s*::(?:stop-commands|warning::indented|error file=\/etc\/passwd)/, `${where}: a workflow command from the server: ${line}`);
      assert.doesNotMatch(line, /^\s*##\[/, `${where}: an old-style workflow command: ${line}`);
    }
  }

  test('table, plain, github, TAP and JUnit, with --verbose', async () => {
    const file = await scenarioFile('evil-text', CALL('hostile_text', { rpcError: true }));
    const out = { junit: path.join(dir, 'evil.xml'), tap: path.join(dir, 'evil.tap'), summary: path.join(dir, 'evil.md') };
    const r = await runCliMeasured(['local', '--url', `${evil.url}/mcp`, '--verbose', '--reporter', `table,plain,github=${out.summary},junit=${out.junit},tap=${out.tap}`, file], { timeoutMs: 60_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /␛\]0;pwned title␇/, 'the escape is shown, made visible');
    assert.match(r.stdout, /^::error file=/m, "mcp-verify's own annotations are still there");
    assertNeutral('stdout', r.stdout);
    assertNeutral('stderr', r.stderr);
    for (const [k, f] of Object.entries(out)) assertNeutral(k, await readFile(f, 'utf8'));
  });

  test('doctor', async () => {
    const r = await runCliMeasured(['doctor', '--url', `${evil.url}/mcp`, '--progress-tool', 'long_text', '--elicit-tool', 'long_text', '--sample-tool', 'long_text'], { timeoutMs: 60_000 });
    assertBounded(r);
    assert.match(r.stdout, /evil/);
    assertNeutral('doctor', r.stdout + r.stderr);
  });

  test('9. init writes YAML from data: a server name with newlines adds no keys, no escape bytes land in the file', async () => {
    const out = path.join(dir, 'evil-init.yaml');
    const r = await runCliMeasured(['init', '--url', `${evil.url}/mcp`, '--out', out], { timeoutMs: 60_000 });
    assertBounded(r);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const text = await readFile(out, 'utf8');
    assertNeutral('init file', text);
    const { parse } = await import('yaml');
    const doc = parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['scenarios'], text);
    const v = await runCliMeasured(['validate', out], { timeoutMs: 30_000 });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });
});

describe('12. the smaller breaks', () => {
  const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/hostile-Ab12Cd34Ef';

  for (const [name, reporter] of [
    ['a device (/dev/full)', 'json=/dev/full'],
    ['a directory', () => `json=${dir}`],
    ['a /proc entry', 'json=/proc/self/status'],
    ['the same file twice', () => `json=${dir}/same.out,junit=${dir}/./same.out`],
  ] as const) {
    test(`a report path that is ${name} is exit 2 before anything is sent`, async () => {
      const file = await scenarioFile('report-path', CALL('long_text'));
      const before = server.requests.length;
      const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--reporter', `table,${typeof reporter === 'function' ? reporter() : reporter}`, file], { timeoutMs: 30_000 });
      assertBounded(r);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
      assert.equal(server.requests.length, before, 'nothing was sent to the server');
    });
  }

  test('init --out DIR is exit 2 before connecting', async () => {
    const before = server.requests.length;
    const r = await runCliMeasured(['init', '--url', `${server.url}/mcp`, '--out', dir, '--force'], { timeoutMs: 30_000 });
    assertBounded(r);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(server.requests.length, before);
  });

  test('a credential_process that hangs is timed out with a clear message (exit 3)', async () => {
    const config = path.join(dir, 'aws-config-hang');
    await writeFile(config, '[profile hang]\ncredential_process = /bin/sleep 120\n');
    const r = await runCliMeasured(['remote', '--arn', ARN, '--endpoint-url', server.url, '--profile', 'hang', '--credentials-timeout', '2s'], {
      timeoutMs: 40_000,
      env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined },
    });
    assertBounded(r);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /did not arrive within 2s/);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    for (const command of ['remote', 'compare'] as const) {
      test(`${signal} while a credential_process hangs (${command}): exit ${code}, every scenario INTERRUPTED, every report written`, async () => {
        const config = path.join(dir, `aws-config-hang-${signal}-${command}`);
        const marker = path.join(dir, `started-${signal}-${command}`);
        await writeFile(config, `[profile hang]\ncredential_process = /bin/sh -c "touch ${marker}; exec sleep 120"\n`);
        const file = await scenarioFile(`cred-hang-${signal}-${command}`, CALL('long_text') + `  - name: second\n    steps: [{ ping: true }]\n`);
        const out = { json: path.join(dir, `cred-${signal}-${command}.json`), junit: path.join(dir, `cred-${signal}-${command}.xml`), tap: path.join(dir, `cred-${signal}-${command}.tap`) };
        const { existsSync } = await import('node:fs');
        const args = command === 'remote' ? ['remote'] : ['compare', '--url', `${server.url}/mcp`];
        const r = await runCliMeasured([...args, '--arn', ARN, '--endpoint-url', server.url, '--profile', 'hang', '--credentials-timeout', '100s', '--reporter', `table,json=${out.json},junit=${out.junit},tap=${out.tap}`, file], {
          // The credential_process sleeps 120 s: ending well inside that is the signal's doing.
          timeoutMs: 30_000,
          env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined },
          signal: { signal, when: eventually(() => existsSync(marker), 600) },
        });
        assertBounded(r);
        assert.equal(r.code, code, r.stdout + r.stderr);
        assert.match(r.stdout, command === 'remote' ? /INTERRUPTED/ : /0 passed, 0 failed, 2 interrupted[\s\S]*0 passed, 0 failed, 2 interrupted/);
        const report = JSON.parse(await readFile(out.json, 'utf8'));
        const sides = command === 'remote' ? 1 : 2;
        assert.equal(report.interrupted, true);
        assert.equal(report.summary.total, 2 * sides);
        assert.equal(report.summary.interrupted, report.summary.total, JSON.stringify(report.summary));
        assert.ok(report.scenarios.every((s: { status: string }) => s.status === 'interrupted'), JSON.stringify(report.scenarios.map((s: { status: string }) => s.status)));
        assert.match(await readFile(out.junit, 'utf8'), /<\/testsuites>\s*$/);
        assert.match(await readFile(out.tap, 'utf8'), new RegExp(`^1\\.\\.${2 * sides}$`, 'm'));
      });
    }
  }

  test('an expired credential_process says expired, not "no credentials"', async () => {
    const config = path.join(dir, 'aws-config-expired');
    const out = JSON.stringify({ Version: 1, AccessKeyId: 'AKIDEXPIREDEXAMPLE1', SecretAccessKey: 'expired-secret-0123456789', SessionToken: 'expired-token-0123456789', Expiration: '2020-01-01T00:00:00Z' });
    await writeFile(config, `[profile expired]\ncredential_process = /bin/echo '${out}'\n`);
    const r = await runCliMeasured(['remote', '--arn', ARN, '--endpoint-url', server.url, '--profile', 'expired'], {
      timeoutMs: 40_000,
      env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined },
    });
    assertBounded(r);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /expired/i);
    assert.doesNotMatch(r.stderr, /No AWS credentials found/);
  });

  for (const [name, args] of [
    ['result: null', {}],
    ['junk in the result', { junk: true }],
  ] as const) {
    test(`${name} is a one-line cause, not a schema dump`, async () => {
      const file = await scenarioFile('null-result', CALL('null_result', args));
      const json = path.join(dir, 'null-result.json');
      const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--reporter', `table,json=${json}`, file], { timeoutMs: 30_000 });
      assertBounded(r);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const report = JSON.parse(await readFile(json, 'utf8'));
      const failed = report.scenarios[0].steps[0].checks.find((c: { verdict: string }) => c.verdict === 'failed');
      assert.ok(failed, JSON.stringify(report.scenarios[0].steps[0]));
      assert.equal(failed.message.split('\n').length, 1, failed.message);
      assert.ok(failed.message.length < 700, failed.message);
    });
  }

  test('a wrong response id on an open stream fails the step at once, not after the timeout', async () => {
    const file = await scenarioFile('wrong-id', CALL('wrong_id'));
    const json = path.join(dir, 'wrong-id.json');
    // The step may wait 120 s, the process is given 45: ending at all means the step did not wait for its timeout.
    const r = await runCliMeasured(['local', '--url', `${server.url}/mcp`, '--timeout', '120s', '--reporter', `table,json=${json}`, file], { timeoutMs: 45_000 });
    assertBounded(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /answered id 987654/);
    assert.doesNotMatch(r.stdout, /timed out/i);
    // The step's own outcome: a wire failure naming the stray id, not a timeout.
    const step = JSON.parse(await readFile(json, 'utf8')).scenarios[0].steps[0];
    const failed = step.checks.filter((c: { verdict: string }) => c.verdict === 'failed');
    assert.ok(failed.length > 0, JSON.stringify(step));
    assert.ok(failed.some((c: { message?: string }) => /987654/.test(c.message ?? '')), JSON.stringify(failed));
    assert.ok(failed.every((c: { message?: string }) => !/timed out|timeout/i.test(c.message ?? '')), JSON.stringify(failed));
  });

  test('the --record usage error names the flags once', async () => {
    const r = await runCliMeasured(['call', 'long_text', '--url', `${server.url}/mcp`, '--record', path.join(dir, 'rec.yaml')], { timeoutMs: 30_000, env: { CI: '' } });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /--record --record/);
  });
});

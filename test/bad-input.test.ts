// The bad-input corpus, table-driven through the real CLI: every broken input a user can give gets
// exit 2 (usage / scenario file) or 3 (connect / credentials) and a short message naming the problem
// and where: one or two lines, or file:line:col + excerpt + caret for scenario files; never a stack.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './support/cli.js';

let dir: string;
const tally = { tried: 0, clear: 0 };
const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_demo-AbCdEf1234';
/** Credentials that cannot come from this machine's real environment. */
const NO_AWS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
};

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-bad-input-'));
});
after(() => {
  console.log(`bad inputs tried: ${tally.tried}, clear errors: ${tally.clear}`);
});

interface Case {
  name: string;
  /** Scenario file text (written to <name>.yaml and passed to `validate` and `local`). */
  yaml?: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  code: 2 | 3;
  /** The message must match. */
  message: RegExp;
  /** Lines allowed on stderr (2 for plain errors, 3 for file:line:col + excerpt + caret). */
  lines?: number;
}

const step = '    steps:\n      - ping: true\n';
const cases: Case[] = [
  { name: 'invalid YAML', yaml: 'scenarios:\n  - name: a\n    steps: [ping: true\n', code: 2, message: /bad\.yaml:\d+:\d+: invalid YAML/, lines: 3 },
  { name: 'tab indentation', yaml: 'scenarios:\n\t- name: a\n', code: 2, message: /:\d+:\d+: invalid YAML/, lines: 3 },
  { name: 'wrong type', yaml: `scenarios:\n  - name: 42\n${step}`, code: 2, message: /:2:\d+: scenarios\.0\.name: name must be a string, got 42/, lines: 3 },
  { name: 'wrong type of steps', yaml: 'scenarios:\n  - name: a\n    steps: ping\n', code: 2, message: /:3:\d+: scenarios\.0\.steps: steps must be a list, got "ping"/, lines: 3 },
  { name: 'a count that is not a number', yaml: 'scenarios:\n  - name: a\n    steps:\n      - list: tools\n        expect: { count: four }\n', code: 2, message: /:5:\d+: scenarios\.0\.steps\.0\.expect\.count: count must be a whole number or \{min, max\}, got "four"/, lines: 3 },
  { name: 'an unknown action value', yaml: 'scenarios:\n  - name: a\n    steps:\n      - call: x\n        elicitation: [{ action: maybe }]\n', code: 2, message: /action must be one of: accept, decline, cancel, got "maybe"/, lines: 3 },
  { name: 'a misspelt feature', yaml: `scenarios:\n  - name: a\n    feature: Elicitaton\n${step}`, code: 2, message: /:3:14: feature "Elicitaton" is not a known feature; did you mean "Elicitation"\?/, lines: 3 },
  { name: 'an undefined variable', yaml: 'scenarios:\n  - name: a\n    steps:\n      - call: plan_trip\n        args: { dish: "${dish}" }\n', code: 2, message: /\$\{dish\}/, lines: 3 },
  { name: 'unknown key with a suggestion', yaml: `scenarios:\n  - name: a\n    descripton: x\n${step}`, code: 2, message: /:3:5: .*unknown key "descripton"; did you mean "description"\?/, lines: 3 },
  { name: 'unknown key in a step', yaml: `scenarios:\n  - name: a\n    steps:\n      - call: x\n        expcet: { text: y }\n`, code: 2, message: /:5:9: .*unknown key "expcet"; did you mean "expect"\?/, lines: 3 },
  { name: 'a step with two actions', yaml: `scenarios:\n  - name: a\n    steps:\n      - call: x\n        ping: true\n`, code: 2, message: /a step has one action, this one has call and ping/, lines: 3 },
  { name: 'duplicate scenario names', yaml: `scenarios:\n  - name: same\n${step}  - name: same\n${step}`, code: 2, message: /:5:1: duplicate scenario name "same" \(first at .*:2\)/, lines: 2 },
  { name: 'duplicate keys', yaml: `scenarios:\n  - name: a\n    name: b\n${step}`, code: 2, message: /:3:\d+: invalid YAML: .*(duplicate|unique)/i, lines: 3 },
  { name: 'invalid regex', yaml: `scenarios:\n  - name: a\n    steps:\n      - call: x\n        expect: { text: { regex: "([a-z" } }\n`, code: 2, message: /:5:\d+: .*regex: invalid regular expression/, lines: 3 },
  { name: 'invalid duration', yaml: `scenarios:\n  - name: a\n    timeout: soon\n${step}`, code: 2, message: /:3:\d+: scenarios\.0\.timeout/, lines: 3 },
  { name: 'empty file', yaml: '', code: 2, message: /:1:1: empty file/, lines: 3 },
  { name: 'no scenarios', yaml: 'scenarios: []\n', code: 2, message: /:1:\d+: scenarios: .*(>=1|at least|too small)/i, lines: 3 },
  { name: 'alias bomb', yaml: 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nscenarios: [*d]\n', code: 2, message: /:\d+:\d+: invalid YAML: .*(alias|Excessive)/i, lines: 3 },
  { name: 'a huge file', yaml: undefined, code: 2, message: /huge\.yaml:1:1: file is \d+ bytes; scenario files are limited to \d+ bytes/, lines: 2 },
  { name: 'a path that does not exist', args: ['validate', '/nonexistent/scenarios.yaml'], code: 2, message: /\/nonexistent\/scenarios\.yaml: no such file or directory/, lines: 2 },
  { name: 'a directory without scenario files', args: ['validate', '/'.concat('proc/self/fdinfo')], code: 2, message: /no scenario files/, lines: 2 },
  { name: 'a bad URL', args: ['local', '--url', 'not a url'], code: 2, message: /--url "not a url" is not a URL/, lines: 2 },
  { name: 'a URL that is not http', args: ['local', '--url', 'ftp://127.0.0.1/mcp'], code: 2, message: /--url must be http:\/\/ or https:\/\//, lines: 2 },
  { name: 'an unknown reporter', args: ['local', '--reporter', 'tabel'], code: 2, message: /unknown reporter "tabel"/, lines: 2 },
  { name: 'bad --workers', args: ['local', '--workers', 'many'], code: 2, message: /--workers takes a whole number of at least 1 \(got "many"\)/, lines: 2 },
  { name: 'zero --workers', args: ['local', '--workers', '0'], code: 2, message: /--workers takes a whole number/, lines: 2 },
  { name: 'bad --timeout', args: ['local', '--timeout', 'forever'], code: 2, message: /--timeout takes a duration like 500ms, 10s or 2m \(got "forever"\)/, lines: 2 },
  { name: 'negative --timeout', args: ['local', '--timeout', '-5s'], code: 2, message: /--timeout|unknown option|argument missing/, lines: 2 },
  { name: 'bad --max-response', args: ['local', '--max-response', 'lots'], code: 2, message: /--max-response takes a size like 512KB or 16MB/, lines: 2 },
  { name: 'an unknown command', args: ['lokal'], code: 2, message: /unknown command 'lokal'/, lines: 3 },
  { name: 'an unknown flag', args: ['local', '--urll', 'x'], code: 2, message: /unknown option '--urll'/, lines: 3 },
  // remote: ARNs, credentials, profiles, conflicting flags.
  { name: 'remote without a runtime', args: ['remote'], env: NO_AWS, code: 2, message: /Say which runtime to test: --arn/, lines: 2 },
  { name: 'a bad ARN', args: ['remote', '--arn', 'arn:aws:lambda:us-west-2:123456789012:function/x'], env: NO_AWS, code: 2, message: /is for service "lambda", not "bedrock-agentcore"/, lines: 2 },
  { name: 'an ARN with a bad account', args: ['remote', '--arn', 'arn:aws:bedrock-agentcore:us-west-2:12345:runtime/x-AbCdEf1234'], env: NO_AWS, code: 2, message: /not an AgentCore runtime ARN|account/i, lines: 2 },
  { name: 'conflicting --arn and --runtime-id', args: ['remote', '--arn', ARN, '--runtime-id', 'travel_demo-AbCdEf1234'], env: NO_AWS, code: 2, message: /either --arn or --runtime-id/, lines: 2 },
  { name: 'conflicting --profile and --bearer-token-env', args: ['remote', '--arn', ARN, '--profile', 'p', '--bearer-token-env', 'TOKEN'], env: NO_AWS, code: 2, message: /cannot be combined with --bearer-token-env/, lines: 2 },
  { name: 'an unknown profile', args: ['remote', '--arn', ARN, '--profile', 'no-such-profile'], env: NO_AWS, code: 3, message: /--profile no-such-profile names a profile that does not exist/, lines: 2 },
  { name: 'missing credentials', args: ['remote', '--arn', ARN], env: NO_AWS, code: 3, message: /No AWS credentials found/, lines: 2 },
  {
    name: 'expired credentials',
    args: ['remote', '--arn', ARN, '--endpoint-url', 'http://127.0.0.1:9'],
    env: { ...NO_AWS, AWS_ACCESS_KEY_ID: 'AKIAEXPIREDTEST00000', AWS_SECRET_ACCESS_KEY: 'expired-secret-for-tests-only', AWS_SESSION_TOKEN: 'expired-token', AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z' },
    code: 3,
    message: /AWS credentials expired at 2020-01-01/,
    lines: 2,
  },
  { name: 'a bearer token variable that is not set', args: ['remote', '--arn', ARN, '--bearer-token-env', 'MCP_VERIFY_NO_SUCH_TOKEN'], env: NO_AWS, code: 3, message: /MCP_VERIFY_NO_SUCH_TOKEN .* is not set/, lines: 2 },
];

/** Pre-run errors given by flags: `validate` and `local` must both refuse them, with the same message. */
const preRun: { name: string; args: string[]; yaml?: string; message: RegExp }[] = [
  { name: 'a variable --var does not define', args: [], yaml: 'scenarios:\n  - name: a\n    steps:\n      - call: x\n        args: { dish: "${dish}" }\n', message: /\$\{dish\}/ },
  { name: 'a malformed --var', args: ['--var', 'no-equals-sign'], message: /--var takes name=value/ },
  { name: 'an unknown reporter', args: ['--reporter', 'tabel'], message: /unknown reporter "tabel"/ },
  { name: 'bad --timeout', args: ['--timeout', 'forever'], message: /--timeout takes a duration/ },
  { name: 'bad --workers', args: ['--workers', '0'], message: /--workers takes a whole number/ },
  { name: 'bad --retries', args: ['--retries', 'lots'], message: /--retries takes a whole number/ },
  { name: 'bad --max-response', args: ['--max-response', 'lots'], message: /--max-response takes a size/ },
  { name: 'bad --shard', args: ['--shard', '3/2'], message: /--shard/ },
  { name: 'a --grep that is not a regex', args: ['--grep', '(['], message: /--grep/ },
  { name: 'an expected-failures entry naming nothing', args: ['--expected-failures', 'EF'], message: /no-such-scenario/ },
  { name: 'a --config with a bad key', args: ['--config', 'CONFIG'], message: /cfg\.yaml:1:1: unknown key "timeot"; did you mean "timeout"\?/ },
];

describe('validate and local agree on every pre-run error', () => {
  for (const c of preRun) {
    test(c.name, async () => {
      const file = path.join(dir, `pre-${c.name.replace(/\W+/g, '-')}.yaml`);
      await writeFile(file, c.yaml ?? `scenarios:\n  - name: a\n${step}`);
      const ef = path.join(dir, 'ef.txt');
      await writeFile(ef, 'no-such-scenario\n');
      const cfg = path.join(dir, 'cfg.yaml');
      await writeFile(cfg, 'timeot: 5s\n');
      const args = c.args.map((a) => (a === 'EF' ? ef : a === 'CONFIG' ? cfg : a));
      const [v, l] = await Promise.all([runCli(['validate', ...args, file], { cwd: dir }), runCli(['local', '--url', 'http://127.0.0.1:9/mcp', ...args, file], { cwd: dir })]);
      assert.equal(v.code, 2, `validate: ${v.stdout}${v.stderr}`);
      assert.equal(l.code, 2, `local: ${l.stdout}${l.stderr}`);
      assert.match(v.stderr, c.message);
      assert.equal(v.stderr, l.stderr);
      assert.doesNotMatch(v.stderr, /internal error|^\s+at /m);
    });
  }
  test('validate --var makes a file valid that needs it, as local would run it', async () => {
    const file = path.join(dir, 'needs-var.yaml');
    await writeFile(file, 'scenarios:\n  - name: a\n    steps:\n      - call: x\n        args: { dish: "${dish}" }\n');
    const r = await runCli(['validate', '--var', 'dish=ramen', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 file\(s\), 1 scenario\(s\): valid/);
  });
});

describe('bad input corpus (real CLI)', () => {
  for (const c of cases) {
    test(c.name, async () => {
      tally.tried++;
      let args = c.args;
      if (!args) {
        const file = path.join(dir, c.name === 'a huge file' ? 'huge.yaml' : `${c.name.replace(/\W+/g, '-')}-bad.yaml`);
        const text = c.yaml ?? `scenarios:\n  - name: big\n    description: "${'x'.repeat(6 * 1024 * 1024)}"\n${step}`;
        await writeFile(file, text);
        args = ['validate', file];
        // The same file through `local` is refused before anything is sent (nothing listens on :9), with
        // the same message: validate runs exactly local's pre-run checks.
        const [run, validate] = await Promise.all([runCli(['local', '--url', 'http://127.0.0.1:9/mcp', file]), runCli(args)]);
        assert.equal(run.code, 2, `local: ${run.stderr}`);
        assert.equal(validate.stderr, run.stderr, 'validate and local give the same error');
      }
      const r = await runCli(args, { env: c.env, timeoutMs: 30_000 });
      const err = r.stderr.trimEnd();
      assert.equal(r.code, c.code, `exit code for ${c.name}: ${r.stdout}${r.stderr}`);
      assert.match(err, c.message);
      assert.doesNotMatch(r.stdout + r.stderr, /^\s+at /m, 'no stack trace');
      assert.doesNotMatch(err, /internal error/);
      const lines = err.split('\n').filter((l) => l.trim() && !/^\(run with --help/.test(l));
      assert.ok(lines.length <= (c.lines ?? 2), `at most ${c.lines ?? 2} lines, got ${lines.length}:\n${err}`);
      tally.clear++;
    });
  }
});

// The config file as a user meets it: found in the working directory or above, `--config FILE`,
// `--no-config`; flags override it; relative paths are relative to the file; problems are file:line:col
// (YAML and JSON) with a did-you-mean; the shipped JSON Schema is what `schema --config` prints; `init`
// writes one beside the starter suite, and `local` with no flags then runs it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTravelServer } from '../src/servers/travel/server.js';
import { ROOT, runCli } from './support/cli.js';

let travel: Awaited<ReturnType<typeof startTravelServer>>;
let base: string;

before(async () => {
  travel = await startTravelServer({ port: 0 });
  base = await mkdtemp(path.join(tmpdir(), 'mcp-verify-config-'));
});
after(async () => travel?.close());

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(base, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

/** Passes only when ${city} is the given city: shows which variable value the run got. */
const greet = (expected: string) => `scenarios:
  - name: phrases
    steps:
      - prompt: local_phrases
        args: { destination: "\${city}" }
        expect: { text: ${expected} }
`;

describe('config file', () => {
  test('found from a subdirectory; scenario globs and report paths are relative to it; vars merge with --var; flags win', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `# yaml-language-server: $schema=../schema/config.schema.json\nurl: ${travel.url}\nscenarios: ["suites/**/*.yaml"]\nreporters: [plain, json=reports/run.json]\nvars: { city: Tokyo }\ntimeout: 20s\n`,
      'suites/a/greet.yaml': greet('Tokyo'),
      'src/deep/.keep': '',
    });
    const sub = path.join(dir, 'src', 'deep');
    const r = await runCli(['local'], { cwd: sub });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PASS phrases/);
    assert.ok(existsSync(path.join(dir, 'reports', 'run.json')), 'json=reports/run.json is relative to the config file');
    // --var overrides the file's value for that name; --reporter replaces the file's reporters.
    const over = await runCli(['local', '--var', 'city=Paris', '--reporter', 'json'], { cwd: sub });
    assert.equal(over.code, 1, over.stdout + over.stderr);
    assert.match(JSON.parse(over.stdout).scenarios[0].steps[0].checks.find((c: { verdict: string }) => c.verdict === 'failed').actual, /Paris/);
    // --no-config: the file is ignored (the bundled suite against the default URL, where nothing listens).
    const none = await runCli(['validate', '--no-config'], { cwd: sub });
    assert.match(none.stdout, /10 scenario\(s\): valid/);
  });

  test('--config FILE, and a JSON config', async () => {
    const dir = await project({
      'ci/settings.json': JSON.stringify({ url: travel.url, scenarios: ['../greet.yaml'], vars: { city: 'Rome' }, reporters: 'plain' }, null, 2),
      'greet.yaml': greet('Rome'),
    });
    const r = await runCli(['local', '--config', 'ci/settings.json'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PASS phrases/);
    const missing = await runCli(['local', '--config', 'nope.yaml'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config nope\.yaml: no such file/);
  });

  test('problems are file:line:col with a did-you-mean, in YAML and JSON, for every command that reads it', async () => {
    const dir = await project({ 'mcp-verify.config.yaml': `url: ${travel.url}\nreporter: plain\nserver:\n  comand: node server.js\n` });
    for (const args of [['local'], ['validate'], ['doctor'], ['call', 'echo']]) {
      const r = await runCli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /mcp-verify\.config\.yaml:2:1: unknown key "reporter"; did you mean "reporters"\?\n {2}reporter: plain\n {2}\^/);
      assert.match(r.stderr, /mcp-verify\.config\.yaml:4:3: server: unknown key "comand"; did you mean "command"\?/);
    }
    const json = await project({ 'mcp-verify.config.json': '{\n  "url": "http://127.0.0.1:1/mcp",\n  "workers": "four"\n}\n' });
    const j = await runCli(['validate'], { cwd: json });
    assert.equal(j.code, 2);
    assert.match(j.stderr, /mcp-verify\.config\.json:3:14: workers: workers must be a whole number, got "four"/);
    const glob = await project({ 'mcp-verify.config.yaml': 'scenarios: ["tests/**/*.yaml"]\n' });
    const g = await runCli(['validate'], { cwd: glob });
    assert.equal(g.code, 2);
    assert.match(g.stderr, /scenarios: "tests\/\*\*\/\*\.yaml" matches no files/);
  });

  test('features: a new name must be declared; a misspelt one gets a did-you-mean, the same from validate and local', async () => {
    const yaml = 'scenarios:\n  - name: a\n    feature: Elicitaton\n    steps: [{ ping: true }]\n  - name: b\n    feature: Billing\n    steps: [{ ping: true }]\n';
    const dir = await project({ 'mcp-verify.config.yaml': `url: http://127.0.0.1:9/mcp\nfeatures: [Billing]\n`, 's.yaml': yaml });
    const v = await runCli(['validate', 's.yaml'], { cwd: dir });
    const l = await runCli(['local', 's.yaml'], { cwd: dir });
    assert.equal(v.code, 2);
    assert.equal(l.code, 2);
    assert.equal(v.stderr, l.stderr);
    assert.match(v.stderr, /s\.yaml:3:14: feature "Elicitaton" is not a known feature; did you mean "Elicitation"\?/);
    assert.doesNotMatch(v.stderr, /Billing/, 'declared under features: in the config');
    const undeclared = await runCli(['validate', '--no-config', 's.yaml'], { cwd: dir });
    assert.match(undeclared.stderr, /feature "Billing" is not a known feature .*declare a new one under features:/);
  });

  test('the shipped schema/config.schema.json is what `mcp-verify schema --config` prints (regenerate: npm run schema)', async () => {
    const r = await runCli(['schema', '--config']);
    assert.equal(r.code, 0);
    assert.equal(await readFile(path.join(ROOT, 'schema', 'config.schema.json'), 'utf8'), r.stdout);
    const schema = JSON.parse(r.stdout);
    assert.ok(schema.properties.server.properties.reuseExisting, 'server.reuseExisting is in the schema');
  });

  test('init writes a config beside the starter suite; `local` with no flags then runs it', async () => {
    const dir = await project({});
    const r = await runCli(['init', '--url', travel.url], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /wrote scenarios\/starter\.yaml/);
    assert.match(r.stdout, /wrote mcp-verify\.config\.yaml/);
    const config = await readFile(path.join(dir, 'mcp-verify.config.yaml'), 'utf8');
    assert.match(config, /^# yaml-language-server: \$schema=.*schema\/config\.schema\.json$/m);
    assert.match(config, new RegExp(`^url: ${travel.url.replace(/[/.]/g, '\\$&')}$`, 'm'));
    const run = await runCli(['local', '--reporter', 'plain'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /PASS server-lists/);
    // A second init keeps the config (and refuses the existing suite without --force).
    const again = await runCli(['init', '--url', travel.url, '--out', 'scenarios/second.yaml'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /mcp-verify\.config\.yaml exists: kept as it is/);
  });
});

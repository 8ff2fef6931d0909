// The config file's run-level keys from the verdict and LLM features: `strict` (like --strict, undone by
// --no-strict), `samplingLlm` (like --sampling-llm, as PROVIDER:MODEL or an object) and `llmBudget` (like
// --llm-budget). Real CLI, a real SDK-v1-style server that produces warnings, a real travel server, and
// the real openai client against a local OpenAI-compatible endpoint.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTravelServer } from '../src/servers/travel/server.js';
import { ROOT, runCli } from './support/cli.js';
import { startLlmEndpoint, type LlmEndpoint } from './support/llm-endpoints.js';
import { startV1ExampleServer, type RunningV1Server } from './support/v1-example-server.js';

const KEY = 'sk-config-LOCAL-secret-0042';
const SUITE = path.join(ROOT, 'test/fixtures/v1-example/');
let v1: RunningV1Server;
let travel: Awaited<ReturnType<typeof startTravelServer>>;
let openai: LlmEndpoint;
let base: string;

before(async () => {
  v1 = await startV1ExampleServer();
  travel = await startTravelServer({ port: 0 });
  openai = await startLlmEndpoint('openai', { apiKey: KEY });
  base = await mkdtemp(path.join(tmpdir(), 'mcp-verify-cfg-llm-'));
});
after(async () => {
  await v1?.close();
  await travel?.close();
  await openai?.close();
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(base, 'p-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const env = (extra: Record<string, string | undefined> = {}) => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: undefined, ...extra });

const UNSCRIPTED = `scenarios:
  - name: recommend-unscripted
    steps:
      - call: quick_recommend
`;

describe('config file: strict', () => {
  test('strict: true makes warnings fail local and doctor (exit 1); --no-strict undoes it for one run', async () => {
    const dir = await project({ 'mcp-verify.config.yaml': `url: ${v1.url}\nscenarios: ["${SUITE}"]\nfeatures: [Logs]\nstrict: true\n` });
    const r = await runCli(['local', '--reporter', 'plain'], { cwd: dir });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL book-a-table/);
    assert.match(r.stdout, /a failure under --strict/);
    const off = await runCli(['local', '--reporter', 'plain', '--no-strict'], { cwd: dir });
    assert.equal(off.code, 0, off.stdout + off.stderr);
    assert.match(off.stdout, /0 failed, 3 with warnings/);
    const doctor = await runCli(['doctor', '--elicit-tool', 'book_table', '--sample-tool', 'summarize'], { cwd: dir });
    assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
    const doctorOff = await runCli(['doctor', '--elicit-tool', 'book_table', '--sample-tool', 'summarize', '--no-strict'], { cwd: dir });
    assert.equal(doctorOff.code, 0, doctorOff.stdout + doctorOff.stderr);
  });

  test('a misspelt key gets the did-you-mean, file:line:col, exit 2', async () => {
    for (const [key, meant] of [['stirct', 'strict'], ['samplingLLM', 'samplingLlm'], ['llmBudgt', 'llmBudget']]) {
      const dir = await project({ 'mcp-verify.config.yaml': `url: ${v1.url}\n${key}: x\n` });
      const r = await runCli(['local'], { cwd: dir });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`mcp-verify\\.config\\.yaml:2:1: unknown key "${key}"; did you mean "${meant}"\\?`));
    }
  });
});

describe('config file: samplingLlm and llmBudget', () => {
  test('an object samplingLlm answers an unscripted sampling request through the local endpoint, with its temperature and budget', async () => {
    const dir = await project({
      'mcp-verify.config.yaml': `url: ${travel.url}\nscenarios: [s.yaml]\nllmBudget: calls=5\nsamplingLlm:\n  provider: openai\n  model: gpt-from-config\n  baseUrl: "${openai.baseUrl}"\n  temperature: 0\n  maxTokens: 64\n`,
      's.yaml': UNSCRIPTED.replace('quick_recommend\n', `quick_recommend\n        expect: { text: { contains: ${JSON.stringify(openai.answerText)} } }\n`),
    });
    const before = openai.requests.length;
    const r = await runCli(['local', '--reporter', 'plain'], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /sampling requests may be sent to an LLM: openai gpt-from-config .*budget 5 call\(s\)/);
    assert.equal(openai.requests.length, before + 1);
    const body = openai.requests.at(-1)!.body as { model: string; temperature: number; max_tokens: number };
    assert.equal(body.model, 'gpt-from-config');
    assert.equal(body.temperature, 0);
    assert.ok(body.max_tokens <= 64, `max_tokens ${body.max_tokens}`);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(KEY));
  });

  test('a PROVIDER:MODEL samplingLlm combines with --llm-base-url; --sampling-llm on the command line replaces it', async () => {
    const dir = await project({ 'mcp-verify.config.yaml': `url: ${travel.url}\nscenarios: [s.yaml]\nsamplingLlm: openai:gpt-string-form\n`, 's.yaml': UNSCRIPTED });
    const r = await runCli(['local', '--llm-base-url', openai.baseUrl, '--reporter', 'plain'], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((openai.requests.at(-1)!.body as { model: string }).model, 'gpt-string-form');
    const over = await runCli(['local', '--sampling-llm', 'openai:gpt-flag', '--llm-base-url', openai.baseUrl, '--reporter', 'plain'], { cwd: dir, env: env() });
    assert.equal(over.code, 0, over.stdout + over.stderr);
    assert.equal((openai.requests.at(-1)!.body as { model: string }).model, 'gpt-flag');
  });

  test('a samplingLlm whose key variable is not set is exit 2 before anything connects', async () => {
    // Nothing listens at the URL: had the run connected it would be exit 3.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dir = await project({
      'mcp-verify.config.yaml': `url: http://127.0.0.1:${port}/mcp\nscenarios: [s.yaml]\nsamplingLlm: { provider: anthropic, model: claude-local, apiKeyEnv: MCPV_UNSET_KEY }\n`,
      's.yaml': UNSCRIPTED,
    });
    const r = await runCli(['local'], { cwd: dir, env: env({ MCPV_UNSET_KEY: undefined }) });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /mcp-verify\.config\.yaml: samplingLlm: the anthropic LLM needs an API key in \$MCPV_UNSET_KEY, which is not set/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  });

  test('a malformed samplingLlm or llmBudget is a file:line:col error', async () => {
    const dir = await project({ 'mcp-verify.config.yaml': `url: ${travel.url}\nsamplingLlm: gpt-4o\nllmBudget: lots\n` });
    const r = await runCli(['validate'], { cwd: dir });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /mcp-verify\.config\.yaml:2:\d+: .*samplingLlm/);
    assert.match(r.stderr, /mcp-verify\.config\.yaml:3:\d+: .*llmBudget/);
  });
});

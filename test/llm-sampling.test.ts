// Sampling answered by real LLM client libraries (@aws-sdk/client-bedrock-runtime, openai,
// @anthropic-ai/sdk) pointed at local endpoints that speak each provider's wire format
// (test/support/llm-endpoints.ts), through the real CLI against the reference server and a test server
// whose sampling requests carry every field. Covers: quick_recommend and plan_trip through each
// provider (the endpoint's text and model id come back; the request it saw has the mapped fields);
// systemPrompt, images, an assistant turn, temperature, stopSequences and model hints mapped per
// provider; the run-level --sampling-llm and that nothing is sent unless configured; 401, 403, 429 with
// and without recovery, a hanging endpoint, malformed answers and unsupported content each a bounded,
// clear step failure; no key in any output; a missing key variable exit 2 before anything runs; the
// budget.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTravelServer } from '../src/servers/travel/server.js';
import { runCli, type CliResult } from './support/cli.js';
import { startLlmEndpoint, USAGE, type LlmEndpoint, type Provider, type SeenRequest } from './support/llm-endpoints.js';
import { PIXEL_PNG, RICH, startSamplingServer } from './support/sampling-server.js';

const OPENAI_KEY = 'sk-openai-LOCAL-secret-0001';
const ANTHROPIC_KEY = 'sk-ant-LOCAL-secret-0002';
const WRONG_KEY = 'sk-wrong-LOCAL-secret-0009';
const AWS = { accessKeyId: 'AKIDLLMLOCALTEST', secretAccessKey: 'llm-local-secret-access-key-0003', region: 'us-west-2' };
const SECRETS = [OPENAI_KEY, ANTHROPIC_KEY, WRONG_KEY, AWS.accessKeyId, AWS.secretAccessKey];
const BEDROCK_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const PROVIDERS: Provider[] = ['bedrock', 'openai', 'anthropic'];

let travel: Awaited<ReturnType<typeof startTravelServer>>;
let rich: Awaited<ReturnType<typeof startSamplingServer>>;
const ep = {} as Record<Provider, LlmEndpoint>;
let dir: string;

before(async () => {
  travel = await startTravelServer({ port: 0 });
  rich = await startSamplingServer();
  ep.bedrock = await startLlmEndpoint('bedrock', { aws: AWS });
  ep.openai = await startLlmEndpoint('openai', { apiKey: OPENAI_KEY });
  ep.anthropic = await startLlmEndpoint('anthropic', { apiKey: ANTHROPIC_KEY });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-llm-'));
  // A profile whose secret is wrong, for Bedrock's refusal (credentials from the chain, as for `remote`).
  await writeFile(path.join(dir, 'aws-credentials'), `[wrongsecret]\naws_access_key_id = ${AWS.accessKeyId}\naws_secret_access_key = not-the-right-secret-000\n`);
});
after(async () => {
  await travel?.close();
  await rich?.close();
  for (const e of Object.values(ep)) await e.close();
});

/** The child's environment: keys for the providers, AWS credentials from the environment only. */
function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    OPENAI_API_KEY: OPENAI_KEY,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    AWS_ACCESS_KEY_ID: AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'aws-credentials'),
    OPENAI_BASE_URL: undefined,
    ANTHROPIC_BASE_URL: undefined,
    ...extra,
  };
}

function llmRule(provider: Provider, extra = ''): string {
  const model = provider === 'bedrock' ? BEDROCK_MODEL : `${provider}-local-model`;
  return `{ provider: ${provider}, model: "${model}", baseUrl: "${ep[provider].baseUrl}"${provider === 'bedrock' ? ', region: us-west-2' : ''}${extra} }`;
}

async function file(name: string, text: string): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, text);
  return f;
}

/** Runs the CLI with every reporter writing a file; returns the result, the JSON report and all report text. */
async function run(name: string, args: string[], extraEnv: Record<string, string | undefined> = {}) {
  const out = path.join(dir, `reports-${name}`);
  const r = await runCli(
    [...args, '--reporter', `plain,json=${out}/run.json,junit=${out}/junit.xml,tap=${out}/run.tap,github=${out}/summary.md`],
    { env: env({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: undefined, ...extraEnv }), timeoutMs: 90_000 },
  );
  let files: string[] = [];
  try {
    files = await Promise.all((await readdir(out)).map((f) => readFile(path.join(out, f), 'utf8')));
  } catch {
    /* nothing written (exit 2 before the run) */
  }
  const json = files.length ? JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8')) : undefined;
  return { r, json, all: [r.stdout, r.stderr, ...files].join('\n') };
}

function assertNoSecrets(all: string): void {
  for (const s of SECRETS) assert.ok(!all.includes(s), `a secret (${s.slice(0, 8)}…) appears in the output`);
}

const show = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

type Json = { scenarios: { name: string; status: string; steps: { label: string; verdict: string; checks: { name: string; verdict: string; message?: string }[]; llm?: { calls: number; inputTokens: number; outputTokens: number; models: string[] } }[] }[] };
const scenario = (json: Json, name: string) => json.scenarios.find((s) => s.name === name)!;
const failures = (json: Json, name: string) => scenario(json, name).steps.flatMap((st) => st.checks.filter((c) => c.verdict === 'failed').map((c) => c.message ?? c.name)).join('\n');

/** What an endpoint saw, by provider: model, max tokens and the text of the messages. */
function seen(provider: Provider, req: SeenRequest) {
  const b = req.body as Record<string, any>;
  if (provider === 'bedrock') {
    return {
      model: decodeURIComponent(req.path.split('/')[2]!),
      maxTokens: b.inferenceConfig?.maxTokens,
      text: JSON.stringify(b.messages),
    };
  }
  return { model: b.model, maxTokens: provider === 'openai' ? b.max_tokens : b.max_tokens, text: JSON.stringify(b.messages) };
}

describe('sampling answered by an LLM through each provider\'s client library', () => {
  for (const provider of PROVIDERS) {
    test(`${provider}: quick_recommend and plan_trip pass with the endpoint's text and model id; the request has the mapped fields`, async () => {
      const before = ep[provider].requests.length;
      const text = ep[provider].answerText;
      const f = await file(
        `${provider}-travel.yaml`,
        `scenarios:
  - name: recommend-${provider}
    feature: Sampling
    sampling:
      - llm: ${llmRule(provider)}
    steps:
      - call: quick_recommend
        expect:
          sampling: { count: 1, maxTokens: 100, contains: "Paris, Tokyo, New York, Bali" }
          text: { equals: ${JSON.stringify(`Recommendation: ${text}`)} }
  - name: plan-${provider}
    feature: Sampling
    elicitation:
      - { match: { message: Where would you like to go }, value: Bali }
      - { match: { message: How many days }, value: 5 }
      - { match: { message: What type of trip }, value: adventure }
    steps:
      - call: plan_trip
        sampling:
          - match: { text: adventure trip to Bali }
            llm: ${llmRule(provider)}
        expect:
          sampling: { count: 1, maxTokens: 200, contains: [adventure, Bali, 5 days] }
          json: { destination: Bali, ai_tips: ${JSON.stringify(text)}, status: planned }
`,
      );
      const { r, json, all } = await run(`travel-${provider}`, ['local', '--url', travel.url, f]);
      assert.equal(r.code, 0, show(r));
      // The header says an LLM will be called, and which.
      assert.match(r.stderr, new RegExp(`sampling requests may be sent to an LLM: ${provider} `));
      const model = provider === 'bedrock' ? BEDROCK_MODEL : `${provider}-local-model`;
      for (const name of [`recommend-${provider}`, `plan-${provider}`]) {
        const step = scenario(json, name).steps[0]!;
        assert.deepEqual(step.llm, { calls: 1, inputTokens: USAGE.input, outputTokens: USAGE.output, models: [`${provider}:${ep[provider].reportedModel(model)}`] }, name);
      }
      // The usage is in the human reports too: per step (TAP, JUnit) and for the run (plain, GitHub summary).
      const id = `${provider}:${ep[provider].reportedModel(model)}`;
      assert.ok(r.stdout.includes(`LLM usage: 2 answers, ${2 * USAGE.input} input + ${2 * USAGE.output} output tokens (${id})`), r.stdout);
      const out = path.join(dir, `reports-travel-${provider}`);
      const tap = await readFile(path.join(out, 'run.tap'), 'utf8');
      assert.equal(tap.split('\n').filter((l) => l.trim() === `# llm: 1 answer, ${USAGE.input} input + ${USAGE.output} output tokens (${id})`).length, 2, tap);
      assert.match(await readFile(path.join(out, 'junit.xml'), 'utf8'), /<property name="llm.calls" value="1"\/>/);
      assert.ok((await readFile(path.join(out, 'summary.md'), 'utf8')).includes(`LLM sampling: 2 answers`));
      const reqs = ep[provider].requests.slice(before);
      assert.equal(reqs.length, 2, 'one LLM call per sampling request');
      const [recommend, plan] = reqs.map((q) => seen(provider, q));
      assert.equal(recommend!.model, model);
      assert.equal(recommend!.maxTokens, 100);
      assert.match(recommend!.text, /Recommend one travel destination from: Paris, Tokyo, New York, Bali/);
      assert.equal(plan!.maxTokens, 200);
      assert.match(plan!.text, /adventure trip to Bali lasting 5 days/);
      if (provider === 'bedrock') {
        assert.equal(reqs[0]!.path, `/model/${encodeURIComponent(BEDROCK_MODEL)}/converse`);
        assert.match(String(reqs[0]!.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDLLMLOCALTEST\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
        assert.deepEqual(reqs.map((q) => q.signature), ['ok', 'ok'], 'every Converse request carries a valid SigV4 signature');
      }
      if (provider === 'openai') assert.equal(reqs[0]!.headers.authorization, `Bearer ${OPENAI_KEY}`);
      if (provider === 'anthropic') assert.ok(reqs[0]!.headers['anthropic-version'], 'anthropic-version is sent');
      assertNoSecrets(all);
    });
  }

  test('systemPrompt, an image, an assistant turn, temperature, stopSequences and model hints map to each wire format; the server gets the real model id and stopReason', async () => {
    const marks = Object.fromEntries(PROVIDERS.map((p) => [p, ep[p].requests.length])) as Record<Provider, number>;
    const families = `, models: { claude: claude-family-model, llama: llama-family-model }`;
    const scenarios = PROVIDERS.map(
      (p) => `  - name: rich-${p}
    steps:
      - call: rich_sample
        sampling:
          - llm: ${llmRule(p, families)}
        expect:
          json: { text: ${JSON.stringify(ep[p].answerText)}, model: ${ep[p].reportedModel('claude-family-model')}, stopReason: endTurn, role: assistant }
`,
    ).join('');
    const overrides = `  - name: overrides-openai
    steps:
      - call: rich_sample
        sampling:
          - llm: ${llmRule('openai', ', temperature: 0, maxTokens: 20')}
`;
    const f = await file('rich.yaml', `scenarios:\n${scenarios}${overrides}`);
    const { r, all } = await run('rich', ['local', '--url', rich.url, '--workers', '2', f]);
    assert.equal(r.code, 0, show(r));
    assertNoSecrets(all);

    const [b] = ep.bedrock.requests.slice(marks.bedrock).map((q) => q.body as any);
    assert.equal(decodeURIComponent(ep.bedrock.requests[marks.bedrock]!.path.split('/')[2]!), 'claude-family-model', 'the hint claude-3-5-sonnet picked the claude family model');
    assert.deepEqual(b.system, [{ text: RICH.systemPrompt }]);
    assert.deepEqual(b.inferenceConfig, { maxTokens: RICH.maxTokens, temperature: RICH.temperature, stopSequences: RICH.stopSequences });
    assert.deepEqual(b.messages.map((m: any) => m.role), ['user', 'assistant', 'user']);
    assert.deepEqual(b.messages[2].content, [{ text: RICH.question }, { image: { format: 'png', source: { bytes: PIXEL_PNG } } }, { text: RICH.followUp }]);

    const openai = ep.openai.requests.slice(marks.openai).map((q) => q.body as any);
    const o = openai.find((x) => x.temperature === RICH.temperature)!;
    assert.equal(o.model, 'claude-family-model');
    assert.deepEqual(o.messages[0], { role: 'system', content: RICH.systemPrompt });
    assert.deepEqual(o.messages[2], { role: 'assistant', content: RICH.earlier });
    assert.deepEqual(o.messages[3].content, [
      { type: 'text', text: RICH.question },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL_PNG}` } },
      { type: 'text', text: RICH.followUp },
    ]);
    assert.equal(o.max_tokens, RICH.maxTokens, 'an OpenAI-compatible endpoint gets max_tokens');
    assert.deepEqual(o.stop, RICH.stopSequences);
    // The llm rule's own temperature replaces the request's; its maxTokens caps the request's.
    const over = openai.find((x) => x.temperature === 0)!;
    assert.equal(over.max_tokens, 20);

    const [a] = ep.anthropic.requests.slice(marks.anthropic).map((q) => q.body as any);
    assert.equal(a.model, 'claude-family-model');
    assert.equal(a.system, RICH.systemPrompt);
    assert.equal(a.max_tokens, RICH.maxTokens);
    assert.equal(a.temperature, RICH.temperature);
    assert.deepEqual(a.stop_sequences, RICH.stopSequences);
    assert.deepEqual(a.messages[2].content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL_PNG } });
  });

  test('--sampling-llm answers what no rule does; without it nothing is sent to an LLM', async () => {
    const f = await file(
      'unscripted.yaml',
      `scenarios:
  - name: recommend-unscripted
    steps:
      - call: quick_recommend
        expect: { text: { contains: ${JSON.stringify(ep.openai.answerText)} } }
`,
    );
    const before = ep.openai.requests.length;
    const { r } = await run('flag', ['local', '--url', travel.url, f, '--sampling-llm', 'openai:gpt-local', '--llm-base-url', ep.openai.baseUrl]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, new RegExp(`sampling requests may be sent to an LLM: openai gpt-local at ${ep.openai.baseUrl.replace(/[.]/g, '\\.')} \\(key from \\$OPENAI_API_KEY\\); no --llm-budget`));
    assert.equal(ep.openai.requests.length, before + 1);
    assert.equal((ep.openai.requests.at(-1)!.body as any).model, 'gpt-local');

    const counts = PROVIDERS.map((p) => ep[p].requests.length);
    const { r: plain } = await run('no-llm', ['local', '--url', travel.url, f]);
    assert.equal(plain.code, 1, show(plain));
    assert.match(plain.stdout, /unanswered sampling request/);
    assert.doesNotMatch(plain.stderr, /LLM/);
    assert.deepEqual(PROVIDERS.map((p) => ep[p].requests.length), counts, 'no endpoint saw a request');
  });
});

describe('call and compare take the LLM flags', () => {
  test('call: the LLM answers the tool\'s sampling request with no person present; a missing key is exit 2 before listing', async () => {
    const before = ep.anthropic.requests.length;
    const r = await runCli(['call', 'quick_recommend', '--url', travel.url, '--sampling-llm', 'anthropic:claude-local', '--llm-base-url', ep.anthropic.baseUrl], { env: env() });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), `Recommendation: ${ep.anthropic.answerText}`);
    assert.match(r.stderr, /sampling requests may be sent to an LLM: anthropic claude-local/);
    assert.equal(ep.anthropic.requests.length, before + 1);
    assertNoSecrets(r.stdout + r.stderr);
    const k = await runCli(['call', 'quick_recommend', '--url', 'http://127.0.0.1:9/mcp', '--sampling-llm', 'anthropic:claude-local'], { env: env({ ANTHROPIC_API_KEY: undefined }) });
    assert.equal(k.code, 2, show(k));
    assert.match(k.stderr, /needs an API key in \$ANTHROPIC_API_KEY/);
  });
});

describe('LLM failures are clear, bounded step failures', () => {
  test('401, 403, 429 (recovered and not), a hanging endpoint, malformed answers, unsupported content, a reflected key', async () => {
    const cases: [name: string, provider: Provider, model: string, extra: string][] = [
      ['openai-401', 'openai', 'ok-model', ', apiKeyEnv: WRONG_OPENAI_KEY'],
      ['anthropic-401', 'anthropic', 'ok-model', ', apiKeyEnv: WRONG_ANTHROPIC_KEY'],
      ['bedrock-403', 'bedrock', 'ok-model', ', profile: wrongsecret'],
      ['openai-429-once', 'openai', 'rate-once', ''],
      ['anthropic-429-once', 'anthropic', 'rate-once', ''],
      ['bedrock-429-once', 'bedrock', 'rate-once', ''],
      ['openai-429', 'openai', 'rate-always', ''],
      ['bedrock-429', 'bedrock', 'rate-always', ''],
      ['openai-hang', 'openai', 'hang', ', timeout: 1s'],
      ['anthropic-hang', 'anthropic', 'hang', ', timeout: 1s'],
      ['bedrock-hang', 'bedrock', 'hang', ', timeout: 1s'],
      ['openai-malformed', 'openai', 'malformed', ''],
      ['anthropic-malformed', 'anthropic', 'malformed', ''],
      ['bedrock-malformed', 'bedrock', 'malformed', ''],
      ['openai-garbage', 'openai', 'garbage', ''],
      ['openai-echo-key', 'openai', 'echo-key', ''],
    ];
    const body = cases
      .map(
        ([name, provider, model, extra]) => `  - name: ${name}
    steps:
      - call: quick_recommend
        sampling:
          - llm: { provider: ${provider}, model: ${model}, baseUrl: "${ep[provider].baseUrl}"${provider === 'bedrock' ? ', region: us-west-2' : ''}${extra} }
${model === 'echo-key' ? '        expect: { text: { equals: "Recommendation: your key is [REDACTED]" } }\n' : ''}`,
      )
      .join('');
    const audio = `  - name: audio
    steps:
      - call: audio_sample
        sampling:
          - llm: ${llmRule('openai')}
`;
    const f = await file('faults.yaml', `scenarios:\n${body}`);
    const g = await file('audio.yaml', `scenarios:\n${audio}`);
    const marks = Object.fromEntries(PROVIDERS.map((p) => [p, ep[p].requests.length])) as Record<Provider, number>;
    const { r, json, all } = await run('faults', ['local', '--url', travel.url, '--workers', '4', '--timeout', '20s', f], { WRONG_OPENAI_KEY: WRONG_KEY, WRONG_ANTHROPIC_KEY: WRONG_KEY });
    assert.equal(r.code, 1, show(r));
    const expectFail = (name: string, re: RegExp) => {
      assert.equal(scenario(json, name).status, 'failed', name);
      assert.match(failures(json, name), re, name);
    };
    expectFail('openai-401', /LLM openai ok-model at http:\/\/127\.0\.0\.1:\d+\/v1: HTTP 401: the endpoint refused the API key/);
    expectFail('anthropic-401', /LLM anthropic ok-model at .*: HTTP 401: the endpoint refused the API key/);
    expectFail('bedrock-403', /LLM bedrock ok-model in us-west-2 .*: HTTP 403 UnrecognizedClientException: the AWS credentials were refused \(The security token included in the request is invalid\.\)/);
    for (const name of ['openai-429-once', 'anthropic-429-once', 'bedrock-429-once']) assert.equal(scenario(json, name).status, 'passed', `${name}: ${failures(json, name)}`);
    expectFail('openai-429', /HTTP 429: rate limited or out of quota, still after 2 retries/);
    expectFail('bedrock-429', /HTTP 429: rate limited or out of quota, still after 2 retries ThrottlingException/);
    for (const p of ['openai', 'anthropic', 'bedrock']) expectFail(`${p}-hang`, /no answer within 1s \(the llm timeout; retries included\)/);
    for (const p of ['openai', 'anthropic', 'bedrock']) expectFail(`${p}-malformed`, new RegExp(`LLM ${p} malformed .*: malformed answer: `));
    expectFail('openai-garbage', /malformed answer: /);
    // Retries are bounded: one try and two retries, and once is enough when the endpoint recovers.
    const tries = (p: Provider, model: string) => ep[p].requests.slice(marks[p]).filter((q) => seen(p, q).model === model).length;
    assert.equal(tries('openai', 'rate-always'), 3);
    assert.equal(tries('bedrock', 'rate-always'), 3);
    assert.equal(tries('openai', 'rate-once'), 2);
    assert.equal(tries('bedrock', 'rate-once'), 2);
    // The endpoint reflected the key (in a 401 message, and in an answer): it is redacted everywhere,
    // and the server under test never received it (its tool result repeats what it got).
    // (its expectation is checked on the raw result, before any report redaction).
    assert.equal(scenario(json, 'openai-echo-key').status, 'passed', failures(json, 'openai-echo-key'));
    assert.ok(all.includes('[REDACTED]'));
    assertNoSecrets(all);

    const { r: ra, json: ja } = await run('audio', ['local', '--url', rich.url, g]);
    assert.equal(ra.code, 1, show(ra));
    assert.match(failures(ja, 'audio'), /sampling message 1 is "audio" content, which mcp-verify does not send to an LLM/);
  });
});

describe('keys and budget', () => {
  test('a missing key variable is exit 2 before anything connects, naming the variable and the rule', async () => {
    const f = await file('needs-key.yaml', `scenarios:\n  - name: k\n    steps:\n      - call: quick_recommend\n        sampling:\n          - llm: { provider: anthropic, model: m }\n`);
    const counts = PROVIDERS.map((p) => ep[p].requests.length);
    // Nothing listens on port 9: exit 3 would mean it tried to connect first.
    const a = await runCli(['local', '--url', 'http://127.0.0.1:9/mcp', f], { env: env({ ANTHROPIC_API_KEY: undefined }) });
    assert.equal(a.code, 2, show(a));
    assert.match(a.stderr, /needs-key\.yaml:4: the anthropic LLM needs an API key in \$ANTHROPIC_API_KEY, which is not set/);
    const b = await runCli(['local', '--url', 'http://127.0.0.1:9/mcp', f, '--sampling-llm', 'openai:gpt-x', '--llm-api-key-env', 'MY_LLM_KEY'], { env: env({ MY_LLM_KEY: undefined }) });
    assert.equal(b.code, 2, show(b));
    assert.match(b.stderr, /--sampling-llm: the openai LLM needs an API key in \$MY_LLM_KEY, which is not set/);
    for (const [args, re] of [
      [['--sampling-llm', 'gemini:pro'], /--sampling-llm takes PROVIDER:MODEL with provider bedrock, openai or anthropic/],
      [['--sampling-llm', 'openai'], /the model is missing/],
      [['--sampling-llm', 'openai:x', '--llm-api-key-env', 'sk-abc=1'], /--llm-api-key-env takes an environment variable name/],
      [['--llm-budget', 'calls=many', '--sampling-llm', 'openai:x'], /--llm-budget takes calls=N and\/or tokens=N/],
      [['--sampling-llm', 'openai:x', '--no-sampling'], /contradict each other/],
      [['--sampling-llm', 'bedrock:m'], /bedrock needs an AWS region/],
    ] as [string[], RegExp][]) {
      const c = await runCli(['local', '--url', 'http://127.0.0.1:9/mcp', f, ...args], { env: env() });
      assert.equal(c.code, 2, `${args.join(' ')}: ${show(c)}`);
      assert.match(c.stderr, re);
      assert.doesNotMatch(c.stderr, /\n\s+at /, 'no stack trace');
    }
    const v = await runCli(['validate', await file('both.yaml', `scenarios:\n  - name: b\n    steps:\n      - call: x\n        sampling:\n          - { text: hi, llm: { provider: openai, model: m } }\n`)]);
    assert.equal(v.code, 2, show(v));
    assert.match(v.stdout + v.stderr, /both\.yaml:6:\d+: .*a sampling answer has text or llm, not both/);
    // A misspelt text is said once, with the suggestion (not also as "needs text or llm").
    const typo = await runCli(['validate', await file('typo.yaml', `scenarios:\n  - name: t\n    steps:\n      - call: x\n        sampling:\n          - { txt: hi }\n`)]);
    assert.equal(typo.code, 2, show(typo));
    assert.match(typo.stderr, /unknown key "txt"; did you mean "text"\?/);
    assert.doesNotMatch(typo.stderr, /needs text/);
    assert.deepEqual(PROVIDERS.map((p) => ep[p].requests.length), counts, 'no endpoint saw a request');
  });

  test('--llm-budget: calls are capped, replies are bounded by the tokens left, and the step that goes over fails saying so', async () => {
    const two = `scenarios:
  - name: twice
    sampling:
      - llm: ${llmRule('openai')}
    steps:
      - call: quick_recommend
      - call: quick_recommend
`;
    const f = await file('budget.yaml', two);
    const before = ep.openai.requests.length;
    const { r, json } = await run('budget-calls', ['local', '--url', travel.url, f, '--llm-budget', 'calls=1']);
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /budget 1 call\(s\)/);
    const steps = scenario(json, 'twice').steps;
    assert.equal(steps[0]!.verdict, 'passed');
    assert.equal(steps[1]!.verdict, 'failed');
    assert.match(failures(json, 'twice'), /LLM budget exceeded: all 1 call\(s\) of --llm-budget are spent; the request was not sent/);
    assert.equal(ep.openai.requests.length, before + 1, 'the second request was never sent');

    // 80 tokens: the first reply may use 80 (< its 100) and spends 59; the second is bounded by the 21 left and goes over.
    const mark = ep.openai.requests.length;
    const t = await run('budget-tokens', ['local', '--url', travel.url, f, '--llm-budget', 'tokens=80']);
    assert.equal(t.r.code, 1, show(t.r));
    assert.deepEqual(ep.openai.requests.slice(mark).map((q) => (q.body as any).max_tokens), [80, 21]);
    const st = scenario(t.json, 'twice').steps;
    assert.equal(st[0]!.verdict, 'passed');
    assert.match(failures(t.json, 'twice'), /LLM budget exceeded: this answer took the run to 118 of 80 token\(s\) \(--llm-budget\)/);
    assert.equal(st[1]!.llm?.inputTokens, USAGE.input, 'the tokens spent on the failed step are still reported');
  });
});

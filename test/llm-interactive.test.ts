// Interactive mode with an LLM configured: the real CLI in a real pseudo-terminal (tmux), the real
// OpenAI client against the local OpenAI-wire endpoint. The person sees each model draft and sends it,
// edits it, or replaces it; what they chose reaches the server, and --record writes it down so the run
// replays with no person and no LLM.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTravelServer } from '../src/servers/travel/server.js';
import { BIN, ROOT, runCli } from './support/cli.js';
import { startLlmEndpoint, type LlmEndpoint } from './support/llm-endpoints.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux && process.env.CI) throw new Error('tmux is required for the interactive tests: run .ci/install-test-deps.sh');

const KEY = 'sk-openai-LOCAL-interactive-0004';
const SOCKET = `mcp-verify-llm-test-${process.pid}`;
let travel: Awaited<ReturnType<typeof startTravelServer>>;
let llm: LlmEndpoint;
let dir: string;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'llm');
const keys = (...k: string[]) => void tmux('send-keys', '-t', 'llm', ...k);

/** Polls the screen until `want` shows `times` times (generous deadline, no fixed sleeps). */
async function waitFor(want: RegExp, times = 1, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  const g = new RegExp(want.source, want.flags.includes('g') ? want.flags : `${want.flags}g`);
  while (Date.now() < deadline) {
    last = screen();
    if ((last.match(g) ?? []).length >= times) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${String(want)} x${times}; the screen was:\n${last}`);
}

before(async () => {
  travel = await startTravelServer({ port: 0 });
  llm = await startLlmEndpoint('openai', { apiKey: KEY, answerText: 'Lisbon, for its light.' });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-llm-interactive-'));
});
after(async () => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await travel?.close();
  await llm?.close();
});

const THREE = `scenarios:
  - name: sent
    steps:
      - call: quick_recommend
        expect: { text: { equals: "Recommendation: Lisbon, for its light." } }
  - name: edited
    steps:
      - call: quick_recommend
        expect: { text: { equals: "Recommendation: Lisbon, for its light. And its tiles." } }
  - name: replaced
    steps:
      - call: quick_recommend
        expect: { text: { equals: "Recommendation: Porto." } }
`;

describe('interactive mode shows the LLM draft', { skip: !hasTmux && 'tmux is not installed' }, () => {
  test('send, edit and replace a draft; the recording replays with no person and no LLM', async () => {
    const file = path.join(dir, 'three.yaml');
    const recorded = path.join(dir, 'recorded.yaml');
    await writeFile(file, THREE);
    const args = ['local', '--interactive', '--record', recorded, '--url', travel.url, file, '--sampling-llm', 'openai:local-model', '--llm-base-url', llm.baseUrl];
    const cmd = `cd ${q(ROOT)} && env -u CI NO_COLOR=1 LANG=C.UTF-8 OPENAI_API_KEY=${q(KEY)} ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}; echo EXIT=$?; sleep 600`;
    tmux('-u', 'new-session', '-d', '-s', 'llm', '-x', '200', '-y', '60', cmd);

    // 1: the draft, with the request, the model the endpoint reported and its usage; sent as it is.
    const first = await waitFor(/\? Send this draft\?/);
    assert.match(first, /sampling requests may be sent to an LLM: openai local-model/);
    assert.match(first, /Recommend one travel destination from: Paris, Tokyo, New York, Bali/);
    assert.match(first, /Draft \(openai local-model-2026-01-01, 42\+17 tokens, stopReason endTurn\)/);
    assert.match(first, /Lisbon, for its light\./);
    keys('Enter');
    // 2: edited: the draft line is prefilled; append to it, then end the reply.
    await waitFor(/Draft \(openai/, 2);
    await waitFor(/^\? Send this draft\?/m);
    keys('Down');
    keys('Enter');
    await waitFor(/\? Reply Lisbon, for its light\./);
    keys('-l', ' And its tiles.');
    keys('Enter');
    await waitFor(/✔ Reply Lisbon, for its light\. And its tiles\./);
    keys('-l', '.');
    keys('Enter');
    // 3: replaced by a reply of the person's own.
    await waitFor(/Draft \(openai/, 3);
    await waitFor(/^\? Send this draft\?/m);
    keys('Down');
    keys('Down');
    keys('Enter');
    await waitFor(/^\? Reply/m);
    keys('-l', 'Porto.');
    keys('Enter');
    await waitFor(/✔ Reply Porto\./);
    keys('-l', '.');
    keys('Enter');

    const done = await waitFor(/EXIT=\d+/);
    assert.match(done, /sent\s+-\s+PASS/);
    assert.match(done, /edited\s+-\s+PASS/);
    assert.match(done, /replaced\s+-\s+PASS/);
    assert.match(done, /EXIT=0/);
    assert.match(done, /recorded 3 answer\(s\)/);
    assert.ok(!done.includes(KEY), 'the key is not on the screen');

    const yaml = await readFile(recorded, 'utf8');
    assert.match(yaml, /model: local-model-2026-01-01/, 'a draft sent as it is keeps the model that wrote it');
    assert.match(yaml, /text: Lisbon, for its light\. And its tiles\./);
    assert.match(yaml, /text: Porto\./);
    // Replay: no terminal, CI=true, no LLM configured and no key: the recorded answers answer.
    const before = llm.requests.length;
    const replay = await runCli(['local', '--url', travel.url, recorded], { env: { OPENAI_API_KEY: undefined } });
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.equal(llm.requests.length, before, 'the replay called no LLM');
  });
});

// Interactive mode end to end: the real CLI in a real pseudo-terminal (tmux), keys typed with send-keys,
// the screen read with capture-pane, against the real reference server and a tiny test-only server
// (enum, URL mode, escape sequences) on ephemeral loopback ports. Covers: plan_trip answered by
// keystrokes (an integer field rejects "abc" and re-asks; a sampling reply typed by hand reaches the
// server) with --record, and the recording replayed without a person to the same result; decline;
// Ctrl-C = cancel, a second Ctrl-C stops the run (report still printed, exit 130); an enum chosen
// with arrow keys; URL-mode consent; a hostile message shown neutralised; and that runs without a
// person never block (no TTY / CI=true).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTravelServer } from '../src/servers/travel/server.js';
import { BIN, ROOT, runCli } from './support/cli.js';
import { startPromptServer } from './support/prompt-server.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux && process.env.CI) throw new Error('tmux is required for the interactive tests: run .ci/install-test-deps.sh');

const SOCKET = `mcp-verify-test-${process.pid}`;
let travel: Awaited<ReturnType<typeof startTravelServer>>;
let prompts: Awaited<ReturnType<typeof startPromptServer>>;
let dir: string;
let sessions = 0;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts the CLI in a fresh 200x50 terminal; the shell prints EXIT=<code> when it ends. */
function startCli(args: string[], env: Record<string, string> = {}): string {
  const name = `t${++sessions}`;
  const vars = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const cmd = `cd ${quote(ROOT)} && env -u CI NO_COLOR=1 LANG=C.UTF-8 ${vars} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 600`;
  tmux('-u', 'new-session', '-d', '-s', name, '-x', '200', '-y', '50', cmd);
  return name;
}

const screen = (name: string) => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name);

/** Polls the screen until `want` shows (generous deadline, no fixed sleeps). */
async function waitFor(name: string, want: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen(name);
    if (typeof want === 'string' ? last.includes(want) : want.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${String(want)}; the screen was:\n${last}`);
}

/** Waits for a fresh prompt line (`? label`) after the screen's current content, then types keys. */
async function answer(name: string, promptText: string | RegExp, ...keys: string[][]): Promise<void> {
  await waitFor(name, promptText);
  for (const k of keys) tmux('send-keys', '-t', name, ...k);
}

before(async () => {
  travel = await startTravelServer({ port: 0 });
  prompts = await startPromptServer();
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-interactive-'));
});
after(async () => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await travel?.close();
  await prompts?.close();
});

const PLAN_BY_HAND = `scenarios:
  - name: plan-by-hand
    feature: Elicitation
    steps:
      - call: plan_trip
        expect:
          json: { destination: Tokyo, days: 4, trip_type: leisure, status: planned, ai_tips: "Take the train.\\nEat ramen." }
`;

describe('interactive mode in a real terminal', { skip: !hasTmux && 'tmux is not installed' }, () => {
  test('plan_trip answered by keystrokes (integer re-asked, sampling typed), recorded, and replayed without a person', async () => {
    const scenario = path.join(dir, 'plan.yaml');
    const recorded = path.join(dir, 'recorded.yaml');
    await writeFile(scenario, PLAN_BY_HAND);
    const t = startCli(['local', '--interactive', '--record', recorded, '--url', travel.url, scenario]);
    await answer(t, /Where would you like to go\?[\s\S]*\? Answer \(text\)/, ['-l', 'Tokyo'], ['Enter']);
    await answer(t, /How many days will you spend in Tokyo\?[\s\S]*\? Answer \(integer\)/, ['-l', 'abc'], ['Enter']);
    // The invalid value stays, selected, with the reason: typing replaces it (no deleting by hand).
    await waitFor(t, /"abc" is not a whole number — type to replace it/);
    tmux('send-keys', '-t', t, '-l', '4');
    tmux('send-keys', '-t', t, 'Enter');
    await answer(t, /What type of trip\?[\s\S]*\? Answer \(text\)/, ['-l', 'leisure'], ['Enter']);
    const asked = await waitFor(t, '? Reply');
    assert.match(asked, /Give 3 brief tips for a leisure trip to Tokyo lasting 4 days/);
    assert.match(asked, /maxTokens: 200/);
    tmux('send-keys', '-t', t, '-l', 'Take the train.');
    tmux('send-keys', '-t', t, 'Enter');
    await waitFor(t, /✔ Reply Take the train\./);
    tmux('send-keys', '-t', t, '-l', 'Eat ramen.');
    tmux('send-keys', '-t', t, 'Enter');
    await waitFor(t, /✔ +Eat ramen\./);
    tmux('send-keys', '-t', t, '-l', '.');
    tmux('send-keys', '-t', t, 'Enter');
    const done = await waitFor(t, /EXIT=\d+/);
    // The expectation (typed destination, days and sampling reply in the tool's JSON) passed.
    assert.match(done, /plan-by-hand\s+Elicitation\s+PASS/);
    assert.match(done, /EXIT=0/);
    assert.match(done, /\[█+\] 5\/5/, 'the progress bar reached 5/5');
    assert.match(done, /recorded 4 answer\(s\)/);

    const yaml = await readFile(recorded, 'utf8');
    // The recording lands beside plan.yaml: its scenario is renamed so the folder still loads.
    assert.match(yaml, /name: plan-by-hand-recorded/);
    assert.match(yaml, /renamed from "plan-by-hand"/);
    const folder = await runCli(['validate', dir]);
    assert.equal(folder.code, 0, folder.stdout + folder.stderr);
    assert.match(yaml, /value: Tokyo/);
    assert.match(yaml, /value: 4\b/);
    assert.match(yaml, /model: human/);
    // Replay: no terminal, CI=true, nobody to ask, same result.
    const replay = await runCli(['local', '--url', travel.url, recorded]);
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.match(replay.stdout, /plan-by-hand-recorded\s+Elicitation\s+PASS/);
    // And the original file without the recording fails without a person: the recording is what answers.
    const bare = await runCli(['local', '--url', travel.url, '--timeout', '10s', scenario]);
    assert.equal(bare.code, 1);
  });

  test('Esc at the first field declines (shown in the prompt); call prints the result', async () => {
    const t = startCli(['call', 'plan_trip', '--url', travel.url]);
    const asked = await waitFor(t, '? Answer (text)');
    assert.match(asked, /Enter answers · Esc declines · Ctrl-C cancels/);
    assert.doesNotMatch(asked, /\? Respond/, 'no Accept/Decline/Cancel menu before the question');
    tmux('send-keys', '-t', t, 'Escape');
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /Trip planning cancelled\./);
    assert.match(done, /EXIT=0/);
  });

  test('Ctrl-C at a prompt answers cancel; a second Ctrl-C stops the run, the report still prints, exit 130', async () => {
    const scenario = path.join(dir, 'two.yaml');
    await writeFile(
      scenario,
      `scenarios:
  - name: first-trip
    steps: [{ call: plan_trip, expect: { text: { equals: Trip planning cancelled. } } }]
  - name: second-trip
    steps: [{ call: plan_trip }]
  - name: never-reached
    steps: [{ ping: true }]
`,
    );
    const t = startCli(['local', '--interactive', '--url', travel.url, scenario]);
    await answer(t, '? Answer (text)', ['C-c']);
    await waitFor(t, 'answered cancel for this request');
    // The cancel reached the server (plan_trip ended), then the next scenario asks again.
    await waitFor(t, /second-trip · call plan_trip\)[\s\S]*\? Answer \(text\)/);
    tmux('send-keys', '-t', t, 'C-c');
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /first-trip\s+\S*\s*PASS/);
    assert.match(done, /never-reached/);
    assert.match(done, /interrupted/i);
    assert.match(done, /EXIT=130/);
  });

  test('Ctrl-C at a sampling prompt refuses it: the server sees an error and the request still counts', async () => {
    const scenario = path.join(dir, 'refuse.yaml');
    await writeFile(
      scenario,
      `scenarios:
  - name: refuse-sampling
    steps:
      - call: quick_recommend
        expect: { isError: true, text: refused the sampling request, sampling: { count: 1, maxTokens: 100 } }
`,
    );
    const t = startCli(['local', '--interactive', '--url', travel.url, scenario]);
    await answer(t, '? Reply', ['C-c']);
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /refuse-sampling\s+\S*\s*PASS/);
    assert.match(done, /EXIT=0/);
  });

  test('quick answers: the seed\'s plan_trip questions take only Tokyo, 3, leisure and Enter each', async () => {
    const scenario = path.join(dir, 'quick.yaml');
    await writeFile(
      scenario,
      `scenarios:
  - name: quick-plan
    steps:
      - call: plan_trip
        sampling: [{ text: "Take the train." }]
        expect: { json: { destination: Tokyo, days: 3, trip_type: leisure, status: planned } }
`,
    );
    const t = startCli(['local', '--interactive', '--url', travel.url, scenario]);
    // Each question appears with its answer field already open: the keys are the answer and Enter.
    for (const [question, keys] of [
      ['Where would you like to go?', 'Tokyo'],
      ['How many days will you spend in Tokyo?', '3'],
      ['What type of trip?', 'leisure'],
    ] as const) {
      await waitFor(t, new RegExp(`${question.replace(/[?]/g, '\\?')}[\\s\\S]*\\? Answer \\((text|integer)\\) *\\n`));
      tmux('send-keys', '-t', t, '-l', keys);
      tmux('send-keys', '-t', t, 'Enter');
    }
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /quick-plan\s+\S*\s*PASS/);
    assert.match(done, /EXIT=0/);
  });

  test('a form of several fields ends with a review: edit a field, then send', async () => {
    const t = startCli(['call', 'sign_up', '--url', prompts.url]);
    await answer(t, '? Name (text)', ['-l', 'Ada'], ['Enter']);
    await answer(t, '? Age (integer, ≥ 18)', ['-l', '12'], ['Enter']);
    await waitFor(t, /must be at least 18 — type to replace it/);
    tmux('send-keys', '-t', t, '-l', '36');
    tmux('send-keys', '-t', t, 'Enter');
    await answer(t, '? Newsletter', ['Enter']);
    const review = await waitFor(t, '? Send it?');
    assert.match(review, /Review[\s\S]*Name: "Ada"[\s\S]*Age: 36[\s\S]*Newsletter: true/);
    assert.match(review, /Send[\s\S]*Edit a field[\s\S]*Decline the request[\s\S]*Cancel the request/);
    tmux('send-keys', '-t', t, 'Down');
    tmux('send-keys', '-t', t, 'Enter');
    await answer(t, '? Which field?', ['Enter']);
    await waitFor(t, /\? Name \(text\) *\n[\s\S]*Esc declines/);
    tmux('send-keys', '-t', t, '-l', 'Grace');
    tmux('send-keys', '-t', t, 'Enter');
    await waitFor(t, /Name: "Grace"[\s\S]*\? Send it\?/);
    tmux('send-keys', '-t', t, 'Enter');
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /profile=\{"name":"Grace","age":36,"newsletter":true\}/);
    assert.match(done, /EXIT=0/);
  });

  test('call --record of a JSON result writes a json: subset expectation, and it replays', async () => {
    const recorded = path.join(dir, 'flights.yaml');
    const t = startCli(['call', 'search_flights', '--arg', 'origin=Oslo', '--arg', 'destination=Rome', '--url', travel.url, '--record', recorded]);
    const done = await waitFor(t, /EXIT=\d+/, 60_000);
    assert.match(done, /EXIT=0/);
    const yaml = await readFile(recorded, 'utf8');
    assert.match(yaml, /^\s+json:$/m, yaml);
    assert.doesNotMatch(yaml, /equals:/);
    const replay = await runCli(['local', '--url', travel.url, recorded]);
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
  });

  test('an enum is chosen with the arrow keys', async () => {
    const t = startCli(['call', 'choose_color', '--url', prompts.url]);
    const form = await waitFor(t, '? Colour');
    assert.match(form, /Red[\s\S]*Green[\s\S]*Blue[\s\S]*\(decline the request\)[\s\S]*\(cancel the request\)/);
    tmux('send-keys', '-t', t, 'Down');
    tmux('send-keys', '-t', t, 'Down');
    tmux('send-keys', '-t', t, 'Enter');
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /colour=blue/);
    assert.match(done, /EXIT=0/);
  });

  test('URL-mode elicitation shows the URL and its host, never opens it, and asks for consent', async () => {
    const t = startCli(['call', 'open_link', '--url', prompts.url]);
    const asked = await waitFor(t, '? Consent');
    assert.match(asked, /Sign in to the travel agency/);
    assert.match(asked, /URL: +https:\/\/auth\.example\.com\/login\?state=abc/);
    assert.match(asked, /host: auth\.example\.com/);
    assert.match(asked, /never opens it/);
    tmux('send-keys', '-t', t, 'Enter');
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /url-consent=accept/);
  });

  test('a server message with escape sequences is shown neutralised', async () => {
    const t = startCli(['call', 'hostile', '--url', prompts.url]);
    const asked = await waitFor(t, '? Answer (text)');
    // The sequences are visible as text (␛ = ESC, ␇ = BEL, ␍ = CR), so nothing was cleared, moved or retitled.
    assert.ok(asked.includes('Approve the payment?␛[2J␛[31m␛]0;pwned␇␛[1A␍all is fine'), asked);
    assert.match(asked, /The server asks \(elicitation · call hostile\)/, 'the line before the message is still on screen');
    assert.notEqual(tmux('display-message', '-p', '-t', t, '#{pane_title}').trim(), 'pwned');
    tmux('send-keys', '-t', t, 'Escape');
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /hostile=decline/);
  });
});

describe('--record holds no secret (issue 12: every sink)', { skip: !hasTmux && 'tmux is not installed' }, () => {
  test('a ${env.X} value the server reflects in its question (literal, URL-encoded, base64 at each offset) is not in the recording', async () => {
    const token = 'sk-live/record+secret=token0123456789';
    const scenario = path.join(dir, 'echo-token.yaml');
    await writeFile(scenario, `scenarios:\n  - name: echo\n    steps: [{ call: echo_token, args: { token: "\${env.RECORD_TOKEN}" } }]\n`);
    const recorded = path.join(dir, 'echo-token.recorded.yaml');
    const t = startCli(['local', '--interactive', '--record', recorded, '--url', prompts.url, scenario], { RECORD_TOKEN: token });
    await answer(t, '? Answer (text)', ['-l', 'fine'], ['Enter']);
    const done = await waitFor(t, /EXIT=\d+/);
    assert.match(done, /EXIT=0/);
    assert.doesNotMatch(done, new RegExp(token.replace(/[+/]/g, '\\$&')), 'not on the screen either');
    const yaml = await readFile(recorded, 'utf8');
    assert.match(yaml, /value: fine/, 'the answer was recorded');
    assert.match(yaml, /Confirm \[REDACTED\]/, 'the question was recorded, masked');
    const middle = token.slice(3, -3);
    for (const run of yaml.match(/[A-Za-z0-9+/=%._-]{8,}/g) ?? []) {
      assert.ok(!run.includes(token) && !run.includes(encodeURIComponent(token)), `the token in ${run}`);
      for (let skip = 0; skip < 4; skip++) assert.ok(!Buffer.from(run.slice(skip), 'base64').toString('latin1').includes(middle), `the token base64-encoded in ${run}`);
    }
  });
});

describe('a signal while a prompt is open (issue 12: signals end every phase)', { skip: !hasTmux && 'tmux is not installed' }, () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal} sent to the process at a prompt: exit ${code}, the prompt closed, every report written with the scenarios INTERRUPTED`, async () => {
      const scenario = path.join(dir, `signal-${signal}.yaml`);
      await writeFile(scenario, `scenarios:\n  - name: asked\n    steps: [{ call: plan_trip }]\n  - name: never-reached\n    steps: [{ ping: true }]\n`);
      const json = path.join(dir, `signal-${signal}.json`);
      const junit = path.join(dir, `signal-${signal}.xml`);
      const t = startCli(['local', '--interactive', '--url', travel.url, '--reporter', `table,json=${json},junit=${junit}`, scenario]);
      await waitFor(t, '? Answer (text)');
      // The shell in the pane runs the CLI (env execs node): its one child.
      const shell = tmux('list-panes', '-t', t, '-F', '#{pane_pid}').trim();
      const cli = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n')[0]!;
      process.kill(Number(cli), signal);
      const done = await waitFor(t, /EXIT=\d+/);
      assert.match(done, new RegExp(`EXIT=${code}\\b`));
      assert.match(done, /asked\s+\S*\s*INTERRUPTED/);
      const report = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(report.interrupted, true);
      assert.equal(report.summary.total, 2);
      assert.equal(report.summary.interrupted, 2, JSON.stringify(report.summary));
      assert.match(await readFile(junit, 'utf8'), /<\/testsuites>\s*$/);
    });
  }
});

describe('no person: nothing is ever asked', () => {
  test('local without --interactive fails an unscripted elicitation quickly, with the hint', async () => {
    const scenario = path.join(dir, 'plan-ci.yaml');
    await writeFile(scenario, PLAN_BY_HAND);
    const r = await runCli(['local', '--url', travel.url, scenario], { timeoutMs: 20_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /unanswered elicitation "Where would you like to go\?/);
    assert.match(r.stdout, /script it on the step: elicitation:/);
  });

  test('--interactive with stdin not a terminal is a usage error (exit 2), with CI=true too', async () => {
    const noTty = await runCli(['local', '--interactive', '--url', travel.url], { env: { CI: undefined } });
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /--interactive needs a terminal/);
    const ci = await runCli(['local', '--interactive', '--url', travel.url]);
    assert.equal(ci.code, 2);
    assert.match(ci.stderr, /CI=true/);
    const record = await runCli(['local', '--record', path.join(dir, 'x.yaml'), '--url', travel.url], { env: { CI: undefined } });
    assert.equal(record.code, 2);
    assert.match(record.stderr, /--record needs --interactive/);
  });
});

// `mcp-verify local --watch` in a real pseudo-terminal (tmux), as an author uses it: a project with a config
// file that starts the reference server; saving a scenario file re-runs (screen cleared, the failed
// scenario first), touching a file under server.watch restarts the server, and `q` ends it all: no
// server process (by process group) and no run process (by command line) left behind.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, ROOT } from './support/cli.js';
import { groupGone } from './support/processes.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux && process.env.CI) throw new Error('tmux is required for the watch tests: run .ci/install-test-deps.sh');
const SOCKET = `mcp-verify-watch-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const screen = (name: string) => tmux('capture-pane', '-p', '-J', '-t', name);

async function waitFor(name: string, want: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen(name);
    if (want.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${String(want)}; the screen was:\n${last}`);
}

/** Live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmd.includes(needle) && state !== 'Z' && !cmd.includes('tmux')) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

after(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

const PASSING = 'scenarios:\n  - name: phrases\n    steps:\n      - prompt: local_phrases\n        args: { destination: Tokyo }\n        expect: { text: Tokyo }\n  - name: ping\n    steps: [{ ping: true }]\n';

describe('local --watch in a real terminal', { skip: !hasTmux && 'tmux is not installed' }, () => {
  test('a saved file re-runs (failed first, screen cleared); a server.watch file restarts the server; q quits leaving nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-watch-'));
    const config = path.join(dir, 'mcp-verify.config.yaml');
    await writeFile(
      config,
      `url: http://127.0.0.1:\${port}/mcp\nscenarios: [suite.yaml]\nreporters: [plain]\nserver:\n  command: echo $$ > server.pid; exec ${q(process.execPath)} ${q(BIN)} example-server --port \${port}\n  readyTimeout: 60s\n  watch: ["src/**/*.txt"]\n`,
    );
    await writeFile(path.join(dir, 'suite.yaml'), PASSING);
    execFileSync('mkdir', ['-p', path.join(dir, 'src')]);
    await writeFile(path.join(dir, 'src', 'code.txt'), 'v1');
    // --config names the temp dir, so the run processes are found by their command line afterwards.
    const cmd = `cd ${q(dir)} && env -u CI NO_COLOR=1 LANG=C.UTF-8 ${q(process.execPath)} ${q(BIN)} local --watch --config ${q(config)}; echo EXIT=$?; sleep 600`;
    tmux('-u', 'new-session', '-d', '-s', 'w', '-x', '200', '-y', '50', cmd);

    const first = await waitFor('w', /2 passed, 0 failed[\s\S]*press q to quit/);
    assert.match(first, /PASS phrases[\s\S]*PASS ping/);
    const pgid = Number((await readFile(path.join(dir, 'server.pid'), 'utf8')).trim());

    // Save a change that makes `phrases` fail: it re-runs, and the screen shows only the new run.
    await writeFile(path.join(dir, 'suite.yaml'), PASSING.replace('expect: { text: Tokyo }', 'expect: { text: Atlantis }'));
    const second = await waitFor('w', /suite\.yaml changed[\s\S]*1 passed, 1 failed[\s\S]*press q to quit/);
    assert.doesNotMatch(second, /2 passed, 0 failed/, 'the screen was cleared between runs');
    // Save again (unchanged meaning): the failed scenario now runs first.
    await writeFile(path.join(dir, 'suite.yaml'), PASSING.replace('expect: { text: Tokyo }', 'expect: { text: Atlantis }') + '# saved again\n');
    const third = await waitFor('w', /suite\.yaml changed[\s\S]*FAIL phrases[\s\S]*PASS ping[\s\S]*press q to quit/);
    assert.ok(third.indexOf('FAIL phrases') < third.indexOf('PASS ping'));
    assert.equal(Number((await readFile(path.join(dir, 'server.pid'), 'utf8')).trim()), pgid, 'scenario changes keep the same server');

    // A file under server.watch: the server is restarted (a new process group), then the suite runs.
    await writeFile(path.join(dir, 'src', 'code.txt'), 'v2');
    await waitFor('w', /restarted the server under test[\s\S]*press q to quit/);
    const pgid2 = Number((await readFile(path.join(dir, 'server.pid'), 'utf8')).trim());
    assert.notEqual(pgid2, pgid);
    assert.deepEqual(await groupGone(pgid), [], 'the old server is gone');

    tmux('send-keys', '-t', 'w', 'q');
    const done = await waitFor('w', /EXIT=\d+/);
    assert.match(done, /EXIT=0/);
    assert.deepEqual(await groupGone(pgid2), [], 'no server process left');
    assert.deepEqual(processesMentioning(config), [], 'no mcp-verify process left');
  });
});

// Property-based fuzzing (fast-check), every run bounded:
// - the scenario loader never throws: any text gives scenarios or positioned problems;
// - the matchers never throw and agree with their definitions on simple truths;
// - the SSE / JSON-RPC input path, through the fault proxy and the real CLI: whatever bytes the server
//   answers with, the run ends, the step verdict is PASS or FAIL with a cause, never a crash or a hang.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseScenarioText } from '../src/scenario/loader.js';
import { matchCount, matchSubset, matchText } from '../src/scenario/matchers.js';
import { startTravelServer } from '../src/servers/travel/server.js';
import { runCli } from './support/cli.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

function assertLoaderResult(text: string): void {
  const r = parseScenarioText(text, 'fuzz.yaml');
  if ('problems' in r) {
    assert.ok(r.problems.length > 0);
    for (const p of r.problems) {
      assert.equal(p.file, 'fuzz.yaml');
      assert.ok(Number.isInteger(p.line) && p.line >= 1, `line ${p.line}`);
      assert.ok(Number.isInteger(p.col) && p.col >= 1, `col ${p.col}`);
      assert.ok(p.message.length > 0);
    }
  } else {
    assert.ok(r.scenarios.length > 0);
    for (const s of r.scenarios) assert.ok(s.line >= 1 && s.scenario.steps.length > 0);
  }
}

// YAML-shaped noise: real tokens of the language in random order hit far more parser paths than bytes.
const token = fc.constantFrom('scenarios:', '- name: a', 'steps:', '- call: x', '  ', '    ', '\n', ': ', '- ', '[', ']', '{', '}', '&a', '*a', '!!str', '"', "'", '#', 'expect:', 'regex: "(', 'text:', 'ping: true', '|', '>', '---', '...', '\t', 'timeout: 5s', '%YAML 1.2', '?', ',', 'null', '~', '0x1F');

describe('fuzz: the scenario loader', () => {
  test('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), assertLoaderResult), { numRuns: 300 });
  });
  test('never throws on YAML-shaped noise', () => {
    fc.assert(fc.property(fc.array(token, { maxLength: 60 }).map((t) => t.join('')), assertLoaderResult), { numRuns: 400 });
  });
  test('never throws on arbitrary documents under `scenarios:`', () => {
    const doc = fc.record({ scenarios: fc.array(fc.dictionary(fc.constantFrom('name', 'steps', 'timeout', 'session', 'tags', 'elicitation', 'extra'), fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 }) });
    fc.assert(fc.property(doc, (d) => assertLoaderResult(stringify(d))), { numRuns: 300 });
  });
});

describe('fuzz: the matchers', () => {
  test('matchSubset: a value is a subset of itself; never throws on anything', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 }), (v, other) => {
        assert.equal(matchSubset(v, v), undefined);
        const r = matchSubset(other, v);
        assert.ok(r === undefined || typeof r === 'string');
      }),
      { numRuns: 400 },
    );
  });
  test('matchSubset: a missing key fails, falsy values are real expectations', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(0, false, '', null), (key, falsy) => {
        assert.ok(typeof matchSubset({}, { [key]: falsy }) === 'string', 'missing key must fail');
        assert.equal(matchSubset({ [key]: falsy }, { [key]: falsy }), undefined);
        assert.ok(typeof matchSubset({ [key]: 'x' }, { [key]: falsy }) === 'string', 'a falsy expectation is checked');
      }),
      { numRuns: 200 },
    );
  });
  test('matchText: contains / notContains / equals agree with the string; regexes never throw', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.nat(), fc.string({ maxLength: 10 }), (s, a, b, pattern) => {
        const [i, j] = [Math.min(a, b) % (s.length + 1), Math.max(a, b) % (s.length + 1)];
        const sub = s.slice(Math.min(i, j), Math.max(i, j));
        assert.equal(matchText(s, sub), undefined);
        assert.equal(matchText(s, { contains: [sub] }), undefined);
        assert.ok(typeof matchText(s, { notContains: sub }) === 'string');
        assert.equal(matchText(s, { equals: s }), undefined);
        let valid = true;
        try {
          new RegExp(pattern);
        } catch {
          valid = false;
        }
        if (valid) {
          const r = matchText(s, { regex: pattern });
          assert.ok(r === undefined || typeof r === 'string');
        }
      }),
      { numRuns: 400 },
    );
  });
  test('matchCount: exact and ranges agree with arithmetic', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (n, lo, hi) => {
        assert.equal(matchCount(n, n), undefined);
        const inRange = n >= Math.min(lo, hi) && n <= Math.max(lo, hi);
        assert.equal(matchCount(n, { min: Math.min(lo, hi), max: Math.max(lo, hi) }) === undefined, inRange);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: the SSE / JSON-RPC input path through the fault proxy', () => {
  let server: Awaited<ReturnType<typeof startTravelServer>>;
  let proxy: FaultProxy;
  let file: string;
  before(async () => {
    server = await startTravelServer({ port: 0 });
    proxy = await startFaultProxy(server.url);
    const dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-fuzz-'));
    file = path.join(dir, 'fuzz.yaml');
    await writeFile(file, 'scenarios:\n  - name: healthy\n    steps:\n      - read: travel://destinations\n  - name: fuzzed\n    steps:\n      - read: travel://destination/paris\n');
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  // Bodies built from the pieces a server can get wrong: SSE fields, JSON-RPC fragments, ids, noise.
  const piece = fc.oneof(
    fc.constantFrom('event: message\n', 'data: ', 'id: 1\n', 'retry: 10\n', ': comment\n', '\n', '\n\n', '\r\n', 'data:{"jsonrpc":"2.0","id":1,"result":{}}\n\n', '{"jsonrpc":"2.0","id":1,"result":{"contents":[]}}', '{"jsonrpc":"2.0","id":"1","error":{"code":-1,"message":"x"}}', '{"jsonrpc":"2.0","method":"notifications/message","params":{}}', '{"jsonrpc":"2.0","id":99,"method":"elicitation/create","params":{}}', '[', ']', '{', '}', 'null'),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const body = fc.array(piece, { maxLength: 25 }).map((p) => p.join(''));
  const contentType = fc.constantFrom('text/event-stream', 'application/json', 'text/plain', 'text/event-stream; charset=utf-8');

  test('arbitrary answers never crash or hang the run (bounded runs)', async () => {
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, text) => {
        proxy.setRules([{ rpc: 'resources/read', bodyIncludes: 'paris', fault: { kind: 'raw', contentType: type, body: text } }]);
        const r = await runCli(['local', '--url', proxy.url, '--timeout', '2s', '--reporter', 'plain', file], { timeoutMs: 20_000 });
        assert.equal(r.signal, null, 'the run hung');
        assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
        assert.doesNotMatch(r.stdout + r.stderr, /internal error|^\s+at /m);
        assert.match(r.stdout, /^PASS healthy/m, 'the other scenario is unaffected');
        assert.match(r.stdout, /^(PASS|FAIL) fuzzed/m);
      }),
      { numRuns: 8 },
    );
  });
});

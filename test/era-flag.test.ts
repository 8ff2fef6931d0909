// `--era legacy|modern|auto|both` and the config file's `era:`: parsed once into the run plan, every
// mistake a one-line usage error (exit 2) before anything connects, the flag overriding the file, and the
// era handed to the protocol suite's context. Real CLI; buildPlan as the CLI calls it.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { buildPlan, planForEra } from '../src/run/plan.js';
import { parseEra } from '../src/era.js';
import { localTarget } from '../src/target/target.js';
import { ProtocolContext } from '../src/protocol/context.js';
import { UsageError } from '../src/errors.js';
import { runCli } from './support/cli.js';

const target = localTarget(new URL('http://127.0.0.1:9/mcp'));

describe('--era', () => {
  test('every command that runs or diagnoses takes it; a wrong value is exit 2 naming the choices', async () => {
    for (const cmd of ['local', 'remote', 'compare', 'doctor', 'demo', 'validate']) {
      const r = await runCli([cmd, '--era', 'modrn']);
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /--era takes legacy, modern, auto or both \(got "modrn"\)/, cmd);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    }
    const v = await runCli(['local', '--era', '2026-07-28']);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /2026-07-28 is modern/);
  });

  test('--help teaches it', async () => {
    const r = await runCli(['local', '--help']);
    assert.match(r.stdout.replace(/\s+/g, ' '), /--era <era> protocol era: legacy \(2025-11-25 sessions, the default\), modern \(2026-07-28/);
  });

  test('the plan holds the era (default legacy); both is legacy then modern, one plan each', async () => {
    assert.deepEqual([(await buildPlan({ suite: 'protocol' }, [], target)).eras, (await buildPlan({ suite: 'protocol' }, [], target)).era], [['legacy'], 'legacy']);
    const modern = await buildPlan({ suite: 'protocol', era: 'modern' }, [], target);
    assert.equal(modern.era, 'modern');
    assert.equal(modern.protocol.era, 'modern');
    const both = await buildPlan({ suite: 'protocol', era: 'both' }, [], target);
    assert.deepEqual(both.eras, ['legacy', 'modern']);
    const perEra = both.eras.map((e) => planForEra(both, e));
    assert.deepEqual(perEra.map((p) => [p.era, p.protocol.era, p.eras.length]), [['legacy', 'legacy', 1], ['modern', 'modern', 1]]);
    assert.equal((await buildPlan({ suite: 'protocol', era: 'auto' }, [], target)).era, 'auto');
    await assert.rejects(buildPlan({ suite: 'protocol', era: 'newest' }, [], target), (e: Error) => e instanceof UsageError && /--era takes legacy, modern, auto or both/.test(e.message));
    assert.equal(parseEra(' Modern '), 'modern');
  });

  test("the protocol suite's context gets the era (legacy when none is given)", () => {
    assert.equal(new ProtocolContext(target).era, 'legacy');
    assert.equal(new ProtocolContext(target, { era: 'modern' }).era, 'modern');
  });

  test('the config file takes era:, a wrong value points at it, and the flag overrides it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-era-'));
    await writeFile(path.join(dir, 'mcp-verify.config.yaml'), 'era: modrn\n');
    const bad = await runCli(['validate'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /mcp-verify\.config\.yaml:1:6: era: .*legacy, modern, auto, both/);
    // A valid era in the file and a wrong one on the command line: the flag is what is checked.
    await writeFile(path.join(dir, 'mcp-verify.config.yaml'), 'era: modern\n');
    assert.equal((await runCli(['validate'], { cwd: dir })).code, 0);
    const flag = await runCli(['validate', '--era', 'x'], { cwd: dir });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /got "x"/);
  });
});

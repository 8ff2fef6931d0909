// The shipped build: dist/ is an esbuild bundle (scripts/build.mjs) whose CLI entry chunk loads only
// commander and the command definitions, with everything else in lazy chunks; the npm tarball runs with no
// node_modules at all; source maps sit beside every file; and src/ has exactly one import.meta.url (the
// package root), so nothing reads a file at a path the bundler moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN, ROOT, runCli } from './support/cli.js';
import { ensureNode } from './support/newer-node.js';

const run = promisify(execFile);
const DIST = path.join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; files: string[] };

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? jsFiles(p) : name.endsWith('.js') ? [p] : [];
  });
}

/** Every file dist/cli/main.js loads before any command runs: its static import graph. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']|^import\s*["'](\.{1,2}\/[^"']+)["']/gms)) {
      visit(path.resolve(path.dirname(file), (m[1] ?? m[2])!));
    }
  };
  visit(entry);
  return [...seen];
}

/** The sources (from each file's source map) that make up those files. */
function sourcesOf(files: string[]): string[] {
  return files.flatMap((f) => {
    const map = JSON.parse(readFileSync(`${f}.map`, 'utf8')) as { sources: string[] };
    return map.sources.map((s) => path.relative(ROOT, path.resolve(path.dirname(f), s)));
  });
}

test('the CLI entry chunk loads commander and the command definitions only; the rest is lazy', () => {
  const entry = path.join(DIST, 'cli', 'main.js');
  assert.ok(existsSync(entry), 'dist/cli/main.js is missing: run npm run build');
  const eager = sourcesOf(staticGraph(entry));
  assert.ok(eager.includes('src/cli/main.ts'), eager.join('\n'));
  assert.ok(eager.some((s) => s.startsWith('node_modules/commander/')), 'commander is bundled into the entry chunk');
  const lazyOnly = [
    /^node_modules\/(yaml|zod|undici|@modelcontextprotocol|@aws-sdk|@aws-crypto|@smithy|@inquirer)\//,
    /^src\/scenario\/(loader|runner|schema|checks)\.ts$/,
    /^src\/run\//,
    /^src\/scenario\/steps\//,
    /^src\/session\//,
    /^src\/servers\//,
    /^src\/terminal\/interactive-mode\.ts$/,
    /^src\/responders\/interactive\.ts$/,
    /^src\/report\/(reporters|table|junit|tap|github|json)\.ts$/,
    /^src\/target\/(sigv4|credentials|remote)\.ts$/,
  ];
  const leaked = eager.filter((s) => lazyOnly.some((re) => re.test(s)));
  assert.deepEqual(leaked, [], `loaded by every command (should be behind a dynamic import):\n${leaked.join('\n')}`);
  // And the lazy parts really are in the build, in files the entry chunk does not load.
  const graph = new Set(staticGraph(entry));
  const all = sourcesOf(jsFiles(DIST).filter((f) => !graph.has(f)));
  for (const s of ['src/scenario/loader.ts', 'src/servers/travel/server.ts', 'src/terminal/interactive-mode.ts', 'src/report/reporters.ts', 'src/target/sigv4.ts']) {
    assert.ok(all.includes(s), `${s} is in no lazy chunk`);
  }
});

test('every emitted file has its source map, and bundles its dependencies (no bare import left)', () => {
  const files = jsFiles(DIST);
  assert.ok(files.length > 5, `only ${files.length} files in dist/`);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.ok(existsSync(`${f}.map`), `${path.relative(ROOT, f)} has no source map`);
    assert.match(text, /\/\/# sourceMappingURL=\S+\.js\.map\s*$/, `${path.relative(ROOT, f)} does not point at its map`);
    const bare = [...text.matchAll(/(?:^[ \t]*|;\s*)(?:import|export)\s[^;]*?from\s*["']([^"'./][^"']*)["']|\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/gm)]
      .map((m) => (m[1] ?? m[2])!)
      .filter((spec) => !spec.startsWith('node:') && !builtinModules.includes(spec));
    assert.deepEqual(bare, [], `${path.relative(ROOT, f)} imports packages at run time`);
  }
});

test('src/ turns import.meta.url into a path in one place only (src/package-root.ts)', () => {
  const users: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && /import\.meta\.(url|dirname|filename)/.test(readFileSync(p, 'utf8').replace(/^\s*\/\/.*$/gm, ''))) {
        users.push(path.relative(ROOT, p));
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  // Bundled code moves: a path relative to a module's own URL points elsewhere in dist/. Use PACKAGE_ROOT.
  assert.deepEqual(users, ['src/package-root.ts']);
});

test('--version and -V print the package version without loading the CLI', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${pkg.version}\n`);
    assert.equal(r.stderr, '');
  }
  // Through commander too (a flag after it), the same answer.
  const r = await runCli(['--version', '--no-color']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('the npm tarball runs `demo` with no node_modules anywhere (scenarios and schema found from the package root)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-pack-'));
  try {
    // --ignore-scripts: pack the dist/ this run built (prepare would rebuild it).
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, timeout: 60_000 });
    const tarball = path.join(dir, stdout.trim().split('\n').at(-1)!);
    await run('tar', ['-xzf', tarball, '-C', dir]);
    const installed = path.join(dir, 'package');
    assert.ok(!existsSync(path.join(installed, 'node_modules')));
    for (const f of pkg.files) assert.ok(existsSync(path.join(installed, f)), `${f} is not in the tarball`);
    assert.ok(!existsSync(path.join(installed, 'src')), 'the tarball ships src/');

    const packed = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      execFile(process.execPath, [path.join(installed, 'bin', 'mcp-verify'), 'demo'], { cwd: dir, timeout: 120_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' } }, (err, out, errOut) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') return reject(err);
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: out + errOut });
      });
    });
    assert.equal(packed.code, 0, packed.out);
    assert.match(packed.out, /Local: \d+ passed, 0 failed/);
    assert.match(packed.out, /Remote \(AgentCore emulator\): \d+ passed, 0 failed/);

    // The scenario schema is generated from the bundled zod schema and matches the shipped file.
    const schema = await run(process.execPath, [path.join(installed, 'bin', 'mcp-verify'), 'schema'], { cwd: dir });
    assert.equal(schema.stdout, readFileSync(path.join(installed, 'schema', 'scenario.schema.json'), 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the Node 24 runner (test/support/newer-node.ts) runs Node 24 and passes its exit code on', async () => {
  const node24 = await ensureNode(24);
  assert.ok(existsSync(node24));
  const runner = path.join(ROOT, 'test', 'support', 'newer-node.ts');
  const ok = await run(process.execPath, ['--import', 'tsx', runner, '24', '--', '-p', 'process.versions.node'], { cwd: ROOT });
  assert.match(ok.stdout, /^24\.\d+\.\d+\n$/);
  // A failing suite on Node 24 must fail the command CI runs.
  await assert.rejects(run(process.execPath, ['--import', 'tsx', runner, '24', '--', '-e', 'process.exit(7)'], { cwd: ROOT }), (e: { code?: number }) => e.code === 7);
  // And the CLI runs on it (compile cache on, Node >= 22.1).
  const v = await run(node24, [BIN, 'validate', 'scenarios/travel'], { cwd: ROOT, env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  assert.match(v.stdout, /\d+ file\(s\), \d+ scenario\(s\): valid/);
});

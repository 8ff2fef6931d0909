// No import cycles in src/: esbuild resolves every module of src/ (each one an entry point, packages
// left out) and the test walks the import graph of its metafile. What esbuild keeps is what runs, so a
// cycle here is one Node meets at load time (a module seeing another half-initialised); `import type`
// is erased and cannot form one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { globSync } from 'tinyglobby';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every cycle a depth-first walk meets, each as the path that closes it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

test('the cycle finder finds a cycle and passes a tree (so the check below can fail)', () => {
  assert.deepEqual(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
});

test('src/ has no import cycles', async () => {
  const entryPoints = globSync('src/**/*.ts', { cwd: ROOT, absolute: true });
  assert.ok(entryPoints.length > 50, 'src/ was found');
  const { metafile } = await build({
    entryPoints,
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outdir: 'cycles-out',
    packages: 'external',
    logLevel: 'silent',
  });
  const graph = new Map<string, string[]>();
  for (const [file, info] of Object.entries(metafile.inputs)) {
    if (file.startsWith('src/')) graph.set(file, info.imports.map((i) => i.path).filter((p) => p.startsWith('src/')));
  }
  assert.ok(graph.size >= entryPoints.length, 'every module of src/ is in the graph');
  const cycles = findCycles(graph);
  assert.deepEqual(cycles.map((c) => c.join(' -> ')), [], 'import cycles in src/ (break each by moving what both sides need into a module of its own)');
});

// `npm run build`: type-check with tsc (no output), then bundle src/ into dist/ with esbuild.
//
// dist/cli/main.js is the CLI's one entry chunk: commander wiring and each command's flags, nothing else.
// Everything a command needs only when it runs (the scenario loader, runner, servers, interactive mode,
// reporters, SigV4 and the AWS credential chain, the SDK) is behind a dynamic `import()` in src/, which
// esbuild turns into lazy chunks under dist/chunks/, so `--version` and `--help` load almost nothing.
// Dependencies are bundled too (no node_modules resolution at run time). Source maps sit beside each file
// (run with NODE_OPTIONS=--enable-source-maps to see src/ locations in a stack trace).
//
//   node scripts/build.mjs              # type-check + bundle (what `npm run build` and `prepare` run)
//   node scripts/build.mjs --no-check   # bundle only
//   node scripts/build.mjs --analyze    # also print what each output file is made of
//   node scripts/build.mjs --outdir DIR # somewhere else than dist/ (inside the repository: the package root is found from it)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const argv = process.argv.slice(2);
const args = new Set(argv);
const argValue = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * Entry points, by their path under dist/. The CLI is the product; the others are the in-process API the
 * benchmark drives (bench/), kept at the paths the unbundled build had. They share chunks with the CLI.
 */
const ENTRIES = {
  'cli/main': 'src/cli/main.ts',
  'scenario/loader': 'src/scenario/loader.ts',
  'run/plan': 'src/run/plan.ts',
  'run/execute': 'src/run/execute.ts',
  'target/target': 'src/target/target.ts',
  'report/reporters': 'src/report/reporters.ts',
  'servers/travel/server': 'src/servers/travel/server.ts',
  'servers/agentcore/emulator': 'src/servers/agentcore/emulator.ts',
};

if (!args.has('--no-check')) {
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

// Built beside dist/ and swapped in at the end, so a run that starts during a rebuild finds one whole build.
const outdir = path.resolve(ROOT, argValue('--outdir') ?? 'dist');
const staging = `${outdir}.building-${process.pid}`;
rmSync(staging, { recursive: true, force: true });

// Bundled CommonJS dependencies (commander, undici, the AWS SDK) call require() for Node built-ins; an ES
// module has no require, so each output file gets one made for it.
const banner = "import { createRequire as __mcpVerifyCreateRequire } from 'node:module';\nconst require = __mcpVerifyCreateRequire(import.meta.url);";

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ENTRIES,
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  // Keeps function and class names (stack traces, `instanceof` messages) readable.
  keepNames: true,
  minifySyntax: true,
  legalComments: 'none',
  banner: { js: banner },
  define: { __MCP_VERIFY_VERSION__: JSON.stringify(pkg.version) },
  // Where a package has both, its ES-module build ("module"): a dynamic import() of a CommonJS file in a
  // split bundle only has a default export (the AWS credential chain's named exports would be missing),
  // and ES modules tree-shake.
  mainFields: ['module', 'main'],
  metafile: true,
  logLevel: 'warning',
});

// A dynamic import() of a CommonJS file becomes a chunk with only a default export, so
// `const { x } = await import('cjs-package')` works unbundled and breaks bundled: refuse to ship that.
const cjsLazy = Object.entries(result.metafile.outputs)
  .filter(([, out]) => out.entryPoint && !Object.values(ENTRIES).includes(out.entryPoint) && result.metafile.inputs[out.entryPoint]?.format === 'cjs')
  .map(([file, out]) => `${out.entryPoint} (${path.relative(staging, file)})`);
if (cjsLazy.length) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`build: dynamic import() of CommonJS modules, whose named exports the bundle would lose:\n  ${cjsLazy.join('\n  ')}\nImport a package that has an ES-module build, or take its exports from \`default\`.`);
  process.exit(1);
}

const old = `${outdir}.old-${process.pid}`;
if (existsSync(outdir)) renameSync(outdir, old);
renameSync(staging, outdir);
rmSync(old, { recursive: true, force: true });

if (args.has('--analyze')) {
  process.stdout.write(await esbuild.analyzeMetafile(result.metafile, { verbose: false }));
}

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
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = new Set(process.argv.slice(2));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * Entry points, by their path under dist/. The CLI is the product; the others are the in-process API the
 * benchmark drives (bench/), kept at the paths the unbundled build had. They share chunks with the CLI.
 */
const ENTRIES = {
  'cli/main': 'src/cli/main.ts',
  'scenario/loader': 'src/scenario/loader.ts',
  'scenario/runner': 'src/scenario/runner.ts',
  'target/target': 'src/target/target.ts',
  'report/reporters': 'src/report/reporters.ts',
  'servers/travel/server': 'src/servers/travel/server.ts',
  'servers/agentcore/emulator': 'src/servers/agentcore/emulator.ts',
};

if (!args.has('--no-check')) {
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

const outdir = path.join(ROOT, 'dist');
rmSync(outdir, { recursive: true, force: true });

// Bundled CommonJS dependencies (commander, undici, the AWS SDK) call require() for Node built-ins; an ES
// module has no require, so each output file gets one made for it.
const banner = "import { createRequire as __mcpVerifyCreateRequire } from 'node:module';\nconst require = __mcpVerifyCreateRequire(import.meta.url);";

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ENTRIES,
  outdir,
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
  metafile: true,
  logLevel: 'warning',
});

if (args.has('--analyze')) {
  process.stdout.write(await esbuild.analyzeMetafile(result.metafile, { verbose: false }));
}

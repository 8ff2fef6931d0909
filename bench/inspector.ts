// MCP Inspector's CLI for the "vs MCP Inspector" figure: npm `@modelcontextprotocol/inspector`, installed by
// the bench itself into <repo>/.cache/inspector-<version>/ (gitignored) the first time, not a dependency of
// mcp-verify. It needs Node >= 22.19, so the bench runs it on Node 24.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The version compared against (the one the figures were measured with). */
export const INSPECTOR_VERSION = '2.12.0';

/** The path of Inspector's launcher script (its `mcp-inspector` bin), installing it first if missing. */
export async function ensureInspector(): Promise<string> {
  const dir = path.join(ROOT, '.cache', `inspector-${INSPECTOR_VERSION}`);
  const launcher = (d: string) => path.join(d, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');
  if (existsSync(launcher(dir))) return launcher(dir);
  mkdirSync(path.dirname(dir), { recursive: true });
  const scratch = mkdtempSync(`${dir}.installing-`);
  try {
    writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'inspector-cache', private: true }) + '\n');
    await new Promise<void>((resolve, reject) => {
      const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--loglevel=error', `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`], { cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm install @modelcontextprotocol/inspector@${INSPECTOR_VERSION} exited ${code}\n${stderr}`))));
    });
    if (!existsSync(launcher(scratch))) throw new Error(`@modelcontextprotocol/inspector@${INSPECTOR_VERSION} has no clients/launcher/build/index.js`);
    if (!existsSync(launcher(dir))) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(scratch, dir);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return launcher(dir);
}

/** Environment for an Inspector CLI run: secrets in memory (no OS keychain here), its catalog in `scratchDir`. */
export function inspectorEnv(scratchDir: string): Record<string, string> {
  return { MCP_INSPECTOR_SECRET_STORE: 'memory', MCP_CATALOG_PATH: path.join(scratchDir, 'inspector-catalog.json') };
}

// Where the config file is: the first of CONFIG_NAMES in the working directory or the nearest directory
// above it. Only node:fs here, so commands pay for YAML and zod only when a config file exists.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export const CONFIG_NAMES = ['mcp-verify.config.yaml', 'mcp-verify.config.yml', 'mcp-verify.config.json'] as const;

export function findConfigFile(cwd = process.cwd()): string | undefined {
  let dir = path.resolve(cwd);
  for (let i = 0; i < 200; i++) {
    for (const name of CONFIG_NAMES) {
      const f = path.join(dir, name);
      if (existsSync(f) && statSync(f).isFile()) return f;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

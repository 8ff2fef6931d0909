// Where the installed package lives: the directory holding mcp-verify's package.json, found by walking up
// from this module. The one place that turns import.meta.url into a path, so it holds however the code is
// laid out: src/ under tsx, dist/ as emitted by the bundler (entry files and chunks at different depths),
// or node_modules/mcp-verify/ after `npm install`. Bundled scenarios and schema files are read relative to it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'mcp-verify') return dir;
      } catch {
        // Not ours (or not JSON): keep walking up.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`mcp-verify: cannot find its package.json above ${start}`);
  }
}

export const PACKAGE_ROOT: string = findPackageRoot();

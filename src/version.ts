// The tool's version. The bundler writes it in at build time (scripts/build.mjs defines
// __MCP_VERIFY_VERSION__), so `--version` reads no file; unbundled (src/ under tsx) it comes from package.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

declare const __MCP_VERIFY_VERSION__: string | undefined;

export const VERSION: string =
  typeof __MCP_VERIFY_VERSION__ === 'string'
    ? __MCP_VERIFY_VERSION__
    : (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

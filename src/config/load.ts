// Finding and reading the config file: `--config FILE`, else mcp-verify.config.yaml / .yml / .json in the
// working directory or the nearest directory above it. Problems are file:line:col (exit 2), through the
// same positioned-YAML machinery as scenario files.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { ScenarioFileError, parsePositioned } from '../scenario/loader.js';
import { CONFIG_NAMES, findConfigFile } from './find.js';
import { ConfigFile } from './schema.js';

const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedConfig {
  /** Absolute path of the file. */
  file: string;
  /** Its directory: relative paths in the file are relative to it. */
  dir: string;
  config: ConfigFile;
}

/** Reads and validates a config file. @throws ScenarioFileError (exit 2) with every problem, positioned. */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  const shown = path.relative(process.cwd(), abs) || abs;
  let text: string;
  try {
    const s = statSync(abs);
    if (s.isDirectory()) throw new UsageError(`--config ${file}: is a directory; give the config file (e.g. ${path.join(file, CONFIG_NAMES[0])})`);
    if (s.size > MAX_CONFIG_BYTES) throw new UsageError(`${shown}: the config file is ${s.size} bytes; the limit is ${MAX_CONFIG_BYTES}`);
    text = await readFile(abs, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const parsed = parsePositioned(text, shown, ConfigFile, 'empty config file: expected keys such as url, scenarios or server');
  if ('problems' in parsed) throw new ScenarioFileError(parsed.problems);
  return { file: abs, dir: path.dirname(abs), config: parsed.data };
}

/** `--config FILE` when given, else the file found from the working directory, else none. */
export async function resolveConfig(explicit: string | undefined, cwd = process.cwd()): Promise<LoadedConfig | undefined> {
  if (explicit) return loadConfigFile(explicit);
  const found = findConfigFile(cwd);
  return found ? loadConfigFile(found) : undefined;
}

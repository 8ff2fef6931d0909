// Report files are checked before anything runs, and their writes at the end cannot lose the run:
// - before: each NAME=FILE path must be writable as a regular file (not a directory, a device such as
//   /dev/full, or a /proc entry), its directory creatable, and no two reporters may name the same
//   file (one would silently overwrite the other): exit 2 with one line, nothing sent to the server;
// - at the end: a write that still fails (disk full, removed directory) is one line on stderr, the
//   other reports are still written, and the exit code is 2.
import { accessSync, constants, closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, realpathSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

const failures: string[] = [];

/** Report writes that failed at the end of the run (each already said on stderr). */
export function reportWriteFailures(): readonly string[] {
  return failures;
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Where a path really leads (symlinks resolved, as far as it exists). */
function canonical(file: string): string {
  const abs = path.resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

/** Two reporters given the same file (also through a symlink or a relative path) is a usage error. */
export function checkDistinctReportFiles(specs: { name: string; file?: string }[]): void {
  const seen = new Map<string, string>();
  for (const s of specs) {
    if (!s.file) continue;
    const key = canonical(s.file);
    const other = seen.get(key);
    if (other) throw new UsageError(`--reporter ${other} and ${s.name} both write ${s.file}; give each report its own file`);
    seen.set(key, s.name);
  }
}

/** A path a report can be written to, checked (and created empty) now; throws a UsageError (exit 2). */
export function prepareReportFile(file: string, flag: string, opts: { truncate?: boolean; create?: boolean } = { truncate: true }): void {
  const abs = path.resolve(file);
  try {
    const st = statSync(abs);
    if (st.isDirectory()) throw new UsageError(`${flag}: ${file} is a directory; name a file`);
    if (!st.isFile()) throw new UsageError(`${flag}: ${file} is not a regular file (a device or special file); name a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (code(e) !== 'ENOENT') throw new UsageError(`${flag}: cannot write the report file (${code(e)})`);
  }
  if (abs.startsWith('/proc/') || abs.startsWith('/sys/')) throw new UsageError(`${flag}: ${file} is not a regular file; name a file`);
  if (opts.create === false && !existsSync(abs)) {
    // Nothing is created yet: the nearest existing directory must let us create the rest.
    let dir = path.dirname(abs);
    while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    try {
      if (!statSync(dir).isDirectory()) throw new UsageError(`${flag}: ${dir} is not a directory`);
      accessSync(dir, constants.W_OK);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${flag}: cannot write ${file} (${code(e)} on ${dir})`);
    }
    return;
  }
  try {
    mkdirSync(path.dirname(abs), { recursive: true });
    const fd = openSync(abs, opts.truncate === false ? 'a' : 'w');
    try {
      if (!fstatSync(fd).isFile()) throw new UsageError(`${flag}: ${file} is not a regular file; name a file`);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${flag}: cannot write the report file (${code(e)})`);
  }
}

/** Writes (or appends) a report at the end of the run; a failure is one line on stderr, never a throw. */
export function writeReport(file: string, text: string, what: string, append = false): boolean {
  try {
    if (append) appendFileSync(file, text);
    else writeFileSync(file, text);
    return true;
  } catch (e) {
    const line = `${what}: could not write ${file} (${code(e)}); the other reports were still written`;
    failures.push(line);
    process.stderr.write(`mcp-verify: ${line}\n`);
    return false;
  }
}

/** lstat-free check used by tests and init: is this an existing directory? */
export function isDirectory(file: string): boolean {
  try {
    return lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}

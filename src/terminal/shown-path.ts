// How a file the user named is shown back: relative to the working directory when it is below it,
// absolute otherwise ("../../tmp/x.yaml" is harder to read and to paste than "/tmp/x.yaml").
import path from 'node:path';

export function shownPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

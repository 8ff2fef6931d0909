// Colours for terminal reporters: on only for a TTY, off under NO_COLOR (https://no-color.org) or
// when asked; FORCE_COLOR wins as chalk defines it.
import { Chalk, type ChalkInstance } from 'chalk';

export function styleFor(stream: { isTTY?: boolean }, noColor = false): ChalkInstance {
  const force = process.env.FORCE_COLOR;
  if (noColor || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')) return new Chalk({ level: 0 });
  if (force !== undefined && force !== '0' && force !== 'false') return new Chalk({ level: 1 });
  return new Chalk({ level: stream.isTTY ? 1 : 0 });
}

/** Render rows as aligned columns; widths are measured before colouring. */
export function columns(rows: string[][], paint?: (cell: string, row: number, col: number) => string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((r, ri) =>
    r
      .map((c, ci) => {
        const padded = ci === r.length - 1 ? c : c + ' '.repeat(widths[ci]! - [...c].length);
        return paint ? paint(padded, ri, ci) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

// Colours for terminal output: on only for a TTY, off under NO_COLOR (https://no-color.org) or when
// asked; FORCE_COLOR turns them on. Painted with Node's own util.styleText (Node >= 20.12) rather than a
// colour library: loading chalk cost ~35 ms of every start-up, and Node already gives this. On an older
// Node 20 without styleText, output is simply uncoloured.
import * as util from 'node:util';

/** The few styles the reporters and prompts use. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  underline(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const NAMES = ['bold', 'dim', 'underline', 'green', 'red', 'yellow', 'cyan'] as const;
type StyleText = (format: string, text: string) => string;
const styleText = (util as unknown as { styleText?: StyleText }).styleText;

/** A Style that paints (true) or passes text through unchanged (false). */
export function makeStyle(colour: boolean): Style {
  const paint = colour && styleText;
  return Object.fromEntries(NAMES.map((n) => [n, paint ? (s: string) => paint(n, s) : (s: string) => s])) as unknown as Style;
}

export function colourWanted(stream: { isTTY?: boolean }, noColor = false): boolean {
  const force = process.env.FORCE_COLOR;
  if (noColor || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')) return false;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  return !!stream.isTTY;
}

export function styleFor(stream: { isTTY?: boolean }, noColor = false): Style {
  return makeStyle(colourWanted(stream, noColor));
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

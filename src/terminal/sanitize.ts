// Terminal safety: every string that comes from a server (messages, titles, URLs, sampling text, log
// data) goes through here before it is drawn, so a hostile server cannot clear the screen, move the
// cursor, recolour, retitle the window, hide text behind bidi overrides, or flood the terminal.
// Control characters are shown as visible Control Pictures (ESC → ␛), never interpreted.

export interface SanitizeOptions {
  /** Cut after this many characters (default 2000) with a note saying how much was cut. */
  maxChars?: number;
  /** Cut after this many lines (default 40). */
  maxLines?: number;
  /** Show newlines as ⏎ so the text stays on one line (titles, choices, log lines). */
  oneLine?: boolean;
}

const DEFAULT_MAX_CHARS = 2000;
const DEFAULT_MAX_LINES = 40;

/**
 * C0 controls except \n (and \t, expanded), DEL, C1 controls (0x80–0x9f: 0x9b is a one-byte CSI),
 * bidi embeddings/overrides/isolates and other invisible format characters that can reorder or hide text.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]/g;

function visible(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code); // ␀…␟ (ESC → ␛, CR → ␍)
  if (code === 0x7f) return '\u2421'; // ␡
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** A server string made safe to print. Pure; never throws. */
export function sanitizeForTerminal(value: unknown, opts: SanitizeOptions = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const maxLines = opts.maxLines ?? DEFAULT_MAX_LINES;
  let text = typeof value === 'string' ? value : value === undefined ? '' : safeJson(value);
  const total = text.length;
  let cutNote = '';
  if (text.length > maxChars) {
    text = text.slice(0, maxChars);
    cutNote = ` … [cut: ${total - maxChars} more characters not shown]`;
  }
  text = text.replace(/\r\n/g, '\n').replace(/\t/g, '  ').replace(UNSAFE, visible);
  if (opts.oneLine) {
    text = text.replace(/\n/g, ' ⏎ ');
  } else {
    const lines = text.split('\n');
    if (lines.length > maxLines) {
      text = lines.slice(0, maxLines).join('\n');
      cutNote = ` … [cut: ${lines.length - maxLines} more lines${cutNote ? ' and more characters' : ''} not shown]`;
    }
  }
  return text + cutNote;
}

/**
 * The one sanitiser for every output channel that can carry server text (table, plain, doctor,
 * verbose, error lines, GitHub annotations and summary, TAP, JUnit, files init writes): control
 * characters and escape sequences made visible (as above), and lines that a CI log would read as a
 * workflow command defused: GitHub Actions runs `::name args::value` (`::stop-commands::token` would
 * silence mcp-verify's own annotations) and the older `##[name]`, at the start of a line. Nothing is
 * cut (the reporters bound what they show). JSON reports keep the raw text, escaped by JSON itself.
 */
export function sanitizeForOutput(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(UNSAFE, visible)
    .replace(/^([ \t]*)(::|##\[)/gm, (_, ws: string, tok: string) => `${ws}${tok === '::' ? ': :' : '# #['}`);
}

/** A deep copy with every string (keys too) through sanitizeForOutput. */
export function sanitizeValue<T>(v: T): T {
  if (typeof v === 'string') return sanitizeForOutput(v) as T;
  if (Array.isArray(v)) return v.map((x) => sanitizeValue(x)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[sanitizeForOutput(k)] = sanitizeValue(x);
    return out as T;
  }
  return v;
}

/** Indent every line of an already-sanitised block. */
export function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

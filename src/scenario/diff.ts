// A failing text or JSON expectation shows what differs, line by line (the `diff` package, jsdiff):
// JSON on either side is pretty-printed first, and a JSON subset expectation is compared with the
// actual value cut down to the expected shape (keys it does not name are not noise in the diff).
import { diffLines } from 'diff';

const MAX_LINES = 40;

function pretty(text: string): string {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      /* not JSON after all */
    }
  }
  return text;
}

/** The actual value reduced to the keys (and array length) the expected value talks about. */
export function projectOnto(actual: unknown, expected: unknown): unknown {
  if (expected === null || typeof expected !== 'object' || actual === null || typeof actual !== 'object') return actual;
  if (Array.isArray(expected)) return Array.isArray(actual) ? actual.map((a, i) => (i < expected.length ? projectOnto(a, expected[i]) : a)) : actual;
  if (Array.isArray(actual)) return actual;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(expected)) if (Object.hasOwn(actual, k)) out[k] = projectOnto((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
  return out;
}

/** `- expected` / `+ actual` lines with a little context; empty when equal. */
export function lineDiff(expected: string, actual: string, max = MAX_LINES): string[] {
  const parts = diffLines(expected.endsWith('\n') ? expected : expected + '\n', actual.endsWith('\n') ? actual : actual + '\n');
  if (parts.every((p) => !p.added && !p.removed)) return [];
  const lines: string[] = ['- expected', '+ actual'];
  for (const p of parts) {
    const body = p.value.replace(/\n$/, '').split('\n');
    if (p.added) lines.push(...body.map((l) => `+ ${l}`));
    else if (p.removed) lines.push(...body.map((l) => `- ${l}`));
    else if (body.length > 6) lines.push(...body.slice(0, 2).map((l) => `  ${l}`), `  … ${body.length - 4} unchanged lines`, ...body.slice(-2).map((l) => `  ${l}`));
    else lines.push(...body.map((l) => `  ${l}`));
  }
  return lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more diff lines`] : lines;
}

export function textDiff(expected: string, actual: string): string[] {
  return lineDiff(pretty(expected), pretty(actual));
}

export function jsonDiff(expected: unknown, actual: unknown): string[] {
  return lineDiff(JSON.stringify(expected, null, 2) ?? 'undefined', JSON.stringify(projectOnto(actual, expected), null, 2) ?? 'undefined');
}

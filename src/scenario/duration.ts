// The one Duration rule, for the scenario language (zod, schema.ts) and every CLI flag (commander's
// argParser): a bare number is MILLISECONDS everywhere (Playwright's convention), or a string
// "500ms", "30s", "2m". Zero, negative and absurd values (over 2^31 - 1 ms, which setTimeout would turn
// into 1 ms) are errors. Kept apart from schema.ts so the CLI parses flags without loading zod
// (start-up time: `mcp-verify --help` must not pay for the schema).

/** The largest timer Node keeps (setTimeout clamps anything above to 1 ms). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

export const DURATION_HINT = 'a duration like 500ms, 10s or 2m (a bare number is milliseconds)';
export const DURATION_PATTERN = /^\d+(\.\d+)?\s*(ms|s|m)?$/;

const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/;

/** Milliseconds, or a reason the value is not a usable duration. */
export function parseDuration(value: number | string): { ms: number } | { problem: string } {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else {
    const m = PATTERN.exec(value.trim());
    if (!m) return { problem: `takes a duration like 500ms, 10s or 2m (got "${value}"); a bare number is milliseconds` };
    const n = Number(m[1]);
    ms = m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
  }
  if (!Number.isFinite(ms) || ms <= 0) return { problem: `takes a duration of more than zero, like 500ms, 10s or 2m (got "${value}")` };
  if (ms > MAX_DURATION_MS) return { problem: `takes at most ${MAX_DURATION_MS} ms (about 24.8 days) (got "${value}")` };
  return { ms: Math.max(1, Math.round(ms)) };
}

/** Milliseconds for a duration already validated by the schema (or the fallback when absent). */
export function durationMs(d: number | string | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  const r = parseDuration(d);
  return 'ms' in r ? r.ms : fallback;
}

// Durations as the scenario language and the CLI flags write them ("500ms", "5s", "2m", or a number
// of milliseconds). Kept apart from schema.ts so the CLI can parse `--timeout` without loading zod
// (start-up time: `mcp-verify --help` must not pay for the schema).

/** Milliseconds for a duration already validated by the schema (or the fallback when absent). */
export function durationMs(d: number | string | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d)!;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

// Which scenarios run: `--grep` (a regular expression over the scenario id "file#name" and its
// description), `--tag` (any of the listed tags), then `--shard i/n` (CI machines split the suite).
// Shards are deterministic by scenario id: ids are sorted and dealt round-robin, so every machine
// computes the same split from the same files, the shards partition the selection exactly, and their
// sizes differ by at most one. The run keeps the files' order within a shard.
import { UsageError } from '../errors.js';
import type { LoadedScenario } from './loader.js';

export interface SelectionFlags {
  grep?: string;
  tag?: string[];
  shard?: string;
}

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard takes i/n with 1 <= i <= n, e.g. --shard 2/4 (got "${value}")`);
  }
  return { index, count };
}

export function parseGrep(value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value, 'i');
  } catch (e) {
    throw new UsageError(`--grep "${value}" is not a regular expression: ${(e as Error).message}`);
  }
}

/** The tags given as `--tag a --tag b` or `--tag a,b`. */
export function parseTags(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}

/** Scenarios in shard `shard` of `all`: sorted by id, dealt round-robin. */
export function shardOf<T extends { id: string }>(all: T[], shard: Shard): T[] {
  const ids = all.map((s) => s.id).sort();
  const mine = new Set(ids.filter((_, i) => i % shard.count === shard.index - 1));
  return all.filter((s) => mine.has(s.id));
}

/**
 * Apply the filters, then the shard. A filter that matches nothing is a usage error (a typo must not
 * pass CI green); an empty shard is not (more machines than scenarios is legitimate).
 */
export function selectScenarios(all: LoadedScenario[], flags: SelectionFlags): LoadedScenario[] {
  const grep = parseGrep(flags.grep);
  const tags = parseTags(flags.tag);
  const shard = parseShard(flags.shard);
  let picked = all;
  if (grep) picked = picked.filter((s) => grep.test(s.id) || grep.test(s.scenario.description ?? ''));
  if (tags.length) picked = picked.filter((s) => (s.scenario.tags ?? []).some((t) => tags.includes(t)));
  if ((grep || tags.length) && picked.length === 0) {
    const what = [grep ? `--grep ${flags.grep}` : '', tags.length ? `--tag ${tags.join(',')}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`no scenario matches ${what} (of ${all.length} loaded)`);
  }
  return shard ? shardOf(picked, shard) : picked;
}

// The matcher: small, pure, and careful with falsy values (0, false, "" and null are real expectations;
// Step CI's `if (test.eq)` bug is the warning). Each returns undefined on success or the reason it failed.
import { safeRegexTest } from '../safety/regex.js';
import type { CountMatch, TextMatch } from './schema.js';

export function matchText(actual: string, expected: TextMatch): string | undefined {
  if (typeof expected === 'string') return actual.includes(expected) ? undefined : `does not contain ${JSON.stringify(expected)}`;
  if (expected.equals !== undefined && actual !== expected.equals) return `is not equal to ${JSON.stringify(expected.equals)}`;
  if (expected.contains !== undefined) {
    for (const c of toList(expected.contains)) if (!actual.includes(c)) return `does not contain ${JSON.stringify(c)}`;
  }
  if (expected.notContains !== undefined) {
    for (const c of toList(expected.notContains)) if (actual.includes(c)) return `contains ${JSON.stringify(c)}, which it must not`;
  }
  if (expected.regex !== undefined && !new RegExp(expected.regex).test(actual)) return `does not match /${expected.regex}/`;
  return undefined;
}

/**
 * matchText as the runner uses it: the regex (a pattern from the file, text from the server) runs off
 * the main thread with a deadline (safety/regex.ts), so it can neither hang the run nor block signals.
 */
export async function matchTextSafely(actual: string, expected: TextMatch, signal?: AbortSignal): Promise<string | undefined> {
  if (typeof expected === 'string' || expected.regex === undefined) return matchText(actual, expected);
  const { regex, ...rest } = expected;
  const first = matchText(actual, rest);
  if (first) return first;
  const r = await safeRegexTest(regex, actual, { signal });
  if ('problem' in r) return r.problem;
  return r.matched ? undefined : `does not match /${regex}/`;
}

export function matchCount(actual: number, expected: CountMatch): string | undefined {
  if (typeof expected === 'number') return actual === expected ? undefined : `expected ${expected}, saw ${actual}`;
  if (expected.min !== undefined && actual < expected.min) return `expected at least ${expected.min}, saw ${actual}`;
  if (expected.max !== undefined && actual > expected.max) return `expected at most ${expected.max}, saw ${actual}`;
  return undefined;
}

/**
 * `expected` is a subset of `actual`: every key of an expected object is present and matches;
 * arrays match element-wise with the same length. Scalars compare strictly (1 is not "1").
 */
export function matchSubset(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(actual, expected) || actual === expected
      ? undefined
      : `${path}: expected ${JSON.stringify(expected)}, saw ${preview(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, saw ${preview(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, saw ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const r = matchSubset(actual[i], expected[i], `${path}[${i}]`);
      if (r) return r;
    }
    return undefined;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: expected an object, saw ${preview(actual)}`;
  for (const [k, v] of Object.entries(expected)) {
    // Own keys only: "constructor" or "valueOf" in an expectation must not match Object.prototype.
    if (!Object.hasOwn(actual as object, k)) return `${path}.${k}: missing`;
    const r = matchSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    if (r) return r;
  }
  return undefined;
}

export function toList<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

export function preview(v: unknown, max = 200): string {
  let s: string;
  try {
    // JSON.stringify gives undefined (not a string) for functions and symbols.
    s = v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > max ? s.slice(0, max) + '…' : s;
}

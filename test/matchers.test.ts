// The matcher with falsy values: 0, false, "" and null are real expectations (Step CI's `if (test.eq)` bug).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCount, matchSubset, matchText } from '../src/scenario/matchers.js';

test('matchSubset treats 0, false, "" and null as expectations, strictly typed', () => {
  assert.equal(matchSubset({ a: 0 }, { a: 0 }), undefined);
  assert.match(matchSubset({ a: 1 }, { a: 0 })!, /\$\.a: expected 0, saw 1/);
  assert.match(matchSubset({ a: '0' }, { a: 0 })!, /expected 0, saw "0"/);
  assert.equal(matchSubset({ a: false }, { a: false }), undefined);
  assert.match(matchSubset({ a: undefined }, { a: false })!, /expected false/);
  assert.match(matchSubset({}, { a: null })!, /\$\.a: missing/);
  assert.equal(matchSubset({ a: null }, { a: null }), undefined);
  assert.match(matchSubset({ a: '' }, { a: null })!, /expected null/);
  assert.equal(matchSubset({ s: '' }, { s: '' }), undefined);
  assert.match(matchSubset({ s: 'x' }, { s: '' })!, /expected ""/);
});

test('matchSubset: objects are subsets, arrays match element-wise with the same length', () => {
  assert.equal(matchSubset({ a: { b: 1, c: 2 }, d: 3 }, { a: { b: 1 } }), undefined);
  assert.match(matchSubset({ a: [1, 2] }, { a: [1] })!, /expected 1 items, saw 2/);
  assert.match(matchSubset({ a: [1, 2] }, { a: [1, 3] })!, /\$\.a\[1\]: expected 3, saw 2/);
  assert.match(matchSubset('x', { a: 1 })!, /expected an object/);
  assert.match(matchSubset({ a: 1 }, [1])!, /expected an array/);
});

test('matchCount with 0 and ranges', () => {
  assert.equal(matchCount(0, 0), undefined);
  assert.match(matchCount(1, 0)!, /expected 0, saw 1/);
  assert.equal(matchCount(0, { min: 0 }), undefined);
  assert.match(matchCount(0, { min: 1 })!, /at least 1/);
  assert.match(matchCount(5, { max: 4 })!, /at most 4/);
});

test('matchText: contains, equals "", notContains, regex', () => {
  assert.equal(matchText('', { equals: '' }), undefined);
  assert.match(matchText('x', { equals: '' })!, /not equal to ""/);
  assert.equal(matchText('abc', 'b'), undefined);
  assert.match(matchText('abc', 'z')!, /does not contain "z"/);
  assert.match(matchText('abc', { notContains: ['b'] })!, /contains "b"/);
  assert.equal(matchText('abc', { regex: '^a.c$' }), undefined);
  assert.match(matchText('abc', { contains: ['a', 'q'] })!, /does not contain "q"/);
});

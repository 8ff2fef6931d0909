// `mcp-verify load --reporter html=F` as a user runs it: the real CLI against the reference server, two
// virtual users, a fixed number of iterations, one threshold that holds and one no machine can meet (so the
// verdict never depends on speed). The file must be one self-contained page (no script, nothing loaded),
// carry the summary, thresholds, cold and warm latency rows with their charts, and, in headless Chromium,
// load with no console error and no network request. merge-reports writes the same page from shards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { startTravelServer } from '../src/servers/travel/server.js';
import { ROOT, runCli, type CliResult } from './support/cli.js';
import { browserSkipReason, launchChromium } from './support/browser.js';

const NOOP = path.join(ROOT, 'test', 'fixtures', 'load', 'noop.yaml');

let server: Awaited<ReturnType<typeof startTravelServer>>;
let dir: string;
let file: string;
let json: string;
let html: string;
let run: CliResult;

before(async () => {
  server = await startTravelServer({ port: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-load-html-'));
  file = path.join(dir, 'out', 'load.html');
  json = path.join(dir, 'load.json');
  run = await runCli(
    ['load', '--url', server.url, '--iterations', '6', '--concurrency', '2', NOOP, '--threshold', 'p99<10m', '--threshold', 'tools/call:noop p50<1us', '--reporter', `table,json=${json},html=${file}`, '--status-interval', '0'],
    { timeoutMs: 120_000 },
  );
  html = existsSync(file) ? await readFile(file, 'utf8') : '';
});
after(async () => {
  await server.close();
});

describe('load --reporter html=FILE', () => {
  test('the run: a threshold no machine meets fails it (exit 1), and the file is written anyway', () => {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.ok(existsSync(file), 'the HTML report exists (its directory created)');
    assert.match(html, /^<!doctype html>/);
  });

  test('is self-contained: one inline stylesheet allowed by hash, no script, nothing that loads anything', () => {
    assert.equal((html.match(/<style/g) ?? []).length, 1);
    assert.doesNotMatch(html, /<script/i, 'no script at all: it reads the same without JavaScript');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'none'; style-src 'sha256-[^']+';/);
    assert.doesNotMatch(html, /<(link|img|iframe|object|embed)\b/i);
    assert.doesNotMatch(html, /<[a-z][^>]*\s(src|href|srcset|action)=/i, 'no element with a URL attribute');
    assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)/i, 'no URL other than the loopback target');
  });

  test('summary: target, auth, mode, concurrency, iterations, duration, errors', () => {
    for (const k of ['Target', 'Auth', 'Mode', 'Concurrency', 'Iterations', 'Duration', 'Errors']) assert.ok(html.includes(`<td>${k}</td>`), k);
    assert.ok(html.includes(server.url), 'the target URL');
    assert.match(html, /<td>Mode<\/td><td>warm<\/td>/);
    assert.match(html, /<td>Concurrency<\/td><td>2 virtual user\(s\)<\/td>/);
    assert.match(html, /<td>Iterations<\/td><td>6 \(cold 2, warm 4\) of 6 planned/);
    assert.match(html, /FAILED: 1 threshold\(s\) violated/);
  });

  test('thresholds with pass and fail, names escaped', () => {
    assert.match(html, /<code>p99&#60;10m<\/code><\/td><td><span class="v v-passed">PASS<\/span>/);
    assert.match(html, /<code>tools\/call:noop p50&#60;1us<\/code><\/td><td><span class="v v-failed">FAIL<\/span><\/td><td>tools\/call:noop p50 = /);
    assert.match(html, /<code>errors==0<\/code> \(default/);
  });

  test('latency rows cold and warm with p50..max and one chart each', () => {
    for (const h of ['p50', 'p90', 'p95', 'p99', 'max']) assert.ok(html.includes(`<th>${h}</th>`), h);
    for (const m of ['cold.ready', 'cold.first_result', 'cold.tools/call:noop', 'warm.tools/call:noop', 'warm.scenario:noop']) assert.ok(html.includes(`<code>${m}</code>`), m);
    const rows = (html.match(/<tr class="(cold|warm)">/g) ?? []).length;
    assert.ok(rows >= 5, `${rows} latency rows`);
    assert.equal((html.match(/<svg class="bars"/g) ?? []).length, rows, 'a bar chart per row');
    assert.match(html, /<h2>Failed iterations by cause<\/h2><p class="muted">No iteration failed\.<\/p><h2>Failed checks<\/h2>/);
  });

  test('hostile text (a scenario spelled as markup, a failing check) is escaped, never markup', async () => {
    const hostile = path.join(dir, 'hostile.html');
    const r = await runCli(['load', '--url', server.url, '--iterations', '2', '--concurrency', '2', path.join(ROOT, 'test', 'fixtures', 'load', 'hostile.yaml'), '--reporter', `html=${hostile}`, '--status-interval', '0'], { timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const page = await readFile(hostile, 'utf8');
    assert.match(page, /<h2>Failed checks<\/h2><table class="checks">/, 'the failed check is listed');
    assert.ok(page.includes('noop &#60;img src=x onerror=alert(1)&#62;'), 'the scenario name is there as text');
    assert.doesNotMatch(page, /<img|<script|<\/td><script/i, 'nothing from the scenario or the server is markup');
  });

  test('merge-reports --reporter html=FILE writes the same page from shards', async () => {
    const merged = path.join(dir, 'merged.html');
    const r = await runCli(['merge-reports', json, '--threshold', 'p99<10m', '--reporter', `html=${merged}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const page = await readFile(merged, 'utf8');
    assert.match(page, /PASSED: every threshold held/);
    assert.match(page, /1 reports merged/);
    assert.ok(page.includes('<code>warm.tools/call:noop</code>'));
  });
});

describe('the load HTML report in headless Chromium', () => {
  const skip = browserSkipReason();
  let browser: Browser;
  before(async () => {
    if (!skip) browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('loads with no console error and no network request; the tables read without JavaScript', { skip }, async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    assert.deepEqual(consoleErrors, [], 'no console error (a CSP violation of the stylesheet would be one)');
    assert.deepEqual(requests, [pathToFileURL(file).href], 'only the file itself was loaded');
    assert.match(await page.locator('table.thresholds').innerText(), /tools\/call:noop p50<1us\s+FAIL/);
    assert.match(await page.locator('table.lat').innerText(), /warm\s+tools\/call:noop/);
    // The stylesheet applied (CSP allowed it): the chart bars have their fill.
    assert.equal(await page.locator('svg.bars rect').first().evaluate((el) => getComputedStyle(el).fill), 'rgb(182, 212, 254)');
    await context.close();
  });
});

// The HTML report of a real run, opened in headless Chromium: the reference planner (plan_trip with its
// elicitations, sampling and progress) plus a test-only server's failure, GET-stream warning, SKIP and
// hostile text (test/support/report-server.ts), through the real CLI. The page must load with no console
// error and no network request, show the failing step's expected/actual after one click, draw plan_trip's
// elicitations and progress on the call's own stream, keep hostile text inert, and read without
// JavaScript. A screenshot is written to test-results/ (README's picture with MCP_VERIFY_UPDATE_SCREENSHOTS=1).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ROOT, runCli, type CliResult } from './support/cli.js';
import { browserSkipReason, launchChromium } from './support/browser.js';
import { HOSTILE_TEXT, startReportServer } from './support/report-server.js';

const SUITE = path.join(ROOT, 'test/fixtures/report/report.yaml');
const ARTIFACTS = path.join(ROOT, 'test-results');

let server: Awaited<ReturnType<typeof startReportServer>>;
let dir: string;
let reportFile: string;
let html: string;
let run: CliResult;

before(async () => {
  server = await startReportServer();
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-verify-html-'));
  reportFile = path.join(dir, 'report.html');
  run = await runCli(['local', '--url', server.url, SUITE, '--reporter', `plain,html=${reportFile}`], { timeoutMs: 120_000 });
  html = await readFile(reportFile, 'utf8');
});
after(async () => {
  await server.close();
});

describe('the HTML report file', () => {
  test('the run behind it has passes, a failure and a SKIP (exit 1)', () => {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /PASS plan-a-trip/);
    assert.match(run.stdout, /FAIL wrong-days/);
    assert.match(run.stdout, /SKIP packing-list-prompt/);
  });

  test('is one self-contained file: one inline script and stylesheet, allowed by hash, nothing loaded', () => {
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script element: the report\'s own');
    assert.equal((html.match(/<style/g) ?? []).length, 1);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+';/);
    assert.doesNotMatch(html, /<(link|img|iframe|object|embed)\b/i, 'nothing that could load anything');
    assert.doesNotMatch(html, /<[a-z][^>]*\s(src|href|srcset|action)=/i, 'no element with a URL attribute');
    assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)/i, 'no URL other than the loopback target');
    assert.ok(html.length < 2_000_000, `a small file (${html.length} bytes)`);
  });

  test('hostile server text is escaped: no raw markup, no escape characters', () => {
    assert.ok(!html.includes('<script>document.title'), 'the server\'s <script> is not in the page as markup');
    assert.ok(!html.includes('<img src=x'), 'the server\'s <img> is not in the page as markup');
    assert.ok(html.includes('&#60;script&#62;document.title'), 'it is there as text');
    assert.ok(!html.includes('\x1b'), 'no raw ESC character');
    assert.ok(html.includes('␛[2J'), 'the escape sequence is shown as visible symbols');
    assert.ok(HOSTILE_TEXT.includes('</pre></details>'));
    assert.ok(!html.includes('</pre></details><b>bold</b>'), 'closing tags from the server cannot end the report\'s elements');
  });

  test('summary, warnings and the SKIP are plain HTML (readable without JavaScript)', () => {
    assert.match(html, /<b>5<\/b> total/);
    assert.match(html, /<b>1<\/b> failed/);
    assert.match(html, /<b>1<\/b> skipped/);
    assert.match(html, /Warnings \(1\)/);
    assert.match(html, /confirm-on-the-get-stream.*elicitation\/create arrived on the standalone GET stream/s);
    assert.match(html, /relatedRequestId/);
    for (const k of ['Auth method', 'Era', 'Protocol version', 'Session id format']) assert.ok(html.includes(`<td>${k}</td>`), k);
  });
});

describe('the HTML report in headless Chromium', () => {
  const skip = browserSkipReason();
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  before(async () => {
    if (skip) return;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(reportFile).href);
  });
  after(async () => {
    await browser?.close();
  });

  test('loads with no console error and no network request', { skip }, async () => {
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('js')), true, 'the report\'s script ran');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, [pathToFileURL(reportFile).href], 'only the file itself was loaded');
  });

  test('the failing step\'s expected and actual are visible after one click', { skip }, async () => {
    const failing = page.locator('details.scenario[data-status~="failed"]');
    assert.equal(await failing.count(), 1);
    assert.equal(await failing.locator('pre.expected').first().isVisible(), false, 'closed before the click');
    await failing.locator('summary').first().click();
    const expected = failing.locator('.check.failed pre.expected').first();
    const actual = failing.locator('.check.failed pre.actual').first();
    assert.equal(await expected.isVisible(), true);
    assert.equal(await actual.isVisible(), true);
    assert.match(await expected.innerText(), /"days": 5/);
    assert.match(await actual.innerText(), /"days": 4/);
    assert.match(await failing.locator('pre.diff').first().innerText(), /"days": 5,[\s\S]*"days": 4,/);
    assert.match(await failing.innerText(), /report\.yaml:43/, 'the step\'s YAML location');
    await mkdir(ARTIFACTS, { recursive: true });
    await failing.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-report-failure.png') });
  });

  test('plan_trip\'s timeline: the elicitations on the call\'s own stream, and progress over time', { skip }, async () => {
    const trip = page.locator('details.scenario', { hasText: 'plan-a-trip' }).first();
    await trip.locator('summary').first().click();
    const laneKey = await trip.locator('text.lane-label', { hasText: 'tools/call plan_trip' }).getAttribute('data-lane');
    assert.ok(laneKey?.startsWith('POST #'), `plan_trip has a POST stream lane (${laneKey})`);
    const onCallStream = trip.locator(`g.ti[data-lane="${laneKey}"]`);
    const titles = await onCallStream.locator('title').allTextContents();
    assert.equal(titles.filter((t) => t.startsWith('elicitation/create')).length, 3, titles.join('\n'));
    assert.ok(titles.filter((t) => t.startsWith('elicitation/create')).every((t) => /answered in POST #\d+/.test(t)), 'each answered by a POST');
    assert.ok(titles.some((t) => t.startsWith('sampling/createMessage')), 'the sampling request too');
    assert.ok(titles.filter((t) => t.startsWith('notifications/progress')).length >= 3, 'progress notifications on the call\'s stream');
    const getLane = trip.locator('g.ti[data-lane^="GET"] title');
    assert.ok(!(await getLane.allTextContents()).some((t) => t.startsWith('elicitation')), 'nothing elicited on the GET stream');
    const bars = trip.locator(`rect.prog[data-stream="${laneKey}"]`);
    assert.ok((await bars.count()) >= 3, 'progress drawn as a bar over time');
    assert.equal(await trip.locator('.timeline svg').first().isVisible(), true);
    // One click on an elicitation opens its raw JSON-RPC body.
    const item = onCallStream.filter({ has: page.locator('title', { hasText: /^elicitation\/create/ }) }).first();
    const rawId = await item.getAttribute('data-raw');
    await item.click();
    const raw = page.locator(`[id="${rawId}"]`);
    assert.equal(await raw.isVisible(), true);
    assert.match(await raw.locator('pre').first().innerText(), /"method": "elicitation\/create"[\s\S]*Where would you like to go/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-report-timeline.png') });
  });

  test('the GET-stream request is drawn on the GET lane', { skip }, async () => {
    const s = page.locator('details.scenario', { hasText: 'confirm-on-the-get-stream' }).first();
    const titles = await s.locator('g.ti[data-lane^="GET"] title').allTextContents();
    assert.ok(titles.some((t) => t.startsWith('elicitation/create')), titles.join('\n'));
  });

  test('hostile server text renders inert, as visible text', { skip }, async () => {
    const s = page.locator('details.scenario', { hasText: 'hostile-echo' }).first();
    await s.evaluate((el) => el.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await s.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(await page.title(), /^mcp-verify: /);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 1);
    const text = await s.innerText();
    assert.ok(text.includes('<script>document.title="pwned"'), 'the markup is shown as text');
    assert.ok(text.includes('␛[2J'), 'escape sequences are visible symbols');
    assert.deepEqual(consoleErrors, []);
  });

  test('filters by status and searches by name', { skip }, async () => {
    const visible = () => page.locator('details.scenario:visible').count();
    await page.locator('.filters button[data-status="failed"]').click();
    assert.equal(await visible(), 1);
    await page.locator('.filters button[data-status="skipped"]').click();
    assert.equal(await visible(), 1);
    assert.match(await page.locator('details.scenario:visible summary').first().innerText(), /packing-list-prompt/);
    await page.locator('.filters button[data-status="all"]').click();
    assert.equal(await visible(), 5);
    await page.locator('.filters input[type=search]').fill('hostile');
    assert.equal(await visible(), 1);
    await page.locator('.filters input[type=search]').fill('');
    assert.equal(await visible(), 5);
  });

  test('a screenshot of the report is written', { skip }, async () => {
    await page.locator('.filters button[data-expand="close"]').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    const trip = page.locator('details.scenario', { hasText: 'plan-a-trip' }).first();
    await trip.locator('summary').first().click();
    const shot = path.join(ARTIFACTS, 'html-report.png');
    await page.screenshot({ path: shot, fullPage: false });
    assert.ok((await readFile(shot)).length > 10_000);
    if (process.env.MCP_VERIFY_UPDATE_SCREENSHOTS === '1') {
      await mkdir(path.join(ROOT, 'docs'), { recursive: true });
      await page.setViewportSize({ width: 1360, height: 1500 });
      await page.screenshot({ path: path.join(ROOT, 'docs/html-report.png') });
    }
  });

  test('without JavaScript the summary and the scenario list still read', { skip }, async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const p = await context.newPage();
    await p.goto(pathToFileURL(reportFile).href);
    assert.match(await p.locator('.summary').innerText(), /5\s+total[\s\S]*1\s+failed[\s\S]*Protocol version/);
    assert.equal(await p.locator('.filters').isVisible(), false, 'controls that need the script are hidden');
    assert.equal(await p.locator('details.scenario').count(), 5);
    await p.locator('details.scenario[data-status~="failed"] > summary').click();
    assert.equal(await p.locator('details.scenario[data-status~="failed"] pre.expected').first().isVisible(), true);
    await context.close();
  });
});

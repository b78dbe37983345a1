// The Promise health backfill on the settings page, embedded as in Shopify admin, in a real
// browser (Debian's chromium, playwright-core).
//
//   node tests/browser/backfill.mjs ADMIN_URL ARTIFACTS_DIR TOKEN CONTROL_URL
//
// ADMIN_URL is /admin?shop=…&host=… of a Leadtime server in app mode, against the fake Admin API,
// with the shop installed and a few fulfilled orders in the fake that no webhook recorded
// (server/backfill_browser_test.go starts both, its clocks fixed). App Bridge cannot load from
// Shopify's CDN here, so its URL is answered with a stub whose shopify.idToken() gives TOKEN, a
// session token signed for the shop. CONTROL_URL plays Shopify's side: POST /finish?op=GID
// completes the bulk operation in the fake and delivers bulk_operations/finish, and answers once
// the records are stored, so nothing here waits on time. The script clicks "Read the last 90
// days of orders", sees it started, clicks again and sees "already running" (409), has the
// operation finished, reloads, and finds Promise health counting the backfilled lines. It saves
// ARTIFACTS_DIR/backfill-*.png and prints a one-line summary; any failure exits 1.
import { launch } from './chromium.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const [adminURL, artifacts, token, control] = process.argv.slice(2);
if (!adminURL || !artifacts || !token || !control) {
  console.error('usage: node tests/browser/backfill.mjs ADMIN_URL ARTIFACTS_DIR TOKEN CONTROL_URL');
  process.exit(2);
}
const origin = new URL(adminURL).origin;
const appBridge = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
fs.mkdirSync(artifacts, { recursive: true });

// The stub App Bridge: what admin.js calls of it (shopify.idToken for every API call,
// shopify.toast.show), counted so that the script can tell it was used.
const stub = `window.shopify = {
  idTokens: 0,
  toasts: [],
  idToken: async () => { window.shopify.idTokens++; return ${JSON.stringify(token)}; },
  toast: { show: (text) => { window.shopify.toasts.push(String(text)); } },
};`;

const context = await launch('backfill-browser', { viewport: { width: 1360, height: 900 }, locale: 'en-GB', reducedMotion: 'reduce' });
const problems = [];
let conflicts = 0; // 409s of POST /admin/api/health/backfill, which the script asks for once
try {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  let bridgeLoads = 0;
  await page.route(appBridge, (route) => {
    bridgeLoads++;
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: stub });
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium reports every 4xx answer to fetch on the console, the expected 409 too.
    const expected409 = /status of 409/.test(msg.text()) && (msg.location().url || '').startsWith(`${origin}/admin/api/health/backfill`);
    if (!expected409) problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (req.url() !== appBridge && u.protocol !== 'data:' && u.origin !== origin) problems.push(`request to another origin: ${req.url()}`);
    if (u.origin === origin && u.pathname.startsWith('/admin/api/') && req.headers().authorization !== `Bearer ${token}`) {
      problems.push(`${req.method()} ${u.pathname} without the session token`);
    }
  });
  page.on('response', (res) => {
    if (res.status() === 409 && isBackfill(res)) conflicts++;
    else if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  const isBackfill = (res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/admin/api/health/backfill';
  const backfillResponse = () => page.waitForResponse(isBackfill);

  await page.goto(adminURL);
  const healthStatus = page.locator('#health-status');
  await page.waitForFunction(() => document.getElementById('health-status').textContent !== '');
  assert.match(await healthStatus.textContent(), /^Nothing shipped from .* with a Leadtime promise yet\.$/, 'no records before the backfill');
  const button = page.getByRole('button', { name: 'Read the last 90 days of orders' });
  assert.ok(await button.isVisible(), 'the backfill button shows in app mode');
  const status = page.locator('#health-backfill-status');

  // The first click starts the bulk operation.
  let res = backfillResponse();
  await button.click();
  const started = await res;
  assert.equal(started.status(), 202, 'POST /admin/api/health/backfill starts it');
  const { bulk_operation: op, days } = await started.json();
  assert.match(op, /^gid:\/\/shopify\/BulkOperation\/\d+$/);
  assert.equal(days, 90);
  const startedText = 'Shopify is gathering the orders of the last 90 days. The report fills in when it is done, usually within minutes.';
  await page.waitForFunction((want) => document.getElementById('health-backfill-status').textContent === want, startedText);
  assert.ok(await button.isEnabled(), 'the button is enabled again');
  await status.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'backfill-1-started.png'), fullPage: false });

  // A second click while it runs: Shopify runs one bulk query per shop, so the server says 409.
  res = backfillResponse();
  await button.click();
  const refused = await res;
  assert.equal(refused.status(), 409, 'a second backfill while one runs');
  const { error } = await refused.json();
  assert.equal(error.code, 'backfill_running');
  await page.waitForFunction((start) => document.getElementById('health-backfill-status').textContent !== start, startedText);
  const runningText = await status.textContent();
  assert.equal(runningText, error.message, 'the page shows the server\'s message');
  assert.match(runningText, /already running/);
  assert.doesNotMatch(runningText, /The server answered/);
  assert.match(await healthStatus.textContent(), /^Nothing shipped/, 'nothing recorded yet');
  await page.screenshot({ path: path.join(artifacts, 'backfill-2-running.png'), fullPage: false });

  // Shopify finishes the operation and posts bulk_operations/finish.
  const fin = await fetch(`${control}/finish?op=${encodeURIComponent(op)}`, { method: 'POST' });
  assert.equal(fin.status, 200, `POST ${control}/finish: ${await fin.clone().text()}`);
  const { fulfillments } = await fin.json();
  assert.equal(fulfillments, 5, 'five fulfilments recorded from the operation');

  // The merchant comes back: Promise health counts the backfilled lines.
  await page.reload();
  await page.waitForFunction(() => /order lines shipped on time/.test(document.getElementById('health-status').textContent));
  const report = await healthStatus.textContent();
  const m = /^(\d+) of (\d+) order lines shipped on time \(\d+ %\)/.exec(report);
  assert.ok(m, `a kept count: ${report}`);
  assert.equal(Number(m[2]), 5, `five lines (order 7001's two, 7002, 7003, 7004): ${report}`);
  assert.match(report, / 1 of the lines were ordered before Leadtime froze a promise: theirs is reconstructed from the settings of the day\.$/, 'the pre-install order is reconstructed');
  const rows = page.locator('#health-groups table tbody tr');
  assert.ok(await rows.count() > 0, 'the report has groups');
  await healthStatus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'backfill-3-report.png'), fullPage: false });

  const used = await page.evaluate(() => window.shopify.idTokens);
  assert.ok(used > 0, 'the API calls took App Bridge\'s session token');
  assert.equal(bridgeLoads, 2, 'App Bridge loaded on each page load');
  assert.equal(conflicts, 1, 'one 409, the second click\'s');
  assert.deepEqual(problems, []);
  console.log(`backfill: started ${op}, second click 409 "${runningText}", report "${report}"`);
} catch (err) {
  console.error(err);
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await context.close();
}

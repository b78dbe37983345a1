// The Promise health backfill on the settings page, embedded in Shopify admin, in a real browser
// (Debian's chromium, playwright-core).
//
//   node tests/browser/backfill.mjs ADMIN_URL ARTIFACTS_DIR TOKEN CONTROL_URL
//
// ADMIN_URL is /admin?shop=…&host=… of a Leadtime server in app mode, against the fake Admin API,
// with the shop installed and a few fulfilled orders in the fake that no webhook recorded
// (server/backfill_browser_test.go starts both, its clocks fixed). Shopify cannot be reached
// here, so the script answers for it: the shop's admin (https://admin.shopify.com/store/…) is a
// page that frames ADMIN_URL as Shopify admin does, which the page's CSP (frame-ancestors) must
// allow, and App Bridge's URL is a stub whose shopify.idToken() gives TOKEN, a session token
// signed for the shop. CONTROL_URL plays Shopify's side: POST /finish?op=GID
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
const store = new URL(adminURL).searchParams.get('shop').replace(/\.myshopify\.com$/, '');
const shopifyAdmin = `https://admin.shopify.com/store/${store}/apps/leadtime`;
fs.mkdirSync(artifacts, { recursive: true });

// The stub App Bridge: what admin.js calls of it (shopify.idToken for every API call,
// shopify.toast.show), counted so that the script can tell it was used.
const stub = `window.shopify = {
  idTokens: 0,
  toasts: [],
  idToken: async () => { window.shopify.idTokens++; return ${JSON.stringify(token)}; },
  toast: { show: (text) => { window.shopify.toasts.push(String(text)); } },
};`;

// Shopify admin's page, framing the app as Shopify does.
const adminPage = `<!doctype html><title>Leadtime · Shopify</title>
<style>body{margin:0}iframe{border:0;width:100%;height:100vh;display:block}</style>
<iframe id="app" name="app-iframe" title="Leadtime" src="${adminURL.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe>`;

const context = await launch('backfill-browser', {
  viewport: { width: 1360, height: 900 },
  locale: 'en-GB',
  reducedMotion: 'reduce',
  // chromium.mjs's flags, and one more: Local Network Access would block the (public) admin
  // page from framing the app on 127.0.0.1. A deployed app is on a public https origin.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-features=LocalNetworkAccessChecks'],
});
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
  await page.route(shopifyAdmin, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: adminPage }));
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium reports every 4xx answer to fetch on the console, the expected 409 too.
    const expected409 = /status of 409/.test(msg.text()) && (msg.location().url || '').startsWith(`${origin}/admin/api/health/backfill`);
    if (!expected409) problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (req.url() !== appBridge && req.url() !== shopifyAdmin && u.protocol !== 'data:' && u.origin !== origin) problems.push(`request to another origin: ${req.url()}`);
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

  // openApp opens the shop's admin and returns the app's frame, once loaded.
  async function openApp() {
    const app = await (await page.locator('iframe#app').elementHandle()).contentFrame();
    assert.ok(app, 'the admin frames the app');
    await app.waitForURL(adminURL);
    await app.waitForFunction(() => Boolean(document.getElementById('health-status')?.textContent));
    assert.equal(app.url(), adminURL, 'the frame is the app\'s /admin');
    assert.ok(await app.evaluate(() => window.top !== window), 'the app runs framed');
    return app;
  }

  await page.goto(shopifyAdmin);
  let app = await openApp();
  let healthStatus = app.locator('#health-status');
  assert.match(await healthStatus.textContent(), /^Nothing shipped from .* with a Leadtime promise yet\.$/, 'no records before the backfill');
  const button = app.getByRole('button', { name: 'Read the last 90 days of orders' });
  assert.ok(await button.isVisible(), 'the backfill button shows in app mode');
  const status = app.locator('#health-backfill-status');

  // Before the backfill the three placed orders are open and overdue; the
  // merchant tags them for Shopify Flow.
  const atRisk = app.locator('#health-at-risk li');
  await atRisk.first().waitFor();
  assert.equal(await atRisk.count(), 3, 'the three placed orders are at risk before the backfill');
  const tagButton = app.getByRole('button', { name: 'Tag these orders leadtime-at-risk' });
  const tagged = page.waitForResponse((r) => new URL(r.url()).pathname === '/admin/api/health/at-risk/tag');
  await tagButton.click();
  assert.equal((await tagged).status(), 200, 'POST /admin/api/health/at-risk/tag');
  await app.waitForFunction(() => document.getElementById('health-tag-status').textContent === '3 orders tagged leadtime-at-risk.');

  // The first click starts the bulk operation.
  let res = backfillResponse();
  await button.click();
  const started = await res;
  assert.equal(started.status(), 202, 'POST /admin/api/health/backfill starts it');
  const { bulk_operation: op, days } = await started.json();
  assert.match(op, /^gid:\/\/shopify\/BulkOperation\/\d+$/);
  assert.equal(days, 90);
  const startedText = 'Shopify is gathering the orders of the last 90 days. The report fills in when it is done, usually within minutes.';
  await app.waitForFunction((want) => document.getElementById('health-backfill-status').textContent === want, startedText);
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
  await app.waitForFunction((start) => document.getElementById('health-backfill-status').textContent !== start, startedText);
  const runningText = await status.textContent();
  assert.equal(runningText, error.message, 'the page shows the server\'s message');
  assert.match(runningText, /already running/);
  assert.doesNotMatch(runningText, /shopify:|Leadtime[A-Z]|gid:/, 'no internal error text for the merchant');
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
  app = await openApp();
  healthStatus = app.locator('#health-status');
  await app.waitForFunction(() => /order lines shipped on time/.test(document.getElementById('health-status').textContent));
  const report = await healthStatus.textContent();
  const m = /^(\d+) of (\d+) order lines shipped on time \(\d+ %\)/.exec(report);
  assert.ok(m, `a kept count: ${report}`);
  assert.equal(Number(m[2]), 5, `five lines (order 7001's two, 7002, 7003, 7004): ${report}`);
  assert.match(report, / 1 of the lines was ordered before Leadtime froze a promise, so the promise is reconstructed from the settings of the day\.$/, 'the pre-install order is reconstructed');
  // Every order shipped: the backfill took them off the orders at risk.
  await app.waitForFunction(() => /Orders at risk now/.test(document.getElementById('health-at-risk').textContent));
  assert.equal(await app.locator('#health-at-risk li').count(), 0, 'no order left at risk after the backfill');
  const rows = app.locator('#health-groups table tbody tr');
  assert.ok(await rows.count() > 0, 'the report has groups');
  await healthStatus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'backfill-3-report.png'), fullPage: false });

  const used = await app.evaluate(() => window.shopify.idTokens);
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

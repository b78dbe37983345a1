// The headless storefront example (/headless) in a real browser (Debian's chromium, driven by
// playwright-core).
//
//   node tests/browser/headless.mjs API_BASE [ARTIFACTS_DIR]
//
// API_BASE is a Leadtime server in demo mode on http://127.0.0.1:PORT whose clock is fixed at
// 2026-11-28T09:15:00+01:00 (server/headless_browser_test.go starts one). The page is opened from
// a second origin, http://localhost:PORT, which the demo settings' storefront_origins allow: it
// asks the Storefront API at http://127.0.0.1:PORT, a real cross-origin request. Then it is opened
// from http://shop.localhost:PORT, an origin the settings do not list: every box must keep its
// fallback text. It saves screenshots to ARTIFACTS_DIR and prints a one-line summary; any failure
// exits 1.
import { launch, observeLayoutShifts } from './chromium.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const [base, artifacts = 'artifacts'] = process.argv.slice(2);
if (!base || new URL(base).hostname !== '127.0.0.1') {
  console.error('usage: node tests/browser/headless.mjs http://127.0.0.1:PORT [ARTIFACTS_DIR]');
  process.exit(2);
}
const api = new URL(base).origin; // the Storefront API's origin
const port = new URL(base).port;
const allowed = `http://localhost:${port}`; // listed in storefront_origins (any port)
const refused = `http://shop.localhost:${port}`; // not listed; chromium resolves *.localhost to loopback
const SHOP = 'demo-handmade.myshopify.com';
const started = Date.now();

// answer fetches the Storefront API's JSON directly, as the reference for what the page must show.
async function answer(route, params) {
  const q = new URLSearchParams({ shop: SHOP, locale: 'en', ...params });
  const res = await fetch(`${api}/storefront/v1/${route}?${q}`);
  assert.equal(res.status, 200, `GET ${route}?${q}: HTTP ${res.status}`);
  return res.json();
}


const context = await launch('headless', {
  locale: 'en-US',
  timezoneId: 'America/Los_Angeles',
});

// watch records what goes wrong on a page, and every Storefront API response with its CORS headers.
function watch(page, { pageOrigin = allowed, corsErrorsExpected = false } = {}) {
  const seen = { problems: [], api: [], failed: [] };
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => seen.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !(corsErrorsExpected && /CORS|Failed to fetch|ERR_FAILED/.test(msg.text()))) {
      seen.problems.push(`console error: ${msg.text()}`);
    }
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol !== 'data:' && u.origin !== pageOrigin && u.origin !== api) {
      seen.problems.push(`request to a third origin: ${req.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    if (req.url().startsWith(`${api}/storefront/v1/`)) seen.failed.push(req.url());
    else seen.problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', async (res) => {
    if (res.url().startsWith(`${api}/storefront/v1/`)) {
      const req = res.request();
      seen.api.push({
        url: res.url(), method: req.method(), status: res.status(),
        origin: (await req.allHeaders()).origin ?? null,
        acao: res.headers()['access-control-allow-origin'] ?? null,
        credentials: res.headers()['access-control-allow-credentials'] ?? null,
      });
    } else if (res.status() >= 400) {
      seen.problems.push(`HTTP ${res.status()} for ${res.url()}`);
    }
  });
  return seen;
}

const text = (page, sel) => page.$eval(sel, (el) => el.textContent.trim());

// waitAnswer waits until the element at sel is ready with an answer whose fields equal want
// ("lines" compares the number of cart lines).
async function waitAnswer(page, sel, want) {
  await page.waitForFunction(({ sel, want }) => {
    const el = document.querySelector(sel);
    const a = el?.dataset.state === 'ready' && el.answer;
    return !!a && Object.entries(want).every(([k, v]) => (k === 'lines' ? a.lines?.length : a[k]) === v);
  }, { sel, want });
}

const wallet = '#promise-1005';
const sweater = '#promise-1001';
const cartPromise = '#cart-promise';
const summary = {};
let seen = null;
try {
  // (a) From an allowed origin, every box shows the Storefront API's answer.
  const page = context.pages()[0] || (await context.newPage());
  seen = watch(page);
  await page.addInitScript(observeLayoutShifts);
  await page.goto(`${allowed}/headless`, { waitUntil: 'load' });
  assert.equal(await text(page, '#page-origin'), allowed);
  assert.equal(await text(page, '#api-endpoint'), `${api}/storefront/v1`);
  await page.waitForFunction(() => document.getElementById('api-status').textContent === 'from the Storefront API');
  assert.equal(await text(page, cartPromise), 'Add something to see when your order ships.');

  const plain = await answer('product', { product_id: 1005, variant_id: 2041, country: 'SE' });
  await waitAnswer(page, wallet, { product_id: 1005, variant_id: 2041 });
  assert.equal(await text(page, wallet), plain.message.text, 'the wallet shows the /storefront/v1/product answer');
  assert.equal(plain.ships.earliest, '2026-12-01', 'the plain wallet ships Tue 1 Dec on Saturday 28 Nov 09:15');
  await waitAnswer(page, sweater, { product_id: 1001, variant_id: 2001 });
  const sweaterSE = await answer('product', { product_id: 1001, variant_id: 2001, country: 'SE' });
  assert.equal(await text(page, sweater), sweaterSE.message.text);
  assert.equal(sweaterSE.ships.earliest, '2026-12-07');
  summary.wallet = plain.message.text;

  // The requests were cross-origin, and allowed by CORS: the origin echoed, never credentials.
  assert.ok(seen.api.length >= 2, `the page asked the Storefront API: ${JSON.stringify(seen.api)}`);
  for (const r of seen.api) {
    assert.equal(r.origin, allowed, `${r.url} was sent from ${allowed}`);
    assert.equal(r.acao, allowed, `${r.url}: Access-Control-Allow-Origin echoes ${allowed}`);
    assert.equal(r.credentials, null, `${r.url}: no Access-Control-Allow-Credentials`);
  }

  // (b) Changing the variant updates the promise: the monogrammed wallet takes 5–7 days.
  await page.selectOption(`.card[data-product="1005"] select`, '2042');
  await waitAnswer(page, wallet, { variant_id: 2042 });
  const mono = await answer('product', { product_id: 1005, variant_id: 2042, country: 'SE' });
  assert.equal(await text(page, wallet), mono.message.text);
  assert.notEqual(mono.message.text, plain.message.text, 'changing the variant changes the promise');
  summary.monogrammed = mono.message.text;

  // (c) The cart promise, from the page's own cart through the items attribute.
  await page.click('.card[data-product="1005"] button.add');
  await waitAnswer(page, cartPromise, { lines: 1 });
  assert.equal(await text(page, cartPromise), (await answer('cart', { items: '2042:1', country: 'SE' })).message.text);
  await page.click('.card[data-product="1001"] button.add');
  await page.click('.card[data-product="1001"] button.add');
  await waitAnswer(page, cartPromise, { lines: 2 });
  const cartSE = await answer('cart', { items: '2042:1,2001:2', country: 'SE' });
  assert.equal(await text(page, cartPromise), cartSE.message.text, 'the cart shows the /storefront/v1/cart answer');
  assert.equal(await page.$$eval('#lines li', (lis) => lis.length), 2);
  assert.equal(await page.$eval('#empty', (el) => el.hidden), true);

  // (d) Shipping to the US re-quotes every box.
  await page.selectOption('#country', 'US');
  await waitAnswer(page, cartPromise, { country: 'US', lines: 2 });
  await waitAnswer(page, wallet, { country: 'US' });
  const cartUS = await answer('cart', { items: '2042:1,2001:2', country: 'US' });
  assert.equal(await text(page, cartPromise), cartUS.message.text);
  assert.notDeepEqual(cartUS.delivery, cartSE.delivery, 'US delivery differs from Sweden');
  assert.equal(await text(page, wallet), (await answer('product', { product_id: 1005, variant_id: 2042, country: 'US' })).message.text);
  summary.cart = { SE: cartSE.message.text, US: cartUS.message.text };

  // (e) A POST of a cart body (JSON, so the browser sends a CORS preflight first) from this origin.
  const posted = await page.evaluate(async ({ api, shop }) => {
    const res = await fetch(`${api}/storefront/v1/cart?shop=${shop}&country=US&locale=en`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ items: [{ variant_id: 2042, quantity: 1 }, { variant_id: 2001, quantity: 2 }] }),
    });
    return { status: res.status, body: await res.json() };
  }, { api, shop: SHOP });
  assert.equal(posted.status, 200);
  assert.deepEqual(posted.body, cartUS, 'POST /storefront/v1/cart from the page equals the GET answer');

  // (f) Nothing moved, from the first paint on.
  await page.waitForTimeout(600);
  const shifts = await page.evaluate(() => window.__shifts);
  summary.cls = shifts.cls;
  summary.shiftAll = shifts.all;
  assert.equal(shifts.cls, 0, `cumulative layout shift must be 0: ${JSON.stringify(shifts.entries)}`);
  assert.deepEqual(seen.failed, [], 'no Storefront API request failed');
  assert.deepEqual(seen.problems, [], 'no console errors, failed requests or third-origin requests');
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'headless.png'), fullPage: true });

  // The same page on a phone: it loads without any shift.
  const phone = await context.newPage();
  const phoneSeen = watch(phone);
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.addInitScript(observeLayoutShifts);
  await phone.goto(`${allowed}/headless`, { waitUntil: 'load' });
  await waitAnswer(phone, wallet, { variant_id: 2041 });
  await waitAnswer(phone, sweater, { variant_id: 2001 });
  await phone.waitForTimeout(600);
  const phoneShifts = await phone.evaluate(() => window.__shifts);
  summary.clsPhone = phoneShifts.all;
  assert.equal(phoneShifts.all, 0, `phone layout shift must be 0: ${JSON.stringify(phoneShifts.entries)}`);
  assert.deepEqual(phoneSeen.problems, []);
  await phone.screenshot({ path: path.join(artifacts, 'headless-phone.png'), fullPage: true });
  await phone.close();

  // (g) From an origin the settings do not list, the API sends no CORS headers: the browser
  // refuses the answers, and each box keeps its fallback text, in its reserved box.
  const blocked = await context.newPage();
  const blockedSeen = watch(blocked, { pageOrigin: refused, corsErrorsExpected: true });
  await blocked.addInitScript(observeLayoutShifts);
  await blocked.goto(`${refused}/headless`, { waitUntil: 'load' });
  assert.equal(await text(blocked, '#page-origin'), refused);
  await blocked.waitForFunction(() => document.getElementById('api-status').textContent.startsWith('refused'));
  await blocked.waitForFunction(() => ['#promise-1005', '#promise-1001']
    .every((s) => document.querySelector(s).dataset.state === 'error'));
  assert.equal(await blocked.evaluate(() => !!customElements.get('leadtime-promise')), true, 'the component ran');
  assert.equal(await text(blocked, wallet), 'Usually ships in 1–3 business days');
  assert.equal(await text(blocked, sweater), 'Made to order: usually ships in 1–2 weeks');
  await blocked.click('.card[data-product="1005"] button.add');
  await blocked.waitForFunction(() => document.querySelector('#cart-promise').dataset.state === 'error');
  assert.equal(await text(blocked, cartPromise), 'Add something to see when your order ships.');
  for (const sel of [wallet, sweater, cartPromise]) {
    const el = await blocked.$eval(sel, (e) => ({ answer: e.answer, height: e.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(e).lineHeight) }));
    assert.equal(el.answer, null, `${sel} has no answer`);
    assert.ok(el.height >= 2 * el.lh - 1, `${sel} keeps its reserved box (${el.height}px for two ${el.lh}px lines)`);
  }
  assert.ok(blockedSeen.failed.length + blockedSeen.api.length >= 3, 'the page asked the API');
  // What the browser refused: the same JSON answer, without CORS headers.
  const direct = await fetch(`${api}/storefront/v1/product?shop=${SHOP}&product_id=1005&variant_id=2041&country=SE&locale=en`,
    { headers: { Origin: refused } });
  assert.equal(direct.status, 200);
  assert.equal(direct.headers.get('access-control-allow-origin'), null, 'no CORS headers for a refused origin');
  assert.deepEqual(await direct.json(), plain, 'the refused origin gets the same JSON body');
  for (const r of blockedSeen.api) {
    assert.equal(r.origin, refused, `${r.url} was sent from ${refused}`);
    assert.equal(r.acao, null, `${r.url}: no Access-Control-Allow-Origin for a refused origin`);
  }
  await blocked.waitForTimeout(300);
  const blockedShifts = await blocked.evaluate(() => window.__shifts);
  assert.equal(blockedShifts.cls, 0, `refused origin: layout shift must be 0: ${JSON.stringify(blockedShifts.entries)}`);
  assert.deepEqual(blockedSeen.problems, []);
  summary.refused = { origin: refused, failed: blockedSeen.failed.length, answered: blockedSeen.api.length };
  await blocked.screenshot({ path: path.join(artifacts, 'headless-refused.png'), fullPage: true });

  summary.ms = Date.now() - started;
  summary.browser = context.browser()?.version() ?? 'chromium';
  console.log(`headless page OK: ${JSON.stringify(summary)}`);
} catch (err) {
  console.error(`headless page FAILED: ${err.message}`);
  if (seen?.problems.length) console.error(`page problems:\n  ${seen.problems.join('\n  ')}`);
  console.error(`so far: ${JSON.stringify(summary)}`);
  process.exitCode = 1;
} finally {
  await context.close();
}

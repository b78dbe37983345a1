// The demo storefront in a real browser (Debian's chromium, driven by playwright-core).
//
//   node tests/browser/demo.mjs BASE_URL [ARTIFACTS_DIR]
//
// BASE_URL is a Leadtime server in demo mode whose clock is fixed at 2026-11-28T09:15:00+01:00
// (server/browser_test.go starts one). It checks what a visitor sees, against the server's own
// JSON answers, and that nothing on the page moves (cumulative layout shift exactly 0). It
// saves screenshots to ARTIFACTS_DIR and prints a one-line summary; any failure exits 1.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [base, artifacts = 'artifacts'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node tests/browser/demo.mjs BASE_URL [ARTIFACTS_DIR]');
  process.exit(2);
}
const origin = new URL(base).origin;
const started = Date.now();

// answer fetches the server's JSON directly, as the reference for what the page must show.
async function answer(pathAndQuery) {
  const res = await fetch(origin + pathAndQuery);
  assert.equal(res.status, 200, `GET ${pathAndQuery}: HTTP ${res.status}`);
  return res.json();
}

// Measures layout shifts from the first paint on, for the whole session.
function observeLayoutShifts() {
  window.__shifts = { cls: 0, all: 0, entries: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__shifts.all += e.value;
      if (!e.hadRecentInput) window.__shifts.cls += e.value;
      window.__shifts.entries.push({
        value: e.value,
        hadRecentInput: e.hadRecentInput,
        sources: (e.sources || []).map((s) => {
          const n = s.node;
          if (!n) return '?';
          return n.nodeType === 1 ? `${n.nodeName.toLowerCase()}#${n.id}.${n.className}` : n.nodeName;
        }),
      });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadtime-browser-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
  colorScheme: 'light',
  locale: 'en-US',
  // The visitor is in Los Angeles; the dates must still follow the shop's clock in Stockholm.
  timezoneId: 'America/Los_Angeles',
});

// The one request meant to fail: a product that does not exist.
const PROBE = 'product_id=999999';
const problems = [];
function watch(page) {
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location()?.url?.includes(PROBE)) problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol !== 'data:' && u.origin !== origin) problems.push(`request to another origin: ${req.url()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().includes(PROBE)) {
      problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
    }
  });
}

// Counts leadtime:answer events that bubble up to the document.
function countAnswers() {
  window.__answers = 0;
  document.addEventListener('leadtime:answer', () => { window.__answers += 1; });
}

const card = (handle) => `li.card[data-handle="${handle}"]`;
const promiseOf = (handle) => `${card(handle)} leadtime-promise`;
const cartPromise = '#cart-promise';
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

const summary = {};
try {
  const page = context.pages()[0] || (await context.newPage());
  watch(page);
  await page.addInitScript(observeLayoutShifts);
  await page.addInitScript(countAnswers);
  await page.goto(`${origin}/`, { waitUntil: 'load' });

  // (a) The wool sweater's promise is the server's answer, word for word.
  const sweater = await answer('/proxy/product?handle=wool-sweater');
  await waitAnswer(page, promiseOf('wool-sweater'), { product_id: 1001 });
  const sweaterText = await text(page, promiseOf('wool-sweater'));
  assert.equal(sweaterText, sweater.message.text, 'wool-sweater card shows the /proxy/product answer');
  assert.match(sweaterText, /Dec 7/, 'wool-sweater ships Dec 7–10 on Saturday 28 Nov 09:15');
  assert.equal(sweater.ships.earliest, '2026-12-07');
  summary.sweater = sweaterText;

  // Every card gets its answer; none is left loading or broken.
  await page.waitForFunction(() => [...document.querySelectorAll('li.card leadtime-promise')]
    .every((el) => el.dataset.state === 'ready'));

  // (f) The sold-out carafe says so, and cannot be added.
  const carafeButton = `${card('glass-carafe')} button.card__add`;
  assert.equal(await text(page, carafeButton), 'Sold out');
  assert.equal(await page.$eval(carafeButton, (b) => b.disabled), true, 'sold-out button is disabled');
  assert.equal(await text(page, promiseOf('glass-carafe')), 'Sold out');
  assert.ok(await page.evaluate(() => window.__answers) >= 9, 'leadtime:answer bubbles to the document');

  // A failed request keeps the server-rendered fallback: never an empty or broken box.
  await page.evaluate((probe) => {
    const el = document.createElement('leadtime-promise');
    el.id = 'probe';
    el.setAttribute('endpoint', '/proxy');
    el.setAttribute('product-id', probe.split('=')[1]);
    el.textContent = 'Usually ships in 1–3 business days';
    document.getElementById('main').append(el);
  }, PROBE);
  await page.waitForFunction(() => document.getElementById('probe').dataset.state === 'error');
  assert.equal(await text(page, '#probe'), 'Usually ships in 1–3 business days');
  assert.equal(await page.$eval('#probe', (el) => el.answer), null);
  await page.$eval('#probe', (el) => el.remove());

  // (b) The wallet's monogrammed variant takes longer than the plain one (5–7 vs 1–3 days).
  await waitAnswer(page, promiseOf('leather-wallet'), { variant_id: 2041 });
  const plain = await text(page, promiseOf('leather-wallet'));
  await page.selectOption(`${card('leather-wallet')} select`, { label: 'Monogrammed' });
  await waitAnswer(page, promiseOf('leather-wallet'), { variant_id: 2042 });
  const mono = await text(page, promiseOf('leather-wallet'));
  assert.notEqual(mono, plain, 'changing the variant changes the promise');
  assert.equal(mono, (await answer('/proxy/product?handle=leather-wallet&variant_id=2042')).message.text);
  assert.equal(plain, (await answer('/proxy/product?handle=leather-wallet&variant_id=2041')).message.text);
  summary.wallet = { plain, monogrammed: mono };

  // (c) The cart: the sweater alone, then with a mug (the sweater still sets the window), then
  // shipped to the US.
  await page.click(`${card('wool-sweater')} button.card__add`);
  await waitAnswer(page, cartPromise, { lines: 1 });
  const cartOne = await answer('/proxy/cart?items=2001:1');
  const cartSweater = await text(page, cartPromise);
  assert.equal(cartSweater, cartOne.message.text, 'the cart promise is the /proxy/cart answer');

  await page.click(`${card('stoneware-mug')} button.card__add`);
  await waitAnswer(page, cartPromise, { lines: 2 });
  const cartBoth = await text(page, cartPromise);
  assert.equal(cartBoth, cartSweater, 'a faster mug leaves the cart window as the sweater set it');
  const both = await answer('/proxy/cart?items=2001:1,2011:1');
  assert.deepEqual(both.ships, cartOne.ships);
  assert.equal(cartBoth, both.message.text);
  assert.equal(await page.$$eval('#lines li', (lis) => lis.length), 2, 'two cart lines are listed');

  await page.selectOption('#country', 'US');
  await waitAnswer(page, cartPromise, { country: 'US', lines: 2 });
  const cartUS = await text(page, cartPromise);
  const us = await answer('/proxy/cart?items=2001:1,2011:1&country=US');
  assert.equal(cartUS, us.message.text);
  assert.notDeepEqual(us.delivery, both.delivery, 'US delivery differs from Sweden');
  assert.notEqual(cartUS, cartBoth, 'changing the country changes the delivery text');
  await waitAnswer(page, promiseOf('wool-sweater'), { country: 'US' });
  summary.cart = { SE: cartBoth, US: cartUS };

  // (d) The cart attribute _leadtime follows the cart answer (DESIGN §5 shape), for the US now.
  const readAttr = () => page.evaluate(async () => {
    const cart = await (await fetch('/cart.js', { cache: 'no-store' })).json();
    return cart.attributes._leadtime ? JSON.parse(cart.attributes._leadtime) : null;
  });
  let attr = null;
  for (let i = 0; i < 100 && attr?.delivery?.earliest !== us.delivery.earliest; i++) {
    attr = await readAttr();
    if (attr?.delivery?.earliest !== us.delivery.earliest) await page.waitForTimeout(50);
  }
  assert.ok(attr, 'the _leadtime cart attribute is set');
  assert.deepEqual(Object.keys(attr).sort(), ['delivery', 'quoted_at', 'ships', 'text']);
  assert.equal(attr.ships.earliest, '2026-12-07');
  assert.deepEqual(attr.ships, us.ships);
  assert.deepEqual(attr.delivery, us.delivery);
  assert.equal(attr.text, us.message.text);
  assert.equal(attr.quoted_at, us.quoted_at);
  await page.waitForFunction((t) => document.querySelector('#attr-text').textContent.includes(t), us.message.text);
  summary.attribute = attr;

  // (e) Nothing moved, from the first paint to now.
  await page.waitForTimeout(600);
  const shifts = await page.evaluate(() => window.__shifts);
  summary.cls = shifts.cls;
  summary.shiftAll = shifts.all;
  assert.equal(shifts.cls, 0, `cumulative layout shift must be 0: ${JSON.stringify(shifts.entries)}`);
  assert.equal(shifts.all, 0, `no layout shift at all, even after input: ${JSON.stringify(shifts.entries)}`);

  // (g) Screenshots: the desktop page, and a phone-sized one with the same cart.
  fs.mkdirSync(artifacts, { recursive: true });
  const hideToast = async (p) => {
    await p.evaluate(() => document.getElementById('toast').classList.remove('toast--shown'));
    await p.waitForTimeout(400); // the toast fades out
  };
  await hideToast(page);
  await page.screenshot({ path: path.join(artifacts, 'demo.png'), fullPage: true });

  const phone = await context.newPage();
  watch(phone);
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.addInitScript(observeLayoutShifts);
  await phone.goto(`${origin}/`, { waitUntil: 'load' });
  await phone.waitForFunction(() => [...document.querySelectorAll('leadtime-promise')]
    .every((el) => el.dataset.state === 'ready'));
  await phone.waitForTimeout(600);
  const phoneShifts = await phone.evaluate(() => window.__shifts);
  summary.clsPhone = phoneShifts.all;
  assert.equal(phoneShifts.all, 0, `phone layout shift must be 0: ${JSON.stringify(phoneShifts.entries)}`);
  await hideToast(phone);
  await phone.screenshot({ path: path.join(artifacts, 'demo-phone.png') });

  assert.deepEqual(problems, [], 'no console errors, failed requests or foreign requests');
  summary.ms = Date.now() - started;
  summary.browser = context.browser()?.version() ?? 'chromium';
  console.log(`demo page OK: ${JSON.stringify(summary)}`);
} catch (err) {
  console.error(`demo page FAILED: ${err.message}`);
  if (problems.length) console.error(`page problems:\n  ${problems.join('\n  ')}`);
  console.error(`so far: ${JSON.stringify(summary)}`);
  process.exitCode = 1;
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

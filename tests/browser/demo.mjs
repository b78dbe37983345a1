// The demo storefront in a real browser (Debian's chromium, driven by playwright-core).
//
//   node tests/browser/demo.mjs BASE_URL [ARTIFACTS_DIR [MONDAY_URL]]
//
// BASE_URL is a Leadtime server in demo mode whose clock is fixed at 2026-11-28T09:15:00+01:00
// (server/browser_test.go starts one), a Saturday: nothing ships today. MONDAY_URL is one fixed
// at 2026-11-30T10:00:00+01:00, when ready-made things ship today if ordered before 14:00: there
// the browser's clock is set too, to check the countdown. It checks what a visitor sees, against
// the server's own JSON answers, and that nothing on the page moves (cumulative layout shift
// exactly 0). The promises are the theme extension's blocks and app embed, as a shop has them.
// It saves screenshots to ARTIFACTS_DIR and prints a one-line summary; any failure exits 1.
import { launch, observeLayoutShifts } from './chromium.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const [base, artifacts = 'artifacts', monday] = process.argv.slice(2);
if (!base) {
  console.error('usage: node tests/browser/demo.mjs BASE_URL [ARTIFACTS_DIR]');
  process.exit(2);
}
const origin = new URL(base).origin;
const started = Date.now();

// answer fetches the server's JSON directly, as the reference for what the page must show.
async function answer(pathAndQuery, from = origin) {
  const res = await fetch(from + pathAndQuery);
  assert.equal(res.status, 200, `GET ${pathAndQuery}: HTTP ${res.status}`);
  return res.json();
}


const context = await launch('browser', {
  locale: 'en-US',
  // The visitor is in Los Angeles; the dates must still follow the shop's clock in Stockholm.
  timezoneId: 'America/Los_Angeles',
});

// The one request meant to fail: a product that does not exist.
const PROBE = 'product_id=999999';
const problems = [];
function watch(page, own = origin) {
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location()?.url?.includes(PROBE)) problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol !== 'data:' && u.origin !== own) problems.push(`request to another origin: ${req.url()}`);
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
const cartPromise = '.cart__promise leadtime-promise';
const countdownOf = (sel) => `${sel} > .leadtime-countdown`;
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

  // The blocks, as the theme extension renders them: the product block with its metafield
  // fallback (replaced by now), the cart block and the app embed's module.
  assert.deepEqual(await page.$eval(promiseOf('wool-sweater'), (el) => ({
    product: el.getAttribute('product-id'), variants: el.dataset.variants, endpoint: el.getAttribute('endpoint'),
    parts: el.getAttribute('parts'), countdown: el.hasAttribute('countdown'), box: el.parentElement.className,
  })), {
    product: '1001', variants: '2001,2002,2003', endpoint: '/proxy', parts: 'ships delivery', countdown: true,
    box: 'leadtime-block leadtime-block--product leadtime-block--left leadtime-lines-3 ',
  });
  assert.equal(await page.$eval(cartPromise, (el) => el.hasAttribute('sync-attribute') && el.getAttribute('endpoint')), '/proxy');
  assert.equal(await page.$$eval('script[src="/assets/leadtime-embed.js"][type="module"]', (s) => s.length), 1, 'the app embed is on');

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

  // No countdown on a Saturday: nothing ships today (DESIGN §3.6).
  assert.equal(await page.$$eval('.leadtime-countdown', (els) => els.length), 0, 'no countdown when nothing ships today');

  // (b) The wallet's monogrammed variant takes longer than the plain one (5–7 vs 1–3 days). The
  // page only changes its product form, as a theme does; the app embed moves the promise.
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

  // (i) The app embed in a theme like Dawn, on a page of this origin made of the demo's own
  // block markup: a cart drawer that the theme redraws, variant pickers, Dawn's pubsub.
  const cartBox = await page.$eval('.cart__promise .leadtime-block', (el) => el.outerHTML.replace(' sync-attribute', ''));
  const walletBox = await page.$eval(`${card('leather-wallet')} .leadtime-block`, (el) => el.outerHTML);
  const embed = await context.newPage();
  watch(embed);
  await embed.route(`${origin}/embed-test`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
<html><head><link rel="stylesheet" href="/assets/leadtime.css"></head><body>
<form action="/cart/add" method="post"><variant-selects><select name="options"><option>a</option><option>b</option></select></variant-selects>
<input type="hidden" name="id" value="2041"></form>
${walletBox}
<cart-drawer><div class="drawer__inner"><div class="cart__ctas"><button name="checkout">Check out</button></div></div></cart-drawer>
<script>
  window.__pubsub = {};
  window.subscribe = (name, fn) => { (window.__pubsub[name] ||= []).push(fn); return () => {}; };
  window.__answers = 0;
  document.addEventListener('leadtime:answer', () => { window.__answers += 1; });
</script>
<script src="/assets/leadtime-promise.js" type="module"></script>
<script src="/assets/leadtime-embed.js" type="module"></script>
<template id="leadtime-embed" data-endpoint="/proxy" data-drawer="cart-drawer">${cartBox}</template>
</body></html>` }));
  await embed.goto(`${origin}/embed-test`, { waitUntil: 'load' });
  const walletEl = 'body > .leadtime-block leadtime-promise';
  const variantOf = () => embed.$eval(walletEl, (el) => el.getAttribute('variant-id'));
  // The drawer gets the cart promise above its checkout buttons, and the page one element that
  // keeps _leadtime, since no cart block does.
  await embed.waitForSelector('cart-drawer .leadtime-block + .cart__ctas');
  assert.equal(await embed.$eval('body > leadtime-promise[hidden][cart][sync-attribute]', (el) => el.getAttribute('endpoint')), '/proxy');
  await embed.waitForFunction(() => document.querySelector('cart-drawer leadtime-promise').dataset.state === 'ready');
  // The theme redraws the drawer: the promise goes back in.
  await embed.$eval('cart-drawer', (d) => { d.innerHTML = '<div class="drawer__inner"><div class="cart__ctas"><button name="checkout">Check out</button></div></div>'; });
  await embed.waitForSelector('cart-drawer .leadtime-block + .cart__ctas leadtime-promise, cart-drawer .leadtime-block leadtime-promise');
  // The variant, however the theme says it.
  await embed.evaluate(() => document.dispatchEvent(new CustomEvent('variant:change', { detail: { variant: { id: 2042 } } })));
  assert.equal(await variantOf(), '2042', 'variant:change');
  await embed.evaluate(() => window.__pubsub['variant-change'].forEach((fn) => fn({ data: { variant: { id: 2041 } } })));
  assert.equal(await variantOf(), '2041', "Dawn's variant-change pubsub");
  await embed.evaluate(() => {
    history.replaceState(null, '', '?variant=2042');
    document.querySelector('input[name="id"]').value = '2042';
    document.querySelector('variant-selects select').dispatchEvent(new Event('change', { bubbles: true }));
  });
  await embed.waitForFunction((sel) => document.querySelector(sel).getAttribute('variant-id') === '2042', walletEl);
  assert.equal(await variantOf(), '2042', 'variant-selects change, ?variant= and the form');
  await embed.evaluate(() => document.dispatchEvent(new CustomEvent('variant:change', { detail: { variant: { id: 2001 } } })));
  assert.equal(await variantOf(), '2042', "another product's variant leaves the promise alone");
  await embed.waitForFunction((sel) => document.querySelector(sel).dataset.state === 'ready' && document.querySelector(sel).answer?.variant_id === 2042, walletEl);
  // The theme adds to the cart with fetch: the cart promises are asked again.
  const before = await embed.evaluate(() => window.__answers);
  await embed.evaluate(() => fetch('/cart/add.js', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ id: 2011, quantity: 1 }] }) }));
  await embed.waitForFunction((n) => window.__answers >= n + 2, before);
  summary.embed = 'drawer, variants, cart refresh';
  await embed.close();

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

  // (h) The countdown, on Monday 30 Nov at 10:00 in Stockholm (the browser's clock set 30 s
  // earlier, so that whole minutes read plainly): only what ships today counts down, each
  // minute, and the countdown goes at the 14:00 cutoff.
  if (monday) {
    const mondayOrigin = new URL(monday).origin;
    const mon = await context.newPage();
    watch(mon, mondayOrigin);
    await mon.clock.install({ time: new Date('2026-11-30T09:59:30+01:00') });
    await mon.addInitScript(observeLayoutShifts);
    await mon.goto(`${mondayOrigin}/`, { waitUntil: 'load' });
    await mon.waitForFunction(() => [...document.querySelectorAll('li.card leadtime-promise')]
      .every((el) => el.dataset.state === 'ready'));
    const mug = await answer('/proxy/product?handle=stoneware-mug', mondayOrigin);
    assert.equal(mug.cutoff.ships_today, true, 'the mug ships today on Monday before 14:00');
    assert.equal(mug.cutoff.at, '2026-11-30T14:00:00+01:00');
    const sweaterMon = await answer('/proxy/product?handle=wool-sweater', mondayOrigin);
    assert.equal(sweaterMon.cutoff.ships_today, false);
    const remaining = (h, m) => mug.message.countdown.replace('{remaining}', mug.message.remaining.hours.replace('{h}', h).replace('{m}', m));
    await mon.waitForSelector(countdownOf(promiseOf('stoneware-mug')));
    assert.equal(await text(mon, countdownOf(promiseOf('stoneware-mug'))), remaining(4, 0));
    assert.equal(await text(mon, promiseOf('stoneware-mug')), `${mug.message.text}${remaining(4, 0)}`);
    assert.equal(await mon.$$eval(countdownOf(promiseOf('wool-sweater')), (els) => els.length), 0, 'no countdown for the sweater');
    summary.countdown = await text(mon, countdownOf(promiseOf('stoneware-mug')));

    // The cart with the mug alone ships today too, and counts down as well.
    await mon.click(`${card('stoneware-mug')} button.card__add`);
    await waitAnswer(mon, cartPromise, { lines: 1 });
    await mon.waitForSelector(countdownOf(cartPromise));
    assert.equal(await text(mon, countdownOf(cartPromise)), remaining(4, 0));

    await mon.evaluate(() => document.getElementById('toast').classList.remove('toast--shown'));
    await mon.waitForTimeout(400);
    await mon.screenshot({ path: path.join(artifacts, 'demo-countdown.png'), fullPage: true });

    // A minute later it says so.
    await mon.clock.fastForward('01:00');
    await mon.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes(' 59 '), countdownOf(promiseOf('stoneware-mug')));
    assert.equal(await text(mon, countdownOf(promiseOf('stoneware-mug'))), remaining(3, 59));

    // At the cutoff it is gone, and the promise is asked for again.
    await mon.clock.fastForward('04:00:00');
    await mon.waitForFunction((sel) => !document.querySelector(sel), countdownOf(promiseOf('stoneware-mug')));
    await mon.waitForFunction((sel) => !document.querySelector(sel), countdownOf(cartPromise));
    assert.equal(await text(mon, promiseOf('stoneware-mug')), mug.message.text);

    await mon.waitForTimeout(600);
    const monShifts = await mon.evaluate(() => window.__shifts);
    summary.clsCountdown = monShifts.cls;
    assert.equal(monShifts.cls, 0, `countdown layout shift must be 0: ${JSON.stringify(monShifts.entries)}`);
  }

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
}

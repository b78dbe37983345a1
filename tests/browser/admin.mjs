// The settings page in a real browser (Debian's chromium, driven by playwright-core).
//
//   node tests/browser/admin.mjs BASE_URL [ARTIFACTS_DIR]
//
// BASE_URL is a Leadtime server in demo mode, with a store, whose clock is fixed at
// 2026-11-28T09:15:00+01:00 (server/admin_browser_test.go starts one). As a merchant would, it
// adds a rule, enters an invalid range and sees the error at the field, fixes it and sees the
// preview change, saves, reloads and finds the rule kept, checks the storefront's answer, meets
// a concurrent edit (412), and restores the previous version. It saves screenshots to
// ARTIFACTS_DIR/admin-*.png and prints a one-line summary; any failure exits 1.
import { launch } from './chromium.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const [base, artifacts = 'artifacts'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node tests/browser/admin.mjs BASE_URL [ARTIFACTS_DIR]');
  process.exit(2);
}
const origin = new URL(base).origin;
const started = Date.now();
fs.mkdirSync(artifacts, { recursive: true });

async function json(method, pathAndQuery, body, headers = {}) {
  const res = await fetch(origin + pathAndQuery, {
    method, headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, etag: res.headers.get('ETag'), data: await res.json() };
}
async function walletProcessing() {
  const res = await json('GET', '/proxy/product?handle=leather-wallet');
  assert.equal(res.status, 200, 'GET /proxy/product?handle=leather-wallet');
  return res.data.processing;
}

const context = await launch('admin-browser', {
  viewport: { width: 1360, height: 900 },
  reducedMotion: 'reduce',
  locale: 'en-GB',
  // The merchant's computer is in Los Angeles; the page must still speak the shop's clock.
  timezoneId: 'America/Los_Angeles',
});

const problems = [];
// Answers the page is meant to get: 422 while the settings are invalid, 412 for the stale save.
const expected = new Set([412, 422]);
function watch(page) {
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 41[2]|status of 422/.test(msg.text())) problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol !== 'data:' && u.origin !== origin) problems.push(`request to another origin: ${req.url()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !expected.has(res.status())) problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
}
const shot = (page, name, opts = {}) => page.screenshot({ path: path.join(artifacts, `admin-${name}.png`), ...opts });

// Every control has a name a screen reader can say.
async function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.offsetParent !== null || el.type === 'checkbox')
    .filter((el) => {
      const labelled = (el.labels && [...el.labels].some((l) => l.textContent.trim())) || el.getAttribute('aria-label')
        || (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby')));
      return !(labelled || (el.tagName === 'BUTTON' && el.textContent.trim()));
    })
    .map((el) => el.outerHTML.slice(0, 120)));
}

// The preview has answered for the current form: no request in flight, no stale marker.
async function previewSettled(page) {
  await page.waitForFunction(() => !document.getElementById('p-results').hasAttribute('aria-busy'));
}

try {
  const page = await context.newPage();
  watch(page);
  await page.goto(`${base}/admin`);

  // 1. The page opens with the demo shop's settings and a preview at the server's clock.
  await page.locator('.pcard').first().waitFor();
  assert.equal(await page.locator('#f-timezone').inputValue(), 'Europe/Stockholm');
  assert.match(await page.locator('#save-state').textContent(), /settings file/);
  assert.match(await page.locator('#p-status').textContent(), /Sat 28 Nov 09:15 shop time/);
  assert.match(await page.locator('#p-start').textContent(), /Saturday is not a processing day.*Mon 30 Nov/);
  assert.deepEqual(await unlabelled(page), [], 'every control is labelled');
  // Demo mode has no Shopify: the checkout function's state says so, and
  // each shipping method has its checkout option titles.
  await page.waitForFunction(() => document.querySelector('#checkout-function').dataset.state);
  assert.equal(await page.locator('#checkout-function').getAttribute('data-state'), 'not_installed');
  assert.match(await page.locator('#checkout-function').textContent(), /not installed/);
  assert.equal(await page.getByLabel(/Checkout option titles, method 1 of Zone 1/).count(), 1);
  await page.locator('#upcoming-body tr').first().waitFor();
  assert.match(await page.locator('#upcoming-body').textContent(), /Julafton/);
  // The wallet in the preview: no rule, the shop's default.
  await page.getByLabel('Leather wallet').check();
  const walletCard = page.locator('.pcard[data-product="leather-wallet"]');
  await walletCard.waitFor();
  assert.equal(await walletCard.locator('[data-source]').textContent(), 'Shop default');
  await shot(page, '1-open');

  // 2. Add a rule by keyboard: Enter on "Add rule" puts the focus in the new rule's name.
  await page.locator('#add-rule').focus();
  await page.keyboard.press('Enter');
  const rule = page.locator('#rule-list > li').last();
  const name = rule.getByLabel('Name', { exact: true });
  assert.ok(await name.evaluate((el) => el === document.activeElement), 'focus moves to the new rule');
  await name.fill('leather-by-hand');
  await rule.getByLabel('Products (handles or ids)').fill('leather-wallet');
  const min = rule.getByLabel('At least');
  const max = rule.getByLabel('At most');
  await max.fill('3');
  await min.fill('9');

  // ... an invalid range: the error shows at the field, announced and described.
  await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true', await min.elementHandle());
  const describedBy = await min.getAttribute('aria-describedby');
  const message = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent || '').join(' '), describedBy);
  assert.match(message, /must be ≤ max \(3\)/, `the field's description says why: ${message}`);
  assert.ok(await rule.locator('.field-error', { hasText: 'must be ≤ max (3)' }).isVisible(), 'the message is shown in the rule');
  assert.match(await page.locator('#summary').textContent(), /Rule 4: leather-by-hand · Processing time: at least: must be ≤ max \(3\)/);
  assert.match(await page.locator('#p-status').textContent(), /waits until the problem is fixed/);
  assert.match(await page.locator('#save-state').textContent(), /Unsaved changes/);
  await rule.scrollIntoViewIfNeeded();
  await shot(page, '2-invalid-range');

  // The summary's link takes the focus to the field.
  await page.locator('#summary button').first().click();
  assert.ok(await min.evaluate((el) => el === document.activeElement), 'the summary focuses the field');

  // 3. Fix it: the error goes, and the preview changes to the new rule.
  await min.fill('2');
  await page.waitForFunction((el) => !el.hasAttribute('aria-invalid'), await min.elementHandle());
  await walletCard.locator('[data-source="rule"]').waitFor();
  assert.equal(await walletCard.locator('[data-source]').textContent(), 'Rule “leather-by-hand”');
  assert.match(await walletCard.locator('.why').textContent(), /Rule “leather-by-hand” applies: 2–3 processing days, because the product matches product “leather-wallet”/);
  assert.match(await rule.locator('.matches').textContent(), /Matches 1 of the 9 products in the catalog: Leather wallet/);
  assert.equal(await page.locator('#summary').isHidden(), true);
  await previewSettled(page);
  await walletCard.scrollIntoViewIfNeeded();
  await shot(page, '3-preview');

  // 4. Save: the storefront answers with the rule at once, and a reload finds it kept.
  assert.equal((await walletProcessing()).source, 'default', 'nothing reaches the storefront before the save');
  await page.locator('#save').click();
  await page.locator('#save-state', { hasText: 'Saved · version 1' }).waitFor();
  const live = await walletProcessing();
  assert.equal(live.source, 'rule');
  assert.equal(live.rule, 'leather-by-hand');
  assert.equal(live.min_days, 2);
  await page.reload();
  await page.locator('.pcard').first().waitFor();
  assert.equal(await page.locator('#rule-list > li').last().getByLabel('Name', { exact: true }).inputValue(), 'leather-by-hand');
  assert.match(await page.locator('#save-state').textContent(), /Saved · version 1/);
  await page.locator('#version-list li', { hasText: 'Version 1' }).waitFor();
  // The strip around Christmas shows the closure and the holidays.
  await page.locator('#p-at').fill('2026-12-21T10:00');
  await page.locator('#p-strip-body tr', { hasText: 'Closed: Julstängt' }).first().waitFor();
  assert.ok(await page.locator('#p-at-radio').isChecked());
  await previewSettled(page);
  await page.locator('#rule-list > li').last().scrollIntoViewIfNeeded();
  await page.locator('#p-strip-body tr', { hasText: 'Closed: Julstängt' }).last().scrollIntoViewIfNeeded();
  await shot(page, '4-saved');

  // 5. Someone else saves meanwhile: the page's save is refused, says so, and nothing is
  // overwritten.
  const theirs = await json('GET', '/admin/api/settings');
  theirs.data.cutoff = '13:00';
  const put = await json('PUT', '/admin/api/settings', theirs.data, { 'If-Match': theirs.etag });
  assert.equal(put.status, 200, 'the other save');
  await page.locator('#f-cutoff').fill('15:30');
  await page.locator('#save').click();
  const banner = page.locator('#banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /changed elsewhere.*version 2.*Nothing was overwritten/);
  assert.ok(await banner.evaluate((el) => el === document.activeElement), 'the banner takes the focus');
  assert.equal((await json('GET', '/admin/api/settings')).data.cutoff, '13:00', 'the stale save changed nothing');
  assert.equal(await page.locator('#f-cutoff').inputValue(), '15:30', 'the edits stay on the page');
  await shot(page, '5-conflict');
  await banner.getByRole('button', { name: /Load the latest version/ }).click();
  await page.locator('#save-state', { hasText: 'Saved · version 2' }).waitFor();
  assert.equal(await page.locator('#f-cutoff').inputValue(), '13:00');

  // 6. Restore the previous version (1: the rule, the old cutoff): one click.
  await page.locator('#version-list li', { hasText: 'Version 1' }).getByRole('button', { name: 'Restore version 1' }).click();
  await page.locator('#save-state', { hasText: 'Saved · version 3' }).waitFor();
  assert.equal(await page.locator('#f-cutoff').inputValue(), '14:00');
  await page.waitForFunction(() => /Version 1 restored as version 3/.test(document.getElementById('announcer').textContent));
  assert.equal((await walletProcessing()).rule, 'leather-by-hand');
  // ... and the file the demo started from: the rule is gone from the page and the storefront.
  await page.getByRole('button', { name: 'Restore the settings file' }).click();
  await page.locator('#save-state', { hasText: 'Saved · version 4' }).waitFor();
  assert.equal(await page.locator('#rule-list > li').count(), 3);
  assert.equal((await walletProcessing()).source, 'default');
  await page.locator('#h-versions').scrollIntoViewIfNeeded();
  await shot(page, '6-restored');

  // 7. The Merchant Center feed: its URL works; a new URL stops the old one.
  const feedURL = page.locator('#f-feed-url');
  await page.waitForFunction(() => /\/feeds\/google\/.+\/SE\.tsv$/.test(document.getElementById('f-feed-url').value));
  const oldURL = await feedURL.inputValue();
  const feed = await fetch(oldURL);
  assert.equal(feed.status, 200, `GET ${oldURL}`);
  assert.match(await feed.text(), /^id\tmin_handling_time\tmax_handling_time/);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'New feed URL' }).click();
  await page.waitForFunction((old) => { const v = document.getElementById('f-feed-url').value; return v && v !== old; }, oldURL);
  assert.equal((await fetch(oldURL)).status, 404, 'the old feed URL is gone');
  assert.equal((await fetch(await feedURL.inputValue())).status, 200, 'the new feed URL works');

  // A phone-sized screen: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.locator('.pcard').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '7-phone');

  assert.deepEqual(problems, [], 'no console errors, failed requests or requests elsewhere');
  console.log(`admin page ok: rule added, invalid range shown at the field, preview changed, saved (storefront follows), 412 shown, restored; ${Date.now() - started} ms`);
} catch (err) {
  console.error(err.stack || String(err));
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await context.close();
}

// Promise health on the settings page in a real browser (Debian's chromium, playwright-core).
//
//   node tests/browser/health.mjs BASE_URL [ARTIFACTS_DIR]
//
// BASE_URL is a Leadtime server in demo mode with a store (server/health_browser_test.go starts
// one, its clock fixed). The demo's generated history makes the rule "made-to-order" late: the
// page must show it worst kept, its suggestion beside the current 4–7 days, charts with text
// alternatives, and "Apply" must save the settings the normal way so that the next
// /proxy/product answer for the linen apron (under that rule) uses the suggested days. It saves
// ARTIFACTS_DIR/health-*.png and prints a one-line summary; any failure exits 1.
import { launch } from './chromium.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const [base, artifacts = 'artifacts'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node tests/browser/health.mjs BASE_URL [ARTIFACTS_DIR]');
  process.exit(2);
}
const origin = new URL(base).origin;
fs.mkdirSync(artifacts, { recursive: true });

async function apronProcessing() {
  const res = await fetch(`${origin}/proxy/product?handle=linen-apron`);
  assert.equal(res.status, 200, 'GET /proxy/product?handle=linen-apron');
  return (await res.json()).processing;
}

const context = await launch('health-browser', { viewport: { width: 1360, height: 900 }, locale: 'en-GB', reducedMotion: 'reduce' });
const problems = [];
try {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol !== 'data:' && u.origin !== origin) problems.push(`request to another origin: ${req.url()}`);
  });
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`); });

  const before = await apronProcessing();
  assert.equal(before.rule, 'made-to-order', 'the apron is under the late rule');
  assert.deepEqual([before.min_days, before.max_days], [4, 7]);

  await page.goto(`${base}/admin`);
  // The late rule is the worst kept, first in "By rule".
  const firstRule = page.locator('#health-groups table').first().locator('tbody tr').first();
  await firstRule.waitFor();
  assert.equal(await firstRule.getAttribute('data-key'), 'rule:made-to-order');
  assert.match(await firstRule.textContent(), /Rule "made-to-order"/);
  assert.match(await firstRule.locator('td.kept-bad').textContent(), /^\d+ % \(\d+ of \d+\)$/);
  // Charts are SVG with a name and their numbers said in words.
  const charts = firstRule.locator('svg[role="img"]');
  assert.equal(await charts.count(), 2, 'a trend and a histogram');
  assert.match(await charts.nth(0).locator(':scope > title').textContent(), /Kept rate per week.*on time/);
  assert.match(await charts.nth(1).locator(':scope > title').textContent(), /Real processing days.*promised 4–7/);
  assert.equal(await page.getByRole('img', { name: /^Real processing days, Rule "made-to-order"/ }).count(), 1, 'the chart is named by its title');
  assert.match(await page.locator('#health-status').textContent(), /order lines shipped on time/);

  // Orders at risk now: the demo's late #D1 first, then #D2, linked to Shopify admin.
  const risk = page.locator('#health-at-risk li');
  assert.equal(await risk.count(), 2, 'two demo orders at risk');
  assert.equal(await risk.first().locator('a').getAttribute('href'), 'https://admin.shopify.com/store/demo-handmade/orders/4900001');
  assert.match(await risk.first().textContent(), /#D1 late: was due/);
  assert.match(await risk.nth(1).textContent(), /#D2 ship by/);

  // Its suggestion: current 4–7 beside the suggested p5–p95.
  const sg = page.locator('#health-suggestions tr[data-key="rule:made-to-order"]');
  await sg.waitFor();
  assert.equal(await sg.locator('td.current').textContent(), '4–7 days');
  const suggested = (await sg.locator('td.suggested').textContent()).match(/^(\d+)–(\d+) days$/);
  assert.ok(suggested, 'a suggested range');
  const [min, max] = [Number(suggested[1]), Number(suggested[2])];
  assert.ok(max > 7, `the suggestion is longer than promised: ${min}–${max}`);
  await sg.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'health-1-report.png'), fullPage: false });

  // Apply: a normal save, a new version, and the storefront answers with the new days.
  await sg.getByRole('button', { name: /Apply/ }).click();
  await page.waitForFunction(() => /Saved · version \d+/.test(document.getElementById('save-state').textContent));
  const after = await apronProcessing();
  assert.deepEqual([after.min_days, after.max_days], [min, max], 'the next /proxy/product answer uses the suggestion');
  // The report reloads, and the rule's suggestion no longer changes anything.
  await page.locator('#health-suggestions tr[data-key="rule:made-to-order"]').waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(artifacts, 'health-2-applied.png'), fullPage: false });

  assert.deepEqual(problems, []);
  console.log(`health: made-to-order 4–7 → ${min}–${max} applied; /proxy/product follows`);
} catch (err) {
  console.error(err);
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await context.close();
}

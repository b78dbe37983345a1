// Unit tests of src/promise.ts, run by checkout_test.go (go test): it compiles promise.ts with the
// pinned TypeScript into a temporary directory and runs `node --test` on this file with
// LEADTIME_PROMISE_JS set to the compiled module. Run under a time zone west of UTC (the Go test
// sets TZ=America/Los_Angeles), where a civil date parsed as UTC shows as the day before.
'use strict';

const assert = require('node:assert/strict');
const {test} = require('node:test');

const p = require(process.env.LEADTIME_PROMISE_JS);

// ICU spaces ranges with thin and narrow no-break spaces, which vary between ICU versions.
const plain = (s) => s.replace(/\s/g, ' ');

const variant = (id, quantity = 1, requiresShipping) => ({
  quantity,
  merchandise: {id: `gid://shopify/ProductVariant/${id}`, requiresShipping},
});

test('cartRequest sends the shipping lines, the country and the locale', () => {
  assert.deepEqual(
    p.cartRequest([variant(2001, 1, true), variant(2011, 2), variant(9, 1, false)], 'SE', 'sv-SE'),
    {
      items: [
        {variant_id: 'gid://shopify/ProductVariant/2001', quantity: 1},
        {variant_id: 'gid://shopify/ProductVariant/2011', quantity: 2},
      ],
      country: 'SE',
      locale: 'sv-SE',
    },
  );
});

test('cartRequest asks nothing it cannot answer well', () => {
  assert.equal(p.cartRequest([], 'SE', 'sv'), null, 'no lines');
  assert.equal(p.cartRequest([variant(1, 1, false)], 'SE', 'sv'), null, 'nothing ships');
  assert.equal(p.cartRequest([variant(1)], undefined, 'sv'), null, 'no destination');
  assert.equal(p.cartRequest([variant(1)], 'ZZ', 'sv'), null, 'unknown region');
  assert.equal(p.cartRequest([variant(1)], 'se', 'sv'), null, 'not a country code');
  const many = Array.from({length: p.MAX_LINES + 1}, (_, i) => variant(i + 1));
  assert.equal(p.cartRequest(many, 'SE', 'sv'), null, 'more lines than the server takes');
  const odd = [{quantity: 1, merchandise: {id: 'gid://shopify/Product/1'}}, variant(2, 0)];
  assert.equal(p.cartRequest(odd, 'SE', 'sv'), null, 'no variant GID, no quantity');
  assert.equal(p.cartRequest([variant(1)], 'SE', 'not a locale!').locale, undefined);
});

test('livePromise reads only a usable answer', () => {
  assert.deepEqual(p.livePromise({available: true, locale: 'sv', message: {text: ' Skickas 7–10 dec '}}), {
    text: 'Skickas 7–10 dec',
    locale: 'sv',
  });
  assert.equal(p.livePromise({available: false, message: {text: 'None available'}}), null);
  assert.equal(p.livePromise({available: true, message: {text: '  '}}), null);
  assert.equal(p.livePromise({error: {code: 'unauthorized'}}), null);
  assert.equal(p.livePromise(null), null);
});

test('parseFrozen reads the metafield and the attribute', () => {
  const attribute =
    '{"ships":{"earliest":"2026-12-07","latest":"2026-12-10"},"delivery":{"earliest":"2026-12-08","latest":"2026-12-15"},"text":"Ships Dec 7–10 · Arrives Dec 8–15","quoted_at":"2026-11-28T09:15:00+01:00"}';
  assert.deepEqual(p.parseFrozen(attribute), {
    ships: {earliest: '2026-12-07', latest: '2026-12-10'},
    delivery: {earliest: '2026-12-08', latest: '2026-12-15'},
    text: 'Ships Dec 7–10 · Arrives Dec 8–15',
  });
  const metafield = {
    available: true,
    ships: {earliest: '2026-12-07', latest: '2026-12-10'},
    delivery: null,
    message: {text: 'Skickas 7–10 dec', html: '...'},
    lines: [],
  };
  assert.deepEqual(p.parseFrozen(JSON.stringify(metafield)), {
    ships: {earliest: '2026-12-07', latest: '2026-12-10'},
    text: 'Skickas 7–10 dec',
  });
  assert.equal(p.parseFrozen('{"available":false,"message":{"text":"x"}}'), null);
  assert.equal(p.parseFrozen('not json'), null);
  assert.equal(p.parseFrozen('[]'), null);
  assert.equal(p.parseFrozen('{"ships":{"earliest":"2026-02-30","latest":"2026-03-01"}}'), null);
  assert.equal(p.parseFrozen('{"ships":{"earliest":"2026-12-10","latest":"2026-12-07"}}'), null);
});

test('formatWindow never moves a date', () => {
  const w = (earliest, latest, locale) => plain(p.formatWindow({earliest, latest}, locale));
  assert.equal(w('2026-12-07', '2026-12-10', 'en'), 'Dec 7 – 10');
  assert.equal(w('2026-12-07', '2026-12-07', 'en'), 'Dec 7');
  assert.equal(w('2026-12-07', '2026-12-10', 'de'), '7.–10. Dez.');
  assert.match(w('2026-12-31', '2027-01-02', 'sv'), /^31 dec\.? 2026 ?– ?2 jan\.? 2027$/);
  assert.equal(w('2026-12-07', '2026-12-10', 'no such locale!'), 'Dec 7 – 10');
});

test('formatFrozen says the frozen dates in the extension language', () => {
  const t = (key, r) => plain(`${key} ${JSON.stringify(r)}`);
  const ships = {earliest: '2026-12-07', latest: '2026-12-10'};
  const delivery = {earliest: '2026-12-08', latest: '2026-12-15'};
  assert.equal(p.formatFrozen({ships, delivery}, 'en', t), 'order.both {"ships":"Dec 7 – 10","delivery":"Dec 8 – 15"}');
  assert.equal(p.formatFrozen({ships}, 'en', t), 'order.ships {"ships":"Dec 7 – 10"}');
  assert.equal(p.formatFrozen({delivery}, 'en', t), 'order.delivery {"delivery":"Dec 8 – 15"}');
  assert.equal(p.formatFrozen({text: 'Ships soon'}, 'en', t), 'Ships soon');
});

test('serverUrl takes only an https origin from the setting', () => {
  assert.equal(p.serverUrl({}), 'https://leadtime.fly.dev');
  assert.equal(p.serverUrl({app_url: 'https://abc.trycloudflare.com/'}), 'https://abc.trycloudflare.com');
  assert.equal(p.serverUrl({app_url: 'http://leadtime.example'}), 'https://leadtime.fly.dev');
  assert.equal(p.serverUrl({app_url: 'https://leadtime.example/path'}), 'https://leadtime.fly.dev');
});

test('sameLanguage compares base languages', () => {
  assert.equal(p.sameLanguage('sv-SE', 'sv'), true);
  assert.equal(p.sameLanguage('en', 'en-GB'), true);
  assert.equal(p.sameLanguage('es', 'en'), false);
  assert.equal(p.sameLanguage('', 'en'), false);
});

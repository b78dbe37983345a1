// The Leadtime app embed (blocks/leadtime-embed.liquid): keeps every <leadtime-promise> on a
// theme page current. It tells them when the cart or the selected variant changes, puts a cart
// promise into the cart drawer, and makes sure one element keeps the _leadtime attribute.
const $$ = (sel) => document.querySelectorAll(sel);
const refresh = () => document.dispatchEvent(new CustomEvent('leadtime:refresh'));
const CART = /\/cart\/(add|change|update|clear)(\.js)?$/;
const isCart = (url) => {
  try { return CART.test(new URL(url, location.href).pathname); } catch { return false; }
};

// The cart changed: themes call the AJAX cart API with fetch or XHR. A write of _leadtime
// alone is the client's own, and changes no promise.
const fetch0 = window.fetch;
window.fetch = function (input, init) {
  const res = fetch0.apply(this, arguments);
  if (isCart(input?.url ?? input) && !String(init?.body ?? '').includes('_leadtime')) {
    res.then((r) => r.ok && refresh(), () => {});
  }
  return res;
};
const open0 = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (method, url) {
  if (isCart(url)) this.addEventListener('load', refresh);
  return open0.apply(this, arguments);
};

// The variant changed: a product promise takes it when the variant is one of its product's.
const setVariant = (id) => {
  for (const el of $$('leadtime-promise[data-variants]')) {
    if (id && `,${el.dataset.variants},`.includes(`,${id},`)) el.setAttribute('variant-id', id);
  }
};
// Themes write the variant into ?variant= and their product forms' id input.
const fromPage = () => setTimeout(() => {
  setVariant(new URLSearchParams(location.search).get('variant'));
  for (const input of $$('form[action*="/cart/add"] [name="id"]')) setVariant(input.value);
});
document.addEventListener('change', (e) => {
  if (e.target.closest?.('variant-selects, variant-radios, form[action*="/cart/add"]')) fromPage();
});
document.addEventListener('variant:change', (e) => {
  const id = e.detail?.variant?.id;
  if (id) setVariant(id); else fromPage();
});
window.subscribe?.('variant-change', (e) => setVariant(e.data?.variant?.id)); // Dawn's pubsub

// The embed's settings, and the drawer's promise, come in a template element.
const cfg = document.getElementById('leadtime-embed');

// One cart element keeps _leadtime current: the cart block's, else a hidden one.
if (!document.querySelector('leadtime-promise[cart][sync-attribute]')) {
  const el = document.createElement('leadtime-promise');
  el.hidden = true;
  for (const a of ['cart', 'sync-attribute']) el.setAttribute(a, '');
  if (cfg?.dataset.endpoint) el.setAttribute('endpoint', cfg.dataset.endpoint);
  document.body.append(el);
}

// The cart drawer: themes redraw it, so the promise goes back in whenever it is missing.
const drawers = cfg?.dataset.drawer;
if (drawers) {
  const place = () => {
    for (const d of $$(drawers)) {
      if (d.querySelector('leadtime-promise')) continue;
      const at = d.querySelector('[name="checkout"]')?.parentElement; // the checkout buttons
      const box = cfg.content.cloneNode(true);
      if (at && at !== d) at.before(box);
      else d.append(box);
    }
  };
  try {
    place();
    for (const d of $$(drawers)) new MutationObserver(place).observe(d, { childList: true, subtree: true });
  } catch { /* a selector the browser cannot read: no drawer promise */ }
}

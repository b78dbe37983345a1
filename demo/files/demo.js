// The demo storefront: product cards and a cart, driven by the same Shopify AJAX cart calls
// (/cart.js, /cart/add.js, ...) as a real theme; this server fakes the cart API in demo mode.
// The promises are the theme app extension's own blocks, which the server renders (the product
// block into catalog.json, the cart block and the app embed into the page): their markup, CSS
// and JS are the storefront's. Like a theme, this page changes the variant in a product form
// and leaves the rest to the embed. Every other piece of data goes in as text, never HTML.

const $ = (id) => document.getElementById(id);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
// Destinations outside the shop's zones, to show its rest-of-the-world rates.
const EXTRA_COUNTRIES = ['US', 'JP', 'AU', 'GB', 'CA', 'CH', 'NZ', 'BR'];
const SOURCES = {
  variant_metafield: 'variant metafield',
  product_metafield: 'product metafield',
  default: 'shop default',
};

let catalog = null;
let country = '';
const cardByVariant = new Map(); // variant id → { product, variant }

async function getJSON(url, init) {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, ...init });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(body?.error?.message || `${url}: HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

function postJSON(url, data) {
  return getJSON(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(data ?? {}),
  });
}

// h builds an element: h('p', {class: 'x'}, 'text', child). Strings become text nodes.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children);
  return el;
}

let toastTimer = 0;
function toast(message, kind = 'info') {
  const t = $('toast');
  t.textContent = message;
  t.dataset.kind = kind;
  t.classList.add('toast--shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('toast--shown'), 3200);
}

function hue(s) {
  let n = 0;
  for (const c of s) n = (n * 31 + c.codePointAt(0)) % 360;
  return n;
}

function countryName(code) {
  try {
    return regionNames.of(code) || code;
  } catch {
    return code;
  }
}

// ---- the facts strip ----

function formatInstant(iso, timeZone) {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
  }).format(new Date(iso));
}

// The facts come from the answers themselves: when they were quoted, and the shop's next
// cutoff, the earliest of all (a pre-order's cutoff is that of its later first day).
let earliestCutoff = null;
function showFacts(answer) {
  if (!answer?.quoted_at) return;
  $('fact-quoted').textContent = formatInstant(answer.quoted_at, answer.timezone);
  const at = answer.cutoff?.at;
  if (at && (!earliestCutoff || Date.parse(at) < Date.parse(earliestCutoff))) {
    earliestCutoff = at;
    $('fact-cutoff').textContent = formatInstant(at, answer.timezone);
  }
}

// ---- product cards ----

function why(a) {
  if (!a.available) return 'Out of stock, not sold on backorder';
  const p = a.processing;
  if (!p) return '';
  const days = p.min_days === p.max_days ? `${p.min_days}` : `${p.min_days}–${p.max_days}`;
  const source = p.source === 'rule' ? `rule “${p.rule}”` : SOURCES[p.source] || p.source;
  let text = `${days} processing day${p.max_days === 1 ? '' : 's'} · ${source}`;
  if (p.backorder) text += ', incl. backorder';
  if (p.ships_on) text = `Pre-order from ${p.ships_on} · ${text}`;
  return text;
}

function badge(a) {
  const p = a.processing || {};
  if (!a.available) return ['Sold out', 'sold-out'];
  if (p.ships_on) return ['Pre-order', 'pre-order'];
  if (p.backorder) return ['Backorder', 'backorder'];
  if (a.cutoff?.ships_today) return ['Ships today', 'today'];
  return p.readiness === 'made_to_order' ? ['Made to order', 'made'] : ['Ready to ship', 'ready'];
}

function setButton(button, variant) {
  button.disabled = !variant.available;
  button.textContent = variant.available ? 'Add to cart' : 'Sold out';
}

function card(product) {
  const first = product.variants.find((v) => v.available) || product.variants[0];
  const selectId = `variant-${product.id}`;
  const titleId = `title-${product.id}`;
  const select = h('select', { id: selectId, name: 'id' });
  for (const v of product.variants) {
    select.append(h('option', { value: v.id, selected: v === first, text: v.available ? v.title : `${v.title} (sold out)` }));
    cardByVariant.set(v.id, { product, variant: v });
  }
  if (product.variants.length === 1) select.disabled = true;

  // The product block, as the server rendered it for this product; only its box, not the
  // stylesheet and module it links (the page has them).
  const tpl = document.createElement('template');
  tpl.innerHTML = product.promise_html;
  const box = tpl.content.querySelector('.leadtime-block');
  const promise = box.querySelector('leadtime-promise');
  promise.setAttribute('country', country);
  const button = h('button', { type: 'submit', class: 'button button--primary card__add' });
  setButton(button, first);
  const badgeEl = h('span', { class: 'card__badge', hidden: true });
  const whyEl = h('p', { class: 'card__why' }, '\u00a0');

  promise.addEventListener('leadtime:answer', (e) => {
    const a = e.detail;
    if (!a) return;
    showFacts(a);
    const [label, kind] = badge(a);
    badgeEl.textContent = label;
    badgeEl.dataset.kind = kind;
    badgeEl.hidden = false;
    whyEl.textContent = why(a) || '\u00a0';
    whyEl.title = whyEl.textContent;
  });

  // The app embed sees the product form change and sets the promise's variant-id.
  select.addEventListener('change', () => {
    setButton(button, product.variants.find((x) => String(x.id) === select.value));
  });

  const form = h('form', { class: 'card__form', action: '/cart/add', method: 'post' },
    h('div', { class: 'field' },
      h('label', { for: selectId, text: 'Variant' }),
      select),
    whyEl,
    h('div', { class: 'card__promise' }, box),
    button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = product.variants.find((x) => String(x.id) === select.value);
    button.disabled = true;
    button.textContent = 'Adding…';
    try {
      await postJSON('/cart/add.js', { items: [{ id: v.id, quantity: 1 }] });
      await refreshCart(true);
      toast(`Added ${product.title}${product.variants.length > 1 ? ` (${v.title})` : ''} to the cart.`);
    } catch (err) {
      toast(err.message, 'error');
    } finally {
      setButton(button, v);
    }
  });

  const art = h('div', { class: 'card__art', 'aria-hidden': 'true' },
    h('span', { class: 'card__type', text: (product.product_type || product.title).toLowerCase() }), badgeEl);
  art.style.setProperty('--hue', hue(product.handle));

  return h('li', { class: 'card', 'data-handle': product.handle },
    h('article', { 'aria-labelledby': titleId },
      art,
      h('div', { class: 'card__body' },
        h('p', { class: 'card__vendor', text: product.vendor }),
        h('h3', { class: 'card__title', id: titleId, text: product.title }),
        form)));
}

// ---- the country picker ----

function fillCountries() {
  const codes = new Set([catalog.country, ...(catalog.countries || []), ...EXTRA_COUNTRIES].filter(Boolean));
  const options = [...codes].map((c) => [c, countryName(c)]).sort((a, b) => a[1].localeCompare(b[1], 'en'));
  const select = $('country');
  select.replaceChildren(...options.map(([code, name]) => h('option', { value: code, selected: code === country, text: name })));
  select.addEventListener('change', () => {
    country = select.value;
    for (const el of document.querySelectorAll('leadtime-promise')) el.setAttribute('country', country);
    toast(`Shipping to ${countryName(country)}: every date is quoted again.`);
  });
}

// ---- the cart ----

const lineEls = new Map(); // line key → <li>

function lineEl(item) {
  const name = item.product_title + (item.variant_title ? ` (${item.variant_title})` : '');
  const qty = h('span', { class: 'line__qty', 'aria-live': 'polite' });
  const change = async (quantity) => {
    try {
      const after = await postJSON('/cart/change.js', { id: item.key, quantity });
      const kept = after.items.find((i) => i.key === item.key);
      if (quantity > 0 && kept && kept.quantity < quantity) toast(`Only ${kept.quantity} of ${name} in stock.`, 'error');
      await refreshCart(true);
      if (quantity === 0) {
        toast(`Removed ${name}.`);
        $('cart-title').focus();
      }
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  const li = h('li', { class: 'line', 'data-key': item.key, 'data-variant': item.variant_id },
    h('span', { class: 'line__swatch', 'aria-hidden': 'true' }),
    h('div', { class: 'line__main' },
      h('span', { class: 'line__title', text: item.product_title }),
      h('span', { class: 'line__variant', text: item.variant_title || '\u00a0' }),
      h('span', { class: 'line__promise' }, '\u00a0')),
    h('div', { class: 'line__controls' },
      h('div', { class: 'stepper' },
        h('button', { type: 'button', class: 'stepper__btn', 'data-step': '-1', 'aria-label': `One fewer ${name}`, text: '−' }),
        qty,
        h('button', { type: 'button', class: 'stepper__btn', 'data-step': '1', 'aria-label': `One more ${name}`, text: '+' })),
      h('button', { type: 'button', class: 'button button--quiet line__remove', 'aria-label': `Remove ${name}`, text: 'Remove' })));
  li.querySelector('.line__swatch').style.setProperty('--hue', hue(item.handle));
  li.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    const current = Number(li.dataset.quantity);
    if (b.classList.contains('line__remove')) change(0);
    else change(Math.max(0, current + Number(b.dataset.step)));
  });
  return li;
}

function renderCart(cart) {
  const list = $('lines');
  const keys = new Set(cart.items.map((i) => i.key));
  for (const [key, li] of lineEls) {
    if (!keys.has(key)) {
      li.remove();
      lineEls.delete(key);
    }
  }
  for (const item of cart.items) {
    let li = lineEls.get(item.key);
    if (!li) {
      li = lineEl(item);
      lineEls.set(item.key, li);
      list.append(li);
    }
    if (li.dataset.quantity !== String(item.quantity)) {
      li.dataset.quantity = item.quantity;
      li.querySelector('.line__qty').textContent = item.quantity;
    }
  }
  $('cart-count').textContent = `(${cart.item_count})`;
  $('cart-empty').hidden = cart.items.length > 0;
  $('cart-clear').disabled = cart.items.length === 0;
  renderAttribute(cart.attributes?._leadtime);
}

function renderAttribute(value) {
  let text = 'not set';
  let dates = '\u00a0';
  if (value) {
    try {
      const v = JSON.parse(value);
      text = `“${v.text}”`;
      dates = `ships    ${v.ships.earliest} → ${v.ships.latest}\narrives  ${v.delivery.earliest} → ${v.delivery.latest}`;
    } catch {
      text = value;
    }
  }
  $('attr-text').textContent = text;
  $('attr-text').title = value || '';
  $('attr-dates').textContent = dates;
}

// refreshCart reads /cart.js and, after a change, tells the page the way themes do: with a
// cart:updated event, which <leadtime-promise cart> listens for.
async function refreshCart(changed) {
  const cart = await getJSON('/cart.js', { cache: 'no-store' });
  renderCart(cart);
  if (changed) document.dispatchEvent(new CustomEvent('cart:updated', { detail: { cart } }));
  return cart;
}

function showLineAnswers(answer) {
  for (const line of answer?.lines || []) {
    for (const li of lineEls.values()) {
      if (Number(li.dataset.variant) === line.variant_id) {
        li.querySelector('.line__promise').textContent = line.error ? line.error.message : line.message?.text || '\u00a0';
      }
    }
  }
}

// ---- start ----

async function start() {
  try {
    catalog = await getJSON('/demo/catalog.json');
  } catch (err) {
    $('loading').hidden = true;
    $('load-error').textContent = `The catalog could not be loaded: ${err.message}`;
    $('load-error').hidden = false;
    return;
  }
  country = catalog.country || '';
  $('fact-shop').textContent = catalog.shop;
  $('fact-tz').textContent = catalog.timezone || '—';
  fillCountries();
  $('products').replaceChildren(...catalog.products.map(card));
  const cartPromise = document.querySelector('.cart__promise leadtime-promise');
  cartPromise.setAttribute('country', country);
  cartPromise.addEventListener('leadtime:answer', (e) => showLineAnswers(e.detail));
  cartPromise.addEventListener('leadtime:synced', (e) => renderAttribute(e.detail?.attributes?._leadtime));
  $('cart-clear').addEventListener('click', async () => {
    try {
      await postJSON('/cart/clear.js');
      await refreshCart(true);
      toast('The cart is empty.');
    } catch (err) {
      toast(err.message, 'error');
    }
  });
  // Show everything at once: the cards, then the cart, appear in one frame, so nothing moves.
  $('loading').remove();
  $('shop').hidden = false;
  try {
    await refreshCart(false);
  } catch (err) {
    toast(`The cart could not be loaded: ${err.message}`, 'error');
  }
}

start();

// <leadtime-promise>: the one Leadtime client, for themes, the demo and headless shops.
//   <leadtime-promise product-id="1" variant-id="2" country="SE"></leadtime-promise>
//   <leadtime-promise cart sync-attribute></leadtime-promise>: quotes /cart.js, keeps _leadtime
// endpoint: /apps/leadtime (app proxy, default) or https://APP/storefront/v1 (with shop=).
// Renders the server's escaped message.html in light DOM; the fallback inside stays until an
// answer arrives, and on failure. Sets data-state (loading|ready|empty|error) and el.answer;
// fires "leadtime:answer" (bubbles) and, after updating the cart attribute, "leadtime:synced".
const EVENTS = ['cart:updated', 'cart:refresh', 'cart:change', 'theme:cart:change', 'ajaxProduct:added', 'shopify:section:load'];
const PARAMS = ['shop', 'country', 'locale', 'method'];
const JSON_TYPE = 'application/json';

const got = async (res) => {
  const r = await res;
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
};
const root = () => globalThis.Shopify?.routes?.root || '/';
// What the _leadtime attribute says, less quoted_at, which changes with every quote.
const gist = (v) => {
  try { const o = JSON.parse(v); return JSON.stringify([o.ships, o.delivery, o.text]); } catch { return ''; }
};

export class LeadtimePromise extends HTMLElement {
  static observedAttributes = ['product-id', 'variant-id', 'handle', 'country', 'locale', 'method', 'endpoint', 'shop', 'cart'];
  #fallback = null;
  #answer = null;
  #ctl = null;
  #timer = 0;
  #onCart = () => this.hasAttribute('cart') && this.refresh();

  /** The last answer (JSON), or null. */
  get answer() { return this.#answer; }

  connectedCallback() {
    if (this.#fallback === null) this.#fallback = this.innerHTML;
    for (const e of EVENTS) document.addEventListener(e, this.#onCart);
    this.#schedule(0);
  }

  disconnectedCallback() {
    for (const e of EVENTS) document.removeEventListener(e, this.#onCart);
    clearTimeout(this.#timer);
    this.#ctl?.abort();
  }

  attributeChangedCallback(name, old, value) {
    if (old !== value && this.isConnected) this.refresh();
  }

  /** Fetch again, debounced: many calls in a burst make one request. */
  refresh() { this.#schedule(100); }

  #schedule(ms) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#load(), ms);
  }

  #param(name) {
    const v = this.getAttribute(name);
    if (v) return v;
    const s = globalThis.Shopify; // the theme's localization, when the element is not told
    return name === 'country' ? s?.country : name === 'locale' ? s?.locale : null;
  }

  async #load() {
    this.#ctl?.abort();
    const ctl = (this.#ctl = new AbortController());
    const { signal } = ctl;
    const base = (this.getAttribute('endpoint') || '/apps/leadtime').replace(/\/+$/, '');
    const q = new URLSearchParams();
    for (const p of PARAMS) { const v = this.#param(p); if (v) q.set(p, v); }
    const headers = { Accept: JSON_TYPE };
    this.dataset.state = 'loading';
    let cart = null;
    let answer = null;
    try {
      if (this.hasAttribute('cart')) {
        cart = await got(fetch(`${root()}cart.js`, { signal, headers, cache: 'no-store', credentials: 'same-origin' }));
        answer = cart.items?.length ? await got(fetch(`${base}/cart?${q}`, {
          method: 'POST', signal, cache: 'no-store', headers: { ...headers, 'Content-Type': JSON_TYPE }, body: JSON.stringify(cart),
        })) : null; // an empty cart has no promise: show the fallback
      } else {
        for (const [a, p] of [['product-id', 'product_id'], ['handle', 'handle'], ['variant-id', 'variant_id']]) {
          const v = this.getAttribute(a);
          if (v) q.set(p, v);
        }
        if (!q.has('product_id') && !q.has('handle')) throw new Error('product-id or handle is required');
        answer = await got(fetch(`${base}/product?${q}`, { signal, headers }));
      }
    } catch {
      if (signal.aborted) return;
      this.innerHTML = this.#fallback; // the server-rendered text, never an empty box
      this.dataset.state = 'error';
      return;
    }
    if (!signal.aborted) this.#show(answer, cart, signal);
  }

  #show(answer, cart, signal) {
    this.#answer = answer;
    const html = answer?.message?.html || this.#fallback;
    if (this.innerHTML !== html) this.innerHTML = html; // unchanged text is not re-announced
    this.dataset.state = answer ? 'ready' : 'empty';
    // A countdown belongs only to answer.cutoff.ships_today; none is shown yet, none invented.
    this.dispatchEvent(new CustomEvent('leadtime:answer', { bubbles: true, detail: answer }));
    if (cart && this.hasAttribute('sync-attribute')) this.#sync(cart, answer, signal);
  }

  // Keep the cart attribute _leadtime (DESIGN §5) equal to the answer, so checkout, the order
  // and its emails say what the cart said. "" removes it (empty or unavailable cart).
  async #sync(cart, a, signal) {
    const value = a?.ships && a.delivery ? JSON.stringify({
      ships: { earliest: a.ships.earliest, latest: a.ships.latest },
      delivery: { earliest: a.delivery.earliest, latest: a.delivery.latest },
      text: a.message?.text ?? '',
      quoted_at: a.quoted_at,
    }) : '';
    const current = cart.attributes?._leadtime ?? '';
    if (value ? gist(value) === gist(current) : !current) return;
    try {
      const updated = await got(fetch(`${root()}cart/update.js`, {
        method: 'POST', signal, credentials: 'same-origin',
        headers: { Accept: JSON_TYPE, 'Content-Type': JSON_TYPE },
        body: JSON.stringify({ attributes: { _leadtime: value } }),
      }));
      this.dispatchEvent(new CustomEvent('leadtime:synced', { bubbles: true, detail: updated }));
    } catch { /* the promise on screen stays right; the next cart event tries again */ }
  }
}

if (!customElements.get('leadtime-promise')) customElements.define('leadtime-promise', LeadtimePromise);

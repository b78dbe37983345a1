// <leadtime-promise>: the one Leadtime client (themes, demo, headless); README.md documents it.
// It shows the server's escaped message.html, or else the fallback it was given.
const EVENTS = ['cart:updated', 'cart:refresh', 'cart:change', 'theme:cart:change', 'ajaxProduct:added', 'shopify:section:load', 'leadtime:refresh'];
const PARAMS = ['shop', 'country', 'locale', 'method'];
const IDS = ['product-id', 'handle', 'variant-id', 'items'];
const JSON_TYPE = 'application/json';

const got = async (res) => {
  const r = await res;
  if (!r.ok) throw Error(r.status);
  return r.json();
};
const root = () => globalThis.Shopify?.routes?.root || '/';
// _leadtime, less quoted_at (new at each quote).
const gist = (v) => {
  try { const o = JSON.parse(v); return JSON.stringify([o.ships, o.delivery, o.text]); } catch { return ''; }
};
const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class LeadtimePromise extends HTMLElement {
  static observedAttributes = [...PARAMS, ...IDS, 'endpoint', 'cart'];
  #answer = null;
  #fallback;
  #shown;
  #ctl;
  #timer;
  #tick;
  #onCart = () => this.hasAttribute('cart') && this.refresh();

  get answer() { return this.#answer; }

  connectedCallback() {
    this.#fallback ??= this.#shown = this.innerHTML;
    for (const e of EVENTS) document.addEventListener(e, this.#onCart);
    this.refresh(0);
  }

  disconnectedCallback() {
    for (const e of EVENTS) document.removeEventListener(e, this.#onCart);
    clearTimeout(this.#timer);
    clearTimeout(this.#tick);
    this.#ctl?.abort();
  }

  attributeChangedCallback(name, old, value) {
    if (old !== value && this.isConnected) this.refresh();
  }

  /** Fetch again, debounced. */
  refresh(ms = 100) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#load(), ms);
  }

  async #load() {
    this.#ctl?.abort();
    const { signal } = (this.#ctl = new AbortController());
    const base = (this.getAttribute('endpoint') || '/apps/leadtime').replace(/\/+$/, '');
    const s = globalThis.Shopify; // the theme's, unless told
    const q = new URLSearchParams();
    for (const p of PARAMS) {
      const v = this.getAttribute(p) || { country: s?.country, locale: s?.locale }[p];
      if (v) q.set(p, v);
    }
    const headers = { Accept: JSON_TYPE };
    this.dataset.state = 'loading';
    let cart = null;
    let a = null;
    try {
      if (this.hasAttribute('cart')) {
        cart = await got(fetch(`${root()}cart.js`, { signal, headers, cache: 'no-store' }));
        a = cart.items?.length ? await got(fetch(`${base}/cart?${q}`, {
          method: 'POST', signal, cache: 'no-store', headers: { ...headers, 'Content-Type': JSON_TYPE }, body: JSON.stringify(cart),
        })) : null; // an empty cart: the fallback
      } else {
        for (const p of IDS) {
          const v = this.getAttribute(p);
          if (v) q.set(p.replace('-', '_'), v);
        }
        a = this.matches('[items=""]') ? null : await got(fetch(`${base}/${q.has('items') ? 'cart' : 'product'}?${q}`, { signal, headers }));
      }
    } catch {
      if (signal.aborted) return;
      this.#put(this.#fallback);
      this.dataset.state = 'error';
      return;
    }
    if (signal.aborted) return;
    this.#answer = a;
    this.#put(a?.message?.html ? this.#html(a.message) : this.#fallback, a);
    this.dataset.state = a ? 'ready' : 'empty';
    this.dispatchEvent(new CustomEvent('leadtime:answer', { bubbles: true, detail: a }));
    if (cart && this.hasAttribute('sync-attribute')) this.#sync(cart, a, signal);
  }

  // parts: the halves of a built-in "[label · ]ships · delivery" to keep.
  #html(m) {
    const want = this.getAttribute('parts') || 'ships delivery';
    const t = m.text.split(' · ');
    if (t.length < 2) return m.html;
    const [s, d] = t.splice(-2);
    const text = [...t, ...(/ships/.test(want) ? [s] : []), ...(/delivery/.test(want) ? [d] : [])].join(' · ');
    return text === m.text ? m.html : m.html.replace(/>[^<]*</, `>${esc(text[0].toUpperCase() + text.slice(1))}<`);
  }

  // Unchanged text stays, unheard again. The countdown (DESIGN §3.6) shows only while the
  // order ships today, in whole minutes; at the cutoff it goes and the answer is asked again.
  #put(html, a) {
    if (html !== this.#shown) this.innerHTML = this.#shown = html;
    clearTimeout(this.#tick);
    let el = this.querySelector(':scope>.leadtime-countdown');
    const m = a?.message;
    const today = a?.cutoff?.ships_today;
    const left = Date.parse(a?.cutoff?.at) - Date.now();
    if (!today || !this.hasAttribute('countdown') || !m?.countdown || !m.remaining || !(left > 0)) {
      if (el && today && left <= 0) this.refresh();
      el?.remove();
      return;
    }
    if (!el) {
      el = document.createElement('span');
      el.className = 'leadtime-countdown';
      this.append(el);
    }
    const min = Math.max(1, Math.floor(left / 6e4));
    const h = Math.floor(min / 60);
    el.textContent = m.countdown.replace('{remaining}', m.remaining[h ? 'hours' : 'minutes'].replace('{h}', h).replace('{m}', min % 60));
    this.#tick = setTimeout(() => this.#put(html, a), left % 6e4 || 6e4);
  }

  // _leadtime (DESIGN §5) follows the answer, for checkout and emails; "" removes it.
  async #sync(cart, a, signal) {
    const value = a?.ships && a.delivery
      ? JSON.stringify({ ships: a.ships, delivery: a.delivery, text: a.message?.text ?? '', quoted_at: a.quoted_at }) : '';
    const current = cart.attributes?._leadtime ?? '';
    if (value ? gist(value) === gist(current) : !current) return;
    try {
      const updated = await got(fetch(`${root()}cart/update.js`, {
        method: 'POST', signal, headers: { Accept: JSON_TYPE, 'Content-Type': JSON_TYPE },
        body: JSON.stringify({ attributes: { _leadtime: value } }),
      }));
      this.dispatchEvent(new CustomEvent('leadtime:synced', { bubbles: true, detail: updated }));
    } catch { /* the next cart event tries again */ }
  }
}

if (!customElements.get('leadtime-promise')) customElements.define('leadtime-promise', LeadtimePromise);

'use client';
// <LeadtimePromise>: Leadtime's delivery promise in a React storefront (Hydrogen, Next.js,
// Remix, Vite). It renders <leadtime-promise>, the one Leadtime client (the same module the
// theme app extension ships), pointed at the public Storefront API. The element fetches the
// answer, quotes again when variantId, items or country change, reserves its box so nothing
// shifts, and keeps the fallback text when anything fails. No dependency besides React.
//
// A product page (ids may be numbers or Shopify GIDs):
//   <LeadtimePromise app="https://leadtime.example.com" shop="your-shop.myshopify.com"
//     productId={product.id} variantId={selectedVariant.id} country="SE" locale="en"
//     fallback="Usually ships in 1–3 business days" />
// A cart (Hydrogen: cart.lines.nodes):
//   <LeadtimePromise app="https://leadtime.example.com" shop="your-shop.myshopify.com"
//     items={lines.map((l) => ({ variantId: l.merchandise.id, quantity: l.quantity }))}
//     fallback="Add something to see when your order ships." />
//
// The storefront's origin must be the shop's own https://{shop} or be listed in the settings'
// storefront_origins (README: "Using Leadtime without a theme").
import { useEffect } from 'react';

const numeric = (id) => (id == null || id === '' ? undefined : String(id).split('/').pop());
const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function LeadtimePromise({
  app, shop, productId, variantId, handle, items, country, locale, method,
  fallback = '', lines = 2, className,
}) {
  const base = app.replace(/\/+$/, '');
  useEffect(() => {
    // Defines <leadtime-promise> once per page; the bundler must leave this URL alone.
    if (!customElements.get('leadtime-promise')) {
      import(/* webpackIgnore: true */ /* @vite-ignore */ `${base}/assets/leadtime-promise.js`);
    }
  }, [base]);
  return (
    <leadtime-promise
      class={className} // "class": React 18 passes props to custom elements as named
      endpoint={`${base}/storefront/v1`}
      shop={shop}
      product-id={numeric(productId)}
      variant-id={numeric(variantId)}
      handle={handle}
      // VARIANT:QTY,... — "" is an empty cart, which shows the fallback without a request.
      items={items && items.map((l) => `${numeric(l.variantId)}:${l.quantity}`).join(',')}
      country={country}
      locale={locale}
      method={method}
      // The reserved box (as leadtime.css does), so nothing shifts when the answer arrives.
      style={{ display: 'block', lineHeight: 1.5, minHeight: `${lines * 1.5}em` }}
      // React leaves the element's children alone after the first render: the element
      // replaces them with the answer. The element sets data-state itself.
      dangerouslySetInnerHTML={{ __html: escapeHTML(fallback) }}
      suppressHydrationWarning
    />
  );
}

export default LeadtimePromise;

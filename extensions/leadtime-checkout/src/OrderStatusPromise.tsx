/**
 * customer-account.order-status.block.render: the promise on the order
 * status page.
 *
 * It shows the promise frozen on the order, in this order (DESIGN.md §5):
 * the order metafield `leadtime.promise`, written by the orders/create
 * webhook (requested in shopify.extension.toml), then the order attribute
 * `_leadtime` from the theme's app embed. Only for an order placed in the
 * last FRESH_MS, before the webhook could freeze anything, does it ask the
 * server: a quote made days later would not be the order's promise, and
 * showing nothing is better than showing a wrong date.
 */
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {useLivePromise} from './live';
import {cartRequest, formatFrozen, parseFrozen, sameLanguage, serverUrl, type Frozen} from './promise';
import {PromiseBanner} from './PromiseBanner';

/** How long after the order a live quote still stands for the order's promise. */
const FRESH_MS = 30 * 60 * 1000;

export default async () => {
  render(<OrderStatusPromise />, document.body);
};

function OrderStatusPromise() {
  const order = shopify.order.value;
  const extensionLanguage = shopify.localization.extensionLanguage.value.isoCode;
  const frozen = frozenPromise();

  const processedAt = order?.processedAt ? Date.parse(order.processedAt) : NaN;
  const fresh = Date.now() - processedAt < FRESH_MS; // false for NaN
  const country =
    shopify.shippingAddress?.value?.countryCode ?? shopify.localization.country.value?.isoCode;
  const language = shopify.localization.language.value.isoCode;
  const request =
    frozen || !fresh || order?.cancelledAt ? null : cartRequest(shopify.lines.value, country, language);
  const live = useLivePromise(request, serverUrl(shopify.settings.value), () =>
    shopify.sessionToken.get(),
  );

  if (!order || order.cancelledAt) return null;
  const heading = shopify.i18n.translate('heading');
  if (frozen) {
    const text = formatFrozen(frozen, extensionLanguage, (key, replacements) =>
      shopify.i18n.translate(key, replacements),
    );
    return text ? <PromiseBanner text={text} heading={heading} /> : null;
  }
  if (!request || !live) return null;
  return (
    <PromiseBanner
      text={live.text}
      heading={sameLanguage(live.locale, extensionLanguage) ? heading : undefined}
    />
  );
}

/** frozenPromise reads the order's metafield, else its _leadtime attribute. */
function frozenPromise(): Frozen | null {
  const entry = shopify.appMetafields.value.find(
    ({target, metafield}) =>
      target.type === 'order' && metafield.namespace === 'leadtime' && metafield.key === 'promise',
  );
  const fromMetafield = entry ? parseFrozen(entry.metafield.value) : null;
  if (fromMetafield) return fromMetafield;
  const attribute = shopify.attributes.value?.find((a) => a.key === '_leadtime');
  return attribute ? parseFrozen(attribute.value) : null;
}

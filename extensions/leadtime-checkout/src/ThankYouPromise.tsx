/**
 * purchase.thank-you.block.render: the promise on the thank-you page.
 *
 * It prefers the promise the buyer saw before paying: the cart attribute
 * `_leadtime` that the theme's app embed keeps current, which becomes an
 * order attribute. The order metafield `leadtime.promise` is not readable
 * here (checkout extensions see no order metafields, and the orders/create
 * webhook that writes it may not have run yet). Without the attribute (a
 * theme without the embed, a headless storefront) it asks the server for the
 * order's lines: on this page that is the same instant as the order.
 */
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {useLivePromise} from './live';
import {cartRequest, formatFrozen, parseFrozen, sameLanguage, serverUrl} from './promise';
import {PromiseBanner} from './PromiseBanner';

export default async () => {
  render(<ThankYouPromise />, document.body);
};

function ThankYouPromise() {
  const extensionLanguage = shopify.localization.extensionLanguage.value.isoCode;
  const attribute = shopify.attributes.value.find((a) => a.key === '_leadtime');
  const frozen = attribute ? parseFrozen(attribute.value) : null;

  const country =
    shopify.shippingAddress?.value?.countryCode ?? shopify.localization.country.value?.isoCode;
  const language = shopify.localization.language.value.isoCode;
  const request = frozen ? null : cartRequest(shopify.lines.value, country, language);
  const live = useLivePromise(request, serverUrl(shopify.settings.value), () =>
    shopify.sessionToken.get(),
  );

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

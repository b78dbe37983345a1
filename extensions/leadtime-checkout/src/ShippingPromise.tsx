/**
 * purchase.checkout.shipping-option-list.render-after: the cart's promise
 * under the shipping options, for the address the buyer entered, in the
 * buyer's language. It asks the server (POST /checkout/v1/cart), which
 * answers exactly as the storefront's app proxy does for the same cart.
 */
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {useLivePromise} from './live';
import {cartRequest, sameLanguage, serverUrl} from './promise';
import {PromiseBanner} from './PromiseBanner';

export default async () => {
  render(<ShippingPromise />, document.body);
};

function ShippingPromise() {
  // The shipping address needs protected customer data access; without it,
  // the buyer's market country is the best guess of where the order goes.
  const country =
    shopify.shippingAddress?.value?.countryCode ?? shopify.localization.country.value?.isoCode;
  const language = shopify.localization.language.value.isoCode;
  const request = cartRequest(shopify.lines.value, country, language);
  const promise = useLivePromise(request, serverUrl(shopify.settings.value), () =>
    shopify.sessionToken.get(),
  );
  if (!request || !promise) return null;
  const extensionLanguage = shopify.localization.extensionLanguage.value.isoCode;
  const heading = sameLanguage(promise.locale, extensionLanguage)
    ? shopify.i18n.translate('heading')
    : undefined;
  return <PromiseBanner text={promise.text} heading={heading} />;
}

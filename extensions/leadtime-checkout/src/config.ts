/**
 * APP_URL is the public base URL of the Leadtime server that this extension
 * asks for promises (`{APP_URL}/checkout/v1/cart`): the same value as the
 * server's APP_URL environment variable.
 *
 * A checkout UI extension has no environment at run time: Shopify runs the
 * bundle that `shopify app deploy` uploaded, in a sandboxed Web Worker. So the
 * URL is fixed when the extension is built — edit this line before deploying
 * your own server. The extension setting `app_url` (checkout editor) overrides
 * it without a rebuild, e.g. for a development tunnel.
 */
export const APP_URL = 'https://leadtime.fly.dev';

// The function's entry point, as the Shopify CLI builds a JavaScript function: the export named
// in shopify.extension.toml (cart_delivery_options_transform_run) is this module's
// cartDeliveryOptionsTransformRun.
export { cartDeliveryOptionsTransformRun } from './run.js';

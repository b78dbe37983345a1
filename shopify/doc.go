// Package shopify connects Leadtime to Shopify (DESIGN §4–§5): it verifies
// what Shopify signs, obtains offline tokens, and reads and writes a shop
// through the Admin GraphQL API, pinned to APIVersion.
//
//   - Verification, all in constant time: VerifyProxy (app proxy
//     signatures, exactly as @shopify/shopify-api computes them),
//     VerifyWebhook, VerifyOAuthCallback, VerifySessionToken (embedded
//     admin) and VerifyCheckoutToken (checkout UI extensions). Their errors
//     match ErrBadSignature, ErrStaleTimestamp, ErrBadShop or ErrBadToken.
//   - App: the OAuth authorization-code grant and token exchange.
//   - Client: one shop's Admin API. The product loader (Product,
//     ProductByHandle, ProductsOfVariants) costs one call per product and
//     one per cart (up to 90 lines with Options.SkipCollections, 26
//     without), mapped to delivery's types; ShopInfo,
//     EnsureMetafieldDefinitions, SetMetafields and ShopSettingsMetafield
//     serve install, orders/create and settings.
//
// go-shopify (bold-commerce/go-shopify/v4) builds every request: the
// shop's base URL, the versioned path, the access token header, and for
// OAuth the whole exchange. Its GraphQL method is not used: it hides
// extensions.cost and the HTTP status, and its retries sleep without
// regard to ctx. Instead each request is sent once per attempt and
// retried here, with waits that Shopify's answer dictates (the cost
// bucket's refill, Retry-After) and that a cancelled ctx cuts short.
//
// Every GraphQL document is a constant in queries.go; schema_test.go
// validates each against Shopify's real schema, and the answers of the
// fake in shopifytest against the same schema.
package shopify

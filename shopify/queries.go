package shopify

// Every GraphQL document this package sends is a constant here, so that
// schema_test.go can validate each one against Shopify's real Admin schema
// for APIVersion (a misspelt field or a missing argument fails CI), and so
// that the fake answers exactly these.
//
// Cost. Shopify refuses any query whose requested cost is above 1000 and
// throttles on the requested cost, so the documents are written to be
// cheap: metafields are read by alias (one object each) rather than as a
// connection, the cart query asks for each variant alone rather than for
// its product's every variant, and collections (a product's one
// connection, most of a cart line's cost) are asked for only when the
// shop's rules match on them: each product query has a Lean twin without
// them (Options.SkipCollections).

// APIVersion is the Admin API version every request is pinned to.
const APIVersion = "2026-07"

// The leadtime metafields of a product or variant (DESIGN §5). One object
// each: 4 cost points.
const fragmentLeadtimeMetafields = `
fragment LeadtimeMetafields on HasMetafields {
  processingMinDays: metafield(namespace: "leadtime", key: "processing_min_days") { value }
  processingMaxDays: metafield(namespace: "leadtime", key: "processing_max_days") { value }
  readiness: metafield(namespace: "leadtime", key: "readiness") { value }
  shipsOn: metafield(namespace: "leadtime", key: "ships_on") { value }
}
`

// What a quote needs of a variant: 1 (inventoryItem) + 4 (metafields).
// The inventory item's id maps inventory_levels webhooks, which name the
// item, to the variant; it costs nothing beyond the object already read.
const fragmentLeadtimeVariant = `
fragment LeadtimeVariant on ProductVariant {
  id
  title
  inventoryQuantity
  inventoryPolicy
  inventoryItem { id tracked }
  ...LeadtimeMetafields
}
`

// What a quote needs of a product, its variants and collections aside: 4
// (metafields).
const fragmentLeadtimeProduct = `
fragment LeadtimeProduct on Product {
  id
  handle
  title
  vendor
  productType
  tags
  ...LeadtimeMetafields
}
`

// The product's collections: 2 + maxCollections (a connection). Only the
// documents of a shop with a rule on collections select it (the Lean
// documents below leave it out; Options.SkipCollections).
const fragmentLeadtimeCollections = `
fragment LeadtimeCollections on Product {
  collections(first: 25) { nodes { handle } }
}
`

// maxCollections is the page size of collections written above; a product
// in more collections is read partially. maxVariants is how many variants
// of a product are read at most: firstVariants with the product, the rest
// (most products have fewer) by queryProductVariants, in pages of what is
// left (variantsCount says how many), so that what a product costs follows
// what it has rather than the largest product Shopify allows.
const (
	maxCollections = 25
	maxVariants    = 100
	firstVariants  = 10
)

// The first page of a product's variants, and how many it has: 1 (Count) +
// 2 + firstVariants × 6.
const productVariantsFirstPage = `
  variantsCount { count }
  variants(first: 10) { pageInfo { hasNextPage endCursor } nodes { ...LeadtimeVariant } }
`

// queryProduct loads one product by GID with everything a quote needs.
// Requested cost: 1 + 4 + (2 + 25) + 1 + (2 + 10 × 6) = 95.
const queryProduct = `query LeadtimeProduct($id: ID!) {
  product(id: $id) {
    ...LeadtimeProduct
    ...LeadtimeCollections
` + productVariantsFirstPage + `  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeCollections + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// queryProductLean is queryProduct without collections. Requested cost:
// 1 + 4 + 1 + (2 + 10 × 6) = 68.
const queryProductLean = `query LeadtimeProductLean($id: ID!) {
  product(id: $id) {
    ...LeadtimeProduct
` + productVariantsFirstPage + `  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// queryProductByHandle is queryProduct by handle. productByHandle is
// deprecated in 2026-07; productByIdentifier replaces it.
const queryProductByHandle = `query LeadtimeProductByHandle($handle: String!) {
  productByIdentifier(identifier: {handle: $handle}) {
    ...LeadtimeProduct
    ...LeadtimeCollections
` + productVariantsFirstPage + `  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeCollections + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// queryProductByHandleLean is queryProductByHandle without collections.
const queryProductByHandleLean = `query LeadtimeProductByHandleLean($handle: String!) {
  productByIdentifier(identifier: {handle: $handle}) {
    ...LeadtimeProduct
` + productVariantsFirstPage + `  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// queryProductVariants reads the variants of a product after the first
// page: $first of them after $after. Requested cost: 1 + 2 + $first × 6,
// at most 603.
const queryProductVariants = `query LeadtimeProductVariants($id: ID!, $first: Int!, $after: String!) {
  product(id: $id) {
    variants(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...LeadtimeVariant } }
  }
}
` + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// queryVariantProducts loads the variants of a cart, each with its
// product, in one nodes(ids:) query. Requested cost per id:
// variantNodeCost.
const queryVariantProducts = `query LeadtimeVariantProducts($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on ProductVariant {
      ...LeadtimeVariant
      product { ...LeadtimeProduct ...LeadtimeCollections }
    }
  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeCollections + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// queryVariantProductsLean is queryVariantProducts without collections.
// Requested cost per id: leanVariantNodeCost.
const queryVariantProductsLean = `query LeadtimeVariantProductsLean($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on ProductVariant {
      ...LeadtimeVariant
      product { ...LeadtimeProduct }
    }
  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// variantNodeCost is the requested cost of one id in queryVariantProducts:
// the variant (1 + 5) and its product (1 + 4 + 2 + maxCollections), 38
// points. leanVariantNodeCost is that of queryVariantProductsLean, 11
// points. TestQueryCosts checks both against the fake's cost model.
const (
	variantNodeCost     = leanVariantNodeCost + 2 + maxCollections
	leanVariantNodeCost = 1 + 5 + 1 + 4
)

// queryShopInfo reads what install imports as the shop's defaults.
// shopLocales needs read_locales and deliveryPromiseSettings read_shipping;
// without them Shopify answers ACCESS_DENIED and ShopInfo falls back to
// queryShopBasics.
const queryShopInfo = `query LeadtimeShopInfo {
  shop { ...LeadtimeShop }
  shopLocales(published: true) { locale primary }
  deliveryPromiseSettings { deliveryDatesEnabled processingTime }
}
` + fragmentLeadtimeShop

// queryShopBasics is queryShopInfo without the fields that need scopes
// beyond those every install has.
const queryShopBasics = `query LeadtimeShopBasics {
  shop { ...LeadtimeShop }
}
` + fragmentLeadtimeShop

const fragmentLeadtimeShop = `
fragment LeadtimeShop on Shop {
  id
  name
  myshopifyDomain
  ianaTimezone
  shopAddress { countryCodeV2 }
}
`

// queryShopSettings reads the shop metafield leadtime.settings, the mirror
// of the saved settings document (DESIGN §6), and the shop's GID.
const queryShopSettings = `query LeadtimeShopSettings {
  shop {
    id
    settings: metafield(namespace: "leadtime", key: "settings") { value }
  }
}
`

// mutationMetafieldDefinitions creates all nine leadtime metafield
// definitions (DESIGN §5) in one request: $productMin … $orderPromise.
const mutationMetafieldDefinitions = `mutation LeadtimeMetafieldDefinitions(
  $productMin: MetafieldDefinitionInput!, $productMax: MetafieldDefinitionInput!,
  $productReadiness: MetafieldDefinitionInput!, $productShipsOn: MetafieldDefinitionInput!,
  $variantMin: MetafieldDefinitionInput!, $variantMax: MetafieldDefinitionInput!,
  $variantReadiness: MetafieldDefinitionInput!, $variantShipsOn: MetafieldDefinitionInput!,
  $orderPromise: MetafieldDefinitionInput!
) {
  productMin: metafieldDefinitionCreate(definition: $productMin) { ...LeadtimeDefinitionCreated }
  productMax: metafieldDefinitionCreate(definition: $productMax) { ...LeadtimeDefinitionCreated }
  productReadiness: metafieldDefinitionCreate(definition: $productReadiness) { ...LeadtimeDefinitionCreated }
  productShipsOn: metafieldDefinitionCreate(definition: $productShipsOn) { ...LeadtimeDefinitionCreated }
  variantMin: metafieldDefinitionCreate(definition: $variantMin) { ...LeadtimeDefinitionCreated }
  variantMax: metafieldDefinitionCreate(definition: $variantMax) { ...LeadtimeDefinitionCreated }
  variantReadiness: metafieldDefinitionCreate(definition: $variantReadiness) { ...LeadtimeDefinitionCreated }
  variantShipsOn: metafieldDefinitionCreate(definition: $variantShipsOn) { ...LeadtimeDefinitionCreated }
  orderPromise: metafieldDefinitionCreate(definition: $orderPromise) { ...LeadtimeDefinitionCreated }
}
` + fragmentDefinitionCreated

// mutationMetafieldDefinition creates one definition; used to retry one
// that the batch could not pin.
const mutationMetafieldDefinition = `mutation LeadtimeMetafieldDefinition($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) { ...LeadtimeDefinitionCreated }
}
` + fragmentDefinitionCreated

const fragmentDefinitionCreated = `
fragment LeadtimeDefinitionCreated on MetafieldDefinitionCreatePayload {
  createdDefinition { id namespace key ownerType }
  userErrors { field message code }
}
`

// mutationMetafieldsSet writes up to 25 metafields atomically.
const mutationMetafieldsSet = `mutation LeadtimeMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key }
    userErrors { field message code }
  }
}
`

// documents lists every document above by name, for the schema test.
// queryCatalog pages through the variants of the shop's active products,
// each with its product, for the Merchant Center feed (Client.Catalog).
// Requested cost: 2 + first × variantNodeCost; with first = 26, 990.
const queryCatalog = `query LeadtimeCatalog($first: Int!, $after: String) {
  productVariants(first: $first, after: $after, query: "product_status:ACTIVE") {
    pageInfo { hasNextPage endCursor }
    nodes {
      ...LeadtimeVariant
      product { ...LeadtimeProduct ...LeadtimeCollections }
    }
  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeCollections + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

// queryCatalogLean is queryCatalog without collections. Requested cost:
// 2 + first × leanVariantNodeCost; with first = 90, 992.
const queryCatalogLean = `query LeadtimeCatalogLean($first: Int!, $after: String) {
  productVariants(first: $first, after: $after, query: "product_status:ACTIVE") {
    pageInfo { hasNextPage endCursor }
    nodes {
      ...LeadtimeVariant
      product { ...LeadtimeProduct }
    }
  }
}
` + fragmentLeadtimeProduct + fragmentLeadtimeVariant + fragmentLeadtimeMetafields

var documents = map[string]string{
	"QueryCatalog":                 queryCatalog,
	"QueryCatalogLean":             queryCatalogLean,
	"QueryProduct":                 queryProduct,
	"QueryProductByHandle":         queryProductByHandle,
	"QueryVariantProducts":         queryVariantProducts,
	"QueryProductLean":             queryProductLean,
	"QueryProductVariants":         queryProductVariants,
	"QueryProductByHandleLean":     queryProductByHandleLean,
	"QueryVariantProductsLean":     queryVariantProductsLean,
	"QueryShopInfo":                queryShopInfo,
	"QueryShopBasics":              queryShopBasics,
	"QueryShopSettings":            queryShopSettings,
	"MutationMetafieldDefinitions": mutationMetafieldDefinitions,
	"MutationMetafieldDefinition":  mutationMetafieldDefinition,
	"MutationMetafieldsSet":        mutationMetafieldsSet,
	// in order.go, bulk.go, fulfillment.go, delivery_customization.go and tags.go
	"QueryOrderPromise":                   queryOrderPromise,
	"QueryBulkOrders":                     queryBulkOrders,
	"MutationBulkRunQuery":                mutationBulkRunQuery,
	"QueryBulkOperation":                  queryBulkOperation,
	"QueryOrderFulfillmentLines":          queryOrderFulfillmentLines,
	"QueryFulfillmentDelivery":            queryFulfillmentDelivery,
	"QueryFulfillment":                    queryFulfillment,
	"QueryDeliveryCustomizations":         queryDeliveryCustomizations,
	"MutationDeliveryCustomizationCreate": mutationDeliveryCustomizationCreate,
	"MutationTagsAdd":                     mutationTagsAdd, // in tags.go
}

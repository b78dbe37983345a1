// Package snippets holds the Liquid snippets that merchants paste into their theme and into
// Shopify's notification templates (DESIGN.md §7): the promise on the product page and in the
// cart without the app blocks, in the order confirmation, shipping confirmation, abandoned
// checkout and POS receipt emails, and as schema.org OfferShippingDetails for search engines.
//
// Each file starts with a comment that says where to paste it and what it reads. Each works
// from metafields and attributes alone, without JavaScript, so that it works in emails too.
// The server can serve them, and the tests render every one in Shopify's Liquid.
package snippets

import (
	"embed"
	"io/fs"
	"slices"
	"strings"
)

//go:embed *.liquid
var files embed.FS

// Names lists the snippets, without their .liquid extension, in name order:
// "leadtime-abandoned-checkout", …, "leadtime-shipping-confirmation".
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err) // the embedded directory always reads
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".liquid"))
	}
	slices.Sort(names)
	return names
}

// Source returns the Liquid source of the snippet called name (with or without .liquid), and
// false when there is no such snippet.
func Source(name string) (string, bool) {
	name = strings.TrimSuffix(name, ".liquid")
	if name == "" || strings.ContainsAny(name, `/\`) {
		return "", false
	}
	b, err := files.ReadFile(name + ".liquid")
	if err != nil {
		return "", false
	}
	return string(b), true
}

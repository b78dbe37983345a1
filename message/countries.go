package message

import (
	"sort"
	"strings"
)

//go:generate go run gen_countries.go

// countryNames are countryNameTable split once: locale → names in the order
// of countryCodes.
var countryNames = func() map[string][]string {
	m := make(map[string][]string, len(countryNameTable))
	for locale, joined := range countryNameTable {
		m[locale] = strings.Split(joined, "|")
	}
	return m
}()

var countryCodeList = strings.Fields(countryCodes)

// countryName is the name of an ISO 3166 country in a built-in locale
// ("Sverige", "Schweden"); the code itself when it is not a country.
func countryName(locale, code string) string {
	i := sort.SearchStrings(countryCodeList, code)
	names := countryNames[locale]
	if i == len(countryCodeList) || countryCodeList[i] != code || names == nil {
		return code
	}
	return names[i]
}

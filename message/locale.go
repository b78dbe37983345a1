package message

import (
	"slices"
	"strings"
)

// langs are the built-in languages by the locale they answer as.
var langs = map[string]*lang{
	"en": &english, "en-GB": &britishEnglish, "sv": &swedish, "de": &german, "fr": &french,
	"es": &spanish, "nl": &dutch, "da": &danish, "nb": &norwegian, "fi": &finnish,
}

// Locales lists the built-in locales: the locales an answer can be in and
// the keys that Settings.Messages may use.
func Locales() []string {
	return []string{"en", "en-GB", "sv", "de", "fr", "es", "nl", "da", "nb", "fi"}
}

// aliases maps locales that read one of the built-in languages to it: the
// English of the Commonwealth writes dates as en-GB does (CLDR en-001), and
// Norwegian (no) and Nynorsk (nn) readers read Bokmål.
var aliases = map[string]string{
	"en-001": "en-GB", "en-150": "en-GB", "en-AU": "en-GB", "en-NZ": "en-GB", "en-IE": "en-GB",
	"en-ZA": "en-GB", "en-IN": "en-GB", "en-SG": "en-GB", "en-HK": "en-GB", "en-MT": "en-GB",
	"en-GI": "en-GB", "en-IM": "en-GB", "en-JE": "en-GB", "en-GG": "en-GB",
	"no": "nb", "nn": "nb",
}

// Resolve picks the locale an answer is said in (issue 3): the requested
// locale ("sv", "sv-SE", "pt-BR", as Shopify's request.locale.iso_code
// gives it), else its language, else the shop's primary locale (the same
// way), else en. It never fails: an unknown or malformed locale falls back.
func Resolve(requested, primary string) string {
	if tag := match(requested); tag != "" {
		return tag
	}
	if tag := match(primary); tag != "" {
		return tag
	}
	return "en"
}

// match finds the built-in locale for locale, or "".
func match(locale string) string {
	if locale == "" || len(locale) > 35 {
		return ""
	}
	tag := canonical(locale)
	if _, ok := langs[tag]; ok {
		return tag
	}
	if a, ok := aliases[tag]; ok {
		return a
	}
	language, _, _ := strings.Cut(tag, "-")
	if _, ok := langs[language]; ok {
		return language
	}
	return aliases[language]
}

// canonical writes a BCP 47 tag the usual way: "SV_se" is "sv-SE",
// "zh-hant-tw" is "zh-Hant-TW".
func canonical(locale string) string {
	parts := strings.FieldsFunc(locale, func(r rune) bool { return r == '-' || r == '_' })
	for i, p := range parts {
		switch {
		case i == 0:
			parts[i] = strings.ToLower(p)
		case len(p) == 2:
			parts[i] = strings.ToUpper(p)
		case len(p) == 4:
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		default:
			parts[i] = strings.ToLower(p)
		}
	}
	return strings.Join(parts, "-")
}

// langOf returns the built-in language of a locale, falling back as
// Resolve does (to en).
func langOf(locale string) *lang { return langs[Resolve(locale, "")] }

// knownLocale reports whether locale is a built-in locale, spelt as
// Locales spells it.
func knownLocale(locale string) bool { return slices.Contains(Locales(), locale) }

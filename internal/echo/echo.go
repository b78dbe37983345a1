// Package echo shortens what a caller sent before an error message echoes
// it back, so that every package's messages stay short alike.
package echo

import "unicode/utf8"

// maxBytes is how much of an input a message echoes.
const maxBytes = 64

// Short returns s, or its first 64 bytes and "…" when it is longer. It
// cuts before a character that would not fit whole, so that a shortened
// name in another script is still valid UTF-8 in a JSON answer or a log.
func Short(s string) string {
	if len(s) <= maxBytes {
		return s
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Package echo shortens what a caller sent before an error message echoes
// it back, so that every package's messages stay short alike.
package echo

// maxBytes is how much of an input a message echoes.
const maxBytes = 64

// Short returns s, or its first 64 bytes and "…" when it is longer.
func Short(s string) string {
	if len(s) <= maxBytes {
		return s
	}
	return s[:maxBytes] + "…"
}

package echo

import (
	"strings"
	"testing"
)

func TestShort(t *testing.T) {
	long := strings.Repeat("x", 65)
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"SE", "SE"},
		{long[:64], long[:64]},
		{long, long[:64] + "…"},
		// "å" is two bytes: the 63 x's and its first byte fit, so it is cut whole.
		{long[:63] + "åå", long[:63] + "…"},
		{long[:62] + "åå", long[:62] + "å…"},
	} {
		if got := Short(tc.in); got != tc.want {
			t.Errorf("Short(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

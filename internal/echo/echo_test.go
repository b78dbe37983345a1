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
	} {
		if got := Short(tc.in); got != tc.want {
			t.Errorf("Short(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

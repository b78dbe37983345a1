package sign

import (
	"slices"
	"testing"
)

// The expectations are what Node's URLSearchParams (and the WHATWG URL
// standard) give for the same input.
func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Pair
	}{
		{"a=%ED%A0%80", []Pair{{"a", "\uFFFD\uFFFD\uFFFD"}}},
		{"a=%C0%80", []Pair{{"a", "\uFFFD\uFFFD"}}},
		{"a=%E2%82A", []Pair{{"a", "\uFFFDA"}}},
		{"a=%FF", []Pair{{"a", "\uFFFD"}}},
		{"a=%F0%9F%99", []Pair{{"a", "\uFFFD"}}},
		{"a=%&b=%zz&c=%%41&d=%4", []Pair{{"a", "%"}, {"b", "%zz"}, {"c", "%A"}, {"d", "%4"}}},
		{"q=caf%C3%A9+%26+cr%C3%A8me", []Pair{{"q", "café & crème"}}},
		{"&&a&=x&b==c&;=1&", []Pair{{"a", ""}, {"", "x"}, {"b", "=c"}, {";", "1"}}},
		{"%61%2B=%2b+", []Pair{{"a+", "+ "}}},
	} {
		if got := ParseQuery(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("ParseQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMessages(t *testing.T) {
	pairs := ParseQuery("b=2&a=1&signature=x&hmac=y&b=3&Zeta=z&a1=q&c d=é")
	if got, want := ProxyMessage(pairs), "a=1a1=qb=2,3c d=éZeta=z"; got != want {
		t.Errorf("ProxyMessage = %q, want %q", got, want)
	}
	if got, want := AdminMessage(pairs), "a=1&a1=q&b%5B%5D=2&b%5B%5D=3&c+d=%C3%A9&Zeta=z"; got != want {
		t.Errorf("AdminMessage = %q, want %q", got, want)
	}
	if pairs[0].Key != "b" || pairs[2].Key != "signature" {
		t.Errorf("the messages reordered their argument: %q", pairs)
	}
}

func TestEqualString(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		ok        bool
	}{{"abc", "abc", true}, {"abd", "abc", false}, {"ab", "abc", false}, {"", "", true}} {
		if EqualString(tc.got, []byte(tc.want)) != tc.ok {
			t.Errorf("EqualString(%q, %q) != %v", tc.got, tc.want, tc.ok)
		}
	}
}

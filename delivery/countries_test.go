package delivery

import "testing"

func TestKnownCountry(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"SE", true}, {"US", true}, {"NO", true}, {"FI", true}, {"GB", true},
		{"DE", true}, {"AX", true}, {"SS", true}, {"XK", false}, // Kosovo has no ISO code yet
		{"AD", true}, {"ZW", true}, {"AA", false}, {"ZZ", false},
		{"UK", false}, {"EU", false}, {"AN", false}, {"YU", false},
		{"se", false}, {"Se", false}, {"sE", false},
		{"", false}, {"S", false}, {"SEE", false}, {"XX", false}, {"*", false},
		{"S ", false}, {"@@", false}, {"[[", false}, {"ÅÄ", false},
	}
	for _, tt := range tests {
		if got := KnownCountry(tt.code); got != tt.want {
			t.Errorf("KnownCountry(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestKnownCountryCount(t *testing.T) {
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if KnownCountry(string([]rune{a, b})) {
				n++
			}
		}
	}
	if n != 249 {
		t.Errorf("KnownCountry is true for %d codes, want the 249 assigned ISO 3166-1 alpha-2 codes", n)
	}
	// The constant is sorted, one space apart: a typo would break the layout.
	for i := 0; i+1 < len(isoCountryCodes); i += 3 {
		if i+2 < len(isoCountryCodes) && isoCountryCodes[i+2] != ' ' {
			t.Fatalf("isoCountryCodes: no space after %q at %d", isoCountryCodes[i:i+2], i)
		}
		if i > 0 && isoCountryCodes[i-3:i-1] >= isoCountryCodes[i:i+2] {
			t.Errorf("isoCountryCodes: %q before %q, want sorted", isoCountryCodes[i-3:i-1], isoCountryCodes[i:i+2])
		}
	}
	if len(isoCountryCodes) != 249*3-1 {
		t.Errorf("len(isoCountryCodes) = %d, want %d", len(isoCountryCodes), 249*3-1)
	}
}

package store

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestParseEncryptionKey(t *testing.T) {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i*7 + 250) // includes bytes that base64 maps to + / - _
	}
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"hex", hex.EncodeToString(key), false},
		{"hex upper case", strings.ToUpper(hex.EncodeToString(key)), false},
		{"base64", base64.StdEncoding.EncodeToString(key), false},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(key), false},
		{"base64url", base64.URLEncoding.EncodeToString(key), false},
		{"base64url unpadded", base64.RawURLEncoding.EncodeToString(key), false},
		{"surrounding whitespace", "  " + hex.EncodeToString(key) + "\n", false},
		{"empty", "", true},
		{"too short hex", hex.EncodeToString(key[:16]), true},
		{"too long base64", base64.StdEncoding.EncodeToString(append(key, 1)), true},
		{"not an encoding", "correct horse battery staple correct horse battery", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEncryptionKey(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseEncryptionKey(%q) = %x, want an error", tc.in, got)
				}
				if tc.in != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) {
					t.Errorf("the error repeats the key: %v", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, key) {
				t.Errorf("ParseEncryptionKey(%q) = %x, %v; want %x", tc.in, got, err, key)
			}
		})
	}
}

func TestSealer(t *testing.T) {
	const shop, token = "a-shop.myshopify.com", "shpat_secret"
	s, err := newSealer(testKey)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newSealer(otherKey)
	sealed, err := s.seal(shop, token)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sealed, encPrefix) || strings.Contains(sealed, token) {
		t.Fatalf("seal = %q, want %s… without the token", sealed, encPrefix)
	}
	if got, err := s.open(shop, sealed); err != nil || got != token {
		t.Errorf("open(seal) = %q, %v; want %q", got, err, token)
	}
	// Flip one byte of the ciphertext.
	raw := []byte(sealed)
	raw[len(raw)-3] ^= 'A' ^ 'B'
	tampered := string(raw)
	if tampered == sealed {
		tampered = sealed[:len(sealed)-3] + "xyz"
	}

	var nilSealer *sealer
	tests := []struct {
		name   string
		sealer *sealer
		shop   string
		stored string
		want   string // "" means ErrDecrypt
	}{
		{"plaintext legacy with a key", s, shop, token, token},
		{"plaintext legacy without a key", nilSealer, shop, token, token},
		{"wrong key", other, shop, sealed, ""},
		{"no key", nilSealer, shop, sealed, ""},
		{"another shop's value", s, "b-shop.myshopify.com", sealed, ""},
		{"tampered", s, shop, tampered, ""},
		{"truncated", s, shop, sealed[:len(encPrefix)+10], ""},
		{"no payload", s, shop, encPrefix + s.id + ":", ""},
	}
	for _, tc := range tests {
		got, err := tc.sealer.open(tc.shop, tc.stored)
		if tc.want == "" {
			if !errors.Is(err, ErrDecrypt) {
				t.Errorf("%s: open = %q, %v; want ErrDecrypt", tc.name, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: open = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}

	if _, err := newSealer([]byte("short")); err == nil {
		t.Errorf("newSealer(5 bytes) succeeded")
	}
	if got, _ := nilSealer.seal(shop, token); got != token {
		t.Errorf("seal without a key = %q, want the plaintext", got)
	}
}

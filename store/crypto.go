package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of an encryption key: AES-256.
const KeySize = 32

// encPrefix marks an encrypted token, and its format version: "enc1:",
// the key id, ":", then base64(nonce || ciphertext). Anything else is a
// plaintext token written before a key was configured; Shopify's tokens
// ("shpat_…", "shpca_…") never start with it.
const encPrefix = "enc1:"

// ParseEncryptionKey decodes LEADTIME_ENCRYPTION_KEY: 32 bytes written as
// hex (64 characters) or base64 (standard or URL alphabet, padded or not),
// as `openssl rand -hex 32` or `openssl rand -base64 32` print them. The
// error never repeats the key.
func ParseEncryptionKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("store: encryption key is empty")
	}
	if len(s) == 2*KeySize {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == KeySize {
			return k, nil
		}
	}
	return nil, fmt.Errorf("store: encryption key must be %d bytes, as 64 hex characters or base64 (e.g. `openssl rand -hex 32`); got %d characters that decode to neither", KeySize, len(s))
}

// sealer encrypts tokens at rest. A nil *sealer means no key: tokens are
// written in plaintext.
type sealer struct {
	aead cipher.AEAD
	id   string // names the key in the stored value, so a wrong key is told apart from damage
}

func newSealer(key []byte) (*sealer, error) {
	if key == nil {
		return nil, nil
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("store: encryption key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: aes.NewCipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("store: cipher.NewGCM: %w", err)
	}
	return &sealer{aead: aead, id: keyID(key)}, nil
}

// keyID is a short fingerprint of a key; it reveals nothing useful about it.
func keyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("leadtime key id\x00"), key...))
	return hex.EncodeToString(sum[:4])
}

// tokenAAD binds a ciphertext to its shop, so a value copied into another
// shop's record does not decrypt.
func tokenAAD(shop string) []byte { return []byte("leadtime token\x00" + shop) }

// seal returns the stored form of token: encrypted with a fresh random
// nonce when there is a key, else the token itself.
func (s *sealer) seal(shop, token string) (string, error) {
	if s == nil {
		return token, nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("store: nonce: %w", err)
	}
	ct := s.aead.Seal(nonce, nonce, []byte(token), tokenAAD(shop))
	return encPrefix + s.id + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// open returns the token from its stored form. A plaintext (legacy) value
// is returned as it is; an encrypted one needs the key it was written with,
// and any failure is ErrDecrypt, never garbage.
func (s *sealer) open(shop, stored string) (string, error) {
	rest, ok := strings.CutPrefix(stored, encPrefix)
	if !ok {
		return stored, nil
	}
	id, b64, ok := strings.Cut(rest, ":")
	if !ok {
		return "", fmt.Errorf("%w for %s: malformed value", ErrDecrypt, shop)
	}
	if s == nil {
		return "", fmt.Errorf("%w for %s: it is encrypted (key id %s) but LEADTIME_ENCRYPTION_KEY is not set", ErrDecrypt, shop, id)
	}
	if id != s.id {
		return "", fmt.Errorf("%w for %s: it was encrypted with another key (key id %s, configured key id %s)", ErrDecrypt, shop, id, s.id)
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(ct) < s.aead.NonceSize() {
		return "", fmt.Errorf("%w for %s: malformed value", ErrDecrypt, shop)
	}
	n := s.aead.NonceSize()
	pt, err := s.aead.Open(nil, ct[:n], ct[n:], tokenAAD(shop))
	if err != nil {
		return "", fmt.Errorf("%w for %s: authentication failed (damaged value or wrong key)", ErrDecrypt, shop)
	}
	return string(pt), nil
}

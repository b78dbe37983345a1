// Package sign builds the messages that Shopify signs with an app's secret:
// app proxy queries, OAuth (admin) queries and webhook bodies. It mirrors
// @shopify/shopify-api (lib/utils/hmac-validator.js) byte for byte, so that
// the verifier in package shopify and the fake in shopifytest (which signs
// what it sends) cannot drift apart. It compares nothing: callers do, in
// constant time.
package sign

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Pair is one key=value of a query, decoded.
type Pair struct{ Key, Value string }

// ParseQuery parses an application/x-www-form-urlencoded string exactly as
// the WHATWG URL standard, and so JavaScript's URLSearchParams, does:
// '&'-separated, empty sequences skipped, split at the first '=', '+' is a
// space, %XX decoded where XX is hex (a lone '%' stays), and invalid UTF-8
// replaced by U+FFFD. Unlike url.ParseQuery it never fails and keeps ';'.
func ParseQuery(raw string) []Pair {
	pairs := make([]Pair, 0, strings.Count(raw, "&")+1)
	for seq := range strings.SplitSeq(raw, "&") {
		if seq == "" {
			continue
		}
		k, v, _ := strings.Cut(seq, "=")
		pairs = append(pairs, Pair{decodeComponent(k), decodeComponent(v)})
	}
	return pairs
}

func decodeComponent(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return utf8Decode(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return utf8Decode(string(b))
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// utf8Decode is the WHATWG "UTF-8 decode without BOM": each maximal invalid
// subsequence becomes one U+FFFD. (Go's own conversions replace byte by
// byte, which differs for truncated sequences such as E2 82.)
func utf8Decode(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var out strings.Builder
	needed, seen := 0, 0
	var cp rune
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i < len(s); i++ {
		b := s[i]
		if needed == 0 {
			switch {
			case b <= 0x7F:
				out.WriteByte(b)
			case 0xC2 <= b && b <= 0xDF:
				needed, cp = 1, rune(b&0x1F)
			case 0xE0 <= b && b <= 0xEF:
				if b == 0xE0 {
					lower = 0xA0
				} else if b == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(b&0x0F)
			case 0xF0 <= b && b <= 0xF4:
				if b == 0xF0 {
					lower = 0x90
				} else if b == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(b&0x07)
			default:
				out.WriteRune(utf8.RuneError)
			}
			continue
		}
		if b < lower || b > upper {
			needed, seen, cp = 0, 0, 0
			lower, upper = 0x80, 0xBF
			out.WriteRune(utf8.RuneError)
			i-- // the byte starts afresh
			continue
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(b&0x3F)
		seen++
		if seen == needed {
			out.WriteRune(cp)
			needed, seen, cp = 0, 0, 0
		}
	}
	if needed != 0 {
		out.WriteRune(utf8.RuneError)
	}
	return out.String()
}

// ProxyMessage is the message of an app proxy signature: "signature" and
// "hmac" dropped, repeated values joined with ",", keys sorted, and k=v
// concatenated without a separator (stringifyQueryForAppProxy).
func ProxyMessage(pairs []Pair) string {
	return string(appendProxyMessage(nil, slices.Clone(pairs)))
}

// appendProxyMessage appends ProxyMessage(pairs) to b. It reorders pairs.
func appendProxyMessage(b []byte, pairs []Pair) []byte {
	pairs = sortPairs(pairs)
	for i, p := range pairs {
		if i > 0 && p.Key == pairs[i-1].Key {
			b = append(b, ',')
		} else {
			b = append(b, p.Key...)
			b = append(b, '=')
		}
		b = append(b, p.Value...)
	}
	return b
}

// AdminMessage is the message of an OAuth (admin) HMAC: "signature" and
// "hmac" dropped, keys sorted, then serialised as URLSearchParams does, a
// repeated key as key[]=v for each value (stringifyQueryForAdmin).
func AdminMessage(pairs []Pair) string {
	pairs = sortPairs(slices.Clone(pairs))
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		appendForm(&b, p.Key)
		if i > 0 && p.Key == pairs[i-1].Key || i+1 < len(pairs) && p.Key == pairs[i+1].Key {
			b.WriteString("%5B%5D") // key[], form-encoded
		}
		b.WriteByte('=')
		appendForm(&b, p.Value)
	}
	return b.String()
}

// sortPairs drops "signature" and "hmac" and orders the rest as the
// library sees them: grouped by key, the keys in the order of a stable sort
// of Object.entries by String.prototype.localeCompare, and each key's
// values in the order they came. It works in place.
func sortPairs(pairs []Pair) []Pair {
	pairs = slices.DeleteFunc(pairs, func(p Pair) bool { return p.Key == "signature" || p.Key == "hmac" })
	if allPlain(pairs) {
		// a–z and '_' collate in byte order, and a stable sort keeps
		// each key's values in order: no collator, no allocation.
		slices.SortStableFunc(pairs, func(a, b Pair) int { return strings.Compare(a.Key, b.Key) })
		return pairs
	}
	// rank is each key's place in Object.entries: array-index keys first,
	// ascending, then the others by first appearance. It breaks ties
	// between distinct keys that collate equal, as the stable sort of the
	// library's entries does.
	var keys []string
	for _, p := range pairs {
		if !slices.Contains(keys, p.Key) {
			keys = append(keys, p.Key)
		}
	}
	slices.SortStableFunc(keys, func(a, b string) int {
		ai, aok := arrayIndex(a)
		bi, bok := arrayIndex(b)
		switch {
		case aok && bok:
			return cmp.Compare(ai, bi)
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	rank := make(map[string]int, len(keys))
	for i, k := range keys {
		rank[k] = i
	}
	// A Collator keeps buffers, so it is not safe for concurrent use: one
	// per call. Only unusual keys get here.
	c := collate.New(language.Und)
	slices.SortStableFunc(pairs, func(a, b Pair) int {
		if a.Key == b.Key {
			return 0
		}
		if n := c.CompareString(a.Key, b.Key); n != 0 {
			return n
		}
		return cmp.Compare(rank[a.Key], rank[b.Key])
	})
	return pairs
}

func allPlain(pairs []Pair) bool {
	for _, p := range pairs {
		for i := 0; i < len(p.Key); i++ {
			if c := p.Key[i]; (c < 'a' || c > 'z') && c != '_' {
				return false
			}
		}
	}
	return true
}

// appendForm is the WHATWG application/x-www-form-urlencoded byte
// serializer: alphanumerics and *-._ stay, a space is '+', the rest %XX.
func appendForm(b *strings.Builder, s string) {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexUpper[c>>4])
			b.WriteByte(hexUpper[c&15])
		}
	}
}

// arrayIndex reports whether k is a canonical array index (0 … 2³²−2),
// which JavaScript objects list before their other keys.
func arrayIndex(k string) (int64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(k, 10, 64)
	if err != nil || n < 0 || n > 1<<32-2 {
		return 0, false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return 0, false
		}
	}
	return n, true
}

// macState is a keyed HMAC with its buffers, pooled: the proxy check runs
// on every storefront request, and keying a MAC costs more than using it.
type macState struct {
	secret string
	mac    hash.Hash
	msg    []byte
	sum    [sha256.Size]byte
	hex    [2 * sha256.Size]byte
}

var macs sync.Pool

func getMAC(secret string) *macState {
	m, _ := macs.Get().(*macState)
	if m == nil {
		m = &macState{}
	}
	if m.mac == nil || m.secret != secret {
		m.secret, m.mac = secret, hmac.New(sha256.New, []byte(secret))
	} else {
		m.mac.Reset()
	}
	m.msg = m.msg[:0]
	return m
}

func (m *macState) put() {
	if cap(m.msg) > 64<<10 {
		m.msg = nil
	}
	macs.Put(m)
}

// ProxySignatureValid reports, in constant time, whether signature is the
// app proxy signature of pairs (as ProxyMessage and hex HMAC-SHA256 make
// it). It reorders pairs.
func ProxySignatureValid(secret string, pairs []Pair, signature string) bool {
	m := getMAC(secret)
	defer m.put()
	m.msg = appendProxyMessage(m.msg, pairs)
	m.mac.Write(m.msg)
	m.mac.Sum(m.sum[:0])
	hex.Encode(m.hex[:], m.sum[:])
	return EqualString(signature, m.hex[:])
}

// EqualString compares a received signature with the expected one in time
// that depends only on their lengths, as hmac.Equal does, without copying.
func EqualString(got string, want []byte) bool {
	if len(got) != len(want) {
		return false
	}
	var v byte
	for i := range want {
		v |= got[i] ^ want[i]
	}
	return subtle.ConstantTimeByteEq(v, 0) == 1
}

// HexHMAC returns hex(HMAC-SHA256(secret, msg)).
func HexHMAC(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// Base64HMAC returns base64(HMAC-SHA256(secret, body)), as in
// X-Shopify-Hmac-Sha256.
func Base64HMAC(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

package shopify

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/shopify/internal/sign"
)

var crosscheckSeed = flag.Uint64("crosscheck.seed", 4, "seed of the random queries of TestCrossCheckShopifyAPI")

// findRepoRoot is the directory above the package that holds package.json
// and node_modules.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no package.json above the package directory")
		}
		dir = parent
	}
}

// runNode runs a script of testdata with node at the repository root. A
// missing node or npm package fails the test: CI must not pass without
// checking against Shopify's own code.
func runNode(t testing.TB, script string, stdin []byte, args ...string) []byte {
	t.Helper()
	out, err := nodeOutput(script, stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func nodeOutput(script string, stdin []byte, args ...string) ([]byte, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is required for this test (Node 20, then `npm ci` at the repository root): %w", err)
	}
	root, err := findRepoRoot()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(filepath.Join("testdata", script))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, append([]string{abs}, args...)...)
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node %s: %w\n%s\n(are the npm dev dependencies installed? run `npm ci` in %s)", script, err, stderr.Bytes(), root)
	}
	return out, nil
}

// queryGen makes random raw query strings of the kinds that trip
// implementations up: repeated keys, mixed case, keys that prefix others,
// array-index keys, unicode, '+', spaces, encoded '&' and '=', empty values.
type queryGen struct{ r *rand.Rand }

var (
	genKeys = []string{"path_prefix", "logged_in_customer_id", "product_id", "handle", "variant_id", "country",
		"method", "locale", "format", "items", "extra", "q", "Zeta", "alpha", "a", "a1", "a_b", "a-b", "aB", "Ab",
		"1", "10", "9", "café", "cafe", "x.y", "hmac", "Z", "_x", "-x", "ß", "ss"}
	// genRaw are already-encoded fragments that are not valid UTF-8 or
	// not valid escapes, which decoders repair in different ways. Node's
	// URLSearchParams departs from the WHATWG standard for them: when
	// decodeURIComponent throws, it decodes the component byte-wise and
	// mangles any raw non-ASCII character in it. Browsers and Shopify send
	// non-ASCII percent-encoded, so such values are generated encoded.
	genRaw    = []string{"%E2%82A", "%FF", "%", "%zz", "%C0%80", "%ED%A0%80", "%F0%9F%99", "%e2%82%ac", "%%41", "%4"}
	genValues = []string{"", "1", "42", "crème brûlée", "日本語", "a+b", "a b", "x,y", "&=", "%", "100%", "é",
		"🙂", "/apps/leadtime", "SE", "wool-sweater", "2001:2", "a=b&c"}
)

func (g queryGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// encode writes s as a query component, each character escaped or not at
// random, in any of the ways a browser or Shopify may send it.
func (g queryGen) encode(s string) string { return g.encodeSome(s, true) }

// encodeSome is encode; rawUnicode false percent-encodes every non-ASCII
// character.
func (g queryGen) encodeSome(s string, rawUnicode bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
			b.WriteString([]string{"+", "%20"}[g.r.IntN(2)])
		case r < 0x80 && (r == '&' || r == '=' || r == '+' || r == '%' || r == '#'):
			b.WriteString(url.QueryEscape(string(r)))
		case (r < 0x80 || rawUnicode) && (g.r.IntN(3) == 0 || r >= 0x80 && g.r.IntN(2) == 0):
			b.WriteString(string(r))
		default:
			for _, c := range []byte(string(r)) {
				h := strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:])
				if g.r.IntN(4) == 0 {
					h = strings.ToLower(h)
				}
				b.WriteString("%" + h)
			}
		}
	}
	return b.String()
}

func (g queryGen) value() string {
	v := ""
	for range g.r.IntN(3) {
		v += g.pick(genValues)
	}
	return v
}

// query returns a raw query with the fixed pairs at random places among
// 2–8 random ones.
func (g queryGen) query(fixed ...[2]string) string {
	var parts []string
	for range 2 + g.r.IntN(7) {
		k := g.pick(genKeys)
		for range 1 + g.r.IntN(3)*g.r.IntN(2) { // sometimes repeated
			v := g.encode(g.value())
			if g.r.IntN(4) == 0 {
				v = g.encodeSome(g.value(), false) + g.pick(genRaw)
			}
			parts = append(parts, g.encode(k)+"="+v)
		}
	}
	for _, f := range fixed {
		i := g.r.IntN(len(parts) + 1)
		parts = append(parts[:i], append([]string{f[0] + "=" + f[1]}, parts[i:]...)...)
	}
	return strings.Join(parts, "&")
}

type crossInput struct {
	Secret   string       `json:"secret"`
	NowMs    int64        `json:"nowMs"`
	APIKey   string       `json:"apiKey"`
	Proxy    []string     `json:"proxy"`
	OAuth    []string     `json:"oauth"`
	Webhooks []webhookIn  `json:"webhooks"`
	Tokens   []tokenInput `json:"tokens"`
}

type webhookIn struct {
	Body string `json:"body"`
	HMAC string `json:"hmac"`
}

type tokenInput struct {
	Payload map[string]any `json:"payload"`
	Alg     string         `json:"alg"`
	Key     string         `json:"key"`
}

type crossOutput struct {
	Proxy []struct {
		Signature string `json:"signature"`
		Valid     bool   `json:"valid"`
		Error     string `json:"error"`
	} `json:"proxy"`
	OAuth []struct {
		HMAC  string `json:"hmac"`
		Valid bool   `json:"valid"`
		Error string `json:"error"`
	} `json:"oauth"`
	Webhooks []struct {
		Valid  bool   `json:"valid"`
		Reason string `json:"reason"`
	} `json:"webhooks"`
	Tokens []struct {
		Token    string `json:"token"`
		Accepted bool   `json:"accepted"`
		Error    string `json:"error"`
	} `json:"tokens"`
}

// tokenCase is a session token and how the two verifiers must judge it.
// Ours is deliberately stricter than the library in a few ways: a 5 s
// leeway instead of 10, exp required, and iss/dest naming one valid shop.
type tokenCase struct {
	name    string
	in      tokenInput
	library bool // @shopify/shopify-api accepts it
	ours    bool // VerifySessionToken accepts it
}

// TestCrossCheckShopifyAPI compares package shopify with Shopify's own
// @shopify/shopify-api on random app proxy queries, OAuth queries and
// webhook bodies, and on session tokens, in one node process.
func TestCrossCheckShopifyAPI(t *testing.T) {
	const secret, apiKey = "hush-2f7c0e", "crosscheck-key"
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	stale := strconv.FormatInt(now.Unix()-91, 10)
	g := queryGen{rand.New(rand.NewPCG(*crosscheckSeed, 1))}
	t.Logf("seed %d (-crosscheck.seed)", *crosscheckSeed)

	in := crossInput{Secret: secret, APIKey: apiKey, NowMs: now.UnixMilli()}
	for i := range 60 {
		when := ts
		switch i % 10 {
		case 7:
			when = strconv.FormatInt(now.Unix()-90, 10) // the edge: still fresh
		case 8:
			when = strconv.FormatInt(now.Unix()+91, 10)
		case 9:
			when = stale
		}
		in.Proxy = append(in.Proxy, g.query([2]string{"shop", "my-store.myshopify.com"}, [2]string{"timestamp", when}))
	}
	for range 20 {
		in.OAuth = append(in.OAuth, g.query([2]string{"shop", "my-store.myshopify.com"}, [2]string{"timestamp", ts},
			[2]string{"code", g.encode(g.value()) + "c0de"}, [2]string{"state", g.encode(g.value())}))
	}
	for i := range 20 {
		body := `{"id":` + strconv.Itoa(i) + `,"title":` + strconv.Quote(g.value()) + `}`
		h := SignWebhook([]byte(body), secret)
		switch i % 4 {
		case 1:
			h = SignWebhook([]byte(body+" "), secret)
		case 2:
			h = ""
		case 3:
			h = strings.ToLower(h)
		}
		in.Webhooks = append(in.Webhooks, webhookIn{body, h})
	}
	shop := "my-store.myshopify.com"
	claims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{"iss": "https://" + shop + "/admin", "dest": "https://" + shop, "aud": apiKey, "sub": "42",
			"sid": "sid-1", "jti": "jti-1", "exp": now.Add(time.Minute).Unix(), "nbf": now.Unix() - 1, "iat": now.Unix() - 1}
		if edit != nil {
			edit(c)
		}
		return c
	}
	tokens := []tokenCase{
		{"valid", tokenInput{claims(nil), "HS256", secret}, true, true},
		{"foreign app", tokenInput{claims(func(c map[string]any) { c["aud"] = "other-app" }), "HS256", secret}, false, false},
		{"wrong secret", tokenInput{claims(nil), "HS256", "not-the-secret"}, false, false},
		{"expired a minute ago", tokenInput{claims(func(c map[string]any) { c["exp"] = now.Unix() - 60 }), "HS256", secret}, false, false},
		{"not valid for a minute", tokenInput{claims(func(c map[string]any) { c["nbf"] = now.Unix() + 60 }), "HS256", secret}, false, false},
		{"alg none", tokenInput{claims(nil), "none", ""}, false, false},
		{"HS512", tokenInput{claims(nil), "HS512", secret}, false, false},
		{"RS256", tokenInput{claims(nil), "RS256", ""}, false, false},
		{"expired 7 s ago", tokenInput{claims(func(c map[string]any) { c["exp"] = now.Unix() - 7 }), "HS256", secret}, true, false},
		{"expired 3 s ago", tokenInput{claims(func(c map[string]any) { c["exp"] = now.Unix() - 3 }), "HS256", secret}, true, true},
		{"expired 11 s ago", tokenInput{claims(func(c map[string]any) { c["exp"] = now.Unix() - 11 }), "HS256", secret}, false, false},
		{"no exp", tokenInput{claims(func(c map[string]any) { delete(c, "exp") }), "HS256", secret}, true, false},
		{"dest of another shop", tokenInput{claims(func(c map[string]any) { c["dest"] = "https://other.myshopify.com" }), "HS256", secret}, true, false},
		{"dest not a shop", tokenInput{claims(func(c map[string]any) {
			c["dest"], c["iss"] = "https://evil.example", "https://evil.example/admin"
		}), "HS256", secret}, true, false},
	}
	for _, tc := range tokens {
		in.Tokens = append(in.Tokens, tc.in)
	}

	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out crossOutput
	if err := json.Unmarshal(runNode(t, "crosscheck.js", stdin), &out); err != nil {
		t.Fatalf("crosscheck.js answer: %v", err)
	}
	if len(out.Proxy) != len(in.Proxy) || len(out.OAuth) != len(in.OAuth) || len(out.Webhooks) != len(in.Webhooks) || len(out.Tokens) != len(in.Tokens) {
		t.Fatalf("crosscheck.js answered %d/%d/%d/%d cases, want %d/%d/%d/%d", len(out.Proxy), len(out.OAuth), len(out.Webhooks),
			len(out.Tokens), len(in.Proxy), len(in.OAuth), len(in.Webhooks), len(in.Tokens))
	}

	for i, q := range in.Proxy {
		lib := out.Proxy[i]
		if got := SignProxy(q, secret); got != lib.Signature {
			t.Errorf("proxy %q:\n SignProxy = %s\n library   = %s\n our message %q", q, got, lib.Signature, sign.ProxyMessage(sign.ParseQuery(q)))
		}
		_, err := VerifyProxy(q+"&signature="+lib.Signature, secret, now)
		if (err == nil) != lib.Valid {
			t.Errorf("proxy %q: VerifyProxy = %v, library valid = %v %s", q, err, lib.Valid, lib.Error)
		}
	}
	for i, q := range in.OAuth {
		lib := out.OAuth[i]
		v := url.Values{}
		for _, p := range sign.ParseQuery(q) {
			v[p.Key] = append(v[p.Key], p.Value)
		}
		if got := SignOAuth(v, secret); got != lib.HMAC {
			t.Errorf("oauth %q:\n SignOAuth = %s\n library   = %s\n our message %q", q, got, lib.HMAC, sign.AdminMessage(sign.ParseQuery(q)))
		}
		v["hmac"] = []string{lib.HMAC}
		err := VerifyOAuthCallback(v, secret, now)
		if (err == nil) != lib.Valid {
			t.Errorf("oauth %q: VerifyOAuthCallback = %v, library valid = %v %s", q, err, lib.Valid, lib.Error)
		}
	}
	for i, w := range in.Webhooks {
		err := VerifyWebhook([]byte(w.Body), w.HMAC, secret)
		if (err == nil) != out.Webhooks[i].Valid {
			t.Errorf("webhook %q with %q: VerifyWebhook = %v, library valid = %v (%s)", w.Body, w.HMAC, err, out.Webhooks[i].Valid, out.Webhooks[i].Reason)
		}
	}
	for i, tc := range tokens {
		lib := out.Tokens[i]
		if lib.Accepted != tc.library {
			t.Errorf("token %s: library accepted = %v (%s), expected %v", tc.name, lib.Accepted, lib.Error, tc.library)
		}
		_, err := VerifySessionToken(lib.Token, apiKey, secret, now)
		if (err == nil) != tc.ours {
			t.Errorf("token %s: VerifySessionToken = %v, expected accepted = %v", tc.name, err, tc.ours)
		}
		if err != nil && !errors.Is(err, ErrBadToken) {
			t.Errorf("token %s: %v does not match ErrBadToken", tc.name, err)
		}
	}
}

package shopify

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/leadtime-app/leadtime/shopify/internal/sign"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// The vectors of ../shared/TOOLS.md, computed by @shopify/shopify-api.
var proxyVectors = []struct {
	query, signature string
}{
	{"extra=1&extra=2&shop=shop-name.myshopify.com&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555",
		"a9718877bea71c2484f91608a7eaea1532bdf71f5c56825065fa4ccabe549ef3"},
	{"extra=1&extra=2&shop=shop-name.myshopify.com&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555&logged_in_customer_id=",
		"e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb"},
	{"shop=my-store.myshopify.com&path_prefix=%2Fapps%2Frestock&timestamp=1700000000&logged_in_customer_id=42&product_id=123",
		"951b8d3f5f5a257afa608d64e2850d02df63fe8d9bf606f634b1d5914ff44881"},
	{"shop=s.myshopify.com&timestamp=1700000000&q=caf%C3%A9+%26+cr%C3%A8me&hmac=ignored",
		"0c655102d42c75cb1e992a28e8db068c91231732c418ef2a916eb5f552899997"},
}

const testSecret = "hush"

func TestProxyVectors(t *testing.T) {
	for _, v := range proxyVectors {
		if got := SignProxy(v.query, testSecret); got != v.signature {
			t.Errorf("SignProxy(%q) = %s, want %s", v.query, got, v.signature)
		}
		ts, _ := strconv.ParseInt(signedValue(v.query, "timestamp"), 10, 64)
		shop, err := VerifyProxy(v.query+"&signature="+v.signature, testSecret, time.Unix(ts, 0))
		if err != nil {
			t.Errorf("VerifyProxy(%q) = %v", v.query, err)
		}
		if want := signedValue(v.query, "shop"); shop != want {
			t.Errorf("VerifyProxy(%q) shop = %q, want %q", v.query, shop, want)
		}
	}
}

func signedValue(q, key string) string {
	vs, _ := url.ParseQuery(q)
	return vs.Get(key)
}

func TestWebhookVector(t *testing.T) {
	body := []byte(`{"id":123,"title":"Tee"}`)
	const header = "44polXTKQCIe2r8kJV1MuKGiDVPd2CAFzGnXhv7TeCY="
	if err := VerifyWebhook(body, header, testSecret); err != nil {
		t.Errorf("VerifyWebhook(vector) = %v", err)
	}
	if got := SignWebhook(body, testSecret); got != header {
		t.Errorf("SignWebhook = %s, want %s", got, header)
	}
	for name, tc := range map[string]struct {
		body   string
		header string
	}{
		"tampered body":  {`{"id":123,"title":"Tee "}`, header},
		"empty header":   {string(body), ""},
		"other secret":   {string(body), SignWebhook(body, "other")},
		"hex not base64": {string(body), SignProxy("x=1", testSecret)},
		"trailing space": {string(body), header + " "},
	} {
		if err := VerifyWebhook([]byte(tc.body), tc.header, testSecret); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: VerifyWebhook = %v, want ErrBadSignature", name, err)
		}
	}
}

// signed appends a valid signature to a raw query.
func signed(q string) string { return q + "&signature=" + SignProxy(q, testSecret) }

func TestVerifyProxyRefuses(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	ts := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	good := "shop=my-store.myshopify.com&path_prefix=%2Fapps%2Fleadtime&timestamp=" + ts(0) + "&product_id=1"
	forged := signed(good)
	forged = forged[:len(forged)-1] + map[bool]string{true: "0", false: "1"}[strings.HasSuffix(forged, "1")]
	for _, tc := range []struct {
		name, query string
		want        error
	}{
		{"forged", forged, ErrBadSignature},
		{"tampered value", strings.Replace(signed(good), "product_id=1", "product_id=2", 1), ErrBadSignature},
		{"added parameter", signed(good) + "&variant_id=9", ErrBadSignature},
		{"unsigned", good, ErrBadSignature},
		{"empty signature", good + "&signature=", ErrBadSignature},
		{"repeated signature", signed(good) + "&signature=" + SignProxy(good, testSecret), ErrBadSignature},
		{"other secret", good + "&signature=" + SignProxy(good, "other"), ErrBadSignature},
		{"upper-case hex", good + "&signature=" + strings.ToUpper(SignProxy(good, testSecret)), ErrBadSignature},
		{"stale by 91 s", signed("shop=my-store.myshopify.com&timestamp=" + ts(-91*time.Second)), ErrStaleTimestamp},
		{"future by 91 s", signed("shop=my-store.myshopify.com&timestamp=" + ts(91*time.Second)), ErrStaleTimestamp},
		{"missing timestamp", signed("shop=my-store.myshopify.com&product_id=1"), ErrStaleTimestamp},
		{"repeated timestamp", signed("shop=my-store.myshopify.com&timestamp=" + ts(0) + "&timestamp=" + ts(0)), ErrStaleTimestamp},
		{"timestamp not a number", signed("shop=my-store.myshopify.com&timestamp=1.7e9"), ErrStaleTimestamp},
		{"foreign domain", signed("shop=evil.com&timestamp=" + ts(0)), ErrBadShop},
		{"look-alike domain", signed("shop=x.myshopify.com.evil.com&timestamp=" + ts(0)), ErrBadShop},
		{"upper case", signed("shop=My-Store.myshopify.com&timestamp=" + ts(0)), ErrBadShop},
		{"leading hyphen", signed("shop=-x.myshopify.com&timestamp=" + ts(0)), ErrBadShop},
		{"missing shop", signed("timestamp=" + ts(0)), ErrBadShop},
		{"two shops", signed("shop=a.myshopify.com&shop=b.myshopify.com&timestamp=" + ts(0)), ErrBadShop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shop, err := VerifyProxy(tc.query, testSecret, now)
			if !errors.Is(err, tc.want) {
				t.Errorf("VerifyProxy(%q) = %q, %v; want %v", tc.query, shop, err, tc.want)
			}
		})
	}
	for _, d := range []time.Duration{-90 * time.Second, 0, 90 * time.Second} {
		q := signed("shop=my-store.myshopify.com&timestamp=" + ts(d))
		if _, err := VerifyProxy(q, testSecret, now); err != nil {
			t.Errorf("timestamp %v from now: %v, want accepted", d, err)
		}
	}
}

func TestVerifyOAuthCallback(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	base := func() url.Values {
		return url.Values{"code": {"0907a61c0c8d55e99db179b68161bc00"}, "shop": {"my-store.myshopify.com"},
			"state": {"n0nce"}, "timestamp": {strconv.FormatInt(now.Unix(), 10)}, "host": {"YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvbXktc3RvcmU"}}
	}
	sign := func(q url.Values) url.Values { q.Set("hmac", SignOAuth(q, testSecret)); return q }
	if err := VerifyOAuthCallback(sign(base()), testSecret, now); err != nil {
		t.Fatalf("valid callback: %v", err)
	}
	for _, tc := range []struct {
		name string
		q    func() url.Values
		want error
	}{
		{"no hmac", base, ErrBadSignature},
		{"tampered", func() url.Values { q := sign(base()); q.Set("state", "other"); return q }, ErrBadSignature},
		{"other secret", func() url.Values { q := base(); q.Set("hmac", SignOAuth(q, "x")); return q }, ErrBadSignature},
		{"stale", func() url.Values {
			q := base()
			q.Set("timestamp", strconv.FormatInt(now.Unix()-91, 10))
			return sign(q)
		}, ErrStaleTimestamp},
		{"bad shop", func() url.Values { q := base(); q.Set("shop", "evil.com"); return sign(q) }, ErrBadShop},
	} {
		if err := VerifyOAuthCallback(tc.q(), testSecret, now); !errors.Is(err, tc.want) {
			t.Errorf("%s: VerifyOAuthCallback = %v, want %v", tc.name, err, tc.want)
		}
	}
}

const testAPIKey = "test-api-key"

// token signs claims with method and key (nil: HS256 with testSecret).
func token(t *testing.T, claims jwt.MapClaims, method jwt.SigningMethod, key any) string {
	t.Helper()
	if method == nil {
		method, key = jwt.SigningMethodHS256, []byte(testSecret)
	}
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func adminClaims(now time.Time, shop string) jwt.MapClaims {
	return jwt.MapClaims{"iss": "https://" + shop + "/admin", "dest": "https://" + shop, "aud": testAPIKey,
		"sub": "42", "sid": "s1", "exp": now.Add(time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(), "jti": "j"}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for key, val := range c {
		out[key] = val
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestVerifySessionToken(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	shop := "my-store.myshopify.com"
	good := adminClaims(now, shop)
	c, err := VerifySessionToken(token(t, good, nil, nil), testAPIKey, testSecret, now)
	if err != nil {
		t.Fatalf("valid token: %v", err)
	}
	if want := (SessionClaims{Shop: shop, User: "42", SessionID: "s1", ExpiresAt: now.Add(time.Minute)}); c != want {
		t.Errorf("claims = %+v, want %+v", c, want)
	}
	if _, err := VerifySessionToken(token(t, with(good, "exp", now.Add(-3*time.Second).Unix()), nil, nil), testAPIKey, testSecret, now); err != nil {
		t.Errorf("expired 3 s ago, within the leeway: %v", err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	none := token(t, good, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType)
	for _, tc := range []struct {
		name  string
		token string
	}{
		{"foreign app", token(t, with(good, "aud", "other-app"), nil, nil)},
		{"wrong secret", token(t, good, jwt.SigningMethodHS256, []byte("other"))},
		{"expired", token(t, with(good, "exp", now.Add(-10*time.Second).Unix()), nil, nil)},
		{"no exp", token(t, with(good, "exp", nil), nil, nil)},
		{"not yet valid", token(t, with(good, "nbf", now.Add(10*time.Second).Unix()), nil, nil)},
		{"dest of another shop", token(t, with(good, "dest", "https://other.myshopify.com"), nil, nil)},
		{"dest not a shop", token(t, with(with(good, "dest", "https://evil.com"), "iss", "https://evil.com/admin"), nil, nil)},
		{"dest without scheme", token(t, with(good, "dest", shop), nil, nil)},
		{"no iss", token(t, with(good, "iss", nil), nil, nil)},
		{"alg none", none},
		{"HS512", token(t, good, jwt.SigningMethodHS512, []byte(testSecret))},
		{"RS256", token(t, good, jwt.SigningMethodRS256, rsaKey)},
		{"garbage", "not.a.jwt"},
		{"empty", ""},
	} {
		if _, err := VerifySessionToken(tc.token, testAPIKey, testSecret, now); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: VerifySessionToken = %v, want ErrBadToken", tc.name, err)
		}
	}
}

func TestVerifyCheckoutToken(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	shop := "my-store.myshopify.com"
	good := jwt.MapClaims{"dest": shop, "aud": testAPIKey, "exp": now.Add(5 * time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(), "jti": "j"}
	for _, c := range []jwt.MapClaims{good, with(good, "dest", "https://"+shop), with(good, "iss", "https://"+shop+"/admin"),
		with(good, "sub", "gid://shopify/Customer/7")} {
		got, err := VerifyCheckoutToken(token(t, c, nil, nil), testAPIKey, testSecret, now)
		if err != nil || got.Shop != shop {
			t.Errorf("VerifyCheckoutToken(%v) = %+v, %v; want shop %s", c, got, err, shop)
		}
	}
	for name, c := range map[string]jwt.MapClaims{
		"foreign app":       with(good, "aud", "other"),
		"expired":           with(good, "exp", now.Add(-time.Minute).Unix()),
		"iss of other shop": with(good, "iss", "https://other.myshopify.com/admin"),
		"dest not a shop":   with(good, "dest", "evil.com"),
	} {
		if _, err := VerifyCheckoutToken(token(t, c, nil, nil), testAPIKey, testSecret, now); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: VerifyCheckoutToken = %v, want ErrBadToken", name, err)
		}
	}
	// An admin token is not a checkout token's shape, but it names one
	// shop consistently; a checkout token is not an admin token.
	if _, err := VerifySessionToken(token(t, good, nil, nil), testAPIKey, testSecret, now); err == nil {
		t.Error("VerifySessionToken accepted a checkout token")
	}
}

func TestValidShop(t *testing.T) {
	for shop, want := range map[string]bool{
		"my-store.myshopify.com": true, "a.myshopify.com": true, "0x.myshopify.com": true,
		"": false, "myshopify.com": false, ".myshopify.com": false, "-a.myshopify.com": false,
		"A.myshopify.com": false, "a_b.myshopify.com": false, "a.myshopify.com.": false, "a.b.myshopify.com": false,
		"a.myshopify.io": false, "https://a.myshopify.com": false, "a.myshopify.com/admin": false,
		strings.Repeat("a", 300) + ".myshopify.com": false,
	} {
		if got := ValidShop(shop); got != want {
			t.Errorf("ValidShop(%q) = %v, want %v", shop, got, want)
		}
	}
}

func FuzzVerifyProxy(f *testing.F) {
	for _, v := range proxyVectors {
		f.Add(v.query + "&signature=" + v.signature)
		f.Add(v.query)
	}
	f.Add("a=%&b=%zz&%E2%82=1&;=x&==&&&+=+")
	f.Add("shop=s.myshopify.com&timestamp=1700000000&%FF%FE=%C0%80&Zeta=1&a1=2&a=3&_=4")
	f.Fuzz(func(t *testing.T, q string) {
		now := time.Unix(1_700_000_000, 0)
		_, _ = VerifyProxy(q, testSecret, now)
		// Whatever the query, its own signature verifies unless the
		// timestamp or shop is wrong or it carries a signature already.
		for _, p := range sign.ParseQuery(q) {
			if p.Key == "signature" {
				return
			}
		}
		_, err := VerifyProxy(q+"&signature="+SignProxy(q, testSecret), testSecret, now)
		if errors.Is(err, ErrBadSignature) {
			t.Errorf("VerifyProxy refused the signature of %q: %v", q, err)
		}
	})
}

func FuzzVerifyWebhook(f *testing.F) {
	f.Add([]byte(`{"id":123,"title":"Tee"}`), "44polXTKQCIe2r8kJV1MuKGiDVPd2CAFzGnXhv7TeCY=")
	f.Add([]byte{}, "")
	f.Add([]byte{0xff, 0x00}, "====")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		err := VerifyWebhook(body, header, testSecret)
		if (err == nil) != (header == SignWebhook(body, testSecret)) {
			t.Errorf("VerifyWebhook(%q, %q) = %v", body, header, err)
		}
		if err := VerifyWebhook(body, SignWebhook(body, testSecret), testSecret); err != nil {
			t.Errorf("VerifyWebhook refused its own signature: %v", err)
		}
	})
}

// TestFakeSignsAsShopify: what shopifytest signs for the server's tests
// verifies here.
func TestFakeSignsAsShopify(t *testing.T) {
	now := time.Now()
	q := shopifytest.ProxyQuery("my-store.myshopify.com", testSecret, url.Values{"product_id": {"1001"}, "locale": {"sv"}}, now)
	if shop, err := VerifyProxy(q, testSecret, now); err != nil || shop != "my-store.myshopify.com" {
		t.Errorf("VerifyProxy(ProxyQuery) = %q, %v", shop, err)
	}
	body := []byte(`{"id":1001}`)
	req := shopifytest.WebhookRequest("http://app.example/webhooks", "products/update", "my-store.myshopify.com", testSecret, body)
	if err := VerifyWebhook(body, req.Header.Get("X-Shopify-Hmac-Sha256"), testSecret); err != nil {
		t.Errorf("VerifyWebhook(WebhookRequest) = %v", err)
	}
	if req.Header.Get("X-Shopify-Topic") != "products/update" || len(req.Header.Get("X-Shopify-Webhook-Id")) != 36 {
		t.Errorf("headers %v", req.Header)
	}
}

// BenchmarkVerifyProxy measures the check every proxy request pays.
func BenchmarkVerifyProxy(b *testing.B) {
	now := time.Unix(1_700_000_000, 0)
	q := signed("shop=my-store.myshopify.com&path_prefix=%2Fapps%2Fleadtime&timestamp=1700000000&logged_in_customer_id=&product_id=1001&variant_id=2001&country=SE&locale=sv")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyProxy(q, testSecret, now); err != nil {
			b.Fatal(err)
		}
	}
}

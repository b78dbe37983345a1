package shopify

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// TestSignaturesDoNotCrossContexts is issue 16.1's reasoning applied to
// every HMAC Leadtime verifies besides webhooks (TestWebhookForgedFromOtherSignatures
// in server covers those). The attacker holds the signatures Shopify shows
// anyone: its own OAuth callback's hmac (in its browser's address bar) and
// any session token (every shopper gets a checkout token). Each attack
// below is built so that its HMAC really matches the message the verifier
// computes, where that is possible, and must still be refused, by the
// checks that tie a signature to its context: a proxy request must carry
// its own shop and timestamp, an OAuth callback its own, a session token
// must be a JWT of HS256 with the app's audience.
func TestSignaturesDoNotCrossContexts(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	attacker := "attacker.myshopify.com"
	callback := url.Values{
		"code": {"0907a61c0c8d55e99db179b68161bc00"}, "host": {"YXR0YWNrZXIubXlzaG9waWZ5LmNvbS9hZG1pbg"},
		"shop": {attacker}, "state": {"0123456789abcdef"}, "timestamp": {ts},
	}
	oauthHMAC := SignOAuth(callback, testSecret)
	// The message the OAuth hmac signs: "code=…&host=…&shop=…&state=…&timestamp=…".
	oauthMessage := "code=" + callback.Get("code") + "&host=" + callback.Get("host") +
		"&shop=" + attacker + "&state=" + callback.Get("state") + "&timestamp=" + ts

	token := shopifytest.CheckoutToken(testAPIKey, testSecret, attacker, now)
	dot := strings.LastIndexByte(token, '.')
	jwtMessage, jwtSig := token[:dot], token[dot+1:]
	jwtRaw, err := base64.RawURLEncoding.DecodeString(jwtSig)
	if err != nil {
		t.Fatal(err)
	}
	jwtHex := hex.EncodeToString(jwtRaw)

	t.Run("proxy", func(t *testing.T) {
		for _, tc := range []struct {
			name, rawQuery string
			sigMatches     bool // the HMAC itself verifies: only the context checks refuse it
		}{
			// One parameter whose value holds the rest of the OAuth message:
			// the proxy message "code=<value>" is the OAuth message, but
			// the request has no shop and no timestamp of its own.
			{"oauth hmac, one parameter", "code=" + url.QueryEscape(strings.TrimPrefix(oauthMessage, "code=")) + "&signature=" + oauthHMAC, true},
			// The '&' carried at the end of each value, so that the proxy
			// message (pairs joined by nothing) is again the OAuth message,
			// timestamp and all: then shop's value holds the rest, which is
			// no shop.
			{"oauth hmac, split parameters",
				"code=" + url.QueryEscape(callback.Get("code")+"&host="+callback.Get("host")+"&") +
					"&shop=" + url.QueryEscape(attacker+"&state="+callback.Get("state")+"&") +
					"&timestamp=" + ts + "&signature=" + oauthHMAC, true},
			{"session token signature", "shop=" + attacker + "&timestamp=" + ts + "&" + url.QueryEscape(jwtMessage) + "=&signature=" + jwtHex, false},
		} {
			q := tc.rawQuery
			if got := SignProxy(q, testSecret) == strings.TrimPrefix(q[strings.LastIndex(q, "signature="):], "signature="); got != tc.sigMatches {
				t.Fatalf("%s: the forged HMAC matches = %v, want %v (the attack is not the one described)", tc.name, got, tc.sigMatches)
			}
			if shop, err := VerifyProxy(q, testSecret, now); err == nil {
				t.Errorf("%s: VerifyProxy = %q, nil; want an error", tc.name, shop)
			} else if tc.sigMatches && errors.Is(err, ErrBadSignature) {
				t.Errorf("%s: VerifyProxy = %v; want it refused by its context (timestamp, shop), the signature being Shopify's", tc.name, err)
			}
		}
	})

	t.Run("oauth callback", func(t *testing.T) {
		// A session token's "header.payload" as the only key: no '=' in
		// base64url, so the message is the JWT's own message.
		q := url.Values{jwtMessage: {""}, "hmac": {jwtHex}}
		if err := VerifyOAuthCallback(q, testSecret, now); err == nil {
			t.Errorf("VerifyOAuthCallback(session token signature) = nil, want an error")
		}
		if err := VerifyOAuthCallback(callback, testSecret, now); !errors.Is(err, ErrBadSignature) {
			t.Errorf("VerifyOAuthCallback(no hmac) = %v, want ErrBadSignature", err)
		}
	})

	t.Run("session token", func(t *testing.T) {
		// The OAuth message as a JWT: it does not parse as header.payload.
		sig := base64.RawURLEncoding.EncodeToString(mustHex(t, oauthHMAC))
		for _, forged := range []string{oauthMessage + "." + sig, base64.RawURLEncoding.EncodeToString([]byte(oauthMessage)) + ".e30." + sig} {
			if _, err := VerifyCheckoutToken(forged, testAPIKey, testSecret, now); !errors.Is(err, ErrBadToken) {
				t.Errorf("VerifyCheckoutToken(%.40q…) = %v, want ErrBadToken", forged, err)
			}
			if _, err := VerifySessionToken(forged, testAPIKey, testSecret, now); !errors.Is(err, ErrBadToken) {
				t.Errorf("VerifySessionToken(%.40q…) = %v, want ErrBadToken", forged, err)
			}
		}
	})
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/feed"
	"github.com/leadtime-app/leadtime/server"
)

// getFeed fetches a feed URL with headers as alternating names and values.
func (e *adminEnv) getFeed(t *testing.T, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, "GET", target, nil, headers...)
}

// TestFeedDemo: the demo shop's feed at the fixed demo token, in both
// formats, exactly as package feed builds it at the same instant, with an
// ETag and a Last-Modified that a conditional fetch turns into a 304.
func TestFeedDemo(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.Build(shop, shop.Catalog(), "SE", saturdayMorning)
	if err != nil {
		t.Fatal(err)
	}
	var wantTSV, wantXML bytes.Buffer
	if err := f.WriteTSV(&wantTSV); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteXML(&wantXML); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		target, ctype string
		want          []byte
	}{
		{"/feeds/google/demo/SE.tsv", "text/tab-separated-values; charset=utf-8", wantTSV.Bytes()},
		{"/feeds/google/demo/se.xml", "application/xml; charset=utf-8", wantXML.Bytes()},
	} {
		w := e.getFeed(t, tt.target)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != tt.ctype || !bytes.Equal(w.Body.Bytes(), tt.want) {
			t.Fatalf("GET %s: %d %s\n%s\nwant 200 %s\n%s", tt.target, w.Code, w.Header().Get("Content-Type"), w.Body, tt.ctype, tt.want)
		}
		etag, modified := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
		if etag == "" || modified == "" {
			t.Fatalf("GET %s: ETag %q, Last-Modified %q", tt.target, etag, modified)
		}
		for _, h := range [][]string{{"If-None-Match", etag}, {"If-None-Match", `"other", ` + etag}, {"If-Modified-Since", modified}} {
			if w := e.getFeed(t, tt.target, h...); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
				t.Errorf("GET %s with %s: %d, want 304 and no body", tt.target, h[0], w.Code)
			}
		}
		if w := e.do(t, "HEAD", tt.target, nil); w.Code != http.StatusOK || w.Header().Get("ETag") != etag {
			t.Errorf("HEAD %s: %d, ETag %q; want 200 and %s", tt.target, w.Code, w.Header().Get("ETag"), etag)
		}
		if w := e.getFeed(t, tt.target, "If-None-Match", `"stale"`); w.Code != http.StatusOK {
			t.Errorf("GET %s with another ETag: %d, want 200", tt.target, w.Code)
		}
	}
}

// TestFeedErrors: every bad request is a JSON 4xx.
func TestFeedErrors(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	for _, tt := range []struct {
		target string
		status int
		code   string
	}{
		{"/feeds/google/no-such-token/SE.tsv", http.StatusNotFound, "not_found"},
		{"/feeds/google/demo/SE.csv", http.StatusNotFound, "not_found"},
		{"/feeds/google/demo/SE", http.StatusNotFound, "not_found"},
		{"/feeds/google/demo/XX.tsv", http.StatusBadRequest, "invalid_country"},
		{"/feeds/google/demo/sweden.tsv", http.StatusBadRequest, "invalid_country"},
	} {
		w := e.getFeed(t, tt.target)
		checkError(t, "GET "+tt.target, w.Code, w.Header(), w.Body.Bytes(), tt.status, tt.code)
	}
}

// TestFeedToken: the settings API gives the shop a random token and its
// URLs; rotating it makes the old URL a 404 at once.
func TestFeedToken(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	token := func(method string) server.FeedToken {
		t.Helper()
		w := e.do(t, method, "/admin/api/feed-token", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s /admin/api/feed-token: %d %s", method, w.Code, w.Body)
		}
		var ft server.FeedToken
		if err := json.Unmarshal(w.Body.Bytes(), &ft); err != nil {
			t.Fatal(err)
		}
		return ft
	}
	first := token("GET")
	if len(first.Token) < 20 || first.Country != "SE" || first.TSVURL != "http://example.com/feeds/google/"+first.Token+"/SE.tsv" {
		t.Fatalf("GET /admin/api/feed-token = %+v", first)
	}
	if again := token("GET"); again.Token != first.Token {
		t.Errorf("a second GET made a new token: %s, then %s", first.Token, again.Token)
	}
	path := "/feeds/google/" + first.Token + "/SE.tsv"
	if w := e.getFeed(t, path); w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	rotated := token("POST")
	if rotated.Token == first.Token {
		t.Fatalf("POST did not rotate the token")
	}
	w := e.getFeed(t, path)
	checkError(t, "GET the rotated URL", w.Code, w.Header(), w.Body.Bytes(), http.StatusNotFound, "not_found")
	if w := e.getFeed(t, "/feeds/google/"+rotated.Token+"/SE.xml"); w.Code != http.StatusOK {
		t.Errorf("GET the new URL: %d %s", w.Code, w.Body)
	}
}

// TestFeedRebuiltOnSave: a save retires the feed; the next fetch gets the
// previous one while the next is built in the background, and then the new
// one, with a new ETag and Last-Modified.
func TestFeedRebuiltOnSave(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	const target = "/feeds/google/demo/SE.tsv"
	before := e.getFeed(t, target)
	if !strings.Contains(before.Body.String(), "shopify_SE_1005_2041\t1\t3\t") {
		t.Fatalf("before: the plain wallet is not 1–3 days:\n%s", before.Body)
	}
	doc, etag := e.settings(t)
	doc["processing"] = map[string]any{"min": 2, "max": 4}
	if w := e.do(t, "PUT", "/admin/api/settings", doc, "If-Match", etag); w.Code != http.StatusOK {
		t.Fatalf("PUT /admin/api/settings: %d %s", w.Code, w.Body)
	}
	// Wait for the event (the rebuilt feed), not for a time: each fetch
	// either serves the previous feed or the new one.
	var after *httptest.ResponseRecorder
	for range 1000 {
		after = e.getFeed(t, target)
		if after.Header().Get("ETag") != before.Header().Get("ETag") {
			break
		}
		if after.Body.String() != before.Body.String() {
			t.Fatalf("a changed body under the old ETag")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(after.Body.String(), "shopify_SE_1005_2041\t2\t4\t") {
		t.Fatalf("after the save: the plain wallet is not 2–4 days:\n%s", after.Body)
	}
	if w := e.getFeed(t, target, "If-None-Match", before.Header().Get("ETag")); w.Code != http.StatusOK {
		t.Errorf("the old ETag after the rebuild: %d, want 200", w.Code)
	}
}

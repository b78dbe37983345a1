package shopify

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

const (
	testShop  = "demo-handmade.myshopify.com"
	testToken = "shpat_test_0123456789abcdef"
)

// fixture products: tracked and untracked variants, both policies,
// metafields valid and not, collections and tags.
var (
	sweater = shopifytest.Product{
		ID: 1001, Handle: "wool-sweater", Title: "Hand-knit wool sweater", Vendor: "Stickat", ProductType: "Sweater",
		Tags: []string{"handmade", "wool"}, Collections: []string{"knitwear", "winter"},
		Metafields: map[string]string{"leadtime.processing_min_days": "5", "leadtime.processing_max_days": "8", "leadtime.readiness": "made_to_order"},
		Variants: []shopifytest.Variant{
			{ID: 2001, Title: "S", InventoryQuantity: 3, Tracked: true, InventoryPolicy: "DENY",
				Metafields: map[string]string{"leadtime.processing_max_days": "10", "leadtime.ships_on": "2026-12-01"}},
			{ID: 2002, Title: "M", InventoryQuantity: -2, Tracked: true, InventoryPolicy: "CONTINUE"},
			{ID: 2003, Title: "L", InventoryQuantity: 0, Tracked: false},
		},
	}
	mug = shopifytest.Product{
		ID: 1002, Handle: "mug", Title: "Mug", Vendor: "Lera", ProductType: "Mug",
		Metafields: map[string]string{
			"leadtime.processing_min_days": "two", "leadtime.processing_max_days": "-1",
			"leadtime.readiness": "soon", "leadtime.ships_on": "2026-02-30",
		},
		Variants: []shopifytest.Variant{{ID: 2010, Title: "Default Title", InventoryQuantity: 7, Tracked: true}},
	}
)

// newFake starts a fake with testShop holding the fixture products.
func newFake(t testing.TB) *shopifytest.Server {
	t.Helper()
	srv := shopifytest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddShop(testShop, testToken, shopifytest.Shop{
		Name: "Demo Handmade", Timezone: "Europe/Stockholm", Country: "SE", Locale: "sv", ProcessingTime: "P2D",
	})
	srv.AddProduct(testShop, sweater)
	srv.AddProduct(testShop, mug)
	return srv
}

// newClient returns a Client of testShop against the fake.
func newClient(t testing.TB, srv *shopifytest.Server, opts Options) *Client {
	t.Helper()
	opts.Endpoint = srv.URL
	c, err := NewClient(testShop, testToken, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawGraphQL posts a document to the fake as package shopify would, and
// returns the answer decoded with json.Number.
func rawGraphQL(t testing.TB, srv *shopifytest.Server, doc string, vars map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/api/"+APIVersion+"/graphql.json", bytes.NewReader(body))
	req.Host = testShop
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d: %s", resp.StatusCode, raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
	return out
}

// logBuffer collects a logger's output for inspection, safely across
// goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Command fakeshopify runs shopifytest's fake Admin API on its own, for
// local development: Leadtime reaches it through LEADTIME_SHOPIFY_ENDPOINT,
// so the whole install (OAuth, metafield definitions, products, webhooks'
// effects) can be tried without a Shopify store.
//
//	go run ./shopify/shopifytest/fakeshopify --config examples/demo-shop.yaml
//
// It seeds one shop with the catalog of the settings document and prints the
// environment that points Leadtime at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9292", "listen address")
	config := flag.String("config", "examples/demo-shop.yaml", "settings document whose shop and catalog to serve")
	apiKey := flag.String("api-key", "dev-api-key", "the app's API key (SHOPIFY_API_KEY)")
	secret := flag.String("api-secret", "dev-api-secret", "the app's API secret (SHOPIFY_API_SECRET)")
	token := flag.String("token", "shpat_dev_token", "the shop's offline token (SHOPIFY_ACCESS_TOKEN in single-shop mode)")
	flag.Parse()
	if err := run(*addr, *config, *apiKey, *secret, *token); err != nil {
		log.Fatal(err)
	}
}

func run(addr, config, apiKey, secret, token string) error {
	data, err := os.ReadFile(config)
	if err != nil {
		return err
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		return err
	}
	fake := shopifytest.New()
	fake.SetApp(apiKey, secret)
	st := shop.Settings()
	fake.AddShop(st.Shop, token, shopifytest.Shop{Name: st.Shop, Timezone: st.Timezone, Country: st.Country, Locale: st.Locale, ProcessingTime: "P2D"})
	for _, p := range shop.Catalog() {
		fake.AddProduct(st.Shop, shopifytest.ProductFrom(p))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	endpoint := "http://" + ln.Addr().String()
	fmt.Printf("Fake Shopify Admin API for %s (%d products) on %s\n\n", st.Shop, len(shop.Catalog()), endpoint)
	fmt.Printf("Single-shop mode:\n  LEADTIME_SHOPIFY_ENDPOINT=%s SHOPIFY_SHOP=%s SHOPIFY_ACCESS_TOKEN=%s SHOPIFY_API_KEY=%s SHOPIFY_API_SECRET=%s go run .\n\n",
		endpoint, st.Shop, token, apiKey, secret)
	fmt.Printf("OAuth mode:\n  LEADTIME_SHOPIFY_ENDPOINT=%s SHOPIFY_API_KEY=%s SHOPIFY_API_SECRET=%s APP_URL=http://localhost:8080 go run .\n  then open http://localhost:8080/auth?shop=%s\n",
		endpoint, apiKey, secret, st.Shop)
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

package demo_test

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/demo"
	"github.com/leadtime-app/leadtime/server"
)

// saturdayMorning is the instant of ARCHITECTURE §4's examples: Saturday
// 28 November 2026, 09:15 in Stockholm. Processing starts on Monday 30
// November.
var saturdayMorning = time.Date(2026, 11, 28, 9, 15, 0, 0, time.FixedZone("CET", 3600))

// demoShop is the demo shop, loaded once: a Shop is read-only after Compile.
var demoShop = sync.OnceValues(func() (*delivery.Shop, error) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		return nil, err
	}
	return delivery.LoadShop(data)
})

// withDemo mounts the demo's routes on cfg in demo mode, as serve.go does.
func withDemo(cfg server.Config, headless []byte) server.Config {
	if cfg.Demo {
		cfg.Routes = demo.Routes(demo.Config{
			Shops: cfg.Engine.Shops, Shop: cfg.DefaultShop, Now: cfg.Now, HeadlessPage: headless,
		})
	}
	return cfg
}

package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/leadtime-app/leadtime/internal/redistest"
)

func TestRedisPersistence(t *testing.T) {
	noConfig := redistest.Args("--rename-command", "CONFIG", "")
	tests := []struct {
		name      string
		opts      []redistest.Option
		wantOn    bool
		wantKnown bool
	}{
		{"AOF off", nil, false, true},
		{"AOF on", []redistest.Option{redistest.AOF()}, true, true},
		// Managed Redis often disables CONFIG; INFO persistence still tells.
		{"AOF off, CONFIG disabled", []redistest.Option{noConfig}, false, true},
		{"AOF on, CONFIG disabled", []redistest.Option{redistest.AOF(), noConfig}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := redistest.Start(t, tc.opts...)
			s, err := OpenRedis(context.Background(), srv.URL(), Options{})
			if err != nil {
				t.Fatalf("OpenRedis: %v", err)
			}
			defer s.Close()
			if on, known := s.Persistent(); on != tc.wantOn || known != tc.wantKnown {
				t.Errorf("Persistent() = %v, %v; want %v, %v", on, known, tc.wantOn, tc.wantKnown)
			}
		})
	}

	// A server that answers neither CONFIG nor INFO persistence: unknown.
	t.Run("unknown", func(t *testing.T) {
		m := miniredis.RunT(t)
		s, err := OpenRedis(context.Background(), "redis://"+m.Addr(), Options{})
		if err != nil {
			t.Fatalf("OpenRedis: %v", err)
		}
		defer s.Close()
		if on, known := s.Persistent(); on || known {
			t.Errorf("Persistent() = %v, %v; want false, false", on, known)
		}
	})
}

// TestRedisKilled: with Redis dead, every call fails promptly rather than
// hanging a request; after a restart (empty, as Redis without AOF comes
// back) the same store works again.
func TestRedisKilled(t *testing.T) {
	srv := redistest.Start(t)
	const timeout = 200 * time.Millisecond
	s, err := OpenRedis(context.Background(), srv.URL(), Options{DialTimeout: timeout, ReadTimeout: timeout, WriteTimeout: timeout})
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	defer s.Close()
	mustSave(t, s, shopA, doc(1), "")

	srv.Kill()
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Ping", s.Ping},
		{"Get", func(ctx context.Context) error { return second(s.Get(ctx, shopA)) }},
		{"SaveSettings", func(ctx context.Context) error { return second(s.SaveSettings(ctx, shopA, doc(2), "")) }},
		{"SetToken", func(ctx context.Context) error { return s.SetToken(ctx, shopA, "shpat_x", "") }},
		{"List", func(ctx context.Context) error { return second(s.List(ctx)) }},
	}
	for _, c := range calls {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		err := c.call(ctx)
		cancel()
		if err == nil {
			t.Errorf("%s with Redis down succeeded", c.name)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s with Redis down took %v, want an error promptly", c.name, d)
		}
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
			t.Errorf("%s with Redis down: error %v looks like an answer, not an outage", c.name, err)
		}
	}

	srv.Restart()
	deadline := time.Now().Add(5 * time.Second)
	for s.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("Ping after restart: %v", s.Ping(ctx))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := s.Get(ctx, shopA); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after restart without AOF: error = %v, want ErrNotFound (Redis came back empty)", err)
	}
	mustSave(t, s, shopA, doc(3), "")
	if got := mustGet(t, s, shopA); got.SettingsVersion != 1 {
		t.Errorf("after restart version = %d, want 1", got.SettingsVersion)
	}
}

func TestOpenRedisErrors(t *testing.T) {
	const password = "s3cr3t-pw"
	tests := []struct {
		name string
		url  string
	}{
		{"unparsable URL", "redis://user:" + password + "@host:badport/0"},
		{"wrong scheme", "http://user:" + password + "@127.0.0.1:6379/0"},
		{"nobody listening", "redis://user:" + password + "@127.0.0.1:1/0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			s, err := OpenRedis(ctx, tc.url, Options{DialTimeout: 200 * time.Millisecond})
			if err == nil {
				s.Close()
				t.Fatalf("OpenRedis(%s) succeeded", tc.name)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestRedisKeys pins the key layout (DESIGN §6: the shop in a hash tag, so
// that Redis Cluster keeps a shop's keys in one slot).
func TestRedisKeys(t *testing.T) {
	m := miniredis.RunT(t)
	s, err := OpenRedis(context.Background(), "redis://"+m.Addr(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustSave(t, s, shopA, doc(1), "")
	if err := s.SetToken(ctx, shopA, "shpat_a", "read_products"); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(m.Keys(), " ")
	want := "leadtime:shops leadtime:{a-shop.myshopify.com}:history leadtime:{a-shop.myshopify.com}:meta leadtime:{a-shop.myshopify.com}:settings leadtime:{a-shop.myshopify.com}:token"
	if got != want {
		t.Errorf("keys = %s\nwant %s", got, want)
	}
}

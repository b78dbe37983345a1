package redistest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestStartKillRestart(t *testing.T) {
	s := Start(t)
	ctx := context.Background()
	opt, err := redis.ParseURL(s.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", s.URL(), err)
	}
	opt.DialTimeout, opt.ReadTimeout, opt.MaxRetries = 200*time.Millisecond, 200*time.Millisecond, -1
	rdb := redis.NewClient(opt)
	defer rdb.Close()

	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	if got, want := configGet(t, rdb, "appendonly"), "no"; got != want {
		t.Errorf("appendonly = %q, want %q", got, want)
	}
	if got, want := configGet(t, rdb, "save"), ""; got != want {
		t.Errorf("save = %q, want %q", got, want)
	}

	pid := s.PID()
	s.Kill()
	if s.PID() != 0 {
		t.Errorf("PID() after Kill = %d, want 0", s.PID())
	}
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Errorf("PING after Kill succeeded")
	}

	s.Restart()
	if s.PID() == pid || s.PID() == 0 {
		t.Errorf("PID() after Restart = %d, want a new process (was %d)", s.PID(), pid)
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		// The first command may meet a pooled connection to the dead server.
		if err := rdb.Ping(ctx).Err(); err != nil {
			t.Fatalf("PING after Restart: %v", err)
		}
	}
	if n := rdb.Exists(ctx, "k").Val(); n != 0 {
		t.Errorf("EXISTS k after Restart = %d, want 0 (restarted empty)", n)
	}
}

func TestAOF(t *testing.T) {
	s := Start(t, AOF())
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer rdb.Close()
	if got, want := configGet(t, rdb, "appendonly"), "yes"; got != want {
		t.Errorf("appendonly = %q, want %q", got, want)
	}
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	s.Restart()
	got, err := rdb.Get(ctx, "k").Result()
	if err != nil {
		got, err = rdb.Get(ctx, "k").Result()
	}
	if err != nil || got != "v" {
		t.Errorf("GET k after Restart with AOF = %q, %v; want \"v\"", got, err)
	}
}

func configGet(t *testing.T, rdb *redis.Client, key string) string {
	t.Helper()
	m, err := rdb.ConfigGet(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("CONFIG GET %s: %v", key, err)
	}
	return m[key]
}

// TestStartCluster: the cluster answers keys in every slot through a
// cluster client, spread over every master.
func TestStartCluster(t *testing.T) {
	c := StartCluster(t, 3)
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	defer rdb.Close()
	ctx := context.Background()
	for i := range 30 {
		k := fmt.Sprintf("k%d", i)
		if err := rdb.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	// Thirty keys spread over every master.
	for _, s := range c.Nodes {
		node := redis.NewClient(&redis.Options{Addr: s.Addr()})
		n, err := node.DBSize(ctx).Result()
		node.Close()
		if err != nil || n == 0 {
			t.Errorf("node %s holds %d keys (%v), want some", s.Addr(), n, err)
		}
	}
	if got, want := strings.Count(c.URL(), "addr="), 2; got != want {
		t.Errorf("URL %q has %d addr=, want %d", c.URL(), got, want)
	}
}

package redisconn

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestOpenKind(t *testing.T) {
	for _, tc := range []struct {
		url     string
		cluster bool
		want    string
	}{
		{"redis://127.0.0.1:6379/0", false, "single"},
		{"redis://127.0.0.1:7000?addr=127.0.0.1:7001&addr=127.0.0.1:7002", false, "cluster"},
		{"redis://127.0.0.1:7000", true, "cluster"},
		{"rediss://u:p@10.0.0.1:7000?addr=10.0.0.2:7000", false, "cluster"},
	} {
		rdb, err := Open(tc.url, Options{Cluster: tc.cluster, DialTimeout: time.Second, ReadTimeout: 200 * time.Millisecond, WriteTimeout: time.Second, MaxRetries: 1})
		if err != nil {
			t.Fatalf("Open(%q): %v", tc.url, err)
		}
		got := "single"
		switch c := rdb.(type) {
		case *redis.ClusterClient:
			got = "cluster"
			o := c.Options()
			if !o.ContextTimeoutEnabled || o.DialerRetries != 1 || o.MaxRetries != 1 || o.ReadTimeout != 200*time.Millisecond {
				t.Errorf("Open(%q) cluster options = %+v", tc.url, o)
			}
		case *redis.Client:
			o := c.Options()
			if !o.ContextTimeoutEnabled || o.DialerRetries != 1 || o.MaxRetries != 1 || o.ReadTimeout != 200*time.Millisecond {
				t.Errorf("Open(%q) options = %+v", tc.url, o)
			}
		}
		rdb.Close()
		if got != tc.want {
			t.Errorf("Open(%q, cluster=%v) = %s client, want %s", tc.url, tc.cluster, got, tc.want)
		}
	}
}

// TestOpenBadURLHidesPassword: a bad URL is an error that never repeats
// the password.
func TestOpenBadURLHidesPassword(t *testing.T) {
	for _, u := range []string{
		"redis://user:s3cret@host:6379/0?bogus=1",
		"redis://user:s3cret@host:6379?addr=h2:1&bogus=1",
		"http://user:s3cret@host:6379",
		"redis://user:s3cret@host:6379/x",
		"redis://user:s3cret@ho st:6379",
	} {
		_, err := Open(u, Options{})
		if err == nil {
			t.Errorf("Open(%q): no error", u)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q) error %q echoes the password", u, err)
		}
	}
}

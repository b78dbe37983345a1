package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/internal/redistest"
	"github.com/leadtime-app/leadtime/metrics"
)

// TestOpenBackendsRedisCluster: a REDIS_URL listing cluster nodes, or one
// seed with REDIS_CLUSTER=1, gives the cache and the rate limits a cluster
// client and the store works on the cluster.
func TestOpenBackendsRedisCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	for _, tc := range []struct {
		name string
		env  map[string]string
	}{
		{"addr= URL", map[string]string{"REDIS_URL": cl.URL()}},
		{"REDIS_CLUSTER=1", map[string]string{"REDIS_URL": "redis://" + cl.Nodes[2].Addr(), "REDIS_CLUSTER": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			svc := &service{metrics: metrics.New()}
			defer svc.close()
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			in, err := serveInputsFrom("", func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatalf("serveInputsFrom: %v", err)
			}
			_, st, err := openBackends(ctx, in, logger, svc)
			if err != nil {
				t.Fatalf("openBackends: %v", err)
			}
			if _, ok := svc.rdb.(*redis.ClusterClient); !ok {
				t.Errorf("the cache's client is a %T, want a *redis.ClusterClient", svc.rdb)
			}
			shop := "c" + tc.env["REDIS_CLUSTER"] + ".myshopify.com"
			etag, err := st.SaveSettings(ctx, shop, []byte(`{"a":1}`), "")
			if err != nil {
				t.Fatalf("SaveSettings on the cluster: %v", err)
			}
			got, err := st.Get(ctx, shop)
			if err != nil || got.ETag != etag || string(got.Settings) != `{"a":1}` {
				t.Errorf("Get after SaveSettings = %+v, %v; want ETag %s and the saved settings", got, err, etag)
			}
		})
	}
}

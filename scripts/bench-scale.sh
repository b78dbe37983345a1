#!/usr/bin/env bash
# Scale benchmarks of issue 5 and DESIGN.md §8 that need the whole service, a real redis-server and
# the fake Admin API (shopify/shopifytest). `make bench` runs them after scripts/bench.sh:
#
#   1. Admin API calls per 1 000 requests: two instances sharing Redis serve a Zipf mix (s = 1.1) of
#      10 000 products at 100 requests/s for 20 virtual minutes, without and with products/update
#      webhooks (BenchmarkZipfUpstream).
#   2. Memory with 100 000 cached products: the facts as the server caches them (delivery.Product
#      JSON), their inventory index, an answer each; heap and process RSS (BenchmarkMemory100kProducts,
#      in a process of its own so that nothing else inflates its RSS).
#   3. Latency of /proxy/product while Redis is up, killed, back and hung (BenchmarkRedisOutageLatency).
#   4. The cached route and /healthz in process, and what the metrics middleware adds
#      (BenchmarkCachedProductRoute, BenchmarkMetricsMiddleware).
#
# It takes about two minutes. Figures are reported, not enforced; BENCH_STRICT=1 fails a benchmark
# whose target is missed (the 200 MB RSS).
set -euo pipefail

cd "$(dirname "$0")/.."

die() { echo "bench-scale: $*" >&2; exit 1; }
command -v redis-server >/dev/null || die "redis-server is not installed: run 'make deps' (or scripts/install-deps.sh)"
command -v go >/dev/null || die "go is not on PATH"

# run NAME PATTERN [go test flags...] runs benchmarks of ./server in a process of their own. go-redis
# prints a line for each failed dial while a benchmark has Redis down on purpose: those are dropped.
failed=0
run() {
  local name=$1 pattern=$2 status
  shift 2
  echo
  echo "== $name"
  set +e
  go test -run '^$' -bench "$pattern" -timeout 10m "$@" ./server/ 2>&1 |
    grep -v -e '^redis: .*pool\.go' -e '^goos:' -e '^goarch:' -e '^pkg:' -e '^cpu:'
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ]; then
    echo "bench-scale: $name: go test exited $status" >&2
    failed=1
  fi
}

run "Admin API calls per 1 000 requests (Zipf, 10 000 products)" '^BenchmarkZipfUpstream$' -benchtime 1x
run "memory with 100 000 cached products" '^BenchmarkMemory100kProducts$' -benchtime 1x
run "latency while Redis is up, killed, hung" '^BenchmarkRedisOutageLatency$' -benchtime 1x
run "cached route and metrics middleware, in process" '^(BenchmarkCachedProductRoute|BenchmarkMetricsMiddleware)$' -benchmem
exit "$failed"

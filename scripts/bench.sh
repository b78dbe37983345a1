#!/usr/bin/env bash
# HTTP benchmark for DESIGN.md §8: the cached `GET /proxy/product` against `GET /healthz` on the
# same server in the same run.
#
# It builds bin/leadtime, starts it (demo shop) on a free loopback port, waits for /healthz, warms
# both routes up, then runs wrk on them in alternating rounds (H, P, H, P, ...) and compares the
# medians. The server and wrk share the machine's cores, so only the ratios mean anything:
#   throughput ratio product/healthz  target >= 0.90
#   p99 ratio        product/healthz  target <= 1.50
#
# Environment (all optional):
#   ROUNDS=5  DURATION=4s  WARMUP=2s  THREADS=2  CONNECTIONS=64
#   BENCH_HEALTH_PATH   default /healthz
#   BENCH_PRODUCT_PATH  default /proxy/product?handle=wool-sweater&shop=demo-handmade.myshopify.com
#   BENCH_URL           benchmark a server that is already running (e.g. http://127.0.0.1:9000)
#                       instead of building and starting one
#   BENCH_OUT           where the raw wrk outputs go (default artifacts/bench)
#   BENCH_STRICT=1      exit 1 when a target is missed (default: report only)
# Traffic goes to loopback only, and every run is bounded by DURATION.
set -euo pipefail

cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-4s}
WARMUP=${WARMUP:-2s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
HEALTH_PATH=${BENCH_HEALTH_PATH:-/healthz}
PRODUCT_PATH=${BENCH_PRODUCT_PATH:-/proxy/product?handle=wool-sweater&shop=demo-handmade.myshopify.com}
OUT=${BENCH_OUT:-artifacts/bench}
STRICT=${BENCH_STRICT:-0}

die() { echo "bench: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk is not installed: run 'make deps' (or scripts/install-deps.sh)"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, got '$ROUNDS'"

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 20000))
    # A refused connection means nothing listens there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

# http_status URL prints the HTTP status code of a GET (000 when nothing answers).
http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true
}

if [ -n "${BENCH_URL:-}" ]; then
  base=${BENCH_URL%/}
  echo "bench: using the running server at $base"
else
  command -v go >/dev/null || die "go is not on PATH"
  echo "bench: building bin/leadtime"
  CGO_ENABLED=0 go build -trimpath -o bin/leadtime .
  port=$(free_port)
  base="http://127.0.0.1:$port"
  mkdir -p "$tmp/data"
  PORT=$port DATA_DIR="$tmp/data" GIN_MODE=release ./bin/leadtime serve >"$tmp/server.log" 2>&1 &
  server_pid=$!
  echo "bench: started bin/leadtime serve (pid $server_pid) on $base"
fi

# Wait up to 30 s for the health route.
for i in $(seq 300); do
  [ "$(http_status "$base$HEALTH_PATH")" = 200 ] && break
  if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
    tail -n 30 "$tmp/server.log" >&2 || true
    die "the server exited before answering $HEALTH_PATH"
  fi
  [ "$i" = 300 ] && die "$base$HEALTH_PATH did not answer 200 within 30 s"
  sleep 0.1
done
for path in "$HEALTH_PATH" "$PRODUCT_PATH"; do
  code=$(http_status "$base$path")
  [ "$code" = 200 ] || die "GET $path answered $code, not 200: nothing to benchmark"
done

mkdir -p "$OUT"
rm -f "$OUT"/*.txt

# run_wrk NAME PATH DURATION FILE runs wrk once and keeps its output.
run_wrk() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency "$base$2" >"$4" 2>&1 ||
    { cat "$4" >&2; die "wrk failed on $2"; }
}

# parse_wrk FILE prints "REQ_PER_SEC P99_MICROSECONDS NON_2XX_3XX SOCKET_ERRORS".
# wrk prints latencies with a unit (us, ms, s, m, h); they are normalised to microseconds.
parse_wrk() {
  awk '
    function us(v,   n, u) {
      if (!match(v, /[a-z]+$/)) return v + 0
      n = substr(v, 1, RSTART - 1) + 0; u = substr(v, RSTART)
      if (u == "us") return n
      if (u == "ms") return n * 1000
      if (u == "s")  return n * 1000000
      if (u == "m")  return n * 60000000
      if (u == "h")  return n * 3600000000
      return -1
    }
    /^Requests\/sec:/              { rps = $2 }
    $1 == "99%" && p99 == ""       { p99 = us($2) }
    /Non-2xx or 3xx responses:/    { bad = $NF }
    /Socket errors:/ {
      # Socket errors: connect 0, read 0, write 0, timeout 0
      for (i = 3; i <= NF; i += 2) { v = $(i + 1); sub(/,/, "", v); errs += v }
    }
    END {
      if (rps == "" || p99 == "" || p99 < 0) exit 1
      printf "%s %.1f %d %d\n", rps, p99, bad + 0, errs + 0
    }' "$1"
}

# median reads numbers, one a line, and prints their median.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

echo "bench: warm-up ($WARMUP per route)"
run_wrk healthz "$HEALTH_PATH" "$WARMUP" "$tmp/warm-h.txt"
run_wrk product "$PRODUCT_PATH" "$WARMUP" "$tmp/warm-p.txt"

echo "bench: $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, alternating"
echo "  health  = $HEALTH_PATH"
echo "  product = $PRODUCT_PATH"
printf '\n%-6s %-8s %12s %10s %8s %8s\n' round route 'req/s' 'p99 ms' non2xx errors
total_bad=0
: >"$tmp/healthz.tsv"
: >"$tmp/product.tsv"
for r in $(seq "$ROUNDS"); do
  for route in healthz product; do
    if [ "$route" = healthz ]; then path=$HEALTH_PATH; else path=$PRODUCT_PATH; fi
    f="$OUT/$route-$r.txt"
    run_wrk "$route" "$path" "$DURATION" "$f"
    read -r rps p99 bad errs < <(parse_wrk "$f") || die "could not parse wrk output in $f"
    echo "$rps $p99" >>"$tmp/$route.tsv"
    total_bad=$((total_bad + bad + errs))
    awk -v r="$r" -v n="$route" -v rps="$rps" -v p="$p99" -v b="$bad" -v e="$errs" \
      'BEGIN { printf "%-6s %-8s %12.0f %10.3f %8d %8d\n", r, n, rps, p / 1000, b, e }'
  done
done

h_rps=$(cut -d' ' -f1 "$tmp/healthz.tsv" | median)
h_p99=$(cut -d' ' -f2 "$tmp/healthz.tsv" | median)
p_rps=$(cut -d' ' -f1 "$tmp/product.tsv" | median)
p_p99=$(cut -d' ' -f2 "$tmp/product.tsv" | median)

awk -v hr="$h_rps" -v hp="$h_p99" -v pr="$p_rps" -v pp="$p_p99" -v strict="$STRICT" -v bad="$total_bad" '
  BEGIN {
    printf "%-6s %-8s %12.0f %10.3f\n", "median", "healthz", hr, hp / 1000
    printf "%-6s %-8s %12.0f %10.3f\n\n", "median", "product", pr, pp / 1000
    tr = (hr > 0) ? pr / hr : 0
    lr = (hp > 0) ? pp / hp : 0
    ok_t = tr >= 0.90; ok_l = lr <= 1.50
    printf "throughput ratio product/healthz = %.2f (target >= 0.90) %s\n", tr, ok_t ? "ok" : "MISSED"
    printf "p99 ratio product/healthz = %.2f (target <= 1.50) %s\n", lr, ok_l ? "ok" : "MISSED"
    if (bad > 0) printf "WARNING: %d non-2xx/3xx responses or socket errors in the measured runs\n", bad
    exit (strict == 1 && (!ok_t || !ok_l || bad > 0)) ? 1 : 0
  }'
echo "bench: raw wrk outputs in $OUT/"

#!/usr/bin/env bash
# HTTP figures of the release build on this machine (not a test; prints numbers):
#   - cold start: process start → first 200 from /health, on an existing SQLite database
#   - idle resident memory after start
#   - GET /api/v1/accounts with 20 accounts: wrk, 32 connections, 2 threads
#   - /health latency under that load (it must not block other requests)
# Needs `wrk` (Debian package wrk). Only talks to 127.0.0.1. SKIP_BUILD=1 uses the existing
# build; BIN=path measures another binary (e.g. one built with other profile settings).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "install wrk first (apt-get install wrk)"; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p xianyu-server
bin=${BIN:-target/release/xianyu}
port=${BENCH_PORT:-18181}
. scripts/lib/bench-server.sh

# first start creates the database and the admin user
start_server
wait_healthy
kill "$pid"; wait "$pid" 2>/dev/null || true

# cold start on the existing database
start=$(date +%s%N)
start_server
wait_healthy
end=$(date +%s%N)
echo "cold start to healthy /health: $(( (end - start) / 1000000 )) ms"
sleep 2
echo "idle RSS after start: $(rss)"

token=$(admin_token)
add_accounts "$token" 20 ""
echo "idle RSS with 20 accounts: $(rss)"

echo "--- GET /api/v1/accounts (20 accounts), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency -H "authorization: Bearer $token" "$base/api/v1/accounts" &
wrk_pid=$!
sleep 3
echo "--- /health while loaded (5 samples)"
for _ in 1 2 3 4 5; do curl -s -o /dev/null -w "health %{http_code} in %{time_total}s\n" "$base/health"; done
wait "$wrk_pid"
echo "RSS after load: $(rss)"

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
dir=$(mktemp -d)
port=${BENCH_PORT:-18181}
export XIANYU_DATA_DIR="$dir" XIANYU_BIND="127.0.0.1:$port" RUST_LOG=${RUST_LOG:-warn}
# The benchmark's accounts are fake: point the runner at a closed local port, never at Goofish.
export XIANYU_GOOFISH_H5API_BASE=http://127.0.0.1:9 XIANYU_GOOFISH_WS_URL=ws://127.0.0.1:9/ \
  XIANYU_GOOFISH_PASSPORT_BASE=http://127.0.0.1:9 XIANYU_GOOFISH_UPLOAD_URL=http://127.0.0.1:9/api/upload.api
base="http://127.0.0.1:$port"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

wait_healthy() {
  for _ in $(seq 1 2000); do
    curl -fs "$base/health" >/dev/null 2>&1 && return 0
    sleep 0.001
  done
  echo "server did not become healthy"; exit 1
}

# first start creates the database and the admin user
"$bin" serve >/dev/null 2>&1 & pid=$!
wait_healthy
kill "$pid"; wait "$pid" 2>/dev/null || true

# cold start on the existing database
start=$(date +%s%N)
"$bin" serve >/dev/null 2>&1 & pid=$!
wait_healthy
end=$(date +%s%N)
echo "cold start to healthy /health: $(( (end - start) / 1000000 )) ms"
sleep 2
echo "idle RSS after start: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"

pw=$(cat "$dir/initial-admin-password")
token=$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for i in $(seq 1 20); do
  curl -fs -o /dev/null -X POST "$base/api/v1/accounts" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' \
    -d "{\"cookie\":\"unb=22190000000$i; cookie2=bench$i; _m_h5_tk=0123456789abcdef0123456789abcdef_1700000000000\",\"remark\":\"店铺$i\"}"
done
echo "idle RSS with 20 accounts: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"

echo "--- GET /api/v1/accounts (20 accounts), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency -H "authorization: Bearer $token" "$base/api/v1/accounts" &
wrk_pid=$!
sleep 3
echo "--- /health while loaded (5 samples)"
for _ in 1 2 3 4 5; do curl -s -o /dev/null -w "health %{http_code} in %{time_total}s\n" "$base/health"; done
wait "$wrk_pid"
echo "RSS after load: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"

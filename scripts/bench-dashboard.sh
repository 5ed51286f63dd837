#!/usr/bin/env bash
# Dashboard figures of the release build on this machine (not a test; prints numbers):
#   - idle resident memory of the server after start, and after the dashboard was loaded
#     (the embedded assets are only paged in when served)
#   - first load in a cold headless Chromium: bytes transferred (gzip) and the time from
#     navigation start to an accounts page showing its rows (Performance API), over RUNS runs
# Needs Debian's chromium and chromium-driver. Only talks to 127.0.0.1. SKIP_BUILD=1 uses the
# existing release build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p xianyu-server
cargo bench -q -p xianyu-tests --bench dashboard --profile dev --no-run
bin=target/release/xianyu
dir=$(mktemp -d)
port=${BENCH_PORT:-18182}
export XIANYU_DATA_DIR="$dir" XIANYU_BIND="127.0.0.1:$port" RUST_LOG=${RUST_LOG:-warn}
export XIANYU_GOOFISH_H5API_BASE=http://127.0.0.1:9 XIANYU_GOOFISH_WS_URL=ws://127.0.0.1:9/ \
  XIANYU_GOOFISH_PASSPORT_BASE=http://127.0.0.1:9 XIANYU_GOOFISH_UPLOAD_URL=http://127.0.0.1:9/api/upload.api
base="http://127.0.0.1:$port"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
rss() { awk '/VmRSS/ {r=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "%.1f MB (anon %.1f, file %.1f)", r/1024, a/1024, f/1024}' "/proc/$pid/status"; }

"$bin" serve >/dev/null 2>&1 & pid=$!
for _ in $(seq 1 2000); do curl -fs "$base/health" >/dev/null 2>&1 && break; sleep 0.01; done
pw=$(cat "$dir/initial-admin-password")
token=$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for i in $(seq 1 20); do
  curl -fs -o /dev/null -X POST "$base/api/v1/accounts" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' \
    -d "{\"cookie\":\"unb=22190000000$i; cookie2=bench$i\",\"remark\":\"店铺$i\",\"enabled\":false}"
done
sleep 2
echo "binary: $(du -h "$bin" | cut -f1); web/ files: $(find web -type f | wc -l), $(du -sh web | cut -f1) on disk"
echo "idle RSS with 20 accounts, before the dashboard was served: $(rss)"
DASHBOARD_URL="$base" DASHBOARD_TOKEN="$token" RUNS="${RUNS:-5}" \
  cargo bench -q -p xianyu-tests --bench dashboard --profile dev
sleep 2
echo "idle RSS after serving the dashboard ${RUNS:-5} times: $(rss)"

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
port=${BENCH_PORT:-18182}
. scripts/lib/bench-server.sh

start_server
wait_healthy
token=$(admin_token)
add_accounts "$token" 20 ',"enabled":false'
sleep 2
echo "binary: $(du -h "$bin" | cut -f1); web/ files: $(find web -type f | wc -l), $(du -sh web | cut -f1) on disk"
echo "idle RSS with 20 accounts, before the dashboard was served: $(rss)"
DASHBOARD_URL="$base" DASHBOARD_TOKEN="$token" RUNS="${RUNS:-5}" \
  cargo bench -q -p xianyu-tests --bench dashboard --profile dev
sleep 2
echo "idle RSS after serving the dashboard ${RUNS:-5} times: $(rss)"

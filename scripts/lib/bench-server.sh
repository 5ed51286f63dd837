# Shared by the bench scripts (sourced, not run): a release server on a fresh data directory
# at 127.0.0.1:$port whose fake accounts reach a closed local port, never Goofish.
# Set `port` and `bin` before sourcing. Gives $dir, $base, $pid (after start_server),
# wait_healthy, start_server, rss, admin_token and add_accounts.
dir=$(mktemp -d)
export XIANYU_DATA_DIR="$dir" XIANYU_BIND="127.0.0.1:$port" RUST_LOG=${RUST_LOG:-warn}
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

start_server() { "$bin" serve >/dev/null 2>&1 & pid=$!; }

# resident memory of the server: total (anonymous, file-backed)
rss() {
  awk '/VmRSS/ {r=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2}
    END {printf "%.1f MB (anon %.1f, file %.1f)", r/1024, a/1024, f/1024}' "/proc/$pid/status"
}

# a token of the generated admin (first start only)
admin_token() {
  curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$(cat "$dir/initial-admin-password")\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# add_accounts TOKEN N EXTRA_JSON: N fake accounts (EXTRA_JSON e.g. ',"enabled":false')
add_accounts() {
  for i in $(seq 1 "$2"); do
    curl -fs -o /dev/null -X POST "$base/api/v1/accounts" -H "authorization: Bearer $1" \
      -H 'content-type: application/json' \
      -d "{\"cookie\":\"unb=22190000000$i; cookie2=bench$i; _m_h5_tk=0123456789abcdef0123456789abcdef_1700000000000\",\"remark\":\"店铺$i\"$3}"
  done
}

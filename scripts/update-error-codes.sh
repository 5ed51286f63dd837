#!/usr/bin/env bash
# Rewrites the error-code table of docs/API.md (between its error-codes markers) from the
# ErrorCode table in crates/api/src/error/codes.rs; a test fails while they differ.
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(mktemp)
trap 'rm -f "$table"' EXIT
cargo run -q -p xianyu-server -- error-codes > "$table"
python3 - "$table" <<'PY'
import sys
doc_path = "docs/API.md"
table = open(sys.argv[1]).read()
doc = open(doc_path).read()
start, end = "<!-- error-codes:start -->\n", "<!-- error-codes:end -->"
head, rest = doc.split(start, 1)
_, tail = rest.split(end, 1)
open(doc_path, "w").write(head + start + table + end + tail)
PY

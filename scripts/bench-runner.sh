#!/usr/bin/env bash
# Load figures of the account runner (xianyu-runner) on this machine (not a test; prints numbers):
#   - resident memory with N accounts online, idle CPU (% of one core, 15 s = one heartbeat period)
#   - push-to-reply latency (trivial handler, debounce 0) at 1 buyer message per account per second
# for N = 1, 100 and 1000, each in a fresh process, against goofish-sim running as a separate
# process (started by the bench). Only talks to 127.0.0.1.
#
# Extra arguments go to the bench, e.g. `scripts/bench-runner.sh --accounts 1000 --secs 60`;
# see crates/account-runner/benches/load.rs for all options.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1,000 accounts need ~1,000 sockets in the runner and as many in the simulator, plus the
# mtop connection pool at startup: raise the open-file limit as far as allowed.
want=8192
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want" || echo "could not raise ulimit -n (now $(ulimit -n))" >&2

cargo build --release -q -p goofish-sim
target=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
cargo bench -q -p xianyu-runner --bench load --no-run
cargo bench -q -p xianyu-runner --bench load -- \
  --sim-bin "$target/release/goofish-sim" --accounts 1,100,1000 "$@"

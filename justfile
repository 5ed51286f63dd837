# Everyday tasks. Optional sugar: the README's cargo commands work without `just`.

run:
    cargo run --release -p xianyu-server

test:
    cargo test --workspace

lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate docs/openapi.json (a test fails when it drifts).
openapi:
    cargo run -q -p xianyu-server -- openapi > docs/openapi.json

# Regenerate the error-code table of docs/API.md (a test fails when it drifts).
error-codes:
    scripts/update-error-codes.sh

bench-http:
    scripts/bench-http.sh

sim:
    cargo run -p goofish-sim -- --port 9000

bench-dashboard:
    scripts/bench-dashboard.sh

#!/usr/bin/env bash
# Enforces the dependency direction of docs/ARCHITECTURE.md with `cargo tree -i`: a crate listed
# on the left must not (transitively, normal dependencies) pull in the one on the right.
set -euo pipefail
cd "$(dirname "$0")/.."
members=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"]))')
bad=0
for pair in \
  xianyu-domain:diesel xianyu-domain:actix-web xianyu-domain:tokio xianyu-domain:goofish-protocol \
  xianyu-domain:xianyu-persistence goofish-protocol:tokio goofish-protocol:diesel \
  goofish-protocol:actix-web goofish-protocol:xianyu-domain xianyu-persistence:actix-web \
  xianyu-persistence:goofish-protocol xianyu-runner:diesel xianyu-runner:actix-web \
  xianyu-runner:xianyu-persistence goofish-sim:xianyu-runner goofish-sim:xianyu-domain \
  goofish-sim:xianyu-persistence xianyu-logs:xianyu-persistence xianyu-logs:xianyu-runner \
  xianyu-logs:goofish-protocol xianyu-logs:actix-web xianyu-logs:diesel \
  xianyu-captcha:xianyu-persistence xianyu-captcha:xianyu-runner xianyu-captcha:goofish-protocol \
  xianyu-captcha:actix-web xianyu-captcha:diesel xianyu-runner:fantoccini \
  xianyu-persistence:fantoccini; do
  crate=${pair%%:*}; dep=${pair##*:}
  case " $members " in *" $crate "*) ;; *) continue ;; esac
  if cargo tree -q -p "$crate" -e normal -i "$dep" 2>/dev/null | grep -q "$crate v"; then
    echo "dependency rule broken: $crate depends on $dep"
    bad=1
  fi
done
if [ "$bad" -eq 0 ]; then echo "dependency rules hold"; fi
exit "$bad"

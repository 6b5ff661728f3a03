#!/usr/bin/env bash
# Each single-driver configuration of schema-runtime, as `cargo schema init` writes it, compiles
# on its own, and its build graph holds no other driver (nor rustls without `tls`).
set -euo pipefail
cd "$(dirname "$0")/.."

drivers=(postgres sqlite mysql)
check() { # features, the driver it must hold
  local features=$1 driver=$2 tree
  tree=$(cargo tree -p schema-runtime --no-default-features --features "$features" -e normal --prefix none)
  grep -q "^sqlx-$driver " <<<"$tree" || { echo "ci: --features $features lacks sqlx-$driver" >&2; return 1; }
  for other in "${drivers[@]}"; do
    if [ "$other" != "$driver" ] && grep -q "^sqlx-$other " <<<"$tree"; then
      echo "ci: --features $features builds sqlx-$other" >&2
      return 1
    fi
  done
  if [[ ",$features," != *",tls,"* ]] && grep -q "^rustls " <<<"$tree"; then
    echo "ci: --features $features builds rustls" >&2
    return 1
  fi
  local out
  out=$(cargo check -p schema-runtime --no-default-features --features "$features" --message-format short 2>&1) || { echo "$out" >&2; return 1; }
  if grep -q "warning:" <<<"$out"; then
    echo "$out" >&2
    echo "ci: --features $features compiles with warnings" >&2
    return 1
  fi
  echo "ci: schema-runtime --no-default-features --features $features: builds, no other driver ($(sort -u <<<"$tree" | wc -l) crates)"
}

check cli,tls,postgres postgres
check cli,sqlite sqlite
check cli,tls,mysql mysql
# The library alone, migrating at application start-up without the runner's CLI.
check postgres postgres

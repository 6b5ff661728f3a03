#!/usr/bin/env bash
# First build of a project made by `cargo schema init`, one driver against all three: a fresh
# crate outside the repository, `init --database ...`, then `cargo build --bin migrate` into an
# empty target folder, timed. Rounds alternate (one driver, three drivers, ...) in one run.
#
#   bench/first-build.sh [--rounds N] [--output FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
rounds=2
output=bench/RESULTS-first-build.md
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--output FILE]" >&2; exit 2 ;;
  esac
done

cargo build -q -p cargo-schema
tool=$repo/target/debug/cargo-schema
work=$(mktemp -d /tmp/first-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Fetch the crates and the runtime's git source once, untimed: a first build on a machine that
# already has them downloaded (as after `cargo install`), not a download benchmark.
prepare() { # name, databases
  local dir=$work/$1
  cargo new -q --vcs none "$dir"
  (cd "$dir" && "$tool" schema init --database "$2" >/dev/null 2>&1)
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"
  (cd "$dir" && cargo fetch -q)
}
prepare one sqlite
prepare pg postgres
prepare three postgres,sqlite,mysql

declare -A times crates
for round in $(seq 1 "$rounds"); do
  for which in one pg three; do
    target=$work/target-$which-$round
    start=$(date +%s.%N)
    log=$(cd "$work/$which" && CARGO_TARGET_DIR=$target cargo build --bin migrate 2>&1)
    end=$(date +%s.%N)
    t=$(printf '%.1f' "$(echo "$end - $start" | bc)")
    n=$(grep -c "Compiling" <<<"$log" || true)
    times[$which]+="$t "
    crates[$which]=$n
    echo "round $round, $which: ${t}s, $n crates compiled"
    rm -rf "$target"
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {if (NR%2) m=a[(NR+1)/2]; else m=(a[NR/2]+a[NR/2+1])/2; printf "%.1f\n", m}'; }
m1=$(median <<<"${times[one]}")
mp=$(median <<<"${times[pg]}")
m3=$(median <<<"${times[three]}")
{
  echo "# First build of a project made by \`cargo schema init\`"
  echo
  echo "Written by \`bench/first-build.sh --rounds $rounds\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD),"
  echo "$(nproc) cores, $(rustc --version). A fresh crate outside the repository, \`cargo schema init --database ...\`,"
  echo "then \`cargo build --bin migrate\` (dev profile, the profile entries \`init\` writes) into an empty target"
  echo "folder; crates already downloaded. Rounds alternate one driver and three in one run."
  echo
  echo "| drivers | features written by \`init\` | crates compiled | build time (median of $rounds) | all runs |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| SQLite only | \`cli\`, \`sqlite\` | ${crates[one]} | ${m1} s | ${times[one]}|"
  echo "| PostgreSQL only | \`cli\`, \`postgres\`, \`tls\` | ${crates[pg]} | ${mp} s | ${times[pg]}|"
  echo "| PostgreSQL, SQLite, MySQL | \`cli\`, \`postgres\`, \`sqlite\`, \`mysql\`, \`tls\` | ${crates[three]} | ${m3} s | ${times[three]}|"
  echo
  echo "Three drivers / SQLite only: $(echo "scale=2; $m3 / $m1" | bc)x the time; three / PostgreSQL only: $(echo "scale=2; $m3 / $mp" | bc)x."
} > "$output"
cat "$output"

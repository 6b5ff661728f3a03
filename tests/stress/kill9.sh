#!/usr/bin/env bash
# Random-moment `kill -9` of `upgrade head` on the crash package, then `upgrade head` again:
# counts the trials whose rerun failed or ended different from a clean run, and the rows lost.
#
#   tests/stress/kill9.sh DIALECT [TRIALS]     # DIALECT: sqlite, postgres, mariadb (mysql for MySQL 8)
#
# Server URLs come from SCHEMA_TEST_POSTGRES_URL / SCHEMA_TEST_MYSQL_URL (MariaDB) /
# SCHEMA_TEST_MYSQL8_URL, as for the tests. Exit status: 0 when every trial ended right.
set -euo pipefail
cd "$(dirname "$0")/../.."

dialect=${1:?usage: tests/stress/kill9.sh DIALECT [TRIALS]}
trials=${2:-100}
cargo build -q -p schema-tests --bin crash_runner
runner=target/debug/crash_runner
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The clean run: its dump is what every rerun must end as; its duration bounds the kill moment.
url=$($runner fresh "$dialect")
start=$(date +%s%N)
$runner upgrade "$url"
clean_ns=$(( $(date +%s%N) - start ))
$runner dump "$url" > "$work/expected"
$runner drop "$url"
rows() { grep -cE '^(users|projects|tasks|tags|task_tags|audit): ' "$1" || true; }
expected_rows=$(rows "$work/expected")

killed=0 finished=0 failed=0 wrong=0 lost=0
for trial in $(seq 1 "$trials"); do
  url=$($runner fresh "$dialect")
  $runner upgrade "$url" 2> "$work/first.err" &
  pid=$!
  # A moment anywhere in the run (and a little past it).
  delay_ns=$(( RANDOM * 32768 + RANDOM ))
  delay_ns=$(( delay_ns % (clean_ns * 12 / 10 + 1) ))
  sleep "$(printf '0.%09d' "$delay_ns")"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
  wait "$pid" 2>/dev/null || true
  if ! $runner upgrade "$url" 2> "$work/rerun.err"; then
    failed=$((failed + 1))
    echo "trial $trial: the rerun failed: $(head -c 600 "$work/rerun.err")"
  else
    $runner dump "$url" > "$work/after"
    if ! cmp -s "$work/expected" "$work/after"; then
      wrong=$((wrong + 1))
      echo "trial $trial: the rerun ended different from a clean run:"
      diff "$work/expected" "$work/after" | head -20 || true
    fi
    got=$(rows "$work/after")
    if [ "$got" -lt "$expected_rows" ]; then lost=$((lost + expected_rows - got)); fi
  fi
  $runner drop "$url"
done

echo "$dialect: $trials trials ($killed killed mid-run, $finished finished before the kill): $failed reruns failed, $wrong wrong final states, $lost rows lost (clean run $((clean_ns / 1000000)) ms)"
[ "$failed" -eq 0 ] && [ "$wrong" -eq 0 ] && [ "$lost" -eq 0 ]

#!/usr/bin/env bash
# The benchmark harness in one command: bench/run.sh [--quick] [--only SUITES] [--output FILE]
#
# Installs Alembic into bench/.venv (once), builds `cargo schema` and the harness into
# bench/work/target (or $CARGO_TARGET_DIR), then measures and writes bench/RESULTS.md.
# Needs PostgreSQL and MariaDB servers (BENCH_POSTGRES_URL, BENCH_MYSQL_URL; defaults below)
# and the clients psql (from `pg_config --bindir`), sqlite3 and mariadb. Before each suite it
# waits up to BENCH_QUIET_WAIT seconds (300) for a 1-minute load under BENCH_QUIET_LOAD (1.0).
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench")"
cd "$repo"

export BENCH_POSTGRES_URL="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export BENCH_MYSQL_URL="${BENCH_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}"
# The real psql: Debian's /usr/bin/psql wrapper adds ~30 ms to every call.
if command -v pg_config >/dev/null; then
    export BENCH_PSQL="${BENCH_PSQL:-$(pg_config --bindir)/psql}"
fi
export BENCH_SQLITE3="${BENCH_SQLITE3:-sqlite3}"
export BENCH_MARIADB="${BENCH_MARIADB:-mariadb}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench/work/target}"
export BENCH_COMMAND="bench/run.sh${*:+ $*}"

for tool in "${BENCH_PSQL:-psql}" "$BENCH_SQLITE3" "$BENCH_MARIADB" python3 cargo; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done

if [ ! -x "$bench/.venv/bin/alembic" ]; then
    echo "== installing Alembic into bench/.venv" >&2
    python3 -m venv "$bench/.venv"
    "$bench/.venv/bin/pip" install --quiet alembic sqlalchemy psycopg2-binary pymysql
fi

echo "== building cargo-schema and the harness (release) into $CARGO_TARGET_DIR" >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p cargo-schema
features=()
# Live-database autogenerate needs schema_runtime::introspect; time it once it exists.
if grep -q '^pub mod introspect' "$repo/schema-runtime/src/lib.rs"; then
    features=(--features introspect)
fi
cargo build --release --quiet --manifest-path "$bench/harness/Cargo.toml" "${features[@]}"

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)" >&2
exec "$CARGO_TARGET_DIR/release/schema-bench" run "$@"

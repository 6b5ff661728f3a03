#!/usr/bin/env bash
# A second MariaDB, with TLS, for the TLS tests: a throwaway data directory and a certificate
# for localhost / 127.0.0.1 signed by a CA made here. Idempotent: a running instance is reused.
# Prints the variables the tests read:
#   SCHEMA_TEST_MYSQL_TLS_URL=mysql://root@127.0.0.1:3307/mysql
#   SCHEMA_TEST_MYSQL_TLS_CA=<dir>/certs/ca.pem
set -euo pipefail
dir=${SCHEMA_TLS_DIR:-/tmp/cargo-schema-mariadb-tls}
port=${SCHEMA_TLS_PORT:-3307}
ping() { mariadb-admin -h 127.0.0.1 -P "$port" -u root ping >/dev/null 2>&1; }

if ! ping; then
  rm -rf "$dir"
  mkdir -p "$dir/data" "$dir/certs"
  (
    cd "$dir/certs"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
      -subj "/CN=cargo-schema test CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > ext.cnf
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
      -days 3650 -extfile ext.cnf 2>/dev/null
  )
  mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
    --auth-root-authentication-method=normal --skip-test-db > "$dir/install.log" 2>&1
  setsid /usr/sbin/mariadbd --no-defaults --user="$(id -un)" --datadir="$dir/data" \
    --port="$port" --bind-address=127.0.0.1 --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
    --ssl-ca="$dir/certs/ca.pem" --ssl-cert="$dir/certs/server.pem" --ssl-key="$dir/certs/server.key" \
    --log-error="$dir/error.log" > /dev/null 2>&1 < /dev/null &
  for _ in $(seq 1 60); do ping && break; sleep 0.5; done
  ping || { echo "mariadb-tls: the TLS instance did not start; see $dir/error.log" >&2; exit 1; }
fi
echo "SCHEMA_TEST_MYSQL_TLS_URL=mysql://root@127.0.0.1:$port/mysql"
echo "SCHEMA_TEST_MYSQL_TLS_CA=$dir/certs/ca.pem"

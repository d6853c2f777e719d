# Source this file: starts a throwaway PostgreSQL cluster on a local port and exports
# KLANTBEWUST_TEST_POSTGRES_URL; `stop_test_postgres` (also run on exit) stops and removes it.
# Needs Debian's postgresql package (installed by .ci/run when missing).

PG_TEST_PORT="${PG_TEST_PORT:-54329}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
PG_TEST_DIR="$(mktemp -d /tmp/kb-postgres.XXXXXX)"

_as_pg_user() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_test_postgres() {
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  [ "$(id -u)" = "0" ] && chown postgres "$PG_TEST_DIR"
  _as_pg_user "$PG_BIN/initdb" -D "$PG_TEST_DIR/data" -A trust -U klantbewust >"$PG_TEST_DIR/initdb.log" 2>&1 \
    || { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
  _as_pg_user "$PG_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
    -o "-p $PG_TEST_PORT -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start \
    >/dev/null || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
  export KLANTBEWUST_TEST_POSTGRES_URL="postgresql+psycopg://klantbewust@127.0.0.1:$PG_TEST_PORT/postgres"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') test server on port $PG_TEST_PORT"
}

stop_test_postgres() {
  if [ -d "$PG_TEST_DIR/data" ]; then
    _as_pg_user "$PG_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_TEST_DIR"
}

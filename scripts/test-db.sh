# Sourced by scripts/test.sh: makes DATABASE_URL point at a PostgreSQL the tests may
# create databases in. Uses DATABASE_URL if set, else the machine's server on
# 127.0.0.1:5432 (user postgres) if it answers, else starts a throwaway cluster
# (as the `postgres` user when run as root) that is removed when the tests end.
test_db_cleanup() { :; }
if [[ -z "${DATABASE_URL:-}" ]]; then
  if command -v psql >/dev/null && psql "postgres://postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
  else
    pg_bin=$(pg_config --bindir 2>/dev/null || true)
    [[ -x "$pg_bin/initdb" ]] || pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    TEST_PG_DIR=$(mktemp -d /tmp/onboard-test-pg.XXXXXX)
    TEST_PG_PORT=${TEST_PG_PORT:-54330}
    as_pg=()
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$TEST_PG_DIR"; as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" "$pg_bin/initdb" -D "$TEST_PG_DIR/data" -U postgres --auth=trust --no-locale -E UTF8 >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$TEST_PG_DIR/data" -l "$TEST_PG_DIR/log" -w \
      -o "-p $TEST_PG_PORT -k $TEST_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    export DATABASE_URL="postgres://postgres@127.0.0.1:$TEST_PG_PORT/postgres"
    test_db_cleanup() {
      "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$TEST_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
      rm -rf "$TEST_PG_DIR"
    }
  fi
fi
echo "Tests use PostgreSQL at ${DATABASE_URL}"

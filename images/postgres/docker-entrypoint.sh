#!/bin/bash
# First start: initdb with the official image's variables, create the database in a local-only server,
# stop it; then exec the real server listening everywhere. Later starts go straight to the server.
set -euo pipefail
: "${POSTGRES_USER:=${POSTGRESQL_USER:-${POSTGRESQL_USERNAME:-postgres}}}"
: "${POSTGRES_PASSWORD:=${POSTGRESQL_PASSWORD:-}}"
: "${POSTGRES_DB:=${POSTGRESQL_DATABASE:-${POSTGRESQL_DB:-$POSTGRES_USER}}}"

# As the official image: flags alone mean flags for postgres; any other command is run as given.
if [ "${1:0:1}" = "-" ]; then
  set -- postgres "$@"
fi
if [ "${1:-postgres}" != "postgres" ]; then
  exec "$@"
fi
shift || true

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$POSTGRES_PASSWORD" ]; then
    echo "POSTGRES_PASSWORD is not set: refusing to start a database without a password" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$POSTGRES_DB" != "postgres" ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
      -c "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\"" >/dev/null
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi
exec postgres -c listen_addresses='*' "$@"

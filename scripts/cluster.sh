#!/usr/bin/env bash
# Runs the production shape of Mutasi's Temporal on this host, in the
# foreground (Ctrl-C stops it): the official Temporal server, built once
# from its Go module and cached, on PostgreSQL, in databases of its own
# owned by a database user of its own, with Mutasi's search attributes.
# Point Mutasi at it with --temporal 127.0.0.1:7333 (or
# MUTASI_TEMPORAL_ADDRESS). `mutasi dev` stays on the dev server.
#
# Environment: TEMPORAL_PGADMIN (a psql connection string with the right
# to create roles and databases; default the local server as postgres),
# TEMPORAL_DB_HOST/PORT/USER/PASSWORD, TEMPORAL_DB, TEMPORAL_VISIBILITY_DB,
# TEMPORAL_FRONTEND_PORT and the other ports of cluster/config/cluster.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=v1.32.1
bin=${MUTASI_TEMPORAL_SERVER_BIN:-$HOME/.cache/mutasi/temporal-$VERSION}
export TEMPORAL_DB_HOST=${TEMPORAL_DB_HOST:-127.0.0.1}
export TEMPORAL_DB_PORT=${TEMPORAL_DB_PORT:-5432}
export TEMPORAL_DB_USER=${TEMPORAL_DB_USER:-temporal}
export TEMPORAL_DB_PASSWORD=${TEMPORAL_DB_PASSWORD:-temporal}
export TEMPORAL_DB=${TEMPORAL_DB:-temporal}
export TEMPORAL_VISIBILITY_DB=${TEMPORAL_VISIBILITY_DB:-temporal_visibility}
export TEMPORAL_FRONTEND_PORT=${TEMPORAL_FRONTEND_PORT:-7333}
export TEMPORAL_ROOT=$PWD/cluster
admin=${TEMPORAL_PGADMIN:-"host=$TEMPORAL_DB_HOST port=$TEMPORAL_DB_PORT user=postgres dbname=postgres"}
cli=${MUTASI_TEMPORAL_CLI:-$(command -v temporal || echo "$(go env GOPATH)/bin/temporal")}
address=127.0.0.1:$TEMPORAL_FRONTEND_PORT

# 1. The server and its schema tool, built once (4-10 minutes cold).
if [ ! -x "$bin/server" ] || [ ! -x "$bin/sql" ]; then
  echo "building the Temporal server $VERSION into $bin (one time, takes minutes)" >&2
  mkdir -p "$bin"
  GOBIN=$bin GOFLAGS=-mod=mod go install "go.temporal.io/server/cmd/server@$VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$VERSION"
fi
schema=$(go env GOMODCACHE)/go.temporal.io/server@$VERSION/schema/postgresql/v12
[ -d "$schema" ] || GOFLAGS=-mod=mod go mod download "go.temporal.io/server@$VERSION"

# 2. Its own database user and databases, and their schema (safe to run
#    again: only missing versions are applied).
psql "$admin" -v ON_ERROR_STOP=1 -q <<SQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$TEMPORAL_DB_USER', '$TEMPORAL_DB_PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TEMPORAL_DB_USER')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', d, '$TEMPORAL_DB_USER')
FROM unnest(ARRAY['$TEMPORAL_DB', '$TEMPORAL_VISIBILITY_DB']) AS d
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d)\gexec
SQL
tool() {
  local out
  out=$("$bin/sql" --plugin postgres12_pgx --ep "$TEMPORAL_DB_HOST" -p "$TEMPORAL_DB_PORT" \
    -u "$TEMPORAL_DB_USER" --pw "$TEMPORAL_DB_PASSWORD" --db "$1" "${@:2}" 2>&1) || { echo "$out" >&2; return 1; }
}
for pair in "$TEMPORAL_DB:temporal" "$TEMPORAL_VISIBILITY_DB:visibility"; do
  db=${pair%%:*} dir=${pair##*:}
  if [ "$(psql "host=$TEMPORAL_DB_HOST port=$TEMPORAL_DB_PORT user=$TEMPORAL_DB_USER dbname=$db" -tAc \
      "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")" != 1 ]; then
    tool "$db" setup-schema -v 0.0
  fi
  tool "$db" update-schema -d "$schema/$dir/versioned"
done

# 3. The server, then the namespace and Mutasi's search attributes.
"$bin/server" --root cluster --config config --env cluster --allow-no-auth start &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM EXIT
for _ in $(seq 1 120); do
  "$cli" operator cluster health --address "$address" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "the Temporal server exited" >&2; exit 1; }
  sleep 1
done
# A server just healthy may not answer every call yet: a describe that
# failed would send create onto a namespace that exists, and end the
# script. Try until it is described.
for _ in $(seq 1 60); do
  "$cli" operator namespace describe --address "$address" --namespace default >/dev/null 2>&1 && break
  "$cli" operator namespace create --address "$address" --namespace default --retention 720h >/dev/null 2>&1 || sleep 1
done
"$cli" operator namespace describe --address "$address" --namespace default >/dev/null ||
  { echo "could not create the namespace default" >&2; exit 1; }
# A new namespace takes a moment to reach every service: try until each
# attribute is listed. A create may succeed before the list shows it
# (a server started on restored databases did so for 8 s), so each try
# waits a second.
# listed says whether the search attribute $1 is listed. The list is read
# whole before it is searched: with pipefail, `list | grep -q` fails when
# grep, done at the first match, leaves the list's later lines unread
# (SIGPIPE), which ended this script on restored databases.
listed() {
  local out
  out=$("$cli" operator search-attribute list --address "$address" --namespace default 2>/dev/null) || return 1
  grep -qw "$1" <<<"$out"
}
for name in MutasiStage MutasiRound MutasiUnit MutasiRoundStatus; do
  for _ in $(seq 1 60); do
    listed "$name" && break
    "$cli" operator search-attribute create --address "$address" --namespace default --name "$name" \
      --type Keyword >/dev/null 2>&1 || true # refused until the namespace has reached every service
    sleep 1
  done
  listed "$name" || { echo "could not register the search attribute $name" >&2; exit 1; }
done
echo "Temporal $VERSION on PostgreSQL is up at $address (databases $TEMPORAL_DB, $TEMPORAL_VISIBILITY_DB, user $TEMPORAL_DB_USER)"
wait $server

#!/usr/bin/env bash
# Runs every test of Mutasi: unit tests, workflow tests with time skipping,
# and integration tests against a real PostgreSQL and a real Temporal dev
# server. PostgreSQL must be reachable (MUTASI_TEST_DATABASE_URL, default
# host=127.0.0.1 user=postgres dbname=test); the Temporal CLI is installed
# into $(go env GOPATH)/bin when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=v1.5.1
gobin="$(go env GOPATH)/bin"
if [ -z "${MUTASI_TEMPORAL_CLI:-}" ]; then
  if command -v temporal >/dev/null 2>&1; then
    MUTASI_TEMPORAL_CLI=$(command -v temporal)
  else
    if [ ! -x "$gobin/temporal" ]; then
      echo "installing the Temporal CLI $TEMPORAL_CLI_VERSION (one time, takes minutes)" >&2
      go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
    fi
    MUTASI_TEMPORAL_CLI="$gobin/temporal"
  fi
fi
export MUTASI_TEMPORAL_CLI

# Up to two Temporal clusters and five Mutasi processes run at once beside
# the test processes' own pools; fewer connections than this make tests
# fail with "too many clients" (.ci/run raises the setting).
min_connections=300
pg=${MUTASI_TEST_DATABASE_URL:-"host=127.0.0.1 user=postgres dbname=test"}
have=$(psql "$pg" -Atc 'show max_connections')
if [ "$have" -lt "$min_connections" ]; then
  echo "PostgreSQL allows $have connections; the tests need $min_connections:" >&2
  echo "  psql -c 'ALTER SYSTEM SET max_connections = $min_connections' and restart PostgreSQL (.ci/run does this)" >&2
  exit 1
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
# The faults package runs the production shape under faults: about 20
# minutes on a quiet machine, more on a busy one.
go test -count=1 -timeout 50m "$@" ./...

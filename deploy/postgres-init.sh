#!/bin/sh
# Runs once, when the postgres service initialises an empty data volume:
# a database user for Mutasi and one for Temporal, each owning its own
# databases, so that neither runs as the PostgreSQL superuser.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v mutasi_pw="$APP_DB_PASSWORD" -v temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', 'mutasi', :'mutasi_pw') \gexec
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', 'temporal', :'temporal_pw') \gexec
CREATE DATABASE mutasi OWNER mutasi;
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
SQL

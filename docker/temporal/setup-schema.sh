#!/bin/sh
# The schema-setup job (temporalio/admin-tools): creates Temporal's two databases on PostgreSQL and
# brings their schemas to the versions this admin-tools image ships. Safe to run on every `up`:
# `create` fails only because the database exists, and update-schema applies what is missing.
set -eu
HOST=${POSTGRES_SEEDS:-postgresql}
PORT=${DB_PORT:-5432}
SCHEMA=/etc/temporal/schema/postgresql/v12
sql() { temporal-sql-tool --plugin postgres12 --ep "$HOST" -p "$PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }

until nc -z "$HOST" "$PORT"; do echo "waiting for PostgreSQL at $HOST:$PORT"; sleep 1; done
for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=${pair#*:}
  sql --db "$db" create || echo "database $db exists"
  # setup-schema -v 0.0 creates the version table on a fresh database and is a no-op afterwards.
  sql --db "$db" setup-schema -v 0.0 || true
  sql --db "$db" update-schema -d "$SCHEMA/$dir/versioned"
done
echo "Temporal schemas are up to date"

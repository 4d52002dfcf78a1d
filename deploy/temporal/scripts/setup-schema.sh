#!/bin/sh
# Creates or upgrades Temporal's PostgreSQL schemas, then exits. Runs in the
# temporalio/admin-tools image before the server starts, on every `docker compose up`:
# setup-schema and update-schema only apply what is missing, so a second run is a no-op
# and a newer admin-tools image upgrades the schema in place.
# Connection settings come from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD,
# which temporal-sql-tool reads itself.
set -eu

schema_root=/etc/temporal/schema/postgresql/v12

# depends_on already waits for PostgreSQL's healthcheck; this covers a restart of the
# database between that check and the first statement.
attempt=0
until nc -z "$SQL_HOST" "$SQL_PORT"; do
	attempt=$((attempt + 1))
	if [ "$attempt" -ge 30 ]; then
		echo "setup-schema: PostgreSQL at $SQL_HOST:$SQL_PORT did not accept connections in 60s" >&2
		exit 1
	fi
	sleep 2
done

for db in temporal temporal_visibility; do
	case "$db" in
	temporal) dir="$schema_root/temporal/versioned" ;;
	*) dir="$schema_root/visibility/versioned" ;;
	esac
	echo "setup-schema: $db"
	temporal-sql-tool --database "$db" setup-schema -v 0.0
	temporal-sql-tool --database "$db" update-schema -d "$dir"
done
echo "setup-schema: done"

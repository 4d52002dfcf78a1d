-- Runs once, when the PostgreSQL data volume is first initialised (the image's
-- docker-entrypoint-initdb.d hook). POSTGRES_DB already creates the `temporal` database;
-- Temporal also needs a separate visibility database. Creating it here keeps the schema
-- job (deploy/temporal/scripts/setup-schema.sh) idempotent: `temporal-sql-tool create`
-- fails when the database exists, setup-schema and update-schema do not.
CREATE DATABASE temporal_visibility;

#!/bin/sh
# Runs once when the PostgreSQL volume is created: the login role the hub uses at run time.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE hub_app LOGIN PASSWORD '${HUB_APP_DB_PASSWORD}';
SQL

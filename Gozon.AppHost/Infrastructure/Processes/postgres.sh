#!/usr/bin/env bash
# PostgreSQL in the foreground for the AppHost's Process mode: a cluster of its own in $GOZON_STATE,
# initialised on first use, listening on 127.0.0.1:$PGPORT only. The password and the databases are set on
# every start, so a state folder survives a new password. SIGTERM (what DCP sends) becomes a fast shutdown:
# PostgreSQL's own SIGTERM would wait for every client to disconnect.
set -euo pipefail
: "${GOZON_STATE:?}" "${PGPORT:?}" "${POSTGRES_PASSWORD:?}"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$bin/postgres" ]] || bin=$(dirname "$(command -v postgres || command -v initdb || echo /missing/postgres)")
if [[ ! -x "$bin/postgres" ]]; then
  echo "PostgreSQL server binaries were not found: apt-get install postgresql (or use --Gozon:Infrastructure=Container)" >&2
  exit 1
fi

data="$GOZON_STATE/data" sockets="$GOZON_STATE/run"
as_postgres() { if [[ $(id -u) -eq 0 ]]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
mkdir -p "$sockets"
[[ $(id -u) -ne 0 ]] || chown -R postgres:postgres "$GOZON_STATE"

if [[ ! -f "$data/PG_VERSION" ]]; then
  rm -rf "$data"   # what an interrupted initdb left behind
  echo "Initialising a new PostgreSQL cluster in $data"
  as_postgres "$bin/initdb" -D "$data" -U postgres --auth-host=scram-sha-256 --auth-local=trust \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

# Not through as_postgres: a function in the background is a subshell, and $! would be that shell, not the server.
server_command=("$bin/postgres" -D "$data" -p "$PGPORT" -h 127.0.0.1 -k "$sockets" ${POSTGRES_ARGS:-})
[[ $(id -u) -ne 0 ]] || server_command=(setpriv --reuid=postgres --regid=postgres --init-groups -- "${server_command[@]}")
"${server_command[@]}" &
server=$!
trap 'kill -INT "$server" 2>/dev/null' TERM INT

until as_postgres "$bin/pg_isready" -q -h "$sockets" -p "$PGPORT"; do
  kill -0 "$server" 2>/dev/null || { wait "$server"; exit $?; }
  sleep 0.2
done
sql() { as_postgres "$bin/psql" -qAt -h "$sockets" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
sql -v password="$POSTGRES_PASSWORD" <<<"ALTER ROLE postgres PASSWORD :'password';"
for database in ${GOZON_DATABASES:-}; do
  if [[ -z $(sql -c "SELECT 1 FROM pg_database WHERE datname = '$database'") ]]; then
    echo "Creating database $database"
    sql -c "CREATE DATABASE \"$database\""
  fi
done
echo "PostgreSQL is ready on 127.0.0.1:$PGPORT"

# wait returns early when the trap fires; the second wait collects the exit status of the shutdown.
wait "$server" || true
wait "$server" 2>/dev/null

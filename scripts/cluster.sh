#!/usr/bin/env bash
# Provides what `npm run cluster` and the fault drills run: a real Temporal server and its SQL schema tool, built from
# the server's Go module at a pinned version, the server's PostgreSQL schema files, and PostgreSQL itself.
#   .temporal/cluster/bin/temporal-server     go.temporal.io/server/cmd/server
#   .temporal/cluster/bin/temporal-sql-tool   go.temporal.io/server/cmd/tools/sql
#   .temporal/cluster/schema/                 the module's schema/postgresql/v12 (temporal/ and visibility/)
#   PostgreSQL's bin directory                $TIDW_PG_BIN, else pg_config --bindir, else /usr/lib/postgresql/*/bin,
#                                             else `apt-get install -y postgresql` (as root)
# Idempotent: a second run checks the versions, builds nothing and downloads nothing.
# On success it prints TEMPORAL_SERVER_PATH=…, TEMPORAL_SQL_TOOL_PATH=…, TEMPORAL_SCHEMA_DIR=… and POSTGRES_BIN_DIR=…
# (eval-able); progress goes to stderr. TIDW_TEMPORAL_DIR moves .temporal/, as for scripts/temporal.sh.
set -uo pipefail

# Pinned. Later server tags need a newer Go than the one this project's machines carry (1.26).
SERVER_VERSION=v1.30.4

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${TIDW_TEMPORAL_DIR:-$root/.temporal}/cluster"
bin="$dir/bin"
mkdir -p "$bin"

say() { printf 'cluster.sh: %s\n' "$*" >&2; }

# The server prints "temporal version 1.30.4"; the schema tool has no version of its own, so its build directory says it.
server_works() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "${SERVER_VERSION#v}"; }

provide_go_binary() { # name package
  local name="$1" package="$2" built="$dir/go-$SERVER_VERSION/bin"
  if [ -x "$built/$(basename "$package")" ]; then
    ln -sfn "$built/$(basename "$package")" "$bin/$name"
    return 0
  fi
  if ! command -v go >/dev/null; then
    say "go not found: install Go 1.26 or later to build $package@$SERVER_VERSION"
    return 1
  fi
  say "building $package@$SERVER_VERSION with go install (minutes on a cold Go cache, seconds on a warm one)"
  if GOBIN="$built" go install "$package@$SERVER_VERSION" >&2; then
    ln -sfn "$built/$(basename "$package")" "$bin/$name"
    return 0
  fi
  say "go install $package@$SERVER_VERSION failed"
  return 1
}

provide_schema() {
  local target="$dir/schema-$SERVER_VERSION"
  if [ -f "$target/temporal/schema.sql" ] && [ -d "$target/visibility/versioned" ]; then
    ln -sfn "$target" "$dir/schema"
    return 0
  fi
  local module
  module="$(go env GOMODCACHE 2>/dev/null)/go.temporal.io/server@$SERVER_VERSION/schema/postgresql/v12"
  if [ ! -d "$module" ]; then
    say "the server module's PostgreSQL schema is not at $module"
    return 1
  fi
  rm -rf "$target.tmp" && cp -r "$module" "$target.tmp" && chmod -R u+w "$target.tmp" && mv "$target.tmp" "$target" \
    && ln -sfn "$target" "$dir/schema"
}

postgres_bin_dir() {
  if [ -n "${TIDW_PG_BIN:-}" ] && [ -x "$TIDW_PG_BIN/postgres" ]; then echo "$TIDW_PG_BIN"; return 0; fi
  local candidate
  if command -v pg_config >/dev/null; then
    candidate="$(pg_config --bindir 2>/dev/null)"
    if [ -x "$candidate/postgres" ] && [ -x "$candidate/initdb" ]; then echo "$candidate"; return 0; fi
  fi
  candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$candidate" ] && [ -x "$candidate/postgres" ]; then echo "$candidate"; return 0; fi
  return 1
}

provide_postgres() {
  local found
  if found="$(postgres_bin_dir)"; then echo "$found"; return 0; fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing PostgreSQL (apt-get install -y postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; }
    if found="$(postgres_bin_dir)"; then echo "$found"; return 0; fi
  fi
  say "PostgreSQL not found: install it (apt-get install postgresql) or set TIDW_PG_BIN to its bin directory"
  return 1
}

status=0
provide_go_binary temporal-server go.temporal.io/server/cmd/server || status=1
provide_go_binary temporal-sql-tool go.temporal.io/server/cmd/tools/sql || status=1
if [ "$status" -eq 0 ] && ! server_works "$bin/temporal-server"; then
  say "$bin/temporal-server is not server $SERVER_VERSION"
  status=1
fi
provide_schema || status=1
pg="$(provide_postgres)" || status=1
[ "$status" -eq 0 ] || exit 1
say "temporal-server $SERVER_VERSION, schema tool and PostgreSQL ($pg) provided"
echo "TEMPORAL_SERVER_PATH=$bin/temporal-server"
echo "TEMPORAL_SQL_TOOL_PATH=$bin/temporal-sql-tool"
echo "TEMPORAL_SCHEMA_DIR=$dir/schema"
echo "POSTGRES_BIN_DIR=$pg"

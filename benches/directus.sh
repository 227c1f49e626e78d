#!/usr/bin/env bash
# Optional: measures Directus 11 on PostgreSQL with the same 50,000 actions as
# benches/run.sh, so that the Waymark / Directus ratio can be reproduced. Directus
# gets an `actions` collection made through its REST API (id, plan_id, ref,
# description, brag, due_date, due_text, start_text, version, updated_at, with the
# same indexes on plan and BRAG as Waymark), filled with the actions of a Waymark
# database that the generator made, and a static admin token; wrk then measures
# GET one action, one plan's red actions 50 a page and PATCH an action's BRAG.
# The rows have the same form as those of benches/run.sh.
#
#   benches/directus.sh [seconds per case]
#
# Needs node (Directus 11.3.5 is the last 11.x for Node.js 18/20; set
# WAYMARK_BENCH_DIRECTUS_VERSION for another), npm, psql, wrk, curl and python3.
# Directus is installed with npm into target/directus (once, reused after), from
# the npm registry only. PostgreSQL is reached at WAYMARK_BENCH_PG_URL (an admin
# URL; default postgres://postgres@127.0.0.1:5432/postgres). The actions are
# copied from WAYMARK_BENCH_SOURCE_URL, a Waymark database filled by
# `target/release/examples/generate 200`; without it the script builds the
# generator and makes (and drops) such a database itself
# (WAYMARK_BENCH_NO_BUILD=1 uses the generator already built).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
connections=${WAYMARK_BENCH_CONNECTIONS:-32}
plans=200
version=${WAYMARK_BENCH_DIRECTUS_VERSION:-11.3.5}
pg_admin=${WAYMARK_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
source_url=${WAYMARK_BENCH_SOURCE_URL:-}
install_dir=target/directus
pg_base=${pg_admin%%\?*}
pg_base=${pg_base%/*}
db_url() { printf '%s/%s?sslmode=disable' "$pg_base" "$1"; }
work=$(mktemp -d)
server=""
directus_db="directus_bench_$$"
source_db=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $directus_db WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -n "$source_db" ]; then psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $source_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for tool in node npm psql wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
random_hex() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }

# Directus, pinned, in a cache directory under target/ (never global).
installed=$(node -p "require('./$install_dir/node_modules/directus/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
  echo "== installing directus@$version into $install_dir" >&2
  mkdir -p "$install_dir"
  npm install --prefix "$install_dir" --save-exact --no-audit --no-fund --loglevel=error "directus@$version" >&2
fi
# The API's own entry point: the `directus` bin first asks the registry for a
# newer release, which a benchmark has no use for.
directus_cli="$PWD/$install_dir/node_modules/@directus/api/dist/cli/run.js"

# The source: a Waymark database with the generated partnership.
if [ -z "$source_url" ]; then
  if [ -z "${WAYMARK_BENCH_NO_BUILD:-}" ]; then
    cargo build --release --locked --quiet --example generate
  fi
  source_db="waymark_directus_src_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $source_db" >/dev/null
  source_url=$(db_url "$source_db")
  echo "== generating $plans plans into $source_db" >&2
  DATABASE_URL="$source_url" RUST_LOG=warn target/release/examples/generate "$plans" >&2
fi
source_plans=$(psql "$source_url" -tAc "SELECT count(*) FROM plans")
plan=$(psql "$source_url" -tAc "SELECT id FROM plans WHERE ref = 'PLAN-$(printf %04d $((source_plans / 2)))'")
action=$(psql "$source_url" -tAc "SELECT id FROM actions WHERE plan_id = '$plan' ORDER BY position, id LIMIT 1")
if [ -z "$plan" ] || [ -z "$action" ]; then echo "no plan or action found in the source database" >&2; exit 1; fi

# Directus on its own database: system tables, an admin with a static token.
psql "$pg_admin" -qc "CREATE DATABASE $directus_db" >/dev/null
port=$(free_port)
token=$(random_hex)
DB_CONNECTION_STRING=$(db_url "$directus_db")
KEY=$(random_hex)
SECRET=$(random_hex)
ADMIN_PASSWORD=$(random_hex)
export DB_CLIENT=pg DB_CONNECTION_STRING KEY SECRET ADMIN_PASSWORD ADMIN_EMAIL=admin@example.com ADMIN_TOKEN="$token"
export HOST=127.0.0.1 PORT="$port" PUBLIC_URL="http://127.0.0.1:$port"
export TELEMETRY=false CACHE_ENABLED=false RATE_LIMITER_ENABLED=false WEBSOCKETS_ENABLED=false
export LOG_LEVEL=warn LOG_STYLE=raw
export CONFIG_PATH="$work/directus.env" EXTENSIONS_PATH="$work/extensions"
export STORAGE_LOCATIONS=local STORAGE_LOCAL_ROOT="$work/uploads"
mkdir -p "$work/extensions" "$work/uploads"
echo "== bootstrapping directus $version" >&2
(cd "$work" && node "$directus_cli" bootstrap) >"$work/bootstrap.log" 2>&1 ||
  { tail -20 "$work/bootstrap.log" >&2; exit 1; }
(cd "$work" && exec node "$directus_cli" start) >"$work/directus.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -fsS "$base/server/ping" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { tail -20 "$work/directus.log" >&2; exit 1; }
  sleep 0.1
done
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }

# The collection, made through the API so that Directus knows its fields.
api -o /dev/null -H "Content-Type: application/json" -X POST "$base/collections" --data @- <<'JSON'
{
  "collection": "actions",
  "meta": {"icon": "task"},
  "schema": {},
  "fields": [
    {"field": "id", "type": "string", "schema": {"is_primary_key": true, "has_auto_increment": false}, "meta": {"hidden": false}},
    {"field": "plan_id", "type": "string", "schema": {"is_nullable": false}},
    {"field": "ref", "type": "string", "schema": {"is_nullable": false}},
    {"field": "description", "type": "text", "schema": {"is_nullable": false}},
    {"field": "brag", "type": "string"},
    {"field": "due_date", "type": "date"},
    {"field": "due_text", "type": "text"},
    {"field": "start_text", "type": "text"},
    {"field": "version", "type": "integer", "schema": {"is_nullable": false}},
    {"field": "updated_at", "type": "dateTime", "schema": {"is_nullable": false}}
  ]
}
JSON
# Waymark's indexes for the same queries.
psql "$DB_CONNECTION_STRING" -qc "CREATE INDEX actions_plan ON actions (plan_id, id); CREATE INDEX actions_brag ON actions (brag, id)" >/dev/null
columns="id, plan_id, ref, description, brag, due_date, due_text, start_text, version, updated_at"
echo "== copying the actions" >&2
psql "$source_url" -qc "\\copy (SELECT $columns FROM actions) TO STDOUT" |
  psql "$DB_CONNECTION_STRING" -qc "\\copy actions ($columns) FROM STDIN"
psql "$DB_CONNECTION_STRING" -qc "ANALYZE actions" >/dev/null
copied=$(psql "$DB_CONNECTION_STRING" -tAc "SELECT count(*) FROM actions")
reds=$(api "$base/items/actions?filter%5Bplan_id%5D%5B_eq%5D=$plan&filter%5Bbrag%5D%5B_eq%5D=red&limit=50" | json_field '["data"].__len__()')
api "$base/items/actions/$action" | json_field '["data"]["id"]' >/dev/null
echo "== $copied actions in directus; plan $plan has $reds red on the page" >&2

# PATCH the BRAG of one action, red and amber in turn (Directus writes the row,
# an activity entry and a revision).
cat >"$work/patch.lua" <<'LUA'
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
local brags = {"red", "amber"}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('{"brag": "%s"}', brags[n % 2 + 1]))
end
LUA

measure() {
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$@" | python3 benches/wrk_summary.py
}
row() { # LABEL WRK-ARGS...
  local label=$1
  shift
  printf '%-9s %-46s %s\n' directus "$label" "$(measure "$@")"
}
printf '%-9s %-46s %10s %8s %8s %6s\n' backend case "req/s" "p50 ms" "p99 ms" "non2xx"
row "GET one action (static token)" "$base/items/actions/$action"
row "actions of one plan, brag=red, 50 a page" "$base/items/actions?filter%5Bplan_id%5D%5B_eq%5D=$plan&filter%5Bbrag%5D%5B_eq%5D=red&limit=50"
row "PATCH an action's BRAG (row, activity, rev.)" -s "$work/patch.lua" "$base/items/actions/$action"
printf '%-9s %-46s %s\n' directus "peak resident memory over all cases" \
  "$(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$server/status")"
echo "(directus $version on PostgreSQL, node $(node --version), $connections connections, ${seconds} s a case, wrk and the server on one machine: $(nproc) cores)"

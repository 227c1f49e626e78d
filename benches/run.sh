#!/usr/bin/env bash
# Measures Waymark over HTTP with wrk on a large generated partnership (200 plans,
# 50,000 actions, 5,000 measures, 200,000 readings), on SQLite and on PostgreSQL,
# and prints requests per second and p50/p99 latency for each case.
#
#   benches/run.sh [plans] [seconds per case]
#
# Needs wrk (Debian: apt-get install wrk), curl and python3. PostgreSQL is reached
# at WAYMARK_BENCH_PG_URL (an admin URL; default postgres://postgres@127.0.0.1:5432/postgres);
# set it empty to measure SQLite only.
set -euo pipefail
cd "$(dirname "$0")/.."

plans=${1:-200}
seconds=${2:-10}
connections=${WAYMARK_BENCH_CONNECTIONS:-32}
pg_admin=${WAYMARK_BENCH_PG_URL-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked --quiet --bin waymark --example generate

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# wrk's summary as: requests/s p50 p99 (latencies in ms)
measure() {
  wrk -t1 -c"${conns:-$connections}" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$@" | python3 benches/wrk_summary.py
}
# Every API call carries an admin token signed with the development secret in $work.
token=""
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }

run_backend() {
  local backend=$1 url=$2
  echo "== $backend: generating $plans plans" >&2
  DATABASE_URL="$url" RUST_LOG=warn target/release/examples/generate "$plans" >&2
  local port; port=$(free_port)
  token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub benchmark --role admin)
  DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn target/release/waymark >"$work/$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  local base="http://127.0.0.1:$port/api/v1"
  local plan org
  plan=$(api "$base/plans?ref=PLAN-$(printf %04d $((plans / 2)))" | json_field '["items"][0]["id"]')
  org=$(api "$base/organisations?code=ORG3" | json_field '["items"][0]["id"]')
  printf '%-9s %-46s %s\n' "$backend" "actions of one plan, brag=red, 50 a page" "$(measure "$base/actions?plan_id=$plan&brag=red&limit=50")"
  printf '%-9s %-46s %s\n' "$backend" "actions of one organisation, overdue, 50 a page" "$(measure "$base/actions?organisation_id=$org&overdue=true&limit=50")"
  printf '%-9s %-46s %s\n' "$backend" "actions across plans, 50 a page" "$(measure "$base/actions?limit=50")"
  printf '%-9s %-46s %s\n' "$backend" "plan tree (250 actions, 25 measures)" "$(measure "$base/plans/$plan?include=tree")"
  local action
  action=$(api "$base/plans/$plan/actions?limit=1" | json_field '["items"][0]["id"]')
  printf '%-9s %-46s %s\n' "$backend" "PATCH an action (row, revision, event)" "$(measure -s benches/patch.lua "$base/actions/$action")"
  printf '%-9s %-46s %s\n' "$backend" "status update (report + action version)" "$(measure -s benches/status_update.lua "$base/actions/$action/status-updates")"
  local measure_id
  measure_id=$(api "$base/plans/$plan/measures?limit=1" | json_field '["items"][0]["id"]')
  # Two connections: a batch is one transaction of 1,000 writes, so more would
  # only queue for the write lock; a batch may take longer than wrk's 2 s default.
  printf '%-9s %-46s %s\n' "$backend" "reading batch of 1,000 (x1000 = readings/s)" "$(WAYMARK_BENCH_MEASURE="$measure_id" conns=2 measure --timeout 60s -s benches/reading_batch.lua "$base/reading-batches")"
  printf '%-9s %-46s %s\n' "$backend" "change feed, 1000 events a page" "$(measure "$base/changes?after=0&limit=1000")"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

printf '%-9s %-46s %10s %8s %8s %6s\n' backend case "req/s" "p50 ms" "p99 ms" "non2xx"
run_backend sqlite "sqlite://$work/bench.db"
if [ -n "$pg_admin" ]; then
  db="waymark_bench_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
  run_backend postgres "${pg_admin%/*}/$db"
  psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi
echo "($connections connections, ${seconds} s a case, wrk and the server on one machine: $(nproc) cores)"

#!/usr/bin/env bash
# Measures Waymark over HTTP with wrk on a large generated partnership (200 plans,
# 50,000 actions, 5,000 measures, 200,000 readings), on SQLite and on PostgreSQL,
# and prints requests per second and p50/p99 latency for each case.
#
#   benches/run.sh [plans] [seconds per case]
#
# Needs wrk (Debian: apt-get install wrk), curl and python3. PostgreSQL is reached
# at WAYMARK_BENCH_PG_URL (an admin URL; default postgres://postgres@127.0.0.1:5432/postgres);
# set it empty to measure SQLite only, and WAYMARK_BENCH_SQLITE=0 to measure
# PostgreSQL only.
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
cargo build --release --locked --quiet --bin waymark --example generate --example ceiling

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# wrk's summary as: requests/s p50 p99 (latencies in ms)
measure() {
  wrk -t1 -c"${conns:-$connections}" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$@" | python3 benches/wrk_summary.py
}
# A row of the table: the case, wrk's figures and their share of the ceiling
# measured for this backend in the same run.
ceiling_rps=""
# Each row's figures are kept in $work/BACKEND.figures as "KEY rps p50 p99
# non2xx share", for the targets printed after the backend's table.
row() { # BACKEND KEY LABEL WRK-ARGS...
  local backend=$1 key=$2 label=$3 figures share rps
  shift 3
  figures=$(measure "$@")
  read -r rps _ <<<"$figures"
  share=$(python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$rps" "$ceiling_rps" 2>/dev/null || echo "-")
  printf '%-9s %-46s %s %8s %9s\n' "$backend" "$label" "$figures" "$share" \
    "$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$server/status" 2>/dev/null)"
  echo "$key $figures $share" >>"$work/$backend.figures"
}
# Every API call carries an admin token as production issues them: RS256, signed
# by an identity provider's key (a test key here), checked against its key set.
bench_issuer="https://idp.bench.example"
bench_audience="waymark-bench"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
rs256_token() {
  local header payload now
  now=$(date +%s)
  header=$(printf '{"alg":"RS256","typ":"JWT","kid":"rsa-one"}' | b64url)
  payload=$(printf '{"iss":"%s","aud":"%s","sub":"benchmark","roles":["admin"],"iat":%d,"exp":%d}' \
    "$bench_issuer" "$bench_audience" "$now" "$((now + 7200))" | b64url)
  printf '%s.%s.%s' "$header" "$payload" \
    "$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign tests/fixtures/keys/rsa-one.pem | b64url)"
}
printf '{"keys":[%s]}' "$(cat tests/fixtures/keys/rsa-one.jwk.json)" >"$work/jwks.json"
auth_env=(WAYMARK_AUTH_JWKS_FILE="$work/jwks.json" WAYMARK_AUTH_ISSUER="$bench_issuer" WAYMARK_AUTH_AUDIENCE="$bench_audience")
token=$(rs256_token)
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }

run_backend() {
  local backend=$1 url=$2
  echo "== $backend: generating $plans plans" >&2
  DATABASE_URL="$url" RUST_LOG=warn target/release/examples/generate "$plans" >&2
  local port; port=$(free_port)
  env "${auth_env[@]}" DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn target/release/waymark >"$work/$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  local base="http://127.0.0.1:$port/api/v1"
  local plan org action etag bytes ceiling_port ceiling
  plan=$(api "$base/plans?ref=PLAN-$(printf %04d $((plans / 2)))" | json_field '["items"][0]["id"]')
  org=$(api "$base/organisations?code=ORG3" | json_field '["items"][0]["id"]')
  action=$(api "$base/plans/$plan/actions?limit=1" | json_field '["items"][0]["id"]')
  etag=$(api -o /dev/null -D - "$base/actions/$action" | tr -d '\r' | awk 'tolower($1) == "etag:" {print $2}')
  bytes=$(api "$base/actions/$action" | wc -c)
  # The ceiling: a bare actix-web handler answering a body of the same size.
  ceiling_port=$(free_port)
  target/release/examples/ceiling "$ceiling_port" "$bytes" >/dev/null &
  ceiling=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$ceiling_port/" >/dev/null 2>&1 && break; sleep 0.1; done
  ceiling_rps=""
  local figures
  figures=$(measure "http://127.0.0.1:$ceiling_port/")
  read -r ceiling_rps _ <<<"$figures"
  printf '%-9s %-46s %s %8s\n' "$backend" "ceiling: fixed $bytes-byte JSON, bare actix-web" "$figures" "1.000"
  kill "$ceiling"; wait "$ceiling" 2>/dev/null || true
  # The reads first with no answers kept (WAYMARK_READ_CACHE_MB=0), on a second
  # server on the same database: what a read costs when a write has just
  # retired what was kept. Then the same reads with answers kept.
  local kept_base=$base kept_server=$server
  port=$(free_port)
  env "${auth_env[@]}" DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn \
    WAYMARK_READ_CACHE_MB=0 target/release/waymark >>"$work/$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  base="http://127.0.0.1:$port/api/v1"
  row "$backend" get_read "GET one action, nothing kept" "$base/actions/$action"
  row "$backend" not_modified_read "the 304, nothing kept" -H "If-None-Match: $etag" "$base/actions/$action"
  row "$backend" list_plan_read "one plan's red actions, nothing kept" "$base/actions?plan_id=$plan&brag=red&limit=50"
  row "$backend" list_org_read "one organisation's overdue, nothing kept" "$base/actions?organisation_id=$org&overdue=true&limit=50"
  row "$backend" list_all_read "actions across plans, nothing kept" "$base/actions?limit=50"
  kill "$server"; wait "$server" 2>/dev/null || true
  server=$kept_server base=$kept_base
  row "$backend" get "GET one action (RS256 token, ETag)" "$base/actions/$action"
  row "$backend" not_modified "the same GET answered 304 (If-None-Match)" -H "If-None-Match: $etag" "$base/actions/$action"
  row "$backend" list_plan "actions of one plan, brag=red, 50 a page" "$base/actions?plan_id=$plan&brag=red&limit=50"
  row "$backend" list_org "actions of one organisation, overdue, 50 a page" "$base/actions?organisation_id=$org&overdue=true&limit=50"
  row "$backend" list_all "actions across plans, 50 a page" "$base/actions?limit=50"
  row "$backend" tree "plan tree (250 actions, 25 measures)" "$base/plans/$plan?include=tree"
  row "$backend" patch "PATCH an action (row, revision, event)" -s benches/patch.lua "$base/actions/$action"
  # Partners report on their own actions: the updates go to the plan's first
  # 50 actions in turn.
  local reported
  reported=$(api "$base/plans/$plan/actions?limit=50" | python3 -c 'import json, sys; print(" ".join(a["id"] for a in json.load(sys.stdin)["items"]))')
  # shellcheck disable=SC2086
  row "$backend" status_update "status updates (report + action version)" -s benches/status_update.lua "$base/actions/$action/status-updates" -- $reported
  local measure_id
  measure_id=$(api "$base/plans/$plan/measures?limit=1" | json_field '["items"][0]["id"]')
  # One connection: the latency is one batch's own time, not time queued
  # behind another; a batch may take longer than wrk's 2 s default.
  WAYMARK_BENCH_MEASURE="$measure_id" conns=1 row "$backend" batch "reading batch of 1,000, one at a time" --timeout 60s -s benches/reading_batch.lua "$base/reading-batches"
  row "$backend" feed "change feed, 1,000 a page (x1000 = events/s)" "$base/changes?after=0&limit=1000"
  local peak
  peak=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$server/status")
  printf '%-9s %-46s %s MiB\n' "$backend" "peak resident memory over all cases" "$peak"
  echo "memory $peak" >>"$work/$backend.figures"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  targets "$backend"
}

# The issue's targets for this backend, each met or missed, from the figures.
targets() {
  python3 - "$1" "$work/$1.figures" "${WAYMARK_BENCH_DIRECTUS_PATCH:-}" <<'PY'
import sys
backend, path, directus_patch = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
for line in open(path):
    key, *values = line.split()
    rows[key] = values
sqlite = backend == "sqlite"
def share(k): return float(rows[k][4])
def rps(k): return float(rows[k][0])
def p50(k): return float(rows[k][1])
def p99(k): return float(rows[k][2])
checks = [
    ("GET one action, RS256 token, >= %.2f of the ceiling" % (0.20 if sqlite else 0.10),
     share("get"), share("get") >= (0.20 if sqlite else 0.10)),
    ("the 304 >= 0.30 of the ceiling", share("not_modified"), share("not_modified") >= 0.30),
]
for k in ("list_plan", "list_org", "list_all"):
    checks.append(("%s p99 <= 15 ms" % k, p99(k), p99(k) <= 15))
floor = 1500 if sqlite else 1000
checks.append(("status updates >= %d/s" % floor, rps("status_update"), rps("status_update") >= floor))
checks.append(("a batch of 1,000 readings <= 150 ms (median)", p50("batch"), p50("batch") <= 150))
if directus_patch:
    ratio = rps("patch") / float(directus_patch)
    checks.append(("PATCH >= 10x Directus (%s req/s)" % directus_patch, round(ratio, 1), ratio >= 10))
else:
    print("%-9s target %-50s not measured (set WAYMARK_BENCH_DIRECTUS_PATCH from benches/directus.sh)" % (backend, "PATCH >= 10x Directus"))
mem = float(rows["memory"][0])
checks.append(("peak resident memory <= 64 MiB", mem, mem <= 64))
checks.append(("(nothing kept) GET one action >= %.2f of the ceiling" % (0.20 if sqlite else 0.10),
               share("get_read"), share("get_read") >= (0.20 if sqlite else 0.10)))
for k in ("list_plan_read", "list_org_read", "list_all_read"):
    checks.append(("(nothing kept) %s p99 <= 15 ms" % k, p99(k), p99(k) <= 15))
for label, value, met in checks:
    print("%-9s target %-50s %10s  %s" % (backend, label, value, "met" if met else "MISSED"))
PY
}

# Cold start: an empty SQLite file, migrations, the demo plans, until /readyz.
cold_port=$(free_port)
cold_start=$(date +%s.%N)
env "${auth_env[@]}" DATABASE_URL="sqlite://$work/cold.db" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$cold_port" RUST_LOG=info target/release/waymark >"$work/cold.log" 2>&1 &
server=$!
until curl -fsS "http://127.0.0.1:$cold_port/readyz" >/dev/null 2>&1; do sleep 0.01; done
cold=$(python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$cold_start" "$(date +%s.%N)")
loaded=$(api "http://127.0.0.1:$cold_port/api/v1/plans" | json_field '["items"].__len__()')
echo "cold start on an empty SQLite file until /readyz answers 200: $cold s, with $loaded demo plans loaded ($(grep -o 'loaded [0-9]* demo plans in [0-9]* ms' "$work/cold.log"))"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

printf '%-9s %-46s %10s %8s %8s %6s %8s %9s\n' backend case "req/s" "p50 ms" "p99 ms" "non2xx" "/ceiling" "peak MiB"
[ "${WAYMARK_BENCH_SQLITE:-1}" = 0 ] || run_backend sqlite "sqlite://$work/bench.db"
if [ -n "$pg_admin" ]; then
  db="waymark_bench_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
  # Loopback: TLS would cost some 6 % of a GET for nothing (libpq defaults to sslmode=prefer).
  run_backend postgres "${pg_admin%/*}/$db?sslmode=disable"
  psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi
echo "($connections connections, ${seconds} s a case, wrk and the server on one machine: $(nproc) cores)"

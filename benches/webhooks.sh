#!/usr/bin/env bash
# Measures webhook delivery: events per second sent by a release build to a
# receiver on loopback that verifies every signature (examples/webhook_receiver.rs),
# on SQLite and on PostgreSQL.
#
#   benches/webhooks.sh [batches]
#
# The events are readings: a subscription is registered disabled, [batches]
# (default 5) batches of 1,000 new readings are written (one event each, and an
# event for each measure whose status changes), then the subscription is enabled
# and the receiver times the flow from its first message to its last.
# Needs curl and python3. PostgreSQL is reached at WAYMARK_BENCH_PG_URL (an admin
# URL; default postgres://postgres@127.0.0.1:5432/postgres); empty: SQLite only.
set -euo pipefail
cd "$(dirname "$0")/.."

batches=${1:-5}
pg_admin=${WAYMARK_BENCH_PG_URL-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d)
server=""
receiver=""
cleanup() {
  # Each step on its own: under set -e a failed kill would skip the rest.
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  if [ -n "$receiver" ]; then kill "$receiver" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --locked --quiet --bin waymark --example webhook_receiver

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token=""
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }

# The feed's last seq, read page by page.
feed_end() {
  python3 - "$1" "$token" <<'PY'
import json, sys, urllib.request
base, token, after = sys.argv[1], sys.argv[2], 0
while True:
    req = urllib.request.Request(f"{base}/changes?after={after}&limit=1000", headers={"Authorization": f"Bearer {token}"})
    page = json.load(urllib.request.urlopen(req))
    if not page["items"]:
        print(after)
        break
    after = page["last_seq"]
PY
}

# A batch of 1,000 new readings of one measure.
batch() {
  python3 -c '
import json, sys
measure, n = sys.argv[1], sys.argv[2]
items = [{"measure_id": measure, "period": f"w{n}-{i}", "value": i % 100} for i in range(1000)]
print(json.dumps({"atomic": True, "items": items}))' "$1" "$2"
}

run_backend() {
  local backend=$1 url=$2
  local port rport base
  port=$(free_port)
  rport=$(free_port)
  base="http://127.0.0.1:$port/api/v1"
  token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub benchmark --role admin)
  DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" WAYMARK_DEMO_PLANS=true \
    WAYMARK_WEBHOOK_ALLOW_NETWORKS=127.0.0.1 WAYMARK_WEBHOOK_POLL_MS=50 RUST_LOG=warn \
    target/release/waymark >"$work/$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  local hook secret id measure start end
  hook=$(api -X POST "$base/webhooks" -H "Content-Type: application/json" \
    -d "{\"url\": \"http://127.0.0.1:$rport/waymark\", \"enabled\": false}")
  secret=$(echo "$hook" | json_field '["secret"]')
  id=$(echo "$hook" | json_field '["id"]')
  measure=$(api "$base/measures?limit=200" \
    | python3 -c 'import json,sys; print(next(m["id"] for m in json.load(sys.stdin)["items"] if m["kind"] == "quantitative"))')
  start=$(feed_end "$base")
  for n in $(seq 1 "$batches"); do
    batch "$measure" "$n" | api -X POST "$base/reading-batches" -H "Content-Type: application/json" --data-binary @- >/dev/null
  done
  end=$(feed_end "$base")
  target/release/examples/webhook_receiver "$rport" "$secret" >"$work/receiver.out" &
  receiver=$!
  sleep 0.3
  api -X PATCH "$base/webhooks/$id" -H 'If-Match: "1"' -H "Content-Type: application/merge-patch+json" \
    -d '{"enabled": true}' >/dev/null
  wait "$receiver"; receiver=""
  printf '%-9s %6d events queued; delivered %s\n' "$backend" "$((end - start))" "$(cat "$work/receiver.out")"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

run_backend sqlite "sqlite://$work/bench.db"
if [ -n "$pg_admin" ]; then
  db="waymark_bench_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
  run_backend postgres "${pg_admin%/*}/$db"
  psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi
echo "(one subscription, receiver and server on one machine: $(nproc) cores)"

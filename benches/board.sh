#!/usr/bin/env bash
# Measures what a board paper asks of Waymark, on SQLite, on the generated
# partnership (200 plans, 50,000 actions by default): the summary of a
# 250-action plan, its tree as it stood six months ago, and what changed in it
# over a quarter, with a year of history behind it. Prints the first answer of
# each (counted from the store), then requests per second and p50/p99 latency
# (wrk, answers kept by the report cache) beside a bare actix-web ceiling
# measured in the same run, and the target (p99 <= 25 ms at 32 connections).
#
#   benches/board.sh [plans] [seconds per case] [history writes]
#
# The history: one generated plan is exported and imported again as a bundle
# (every item written through the API, with its revisions and feed events), then
# `history writes` status updates and edits are made to it, and the plan's events
# and revisions are spread evenly over the past year in the order they were
# written. Needs wrk, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

plans=${1:-200}
seconds=${2:-10}
writes=${3:-3000}
connections=${WAYMARK_BENCH_CONNECTIONS:-32}
ceiling_ms=25
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked --quiet --bin waymark --example generate --example ceiling

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
measure() {
  wrk -t1 -c"${conns:-$connections}" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$@" | python3 benches/wrk_summary.py
}
ceiling_rps=""
row() { # LABEL URL
  local label=$1 figures share rps p99 verdict alone
  shift
  figures=$(measure "$@")
  read -r rps _ p99 _ <<<"$figures"
  # One connection: what one request costs when nothing queues before it.
  alone=$(conns=1 measure "$@" | awk '{print $2}')
  share=$(python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$rps" "$ceiling_rps")
  verdict=$(python3 -c "import sys; print('met' if float(sys.argv[1]) <= float(sys.argv[2]) else 'NOT met')" "$p99" "$ceiling_ms")
  printf '%-52s %s %8s %9s   p99 <= %s ms: %s\n' "$label" "$figures" "$share" "$alone" "$ceiling_ms" "$verdict"
}

db="$work/board.db"
echo "== generating $plans plans into SQLite" >&2
DATABASE_URL="sqlite://$db" RUST_LOG=warn target/release/examples/generate "$plans" >&2
port=$(free_port)
token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub benchmark --role admin)
start_server() {
  DATABASE_URL="sqlite://$db" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn \
    WAYMARK_RATE_LIMIT_PER_MINUTE=0 target/release/waymark >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
}
start_server
base="http://127.0.0.1:$port/api/v1"
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }

echo "== a year of history for one plan: import it again as a bundle, then $writes writes" >&2
source_plan=$(api "$base/plans?ref=PLAN-$(printf %04d $((plans / 2)))" | json_field '["items"][0]["id"]')
api "$base/plans/$source_plan/bundle" \
  | python3 -c 'import json,sys; b=json.load(sys.stdin); b["plan"]["ref"]="HISTORY-1"; json.dump(b, sys.stdout)' >"$work/bundle.json"
started=$(date +%s.%N)
api -H "Content-Type: application/json" --data-binary "@$work/bundle.json" "$base/plan-bundles" >/dev/null
plan=$(api "$base/plans?ref=HISTORY-1" | json_field '["items"][0]["id"]')
python3 - "$base" "$token" "$plan" "$writes" <<'PY'
import json, random, sys, urllib.request
base, token, plan, writes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def call(method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    if body is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        return json.load(response) if response.status != 204 else None
actions, cursor = [], f"/plans/{plan}/actions?limit=200"
while cursor:
    page = call("GET", cursor)
    actions += [a["id"] for a in page["items"]]
    cursor = page.get("next") and page["next"].split("/api/v1", 1)[1]
rng = random.Random(21)
for n in range(writes):
    action = rng.choice(actions)
    if n % 3:
        brag = rng.choice(["amber", "red", "green", "grey"])
        call("POST", f"/actions/{action}/status-updates", {"brag": brag, "narrative": f"Report {n}"})
    else:
        current = call("GET", f"/actions/{action}")
        call("PATCH", f"/actions/{action}", {"due": f"Quarter {n % 4 + 1} 2027"},
             {"Content-Type": "application/merge-patch+json", "If-Match": f'"{current["version"]}"'})
PY
built=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$started" "$(date +%s.%N)")
kill "$server"; wait "$server" 2>/dev/null || true; server=""

# Spread the feed over the past year in seq order, as a year of writes would
# have left it; revisions keep the time of the event they belong to.
python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
low, high = db.execute("SELECT MIN(seq), MAX(seq) FROM events").fetchone()
span = max(high - low, 1)
at = "strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', ({high} - seq) * 31536000 / {span}))"
db.execute(f"UPDATE events SET at = {at.format(high=high, span=span)}")
db.execute(f"UPDATE revisions SET at = {at.format(high=high, span=span)}")
db.commit()
print(f"{high - low + 1} events spread over the past year", file=sys.stderr)
PY
start_server

date_ago() { python3 -c "import datetime,sys; print((datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=int(sys.argv[1]))).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$1"; }
six=$(date_ago 182)
nine=$(date_ago 273)
summary="$base/plans/$plan/summary"
as_of="$base/plans/$plan?include=tree&as_of=$six"
changes="$base/plans/$plan/changes?from=$nine&to=$six"
# The first answer of each is counted from the store; the cases below then
# read the kept answer, as a board's readers after the first do.
first() { api -o /dev/null -w '%{time_total}' "$1" | python3 -c "import sys; print('%.1f ms' % (float(sys.stdin.read()) * 1000))"; }
echo "first answers (counted from the store, then kept): summary $(first "$summary"), tree as of $(first "$as_of"), changes $(first "$changes")"
summary_bytes=$(api "$summary" | wc -c)
as_of_bytes=$(api "$as_of" | wc -c)
changes_body=$(api "$changes")
changes_bytes=$(printf '%s' "$changes_body" | wc -c)
counts=$(printf '%s' "$changes_body" | json_field '["counts"]')
events=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM events').fetchone()[0])" "$db")
echo "history: plan HISTORY-1 (a copy of PLAN-$(printf %04d $((plans / 2)))) imported and written $writes times in $built s; $events feed events over a year"
echo "changes over the quarter $nine .. $six: $counts"

ceiling_port=$(free_port)
target/release/examples/ceiling "$ceiling_port" "$summary_bytes" >/dev/null &
ceiling=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$ceiling_port/" >/dev/null 2>&1 && break; sleep 0.1; done
printf '%-52s %10s %8s %8s %6s %8s %9s\n' case "req/s" "p50 ms" "p99 ms" "non2xx" "/ceiling" "1-conn p50"
figures=$(measure "http://127.0.0.1:$ceiling_port/")
read -r ceiling_rps _ <<<"$figures"
printf '%-52s %s %8s\n' "ceiling: fixed $summary_bytes-byte JSON, bare actix-web" "$figures" "1.000"
kill "$ceiling"; wait "$ceiling" 2>/dev/null || true
row "summary of a 250-action plan ($summary_bytes B)" "$summary"
row "tree as of six months ago ($as_of_bytes B)" "$as_of"
row "changes over a quarter ($changes_bytes B)" "$changes"
printf '%-52s %s\n' "peak resident memory over all cases" "$(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$server/status")"
echo "(SQLite, $connections connections, ${seconds} s a case, wrk and the server on one machine: $(nproc) cores)"

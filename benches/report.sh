#!/usr/bin/env bash
# Measures rendering a highlight report of a 250-action plan (a generated one:
# 5 priorities x 5 outcomes x 10 actions, 25 measures with readings), on
# SQLite: the plan is imported again as a bundle, a meeting is planned, the plan's report drafted and published, then
# its HTML, Excel and CSV are read over HTTP with wrk (one connection, then
# four). Each read renders again from the frozen snapshot (nothing is kept), so
# p99 is what rendering costs. Prints requests per second, p50 and p99 in ms,
# non-2xx answers and the target (p99 <= 50 ms for the HTML).
#
#   benches/report.sh [seconds per case]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
target_ms=50
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked --quiet --bin waymark --example generate

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
db="$work/report.db"
DATABASE_URL="sqlite://$db" RUST_LOG=warn target/release/examples/generate 2 >&2
port=$(free_port)
token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub benchmark --role admin)
DATABASE_URL="sqlite://$db" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn \
  WAYMARK_RATE_LIMIT_PER_MINUTE=0 target/release/waymark >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

report=$(python3 - "http://127.0.0.1:$port/api/v1" "$token" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
def call(method, path, body=None, headers=()):
    request = urllib.request.Request(base + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json", **dict(headers)})
    with urllib.request.urlopen(request) as response:
        return json.load(response), response.headers
# Generated plans have no history; imported again as a bundle, every item is
# written through the API with its revisions, as drafting reads them.
source = call("GET", "/plans?limit=1")[0]["items"][0]
bundle = call("GET", f"/plans/{source['id']}/bundle")[0]
bundle["plan"]["ref"] = "REPORTED-1"
call("POST", "/plan-bundles", bundle)
plan = call("GET", "/plans?ref=REPORTED-1")[0]["items"][0]
body = call("POST", "/governance-bodies", {"name": "Benchmark board", "kind": "board"})[0]
meeting = call("POST", f"/governance-bodies/{body['id']}/meetings", {"date": "2031-03-01", "plan_ids": [plan["id"]]})[0]
draft, headers = call("POST", f"/meetings/{meeting['id']}/highlight-reports", {"plan_id": plan["id"], "summary": "Benchmark."})
report = call("POST", f"/highlight-reports/{draft['id']}/publish", {}, [("If-Match", headers["ETag"])])[0]
content = report["content"]
print(report["id"], content["actions"]["total"], len(content["measure_lines"]), content["plan"]["ref"])
PY
)
read -r id actions measures plan_ref <<<"$report"
url="http://127.0.0.1:$port/api/v1/highlight-reports/$id"
size() { curl -fsS -H "Authorization: Bearer $token" "$url?format=$1" | wc -c; }
echo "report $id of $plan_ref: $actions actions, $measures measures; html $(size html) bytes, xlsx $(size xlsx) bytes, csv $(size csv) bytes"
printf '%-28s %10s %8s %8s %6s\n' "case" "req/s" "p50 ms" "p99 ms" "non-2xx"
for format in html xlsx csv json; do
  for conns in 1 4; do
    figures=$(wrk -t1 -c"$conns" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$url?format=$format" \
      | python3 benches/wrk_summary.py)
    verdict=""
    if [ "$format" = html ]; then
      p99=$(awk '{print $3}' <<<"$figures")
      verdict=$(python3 -c "import sys; print('  p99 <= %s ms: %s' % (sys.argv[2], 'met' if float(sys.argv[1]) <= float(sys.argv[2]) else 'NOT met'))" "$p99" "$target_ms")
    fi
    printf '%-28s %s%s\n' "$format, $conns connection(s)" "$figures" "$verdict"
  done
done
echo "peak resident memory of the server: $(awk '/VmHWM/ {print $2, $3}' "/proc/$server/status")"

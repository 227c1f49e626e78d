#!/usr/bin/env bash
# Measures importing a plan bundle on SQLite and on PostgreSQL: a generated plan
# (5 priorities x 5 outcomes x 10 actions, 25 measures) exported with its
# readings made up to 200 a measure (5,000 in all) is imported as a new plan,
# then imported again unchanged, then again with every action's BRAG changed.
# Each import is one request and one transaction; the script prints how long
# each took (median of three, each on a fresh copy of the plan's ref), the
# bundle's size, and the target (a new plan's import <= 500 ms).
#
#   benches/bundle.sh
#
# PostgreSQL is reached at WAYMARK_BENCH_PG_URL (an admin URL; default
# postgres://postgres@127.0.0.1:5432/postgres); set it empty to measure SQLite only,
# and WAYMARK_BENCH_SQLITE=0 to measure PostgreSQL only.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_admin=${WAYMARK_BENCH_PG_URL-postgres://postgres@127.0.0.1:5432/postgres}
target_ms=500
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo build --release --locked --quiet --bin waymark --example generate
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run_backend() { # BACKEND DATABASE_URL
  local backend=$1 url=$2 port token
  DATABASE_URL="$url" RUST_LOG=warn target/release/examples/generate 2 >/dev/null
  port=$(free_port)
  token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub benchmark --role admin)
  DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn \
    WAYMARK_RATE_LIMIT_PER_MINUTE=0 WAYMARK_BUNDLE_MAX_ENTRIES=100000 target/release/waymark >"$work/$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  python3 - "$backend" "http://127.0.0.1:$port/api/v1" "$token" "$target_ms" <<'PY'
import json, statistics, sys, time, urllib.request
backend, base, token, target_ms = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
def call(method, path, body=None):
    request = urllib.request.Request(base + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.load(response)
    return answer, (time.perf_counter() - started) * 1000
source = call("GET", "/plans?limit=1")[0]["items"][0]
bundle = call("GET", f"/plans/{source['id']}/bundle")[0]
for m in bundle["measures"]:
    have = {(r["period"], r.get("cohort", "All")) for r in m["readings"]}
    n = 0
    while len(m["readings"]) < 200:
        n += 1
        period = "M%03d" % n
        if (period, "All") not in have:
            reading = {"period": period, "cohort": "All", "status": "final"}
            if m.get("kind") == "qualitative":
                reading["text_value"] = "Evidence for %s" % period
            else:
                reading["value"] = float(n % 97)
            m["readings"].append(reading)
readings = sum(len(m["readings"]) for m in bundle["measures"])
actions = sum(len(o["actions"]) for p in bundle["priorities"] for o in p["outcomes"]) \
    + sum(len(p.get("actions", [])) for p in bundle["priorities"])
size = len(json.dumps(bundle))
times = {"new plan": [], "again, unchanged": [], "again, every BRAG changed": []}
for round_ in range(3):
    bundle["plan"]["ref"] = "IMPORTED-%d" % round_
    times["new plan"].append(call("POST", "/plan-bundles", bundle)[1])
    times["again, unchanged"].append(call("POST", "/plan-bundles", bundle)[1])
    for p in bundle["priorities"]:
        for a in [a for o in p["outcomes"] for a in o["actions"]] + p.get("actions", []):
            a["brag"] = "red" if a.get("brag") != "red" else "amber"
    times["again, every BRAG changed"].append(call("POST", "/plan-bundles", bundle)[1])
print("%-9s bundle: %d actions, %d measures, %d readings, %d KB" % (backend, actions, len(bundle["measures"]), readings, size // 1024))
for case, values in times.items():
    print("%-9s import, %-28s median %8.1f ms  (%s)" % (backend, case, statistics.median(values), ", ".join("%.0f" % v for v in values)))
new = statistics.median(times["new plan"])
print("%-9s target a new plan's import <= %.0f ms: %s" % (backend, target_ms, "met" if new <= target_ms else "MISSED"))
PY
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

[ "${WAYMARK_BENCH_SQLITE:-1}" = 1 ] && run_backend sqlite "sqlite://$work/bundle.db"
if [ -n "$pg_admin" ]; then
  db="waymark_bundle_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
  # Loopback: no TLS (libpq's default, sslmode=prefer, would negotiate it).
  run_backend postgres "${pg_admin%/*}/$db?sslmode=disable"
  psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi

#!/usr/bin/env bash
# Head-of-line blocking: while one partner imports a 12,000-action plan bundle
# (one request, one transaction), other partners post status updates to the
# SEND plan's actions, each in turn, with wrk (8 connections). Prints how long the import
# took, the status updates' rate, p50, p99 and worst latency over the whole
# run and how many did not answer 2xx, on SQLite and on PostgreSQL, with the
# target: p99 <= 100 ms and no 503 while the import runs.
#
#   benches/contention.sh [seconds of status updates, default 20]
#
# PostgreSQL is reached at WAYMARK_BENCH_PG_URL (an admin URL; default
# postgres://postgres@127.0.0.1:5432/postgres); set it empty to measure SQLite only.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
pg_admin=${WAYMARK_BENCH_PG_URL-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked --quiet --bin waymark
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run_backend() { # BACKEND DATABASE_URL
  local backend=$1 url=$2 port token base action reported
  port=$(free_port)
  token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub benchmark --role admin)
  DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn \
    WAYMARK_RATE_LIMIT_PER_MINUTE=0 WAYMARK_BUNDLE_MAX_ENTRIES=100000 WAYMARK_MAX_BODY_BYTES=67108864 \
    target/release/waymark >"$work/$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  base="http://127.0.0.1:$port/api/v1"
  # The partners' status updates go to the SEND plan's actions in turn.
  reported=$(curl -fsS -H "Authorization: Bearer $token" "$base/actions?plan=SEND-LAIAP-2025&limit=50" \
    | python3 -c 'import json,sys; print(" ".join(a["id"] for a in json.load(sys.stdin)["items"]))')
  action=${reported%% *}
  # The bundle: the SEND plan's under a new ref, with 5 x 5 x 480 = 12,000
  # more actions in five more priorities, each like the plan's first action.
  local plan
  plan=$(curl -fsS -H "Authorization: Bearer $token" "$base/plans?ref=SEND-LAIAP-2025" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  curl -fsS -H "Authorization: Bearer $token" "$base/plans/$plan/bundle" | python3 -c '
import copy, json, sys
bundle = json.load(sys.stdin)
template = next(a for p in bundle["priorities"] for o in p["outcomes"] for a in o["actions"])
template.pop("monitored_in", None)
template.pop("previous_refs", None)
template.pop("external_refs", None)
priority = copy.deepcopy(bundle["priorities"][0])
outcome = copy.deepcopy(priority["outcomes"][0])
priorities = []
for p in range(5):
    outcomes = []
    for o in range(5):
        actions = []
        for n in range(480):
            action = copy.deepcopy(template)
            action["ref"] = "B%d.%d/%d" % (p, o, n)
            action["brag"] = ["grey", "amber", "green", "red"][n % 4]
            actions.append(action)
        outcomes.append(dict(outcome, ref="B%d.%d" % (p, o), actions=actions))
    priorities.append(dict(priority, ref="B%d" % p, title="Bulk priority %d" % p, outcomes=outcomes, actions=[]))
bundle["priorities"] += priorities
bundle["plan"]["ref"] = "BULK-12000"
json.dump(bundle, sys.stdout)
' >"$work/bundle.json"
  # shellcheck disable=SC2086
  wrk -t1 -c8 -d"${seconds}s" --timeout 30s --latency -H "Authorization: Bearer $token" \
    -s benches/status_update.lua "$base/actions/$action/status-updates" -- $reported >"$work/wrk.txt" &
  local load=$!
  sleep 2
  local started took
  started=$(date +%s%N)
  curl -sS -o "$work/import.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H "Content-Type: application/json" --data-binary "@$work/bundle.json" "$base/plan-bundles" >"$work/import.status"
  took=$(( ($(date +%s%N) - started) / 1000000 ))
  wait "$load"
  case "$(cat "$work/import.status")" in
    2*) ;;
    *) echo "$backend   the import was refused: $(head -c 600 "$work/import.json")" ;;
  esac
  python3 - "$backend" "$(cat "$work/import.status")" "$took" "$work/wrk.txt" <<'PY'
import re, sys
backend, status, took, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(path).read()
def ms(label):
    m = re.search(r"^\s*" + re.escape(label) + r"\s+([\d.]+)(us|ms|s)\b", text, re.M)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else float("nan")
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
bad = int(bad.group(1)) if bad else 0
worst = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", text)
worst = float(worst.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[worst.group(2)] if worst else float("nan")
print("%-9s import of 12,000 actions: HTTP %s in %d ms" % (backend, status, took))
print("%-9s status updates meanwhile: %.0f/s, p50 %.1f ms, p99 %.1f ms, worst %.0f ms, %d not 2xx"
      % (backend, rps, ms("50%"), ms("99%"), worst, bad))
met = ms("99%") <= 100 and bad == 0 and status.startswith("2")
print("%-9s target p99 <= 100 ms and no 503 during the import (which must succeed): %s"
      % (backend, "met" if met else "MISSED"))
PY
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

[ "${WAYMARK_BENCH_SQLITE:-1}" = 1 ] && run_backend sqlite "sqlite://$work/contention.db"
if [ -n "$pg_admin" ]; then
  db="waymark_contention_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
  run_backend postgres "${pg_admin%/*}/$db?sslmode=disable"
  psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi

#!/usr/bin/env bash
# Two instances on one PostgreSQL database behind HAProxy (deploy/haproxy.cfg)
# against one instance behind the same HAProxy: GET of one action with wrk, each
# instance pinned to a core of its own (taskset), with answers kept and with
# none kept (WAYMARK_READ_CACHE_MB=0). Prints each rate, the pair's ratio to
# one instance and the target (>= 1.6x).
#
#   benches/pair.sh [plans, default 20] [seconds per case, default 8]
#
# Needs wrk, haproxy, taskset and PostgreSQL at WAYMARK_BENCH_PG_URL (an admin
# URL; default postgres://postgres@127.0.0.1:5432/postgres). On a machine with
# two cores, HAProxy and wrk share the cores with the instances: what the pair
# gains here is a floor for what it gains with cores of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

plans=${1:-20}
seconds=${2:-8}
connections=${WAYMARK_BENCH_CONNECTIONS:-32}
pg_admin=${WAYMARK_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d)
db="waymark_pair_bench_$$"
pids=()
stop_all() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true; pids=(); }
cleanup() {
  stop_all
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$haproxy" ] || { echo "haproxy is missing: apt-get install haproxy" >&2; exit 1; }
cores=$(nproc)
[ "$cores" -ge 2 ] || { echo "the pair needs two cores to pin its instances to" >&2; exit 1; }
cargo build --release --locked --quiet --bin waymark --example generate

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ready() { for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return; sleep 0.1; done; exit 1; }

psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
url="${pg_admin%/*}/$db?sslmode=disable"
echo "== generating $plans plans on PostgreSQL" >&2
DATABASE_URL="$url" RUST_LOG=warn target/release/examples/generate "$plans" >&2
# Statistics and visibility for the rows just written, so that autovacuum does
# not do it during the first case.
psql "${pg_admin%/*}/$db" -qc "VACUUM ANALYZE" >/dev/null
token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub benchmark --role admin)

# Instance N (0 or 1) on core N; HAProxy in front of A and B (both the same
# instance for "one instance").
start_instance() { # CORE PORT CACHE_MB
  DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$2" WAYMARK_READ_CACHE_MB="$3" \
    WAYMARK_RATE_LIMIT_PER_MINUTE=0 WAYMARK_DEMO_PLANS=false RUST_LOG=warn \
    taskset -c "$1" target/release/waymark serve >>"$work/server.log" 2>&1 &
  pids+=($!)
  ready "$2"
}
start_balancer() { # PORT A B
  WAYMARK_LB_BIND="127.0.0.1:$1" WAYMARK_A="127.0.0.1:$2" WAYMARK_B="127.0.0.1:$3" \
    "$haproxy" -db -f deploy/haproxy.cfg >>"$work/haproxy.log" 2>&1 &
  pids+=($!)
  ready "$1"
}
get_rate() { # BASE ACTION
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
    "$1/api/v1/actions/$2" | python3 benches/wrk_summary.py
}
# CPU time (clock ticks, user + system) of some processes, from /proc.
ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
hz=$(getconf CLK_TCK)
# A case: wrk's figures, then microseconds of CPU per request spent by the
# instances, HAProxy and PostgreSQL (every postgres process on the machine).
measured() { # BASE ACTION BALANCER-PID INSTANCE-PIDS...
  local base=$1 action=$2 lb=$3 figures before_i before_lb before_pg
  shift 3
  before_i=$(ticks "$@") before_lb=$(ticks "$lb") before_pg=$(ticks $(pgrep -x postgres))
  figures=$(get_rate "$base" "$action")
  python3 - "$figures" "$seconds" "$hz" "$before_i" "$(ticks "$@")" "$before_lb" "$(ticks "$lb")" \
    "$before_pg" "$(ticks $(pgrep -x postgres))" <<'PY'
import sys
figures, seconds, hz = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
i0, i1, l0, l1, p0, p1 = (float(v) for v in sys.argv[4:10])
requests = float(figures.split()[0]) * seconds
us = lambda a, b: (b - a) / hz * 1e6 / requests
print("%s %7.0f %7.0f %7.0f" % (figures, us(i0, i1), us(l0, l1), us(p0, p1)))
PY
}

printf '%-12s %-40s %10s %8s %8s %6s %7s %7s %7s\n' answers case "req/s" "p50 ms" "p99 ms" non2xx \
  "µs inst" "µs lb" "µs pg"
for cache in 0 8; do
  kept=$([ "$cache" = 0 ] && echo "none kept" || echo "kept")
  a=$(free_port) b=$(free_port)
  start_instance 0 "$a" "$cache"; pid_a=${pids[-1]}
  start_instance 1 "$b" "$cache"; pid_b=${pids[-1]}
  action=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$a/api/v1/actions?limit=1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  one=$(free_port) two=$(free_port)
  start_balancer "$one" "$a" "$a"; lb_one=${pids[-1]}
  start_balancer "$two" "$a" "$b"; lb_two=${pids[-1]}
  single=$(measured "http://127.0.0.1:$one" "$action" "$lb_one" "$pid_a")
  pair=$(measured "http://127.0.0.1:$two" "$action" "$lb_two" "$pid_a" "$pid_b")
  printf '%-12s %-40s %s\n' "$kept" "one instance (core 0) behind HAProxy" "$single"
  printf '%-12s %-40s %s\n' "$kept" "the pair (cores 0 and 1) behind HAProxy" "$pair"
  python3 - "$kept" "$single" "$pair" <<'PY'
import sys
kept, single, pair = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
ratio = float(pair[0]) / float(single[0])
print("%-12s target %-33s %6.2fx  %s" % (kept, "the pair >= 1.6x one instance", ratio, "met" if ratio >= 1.6 else "MISSED"))
# With a core of its own for each instance, for HAProxy and for PostgreSQL,
# each serves 1e6 / (its CPU per request) a second at most; the slowest of
# them sets the rate, one instance's or the pair's.
inst, lb, pg = (float(v) or 1e-9 for v in single[4:7])
caps = {"an instance": 1e6 / inst, "HAProxy": 1e6 / lb, "PostgreSQL": 1e6 / pg}
alone = min(caps.values())
paired = min(2 * caps["an instance"], caps["HAProxy"], caps["PostgreSQL"])
limit = min(("the pair", 2 * caps["an instance"]), ("HAProxy", caps["HAProxy"]), ("PostgreSQL", caps["PostgreSQL"]), key=lambda kv: kv[1])[0]
print("%-12s a core each (by CPU per request): an instance %.0f, HAProxy %.0f, PostgreSQL %.0f req/s; "
      "one instance %.0f, the pair %.0f (%.2fx), bound by %s" % (
      kept, caps["an instance"], caps["HAProxy"], caps["PostgreSQL"], alone, paired, paired / alone, limit))
PY
  stop_all
done
echo "($connections connections, ${seconds} s a case; $cores cores shared by the instances, HAProxy and wrk)"

#!/usr/bin/env bash
# The soak: the release build on a fresh SQLite file with the demo plans, under
# steady mixed reads and writes (benches/mixed.lua) for five minutes. Fails unless
# every answer was 2xx, no socket errors, and resident memory after the first
# minute stays within 10 % of where it stood at the minute.
#
#   benches/soak.sh [seconds] [DATABASE_URL]
#
# The default database is a new SQLite file; pass a postgres:// URL of an empty
# database to soak PostgreSQL. Needs wrk, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-300}
warmup=$((seconds / 5))
work=$(mktemp -d)
url=${2:-sqlite://$work/soak.db}
server=""
sampler=""
cleanup() {
  # Each step on its own: under set -e a failed kill would skip the rest.
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; fi
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked --quiet --bin waymark

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATABASE_URL="$url" WAYMARK_DATA_DIR="$work" WAYMARK_PORT="$port" RUST_LOG=warn \
  target/release/waymark serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(WAYMARK_DATA_DIR="$work" target/release/waymark token --sub soak --role admin)
ids() { curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/$1" |
  python3 -c 'import json,sys; print(",".join(i["id"] for i in json.load(sys.stdin)["items"]))'; }
export WAYMARK_SOAK_ACTIONS WAYMARK_SOAK_PLANS
WAYMARK_SOAK_ACTIONS=$(ids "actions?limit=200")
WAYMARK_SOAK_PLANS=$(ids "plans")
export WAYMARK_SOAK_DELAY_MS=${WAYMARK_SOAK_DELAY_MS:-8}
[ -n "$WAYMARK_SOAK_ACTIONS" ] && [ -n "$WAYMARK_SOAK_PLANS" ] || { echo "no demo plans to soak" >&2; exit 1; }

# Resident memory (KiB) every 5 s, as: seconds-since-start KiB
(
  start=$(date +%s)
  while kill -0 "$server" 2>/dev/null; do
    echo "$(($(date +%s) - start)) $(awk '/^(VmRSS|RssAnon|RssFile|RssShmem):/ {printf "%s ", $2} /^Threads:/ {t = $2} END {printf "%s", t}' "/proc/$server/status")"
    sleep 5
  done
) >"$work/rss" &
sampler=$!

echo "soak: $seconds s of mixed traffic on $(echo "$url" | cut -d: -f1), 16 connections, ${WAYMARK_SOAK_DELAY_MS} ms between a connection's requests"
wrk -t2 -c16 -d"${seconds}s" --timeout 10s --latency -H "Authorization: Bearer $token" \
  -s benches/mixed.lua "http://127.0.0.1:$port" >"$work/wrk"
kill "$sampler" 2>/dev/null || true
mkdir -p target && cp "$work/rss" target/soak-memory.txt
cat "$work/wrk"
python3 - "$work/wrk" "$work/rss" "$warmup" <<'EOF'
import re, sys
wrk, rss, warmup = open(sys.argv[1]).read(), sys.argv[2], int(sys.argv[3])
# Each line: seconds, then VmRSS, RssAnon, RssFile, RssShmem in KiB, then threads.
rows = [list(map(int, l.split())) for l in open(rss) if len(l.split()) == 6]
samples = [(r[0], r[1]) for r in rows]
total = int(re.search(r"(\d+) requests in", wrk).group(1))
non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", wrk) or [0, 0])[1])
socket = re.search(r"Socket errors: (.*)", wrk)
after = [kib for t, kib in samples if t >= warmup]
settled = after[0] if after else None
peak = max(kib for _, kib in samples)
print(f"requests: {total}, non-2xx: {non2xx}, socket errors: {socket.group(1) if socket else 'none'}")
print(f"resident memory: {samples[0][1] / 1024:.1f} MiB at start, {settled / 1024:.1f} MiB at {warmup} s, "
      f"peak {peak / 1024:.1f} MiB, last {samples[-1][1] / 1024:.1f} MiB ({len(samples)} samples)")
if rows:
    first, last = rows[0], rows[-1]
    print("of which: heap (anon) {:.1f} -> {:.1f} MiB, file-backed {:.1f} -> {:.1f} MiB, shared memory {:.1f} -> {:.1f} MiB".format(
        first[2] / 1024, last[2] / 1024, first[3] / 1024, last[3] / 1024, first[4] / 1024, last[4] / 1024))
    print(f"threads: {min(r[5] for r in rows)} to {max(r[5] for r in rows)}")
failures = []
if total == 0:
    failures.append("no requests were made")
if non2xx:
    failures.append(f"{non2xx} answers were not 2xx")
if socket:
    failures.append(f"socket errors: {socket.group(1)}")
if settled is None or max(after) > settled * 1.10:
    failures.append("resident memory grew more than 10 % after warm-up")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
EOF

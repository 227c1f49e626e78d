#!/usr/bin/env bash
# Two Waymark instances on one PostgreSQL database behind HAProxy
# (deploy/haproxy.cfg), in the foreground until Ctrl-C:
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/waymark deploy/pair.sh [port]
#
# HAProxy listens on 127.0.0.1:PORT (default 8080), the instances on PORT+1 and
# PORT+2. Every variable of the README's configuration table passes through to
# both instances; they share WAYMARK_DATA_DIR (default ./data), so a token from
# `target/release/waymark token` is good on either. Needs haproxy (Debian:
# apt-get install haproxy). `WAYMARK_PAIR_BIN` runs another build of the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${1:-8080}
: "${DATABASE_URL:?name the PostgreSQL database both instances share in DATABASE_URL}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "deploy/pair.sh runs two instances on one PostgreSQL database; DATABASE_URL is not one" >&2; exit 1 ;;
esac
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$haproxy" ] || { echo "haproxy is missing: apt-get install haproxy" >&2; exit 1; }
binary=${WAYMARK_PAIR_BIN:-target/release/waymark}
if [ -z "${WAYMARK_PAIR_BIN:-}" ]; then
  cargo build --release --locked --quiet --bin waymark
fi

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM

ready() {
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "the instance on port $1 did not become ready" >&2
  exit 1
}

# One after the other: the first migrates the database (and loads the demo
# plans into an empty one) before the second starts.
for n in 1 2; do
  WAYMARK_PORT=$((port + n)) "$binary" serve &
  pids+=($!)
  ready $((port + n))
done
WAYMARK_LB_BIND="127.0.0.1:$port" WAYMARK_A="127.0.0.1:$((port + 1))" WAYMARK_B="127.0.0.1:$((port + 2))" \
  "$haproxy" -db -f deploy/haproxy.cfg &
pids+=($!)
ready "$port"
echo "Two instances behind HAProxy: Swagger UI at http://127.0.0.1:$port/docs/ (instances on $((port + 1)) and $((port + 2)))"
wait -n
echo "a process of the pair stopped" >&2
exit 1

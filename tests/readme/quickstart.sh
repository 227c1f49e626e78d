#!/usr/bin/env bash
# Runs the README as a newcomer would: its run command (the first block of "The
# two commands") from the clone's root, then every `sh` block of the sections
# named below, as written, in one shell, stopping at the first command that
# fails. The blocks use the demo plans, port 8080 and ./data, so this needs a
# clone without ./data and nothing listening on 8080; it removes the ./data it
# made. Prints how long the blocks took from the server being ready.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

SECTIONS=("Quick start" "In development" "Push: report an action's status")

if [ -e data ]; then
  echo "tests/readme/quickstart.sh: ./data exists; run from a fresh clone, or move ./data away" >&2
  exit 2
fi
if curl -s -o /dev/null "http://127.0.0.1:8080/" 2>/dev/null; then
  echo "tests/readme/quickstart.sh: something already answers on 127.0.0.1:8080" >&2
  exit 2
fi

# The README's blocks: `python3 - run` prints the run command, `python3 - SECTION`
# the sh blocks of that section.
blocks() {
  python3 - "$1" <<'PY'
import re, sys
text = open("README.md", encoding="utf-8").read()
def section(title, level):
    m = re.search(rf"^{level} {re.escape(title)}\n(.*?)(?=^#{{1,{len(level)}}} )", text, re.S | re.M)
    if not m:
        sys.exit(f"README.md has no section {title!r}")
    return m.group(1)
def sh_blocks(body):
    return re.findall(r"^```sh\n(.*?)^```", body, re.S | re.M)
want = sys.argv[1]
if want == "run":
    print(sh_blocks(section("The two commands", "##"))[0].strip())
else:
    level = "##" if want == "Quick start" else "###"
    found = sh_blocks(section(want, level))
    if not found:
        sys.exit(f"README.md's section {want!r} has no sh block")
    print("\n".join(found))
PY
}

run_command=$(blocks run)
[ "$run_command" = "cargo run --release" ] || { echo "unexpected run command: $run_command" >&2; exit 1; }
script=$(mktemp)
log=$(mktemp)
{
  echo "set -euo pipefail"
  for s in "${SECTIONS[@]}"; do
    printf 'echo %q >&2\n' "--- README: $s"
    blocks "$s"
    echo "echo"
  done
} >"$script"

echo "README run command: $run_command"
bash -c "$run_command" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  pkill -f "$root/target/release/waymark" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$root/data" "$script"
}
trap cleanup EXIT
for _ in $(seq 1 1800); do
  grep -q "^A token for Swagger UI" "$log" && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.5
done
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break; sleep 0.1; done
grep -E "^(Waymark is listening|Swagger UI|A token)" "$log"

started=$(date +%s.%N)
bash "$script"
took=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)")
echo "README blocks passed (${SECTIONS[*]}): ${took} s from the server being ready"

#!/usr/bin/env bash
# Runs Schemathesis (pinned in requirements.txt) against a running server's
# served spec with a valid token: every operation through its examples,
# coverage, fuzzing and stateful (OpenAPI links) phases. Fails on any 5xx and
# on any answer that does not conform to the spec: status code, content type,
# headers, body schema.
#
#   tests/schemathesis/run.sh BASE_URL TOKEN [st run options...]
#
# Options after the token go to `st run` (CI's PostgreSQL run passes
# `--phases examples,coverage`).
#
# TOKEN should be an admin's, so that every operation is reachable. The run
# writes through the API: use a throwaway database. Before it starts, one real
# id per resource type is looked up (and a disabled webhook created), so that
# operations on `…/{id}` reach the handlers instead of answering 404 only.
# The venv, the config and the JUnit report go under target/schemathesis/.
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 BASE_URL TOKEN [st run options...]" >&2
  exit 2
fi
base_url=${1%/}
export WAYMARK_TOKEN=$2
shift 2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$(cd "$here/../.." && pwd)/target/schemathesis"
venv="$out/venv"
mkdir -p "$out"
rm -rf "$out/reports"

# The newest CPython at hand: up to 3.11.7 the ast module can raise a spurious
# "AST constructor recursion depth mismatch" when two threads parse at once
# (CPython gh-106905), which Hypothesis does while describing strategies with
# --workers 2. Debian's python3 is the fallback.
python=python3
for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.13*/bin/python3 "$HOME"/.pyenv/versions/3.12*/bin/python3; do
  if "$candidate" -c 'import ensurepip, venv' >/dev/null 2>&1; then python=$candidate; break; fi
done

req="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
want=$( (sha256sum "$req" | cut -d' ' -f1; "$python" --version) | sha256sum | cut -d' ' -f1)
if [ ! -x "$venv/bin/st" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
fi
"$venv/bin/python" --version
"$venv/bin/st" --version

# One real id per item path, as operation parameters in the config.
python3 - "$base_url" >"$out/schemathesis.toml" <<'PY'
import json, os, sys, urllib.request

base = sys.argv[1] + "/api/v1"
headers = {"Authorization": "Bearer " + os.environ["WAYMARK_TOKEN"], "Content-Type": "application/json"}

def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)

def first(path):
    items = call("GET", path)["items"]
    return items[0]["id"] if items else None

ids = {c: first(f"/{c}?limit=1") for c in [
    "organisations", "owners", "governance-bodies", "plans", "priorities",
    "outcomes", "actions", "measures", "readings", "risks"]}
# Status updates have no flat list: the change feed names one.
updates = call("GET", "/changes?resource_type=status_update&limit=1")["items"]
ids["status-updates"] = updates[0]["resource_id"] if updates else None
# A meeting of the board that leads a plan, with a draft report on that plan.
led = [p for p in call("GET", "/plans?limit=50")["items"] if p.get("lead_body_id")]
if led:
    meeting = call("POST", f"/governance-bodies/{led[0]['lead_body_id']}/meetings", {"date": "2031-01-15"})
    ids["meetings"] = meeting["id"]
    report = call("POST", f"/meetings/{meeting['id']}/highlight-reports", {"plan_id": led[0]["id"]})
    ids["highlight-reports"] = report["id"]
# A public address (no private network is allowed), disabled: nothing is sent.
ids["webhooks"] = call("POST", "/webhooks", {"url": "https://93.184.215.14/waymark", "enabled": False})["id"]

print("# Written by tests/schemathesis/run.sh: real ids for the item paths.")
print('headers = { Authorization = "Bearer ${WAYMARK_TOKEN}" }')
# More scenarios than the default for the phase that follows the spec's links
# (create, then read, change, list under, delete what was created).
print("\n[phases.stateful]\nmax-steps = 20\n\n[phases.stateful.generation]\nmax-examples = 300")
# The coverage phase already sends each operation its schema's boundary values
# and near misses; random cases add less with each one, and at the default 100
# per operation they took over ten minutes of a CI run.
print("\n[phases.fuzzing.generation]\nmax-examples = 30")
for collection, id in ids.items():
    if id is None:
        print(f"# no {collection} to test with", file=sys.stderr)
        continue
    print(f'\n[[operations]]\ninclude-path-regex = "^/api/v1/{collection}/\\\\{{id\\\\}}"')
    print(f'parameters = {{ "path.id" = "{id}" }}')
PY
echo "ids for $(grep -c include-path-regex "$out/schemathesis.toml") resource types in target/schemathesis/schemathesis.toml"

# From target/schemathesis, so that its cache (.schemathesis/) lands there too.
cd "$out"
"$venv/bin/st" --config-file "$out/schemathesis.toml" run "$base_url/api-docs/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --workers 2 --max-failures 100 --seed 20261124 \
  --report junit --report-dir "$out/reports" "$@"

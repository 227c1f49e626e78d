#!/usr/bin/env bash
# Generates a Python and a TypeScript client from openapi/v1.json with pinned
# generators and runs the same two scenarios through each against a running
# server. The partner's: list plans, find action Afl3.3/1 by ref, post a status
# update with If-Match and an Idempotency-Key (and replay it), read the change
# feed. The board's: book a meeting, draft, comment on and publish the SEND
# plan's highlight report, see it stay frozen while the plan moves on, record
# the board's decisions.
#
#   tests/sdk/run.sh BASE_URL TOKEN EDITOR_TOKEN
#
# BASE_URL: e.g. http://127.0.0.1:8080. TOKEN: a bearer token whose role may
# report on Afl3.3/1: a contributor of the organisation that leads it (CNWL in
# the demo plans), or an editor or admin, e.g.
#   waymark token --sub sdk --role contributor --org CNWL
# EDITOR_TOKEN: an editor of an organisation on the SEND Strategic Partnership
# Board, which leads the plan (MKCC in the demo plans), or an admin, e.g.
#   waymark token --sub sdk-board --role editor --org MKCC
#
# Tools and generated code go under target/sdk/ (not committed):
#   target/sdk/venv                           openapi-python-client, from python/requirements.txt
#   target/sdk/python/waymark_api_client      the generated Python package
#   target/sdk/typescript/schema.d.ts         the generated TypeScript paths
#   target/sdk/typescript/dist/*.js           the compiled TypeScript scenarios
# npm installs typescript/package-lock.json into tests/sdk/typescript/node_modules.
# Safe to repeat, against a fresh server or the same one again. Needs python3
# (3.11 or later: the generated code uses typing.Self), node 20 and npm, and
# the PyPI and npm registries (or their caches).
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 BASE_URL TOKEN EDITOR_TOKEN" >&2
  exit 2
fi
base_url=${1%/}
token=$2
editor_token=$3

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
spec="$root/openapi/v1.json"
out="$root/target/sdk"
venv="$out/venv"
ts_dir="$here/typescript"
ts_out="$out/typescript"
mkdir -p "$out"

say() { printf '== %s\n' "$*"; }

# Fails the run when a generator's output has a line matching PATTERN: each
# warning means part of the spec did not make it into the client.
no_warnings() { # NAME FILE PATTERN
  if grep -Eq "$3" "$2"; then
    echo "$1 warned about the spec (see above): the generated client may be incomplete" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- tools
say "tools"
python3 - <<'EOF'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"python3 is {sys.version.split()[0]}; the generated client needs 3.11 or later")
EOF
req="$here/python/requirements.txt"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
fi
(cd "$ts_dir" && npm ci --no-audit --no-fund --loglevel=error)

# package-lock.json must name no download address but the configured registry's.
registry=$(cd "$ts_dir" && npm config get registry 2>/dev/null)
if grep -E '"resolved":' "$ts_dir/package-lock.json" | grep -vF "\"$registry" | grep -q .; then
  echo "package-lock.json resolves packages outside $registry:" >&2
  grep -E '"resolved":' "$ts_dir/package-lock.json" | grep -vF "\"$registry" >&2
  exit 1
fi

ts_bin="$ts_dir/node_modules/.bin"
echo "python3                $(python3 --version 2>&1 | cut -d' ' -f2)"
echo "openapi-python-client  $("$venv/bin/openapi-python-client" --version | sed 's/.*version: //')"
echo "httpx, attrs           $("$venv/bin/python" -c 'import attrs, httpx; print(httpx.__version__, attrs.__version__)')"
echo "node                   $(node --version)"
echo "npm                    $(npm --version 2>/dev/null)"
echo "openapi-typescript     $("$ts_bin/openapi-typescript" --version)"
echo "openapi-fetch          $(node -p 'require(process.argv[1]).version' "$ts_dir/node_modules/openapi-fetch/package.json")"
echo "typescript             $("$ts_bin/tsc" --version)"

# ---------------------------------------------------------------- the spec
say "spec: ${spec#"$root"/}"
served=$(curl -fsS "$base_url/api-docs/openapi.json" 2>/dev/null || true)
if [ -z "$served" ]; then
  echo "note: $base_url serves no /api-docs/openapi.json; cannot compare it with the committed spec"
elif printf '%s' "$served" | python3 -c 'import json, sys; sys.exit(json.load(sys.stdin) != json.load(open(sys.argv[1])))' "$spec"; then
  echo "the server serves the committed spec"
else
  echo "note: the server's /api-docs/openapi.json differs from ${spec#"$root"/}; the clients follow the committed one"
fi

# ---------------------------------------------------------------- Python
say "generate the Python client"
rm -rf "$out/python"
mkdir -p "$out/python"
log="$out/openapi-python-client.log"
# The generator runs ruff on its output: put the venv's ruff on PATH.
(cd "$out/python" && PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate \
  --path "$spec" --meta none --output-path waymark_api_client) 2>&1 | tee "$log"
no_warnings openapi-python-client "$log" 'Warning|Error|Skipping|not in PATH'
echo "$(find "$out/python/waymark_api_client/api" -name '*.py' ! -name '__init__.py' | wc -l) operations," \
  "$(find "$out/python/waymark_api_client/models" -name '*.py' ! -name '__init__.py' | wc -l) models"

say "Python scenarios"
"$venv/bin/python" "$here/python/scenario.py" "$base_url" "$token"
"$venv/bin/python" "$here/python/board.py" "$base_url" "$editor_token"

# ---------------------------------------------------------------- TypeScript
say "generate the TypeScript types"
rm -rf "$ts_out"
mkdir -p "$ts_out"
log="$out/openapi-typescript.log"
(cd "$ts_dir" && "$ts_bin/openapi-typescript" "$spec" --output "$ts_out/schema.d.ts") 2>&1 | tee "$log"
no_warnings openapi-typescript "$log" '⚠|✘|[Ww]arn|[Ee]rror'
echo "$(wc -l <"$ts_out/schema.d.ts") lines"

say "type-check (tsc --noEmit, strict)"
(cd "$ts_dir" && "$ts_bin/tsc" --noEmit -p tsconfig.json)
echo "no errors"

say "compile and run the TypeScript scenarios"
(cd "$ts_dir" && "$ts_bin/tsc" -p tsconfig.json)
# The compiled scenario is an ES module and imports openapi-fetch from the
# node_modules that npm ci filled in tests/sdk/typescript.
printf '{"type": "module"}\n' >"$ts_out/dist/package.json"
ln -sfn "$ts_dir/node_modules" "$ts_out/node_modules"
node "$ts_out/dist/scenario.js" "$base_url" "$token"
node "$ts_out/dist/board.js" "$base_url" "$editor_token"

say "all four scenarios passed"

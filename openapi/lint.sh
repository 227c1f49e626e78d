#!/usr/bin/env bash
# Lints v1.json with the pinned spectral (spectral:oas and the OWASP API
# Security ruleset, see .spectral.yaml) and redocly (recommended-strict)
# and fails on any error or warning. Offline once `npm ci` has run: redocly's
# telemetry and update check are off.
set -euo pipefail
cd "$(dirname "$0")"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false
npx --no-install spectral lint v1.json --ruleset .spectral.yaml --fail-severity=warn
npx --no-install redocly lint v1.json --max-problems=10000 --format=json >redocly-report.json 2>/dev/null || true
python3 - <<'PY'
import json, sys
report = json.load(open("redocly-report.json"))
totals = report["totals"]
for p in report["problems"]:
    print(f'{p["severity"]}: {p["ruleId"]} at {p["location"][0]["pointer"]}: {p["message"]}')
print(f'redocly (recommended-strict): {totals["errors"]} errors, {totals["warnings"]} warnings, {totals["ignored"]} ignored')
sys.exit(1 if totals["errors"] or totals["warnings"] else 0)
PY

#!/usr/bin/env bash
# The board cycle in a browser, against a running server with the demo plans:
# a meeting of the SEND Strategic Partnership Board, the SEND plan's highlight
# report drafted and published, then the report page and the plan's progress
# page checked in Chromium by tests/ui/report.mjs (no console errors, nothing
# fetched elsewhere, axe-core WCAG 2.1 AA, an A4 PDF holding the headline
# counts). Screenshots and PDFs go to ARTIFACTS_DIR.
#
#   tests/ui/reports.sh BASE_URL ADMIN_TOKEN ARTIFACTS_DIR
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 BASE_URL ADMIN_TOKEN ARTIFACTS_DIR" >&2
  exit 2
fi
base=${1%/}
token=$2
artifacts=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Prints the published report's id, its headline counts and the plan's ref.
read -r report total red plan_ref < <(python3 - "$base" "$token" <<'PY'
import datetime, json, sys, urllib.request

base, token = sys.argv[1] + "/api/v1", sys.argv[2]

def call(method, path, body=None, headers=()):
    request = urllib.request.Request(
        base + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json", **dict(headers)})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response), response.headers

plan = call("GET", "/plans?ref=SEND-LAIAP-2025")[0]["items"][0]
# The board that leads the plan: the SEND Strategic Partnership Board.
board = call("GET", f"/governance-bodies/{plan['lead_body_id']}")[0]
day = datetime.date.today() + datetime.timedelta(days=14)
meeting, _ = call("POST", f"/governance-bodies/{board['id']}/meetings",
                  {"title": f"SEND Strategic Partnership Board, {day:%B %Y}", "date": day.isoformat()})
draft, headers = call("POST", f"/meetings/{meeting['id']}/highlight-reports", {
    "plan_id": plan["id"],
    "summary": "Progress continues across the five areas for improvement.",
    "achievements": "The neurodevelopmental pathway has been redesigned with PACA MK.",
    "asks": "The board is asked to note the report and the actions not updated this quarter."})
report, _ = call("POST", f"/highlight-reports/{draft['id']}/publish", {}, [("If-Match", headers["ETag"])])
actions = report["content"]["actions"]
print(report["id"], actions["total"], actions["red"], plan["ref"])
PY
)
echo "published highlight report $report: $total actions, $red red"

export WAYMARK_TOKEN=$token
export EXPECT_REPORT="SEND Strategic Partnership Board,$plan_ref,$total"
export EXPECT_PROGRESS="$plan_ref,$total"
node "$here/report.mjs" "$artifacts" \
  "report=$base/api/v1/highlight-reports/$report?format=html" \
  "progress=$base/api/v1/plans/$plan_ref/progress"

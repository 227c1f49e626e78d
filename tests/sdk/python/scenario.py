#!/usr/bin/env python3
"""Runs the Waymark client scenario through the Python client that
openapi-python-client generated from openapi/v1.json.

    scenario.py BASE_URL TOKEN

The generated package is not committed: tests/sdk/run.sh writes it to
target/sdk/python/waymark_api_client, and this script imports it from there.
The token must name the organisation that leads action Afl3.3/1 (a contributor
may only report on actions its organisation leads) or be an editor or admin.

Every step asserts what it got and prints one line; any failure exits 1.
Safe to repeat against the same server: it reads the action's version first
and uses a fresh Idempotency-Key each run.
"""

from __future__ import annotations

import datetime
import sys
import uuid

from common import check, expect, feed_head, main, problem_of, quoted, step, token_claims
from waymark_api_client import AuthenticatedClient  # noqa: E402
from waymark_api_client.api.actions import (  # noqa: E402
    action_status_update_create,
    action_view,
    plan_action_list,
    status_update_list,
)
from waymark_api_client.api.changes import change_list  # noqa: E402
from waymark_api_client.api.operations import readiness_view  # noqa: E402
from waymark_api_client.api.organisations import organisation_view  # noqa: E402
from waymark_api_client.api.owners import owner_view  # noqa: E402
from waymark_api_client.api.plans import (  # noqa: E402
    plan_changes_view,
    plan_list,
    plan_outstanding_view,
    plan_reporting_period_list,
    plan_summary_view,
)
from waymark_api_client.models import (  # noqa: E402
    Action,
    Brag,
    ChangePage,
    Operation,
    Organisation,
    Outstanding,
    Owner,
    PlanChanges,
    ReportingPeriods,
    PaginatedAction,
    PaginatedPlan,
    PaginatedStatusUpdate,
    PlanSummary,
    StatusUpdate,
    StatusUpdateInput,
)
from waymark_api_client.types import Unset  # noqa: E402

PLAN_REF = "SEND-LAIAP-2025"
ACTION_REF = "Afl3.3/1"


def run(base_url: str, token: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=False)
    claims = token_claims(token)
    run_id = uuid.uuid4().hex[:8]

    # 0. The server is up and its database reachable.
    ready = readiness_view.sync_detailed(client=client)
    check(ready.status_code == 200, f"readiness_view: HTTP {int(ready.status_code)}")
    roles = claims.get("roles")
    roles_text = ",".join(map(str, roles)) if isinstance(roles, list) else roles
    step("ready", f"GET /readyz 200; token sub={claims.get('sub')} roles={roles_text} org={claims.get('org')}")

    # 1. List plans, then find the SEND plan by its business reference.
    plans = expect(plan_list.sync_detailed(client=client, limit=200), 200, PaginatedPlan, "plan_list")
    check(len(plans.items) >= 1, "plan_list: no plans")
    by_ref = expect(plan_list.sync_detailed(client=client, ref=PLAN_REF), 200, PaginatedPlan, "plan_list ref")
    check(len(by_ref.items) == 1, f"plan_list ref={PLAN_REF}: {len(by_ref.items)} plans")
    plan = by_ref.items[0]
    check(plan.ref == PLAN_REF, f"plan ref is {plan.ref}")
    check(plan.id in {p.id for p in plans.items}, "the plan found by ref is not in the plan list")
    step("list plans", f"{len(plans.items)} plans; {PLAN_REF} is {plan.id} ({plan.title!r})")

    # 2. Find action Afl3.3/1 in it by its business reference.
    actions = expect(plan_action_list.sync_detailed(plan.id, client=client, ref=ACTION_REF),
                     200, PaginatedAction, "plan_action_list")
    check(len(actions.items) == 1, f"plan_action_list ref={ACTION_REF}: {len(actions.items)} actions")
    found = actions.items[0]
    check(found.ref == ACTION_REF and found.plan_id == plan.id, f"found {found.ref} of plan {found.plan_id}")
    step("find action", f"{ACTION_REF} is {found.id}, {len(found.lead_ids)} lead(s)")

    # 3. Read it: its version and ETag; and which organisation leads it.
    response = action_view.sync_detailed(found.id, client=client)
    action = expect(response, 200, Action, "action_view")
    v0 = action.version
    etag = response.headers.get("ETag")
    check(etag == quoted(v0), f"action_view: ETag {etag!r}, body version {v0}")
    check(len(action.lead_ids) >= 1, "the action has no lead")
    lead = expect(owner_view.sync_detailed(action.lead_ids[0], client=client), 200, Owner, "owner_view")
    # Ids are typed as UUIDs (`format: uuid` in the spec).
    check(isinstance(lead.organisation_id, uuid.UUID), f"lead {lead.name!r} belongs to no organisation")
    assert isinstance(lead.organisation_id, uuid.UUID)
    org = expect(organisation_view.sync_detailed(lead.organisation_id, client=client),
                 200, Organisation, "organisation_view")
    brag0 = action.brag.value if isinstance(action.brag, Brag) else None
    step("read action", f"version {v0}, ETag {etag}, brag {brag0}; led by {lead.name!r} of {org.code}")
    if claims and claims.get("org") != org.code:
        print(f"python  note: the token names org {claims.get('org')!r} but {org.code} leads {ACTION_REF}: "
              "a contributor token will be refused (403 outside_organisation)", flush=True)

    # 4. Start of the change feed for this run.
    head = feed_head(client)
    step("feed head", f"last seq {head}")

    # 5. Report a status with If-Match and an Idempotency-Key.
    new_brag = Brag.RED if action.brag == Brag.AMBER else Brag.AMBER
    body = StatusUpdateInput(brag=new_brag, narrative=f"SDK scenario (python) run {run_id}")
    key = f"sdk-python-{uuid.uuid4()}"
    first_response = action_status_update_create.sync_detailed(
        action.id, client=client, body=body, if_match=etag, idempotency_key=key)
    first = expect(first_response, 201, StatusUpdate, "action_status_update_create")
    check(first.action_id == action.id, f"status update is for action {first.action_id}")
    check(first.brag == new_brag, f"status update brag {first.brag}")
    check(first.action_version == v0 + 1, f"status update made action version {first.action_version}, expected {v0 + 1}")
    location = first_response.headers.get("Location")
    check(location == f"/api/v1/status-updates/{first.id}", f"Location {location!r}")
    check(first_response.headers.get("Idempotent-Replayed") is None, "first answer marked as a replay")
    step("post status", f"201 {first.id}: brag {brag0}->{new_brag.value}, action version {v0}->{first.action_version}, key {key[:19]}...")

    # 6. The same request with the same key: the same answer, not a second report.
    replay_response = action_status_update_create.sync_detailed(
        action.id, client=client, body=body, if_match=etag, idempotency_key=key)
    replay = expect(replay_response, 201, StatusUpdate, "action_status_update_create (replay)")
    check(replay.id == first.id, f"replay gave status update {replay.id}, first was {first.id}")
    check(replay.action_version == first.action_version, f"replay action_version {replay.action_version}")
    replayed = replay_response.headers.get("Idempotent-Replayed")
    check(replayed == "true", f"replay: Idempotent-Replayed {replayed!r}")
    step("replay same key", f"201 {replay.id} again, Idempotent-Replayed: {replayed}")

    # 7. The action moved exactly one version.
    after_response = action_view.sync_detailed(action.id, client=client)
    after = expect(after_response, 200, Action, "action_view (after)")
    check(after.version == v0 + 1, f"action version is {after.version}, expected {v0 + 1} (moved more than once?)")
    check(after.brag == new_brag, f"action brag is {after.brag}, expected {new_brag.value}")
    check(after_response.headers.get("ETag") == quoted(v0 + 1), f"ETag {after_response.headers.get('ETag')!r}")
    latest = after.latest_update
    check(not isinstance(latest, Unset) and latest.id == first.id, f"action's latest_update {latest!r}, expected {first.id}")
    step("re-read action", f"version {after.version} (moved once), brag {new_brag.value}, ETag {quoted(after.version)}, latest_update {first.id}")

    # 7b. The plan's status updates, newest first: the report leads.
    updates = expect(status_update_list.sync_detailed(client=client, plan=PLAN_REF, limit=5),
                     200, PaginatedStatusUpdate, "status_update_list")
    check(bool(updates.items) and updates.items[0].id == first.id,
          f"newest update of {PLAN_REF} is {updates.items[0].id if updates.items else None}, expected {first.id}")
    step("plan's updates", f"{len(updates.items)} on the first page, newest {updates.items[0].id}")

    # 7c. The plan's summary counts the report's action as updated.
    since = first.created_at.isoformat()
    counted = expect(plan_summary_view.sync_detailed(plan.id, client=client, updated_since=since),
                     200, PlanSummary, "plan_summary_view")
    updated = counted.totals.actions.updated_since
    check(updated == 1, f"plan_summary_view: {updated!r} actions updated since {since}, expected 1")
    check(sum(g.actions.total for g in counted.groups) >= counted.totals.actions.total,
          "plan_summary_view: groups hold fewer actions than the totals")
    step("plan's summary", f"{counted.totals.actions.total} actions in {len(counted.groups)} groups, {updated} updated since the report")

    # 7d. What changed in the plan since just before the report: the action, with it.
    just_before = first.created_at - datetime.timedelta(milliseconds=1)
    changed = expect(plan_changes_view.sync_detailed(plan.id, client=client, from_=just_before),
                     200, PlanChanges, "plan_changes_view")
    entry = next((a for a in changed.actions if a.id == action.id), None)
    check(entry is not None, f"plan_changes_view: action {action.id} not among {len(changed.actions)} changed")
    reported = [u.id for u in entry.status_updates] if not isinstance(entry.status_updates, Unset) else []
    check(first.id in reported, f"plan_changes_view: status updates {reported}, expected {first.id} among them")
    step("plan's changes", f"{changed.counts.changed} changed, {changed.counts.status_updates} status update(s) since {just_before.isoformat()}")

    # 7e. The plan's reporting periods, and who to chase in the current one:
    # not the lead that has just reported.
    periods = expect(plan_reporting_period_list.sync_detailed(plan.id, client=client),
                     200, ReportingPeriods, "plan_reporting_period_list")
    current = [p.key for p in periods.periods if p.current]
    check(len(current) == 1, f"plan_reporting_period_list: current periods {current}, expected one")
    chase = expect(plan_outstanding_view.sync_detailed(plan.id, client=client),
                   200, Outstanding, "plan_outstanding_view")
    named = {a.id for o in chase.organisations for w in o.owners for a in w.actions} | {a.id for a in chase.unassigned}
    check(action.id not in named, f"plan_outstanding_view: {action.id} reported this period but is listed")
    check(chase.period.key == current[0], f"plan_outstanding_view: period {chase.period.key}, current is {current[0]}")
    step("outstanding", f"{chase.total} action(s) not reported on in {chase.period.key}; {action.id} not among them")

    # 8. A stale If-Match is refused with 412.
    stale = action_status_update_create.sync_detailed(
        action.id, client=client, body=body, if_match=quoted(v0), idempotency_key=f"sdk-python-{uuid.uuid4()}")
    check(stale.status_code == 412, f"stale If-Match: HTTP {int(stale.status_code)}, expected 412")
    problem = problem_of(stale, "stale If-Match")
    check(problem.code == "version_mismatch", f"stale If-Match: code {problem.code}")
    check(problem.current_version == v0 + 1, f"stale If-Match: current_version {problem.current_version!r}")
    step("stale If-Match", f"412 {problem.code}, current_version {problem.current_version}")

    # 9. The same key with another body is refused (422 idempotency_key_reused).
    other = StatusUpdateInput(brag=new_brag, narrative=f"SDK scenario (python) run {run_id}, changed")
    reused = action_status_update_create.sync_detailed(
        action.id, client=client, body=other, if_match=quoted(v0 + 1), idempotency_key=key)
    check(reused.status_code == 422, f"reused key: HTTP {int(reused.status_code)}, expected 422")
    reused_problem = problem_of(reused, "reused key")
    check(reused_problem.code == "idempotency_key_reused", f"reused key: code {reused_problem.code}")
    step("reuse key, new body", f"422 {reused_problem.code}")

    # 10. The change feed has the action's new version and the report, once each.
    feed = expect(change_list.sync_detailed(client=client, after=head, limit=1000, plan_id=plan.id),
                  200, ChangePage, "change_list after the post")
    seqs = [e.seq for e in feed.items]
    check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), f"feed seqs not increasing: {seqs}")
    check(all(s > head for s in seqs), f"feed gave seqs at or before {head}: {seqs}")
    action_events = [e for e in feed.items if e.resource_type == "action" and e.resource_id == action.id]
    report_events = [e for e in feed.items if e.resource_type == "status_update" and e.resource_id == first.id]
    check(len(action_events) == 1, f"{len(action_events)} events for the action after seq {head}, expected 1")
    check(action_events[0].version == v0 + 1 and action_events[0].operation == Operation.UPDATE,
          f"action event: version {action_events[0].version}, {action_events[0].operation}")
    check(len(report_events) == 1, f"{len(report_events)} events for the status update, expected 1")
    check(report_events[0].operation == Operation.CREATE and report_events[0].version == 1,
          f"status update event: {report_events[0].operation} v{report_events[0].version}")
    actor_org = report_events[0].actor_organisation
    check(isinstance(actor_org, Unset) or actor_org == claims.get("org"), f"actor_organisation {actor_org!r}")
    step("change feed", f"{len(feed.items)} events after seq {head}: action v{action_events[0].version} "
         f"at seq {action_events[0].seq}, status_update {first.id} at seq {report_events[0].seq}; last_seq {feed.last_seq}")


if __name__ == "__main__":
    sys.exit(main(run, "scenario.py"))

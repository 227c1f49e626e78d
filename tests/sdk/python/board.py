#!/usr/bin/env python3
"""Runs the board cycle through the Python client that openapi-python-client
generated from openapi/v1.json: a meeting of the body that leads the SEND
plan, the plan's highlight report drafted, commented on and published; the
plan moves on and the report does not; the board's decisions recorded.

    board.py BASE_URL TOKEN

The token must be an editor of an organisation that sits on that body (MKCC
in the demo plans) or an admin, e.g.
    waymark token --sub sdk-board --role editor --org MKCC

Every step asserts what it got and prints one line; any failure exits 1.
Safe to repeat against the same server: each run books a meeting on a date
of its own.
"""

from __future__ import annotations

import datetime
import random
import sys
import uuid

from common import check, expect, feed_head, main, problem_of, quoted, step
from waymark_api_client import AuthenticatedClient  # noqa: E402
from waymark_api_client.api.actions import action_status_update_create, action_view, plan_action_list  # noqa: E402
from waymark_api_client.api.changes import change_list  # noqa: E402
from waymark_api_client.api.governance_bodies import governance_body_view  # noqa: E402
from waymark_api_client.api.meetings import (  # noqa: E402
    governance_body_meeting_create,
    highlight_report_comment_create,
    highlight_report_list,
    highlight_report_publish,
    highlight_report_regenerated_view,
    highlight_report_update,
    highlight_report_view,
    meeting_highlight_report_create,
    meeting_update,
)
from waymark_api_client.api.plans import plan_list  # noqa: E402
from waymark_api_client.models import (  # noqa: E402
    Action,
    Brag,
    ChangePage,
    CommentInput,
    Decision,
    DecisionKind,
    GovernanceBody,
    HighlightReport,
    HighlightReportInput,
    HighlightReportPatch,
    Meeting,
    MeetingInput,
    MeetingPatch,
    MeetingStatus,
    PaginatedHighlightReport,
    Operation,
    PaginatedAction,
    PaginatedPlan,
    ReportContent,
    ReportStatus,
    StatusUpdate,
    StatusUpdateInput,
)

PLAN_REF = "SEND-LAIAP-2025"
ACTION_REF = "Afl3.3/1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run(base_url: str, token: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=False)
    http = client.get_httpx_client()
    run_id = uuid.uuid4().hex[:8]

    # 1. The plan and the body that leads it.
    plans = expect(plan_list.sync_detailed(client=client, ref=PLAN_REF), 200, PaginatedPlan, "plan_list ref")
    check(len(plans.items) == 1, f"plan_list ref={PLAN_REF}: {len(plans.items)} plans")
    plan = plans.items[0]
    check(isinstance(plan.lead_body_id, uuid.UUID), f"{PLAN_REF} has no lead body")
    assert isinstance(plan.lead_body_id, uuid.UUID)
    body = expect(governance_body_view.sync_detailed(plan.lead_body_id, client=client),
                  200, GovernanceBody, "governance_body_view")
    head = feed_head(client)
    step("plan and board", f"{PLAN_REF} is led by {body.name!r}; feed at seq {head}")

    # 2. A meeting on a date of this run's own, papers closing a week before.
    date = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=60 + random.randrange(20000))
    created = governance_body_meeting_create.sync_detailed(
        body.id, client=client, body=MeetingInput(date=date, title=f"{body.name}, {date} (SDK run {run_id})"))
    meeting = expect(created, 201, Meeting, "governance_body_meeting_create")
    check(created.headers.get("Location") == f"/api/v1/meetings/{meeting.id}", f"Location {created.headers.get('Location')!r}")
    check(meeting.status == MeetingStatus.PLANNED, f"meeting status {meeting.status}")
    check(plan.id in meeting.plan_ids, f"{PLAN_REF} is not on the agenda {meeting.plan_ids}")
    cutoff = datetime.datetime.combine(date - datetime.timedelta(days=7), datetime.time(), datetime.timezone.utc)
    check(meeting.papers_cutoff == cutoff, f"papers_cutoff {meeting.papers_cutoff}, expected {cutoff}")
    step("book meeting", f"201 {meeting.id} on {date}; {len(meeting.plan_ids)} plan(s) on the agenda, papers close {cutoff:%Y-%m-%d}")

    # 3. The plan's report drafted from the plan, with the officer's summary.
    drafted = expect(meeting_highlight_report_create.sync_detailed(
        meeting.id, client=client, body=HighlightReportInput(plan_id=plan.id, summary="Steady progress.")),
        201, HighlightReport, "meeting_highlight_report_create")
    check(drafted.status == ReportStatus.DRAFT, f"report status {drafted.status}")
    content = drafted.content
    check(content.plan.ref == PLAN_REF and content.meeting.body == body.name,
          f"report content is on {content.plan.ref} for {content.meeting.body}")
    counts = content.actions
    check(counts.total > 0 and counts.total >= counts.red + counts.amber + counts.green + counts.blue,
          f"report counts {counts.to_dict()}")
    step("draft report", f"201 {drafted.id}: {counts.total} actions, {counts.red} red, {counts.amber} amber, "
         f"{len(content.exceptions)} exception(s)")

    # 4. Written and commented on, each with the draft's version.
    written = expect(highlight_report_update.sync_detailed(
        drafted.id, client=client, body=HighlightReportPatch(asks="The board is asked to note progress."),
        if_match=quoted(drafted.version)), 200, HighlightReport, "highlight_report_update")
    commented_response = highlight_report_comment_create.sync_detailed(
        drafted.id, client=client, body=CommentInput(text=f"Add October's figures ({run_id})."),
        if_match=quoted(written.version))
    commented = expect(commented_response, 200, HighlightReport, "highlight_report_comment_create")
    check(commented.comments[-1].text == f"Add October's figures ({run_id}).", f"comments {commented.comments}")
    check(commented.sections.asks == "The board is asked to note progress.", f"sections {commented.sections}")
    step("write and comment", f"version {drafted.version}->{commented.version}, {len(commented.comments)} comment(s)")

    # 5. Published with the draft's ETag: frozen, its ETag the hash of its bytes.
    published_response = highlight_report_publish.sync_detailed(
        drafted.id, client=client, if_match=commented_response.headers["ETag"])
    published = expect(published_response, 200, HighlightReport, "highlight_report_publish")
    etag = published_response.headers.get("ETag", "")
    check(published.status == ReportStatus.PUBLISHED, f"published status {published.status}")
    check(etag.startswith('"sha256-'), f"publish: ETag {etag!r}")
    frozen = published_response.content
    listed = expect(highlight_report_list.sync_detailed(client=client, plan_id=plan.id, status=ReportStatus.PUBLISHED,
                                                        meeting_id=meeting.id),
                    200, PaginatedHighlightReport, "highlight_report_list")
    check([r.id for r in listed.items] == [drafted.id], f"published reports of the meeting: {[r.id for r in listed.items]}")
    check(f'"{listed.items[0].content_hash}"' == etag, f"content_hash {listed.items[0].content_hash!r}, ETag {etag!r}")
    step("publish", f"200, ETag {etag[:24]}...\"")

    # 6. Read back: the same bytes and ETag; a conditional read answers 304.
    read = highlight_report_view.sync_detailed(drafted.id, client=client)
    check(read.status_code == 200 and read.content == frozen and read.headers.get("ETag") == etag,
          f"highlight_report_view: HTTP {int(read.status_code)}, ETag {read.headers.get('ETag')!r}")
    unchanged = http.get(f"/api/v1/highlight-reports/{drafted.id}", headers={"If-None-Match": etag})
    check(unchanged.status_code == 304, f"If-None-Match: HTTP {unchanged.status_code}")
    step("read report", f"200 {len(frozen)} bytes, same ETag; If-None-Match 304")

    # 7. The same snapshot as a board paper, a spreadsheet and a CSV.
    papers = {}
    for name, media in [("html", "text/html"), ("xlsx", XLSX), ("csv", "text/csv")]:
        paper = http.get(f"/api/v1/highlight-reports/{drafted.id}", params={"format": name})
        check(paper.status_code == 200 and paper.headers.get("content-type", "").startswith(media),
              f"format={name}: HTTP {paper.status_code}, {paper.headers.get('content-type')!r}")
        check(paper.headers.get("ETag", "").startswith('"sha256-') and paper.headers.get("ETag") != etag,
              f"format={name}: ETag {paper.headers.get('ETag')!r}")
        papers[name] = paper.content
    check(plan.title.encode() in papers["html"] or plan.title.replace("&", "&amp;").encode() in papers["html"],
          "the HTML paper does not name the plan")
    check(f">{counts.total}<".encode() in papers["html"], f"the HTML paper does not show {counts.total} actions")
    check(papers["xlsx"][:2] == b"PK", "the workbook is not a zip (xlsx)")
    step("formats", ", ".join(f"{k} {len(v)} bytes" for k, v in papers.items()))

    # 8. The plan moves on: a status update on one of its actions.
    found = expect(plan_action_list.sync_detailed(plan.id, client=client, ref=ACTION_REF),
                   200, PaginatedAction, "plan_action_list")
    check(len(found.items) == 1, f"{ACTION_REF}: {len(found.items)} actions")
    viewed = action_view.sync_detailed(found.items[0].id, client=client)
    action = expect(viewed, 200, Action, "action_view")
    brag = Brag.RED if action.brag == Brag.AMBER else Brag.AMBER
    update = expect(action_status_update_create.sync_detailed(
        action.id, client=client, body=StatusUpdateInput(brag=brag, narrative=f"SDK board run {run_id}"),
        if_match=viewed.headers["ETag"], idempotency_key=f"sdk-board-{uuid.uuid4()}"),
        201, StatusUpdate, "action_status_update_create")
    step("plan moves on", f"{ACTION_REF} now {brag.value} (status update {update.id})")

    # 9. The published report does not: same bytes, same ETag, in every format.
    again = highlight_report_view.sync_detailed(drafted.id, client=client)
    check(again.content == frozen and again.headers.get("ETag") == etag, "the published report changed with the plan")
    html = http.get(f"/api/v1/highlight-reports/{drafted.id}", params={"format": "html"})
    check(html.content == papers["html"], "the published HTML changed with the plan")
    refused = highlight_report_update.sync_detailed(
        drafted.id, client=client, body=HighlightReportPatch(summary="Rewritten."), if_match=etag)
    problem = problem_of(refused, "edit a published report")
    check(refused.status_code == 409 and problem.code == "report_published", f"edit: HTTP {int(refused.status_code)} {problem.code}")
    step("frozen", f"same {len(frozen)} bytes and ETag after the update; an edit answers 409 {problem.code}")

    # 10. Generated again from history at the same cut-off: the same data.
    regenerated = expect(highlight_report_regenerated_view.sync_detailed(drafted.id, client=client),
                         200, ReportContent, "highlight_report_regenerated_view")
    check(regenerated.to_dict() == published.content.to_dict(), "the report generated again differs from the published one")
    step("reproducible", f"regenerated at {regenerated.as_of.isoformat()}: equal to the published content")

    # 11. The meeting held; the board's decisions recorded with owners and dates.
    due = date + datetime.timedelta(days=42)
    held = expect(meeting_update.sync_detailed(meeting.id, client=client, if_match=quoted(meeting.version), body=MeetingPatch(
        status=MeetingStatus.HELD,
        decisions=[Decision(kind=DecisionKind.ACTION, text=f"Recovery plan for {ACTION_REF}", plan_id=plan.id,
                            owner_id=action.lead_ids[0], due_date=due)])),
        200, Meeting, "meeting_update")
    check(held.status == MeetingStatus.HELD and len(held.decisions) == 1, f"meeting {held.status}, {held.decisions}")
    decision = held.decisions[0]
    check(decision.owner_id == action.lead_ids[0] and decision.due_date == due, f"decision {decision.to_dict()}")
    step("meeting held", f"1 decision: {decision.text!r}, due {due}")

    # 12. The feed has the meeting and the report, the publication once.
    feed = expect(change_list.sync_detailed(client=client, after=head, limit=1000),
                  200, ChangePage, "change_list")
    mine = [e for e in feed.items if e.resource_id in (meeting.id, drafted.id)]
    publications = [e for e in mine if e.operation == Operation.PUBLISH]
    check(len(publications) == 1 and publications[0].resource_id == drafted.id,
          f"publish events: {[(e.resource_type, e.version) for e in publications]}")
    kinds = [e.resource_type for e in mine]
    check(all(k in ("meeting", "highlight_report") for k in kinds) and "meeting" in kinds, f"events {kinds}")
    step("change feed", f"{len(mine)} events for the meeting and report; publish at seq {publications[0].seq}")


if __name__ == "__main__":
    sys.exit(main(run, "board.py"))

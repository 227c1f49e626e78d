// Runs the board cycle through openapi-fetch, typed by the `paths` that
// openapi-typescript generated from openapi/v1.json: a meeting of the body
// that leads the SEND plan, the plan's highlight report drafted, commented on
// and published; the plan moves on and the report does not; the board's
// decisions recorded.
//
//     node target/sdk/typescript/dist/board.js BASE_URL TOKEN
//
// The token must be an editor of an organisation that sits on that body (MKCC
// in the demo plans) or an admin. Every step asserts what it got and prints
// one line; any failure exits 1. Safe to repeat against the same server: each
// run books a meeting on a date of its own.

import { randomUUID } from "node:crypto";
import { check, client, expect, feedHead, main, problemOf, quoted, type Schemas, step } from "./common.js";

const PLAN_REF = "SEND-LAIAP-2025";
const ACTION_REF = "Afl3.3/1";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MERGE_PATCH = { "Content-Type": "application/merge-patch+json" };

const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function run(baseUrl: string, token: string): Promise<void> {
  const api = client(baseUrl, token);
  const runId = randomUUID().slice(0, 8);
  // The report's other formats are not JSON: read them as bytes.
  const raw = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    fetch(`${baseUrl}${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...headers } });

  // 1. The plan and the body that leads it.
  const plans = expect(await api.GET("/api/v1/plans", { params: { query: { ref: PLAN_REF } } }), 200, "plan_list ref");
  const plan = plans.items[0];
  check(plans.items.length === 1 && plan !== undefined, `plan_list ref=${PLAN_REF}: ${plans.items.length} plans`);
  const bodyId = plan.lead_body_id;
  check(typeof bodyId === "string", `${PLAN_REF} has no lead body`);
  const body = expect(await api.GET("/api/v1/governance-bodies/{id}", { params: { path: { id: bodyId } } }), 200, "governance_body_view");
  const head = await feedHead(api);
  step("plan and board", `${PLAN_REF} is led by ${JSON.stringify(body.name)}; feed at seq ${head}`);

  // 2. A meeting on a date of this run's own, papers closing a week before.
  const date = addDays(new Date().toISOString().slice(0, 10), 60 + Math.floor(Math.random() * 20000));
  const booked = await api.POST("/api/v1/governance-bodies/{id}/meetings", {
    params: { path: { id: body.id } },
    body: { date, title: `${body.name}, ${date} (SDK run ${runId})` },
  });
  const meeting = expect(booked, 201, "governance_body_meeting_create");
  check(booked.response.headers.get("Location") === `/api/v1/meetings/${meeting.id}`, `Location ${booked.response.headers.get("Location")}`);
  check(meeting.status === "planned", `meeting status ${meeting.status}`);
  check(meeting.plan_ids.includes(plan.id), `${PLAN_REF} is not on the agenda ${meeting.plan_ids.join(",")}`);
  const cutoff = `${addDays(date, -7)}T00:00:00Z`;
  check(Date.parse(meeting.papers_cutoff) === Date.parse(cutoff), `papers_cutoff ${meeting.papers_cutoff}, expected ${cutoff}`);
  step("book meeting", `201 ${meeting.id} on ${date}; ${meeting.plan_ids.length} plan(s) on the agenda, papers close ${cutoff.slice(0, 10)}`);

  // 3. The plan's report drafted from the plan, with the officer's summary.
  const drafted = expect(
    await api.POST("/api/v1/meetings/{id}/highlight-reports", {
      params: { path: { id: meeting.id } },
      body: { plan_id: plan.id, summary: "Steady progress." },
    }),
    201,
    "meeting_highlight_report_create",
  );
  check(drafted.status === "draft", `report status ${drafted.status}`);
  const content: Schemas["ReportContent"] = drafted.content;
  check(content.plan.ref === PLAN_REF && content.meeting.body === body.name, `report content is on ${content.plan.ref} for ${content.meeting.body}`);
  const counts = content.actions;
  check(counts.total > 0 && counts.total >= counts.red + counts.amber + counts.green + counts.blue, `report counts ${JSON.stringify(counts)}`);
  step("draft report", `201 ${drafted.id}: ${counts.total} actions, ${counts.red} red, ${counts.amber} amber, ${content.exceptions.length} exception(s)`);
  const report = { params: { path: { id: drafted.id } } };

  // 4. Written and commented on, each with the draft's version.
  const written = expect(
    await api.PATCH("/api/v1/highlight-reports/{id}", {
      params: { path: { id: drafted.id }, header: { "If-Match": quoted(drafted.version) } },
      headers: MERGE_PATCH,
      body: { asks: "The board is asked to note progress." },
    }),
    200,
    "highlight_report_update",
  );
  const comment = `Add October's figures (${runId}).`;
  const commentedResult = await api.POST("/api/v1/highlight-reports/{id}/comments", {
    params: { path: { id: drafted.id }, header: { "If-Match": quoted(written.version) } },
    body: { text: comment },
  });
  const commented = expect(commentedResult, 200, "highlight_report_comment_create");
  check(commented.comments.at(-1)?.text === comment, `comments ${JSON.stringify(commented.comments)}`);
  check(commented.sections.asks === "The board is asked to note progress.", `sections ${JSON.stringify(commented.sections)}`);
  step("write and comment", `version ${drafted.version}->${commented.version}, ${commented.comments.length} comment(s)`);

  // 5. Published with the draft's ETag: frozen, its ETag the hash of its bytes.
  // (The typed client will not leave If-Match out: it is required.)
  const unconditional = await raw(`/api/v1/highlight-reports/${drafted.id}/publish`, {}, "POST");
  check(unconditional.status === 428, `publish without If-Match: HTTP ${unconditional.status}`);
  const publishedResult = await api.POST("/api/v1/highlight-reports/{id}/publish", {
    params: { path: { id: drafted.id }, header: { "If-Match": commentedResult.response.headers.get("ETag") ?? "" } },
  });
  const published = expect(publishedResult, 200, "highlight_report_publish");
  const etag = publishedResult.response.headers.get("ETag") ?? "";
  check(published.status === "published" && etag.startsWith('"sha256-'), `published ${published.status}, ETag ${etag}`);
  const listed = expect(
    await api.GET("/api/v1/highlight-reports", { params: { query: { meeting_id: meeting.id, status: "published" } } }),
    200,
    "highlight_report_list",
  );
  check(listed.items.length === 1 && `"${listed.items[0]?.content_hash}"` === etag, `content_hash ${listed.items[0]?.content_hash}, ETag ${etag}`);
  step("publish", `428 without If-Match; 200 with it, ETag ${etag.slice(0, 24)}..."`);

  // 6. Read back: the same bytes and ETag; a conditional read answers 304.
  const frozen = await (await raw(`/api/v1/highlight-reports/${drafted.id}`)).text();
  const read = await api.GET("/api/v1/highlight-reports/{id}", report);
  check(read.response.headers.get("ETag") === etag && JSON.stringify(read.data) === JSON.stringify(JSON.parse(frozen)), "the report read back differs");
  const unchanged = await raw(`/api/v1/highlight-reports/${drafted.id}`, { "If-None-Match": etag });
  check(unchanged.status === 304, `If-None-Match: HTTP ${unchanged.status}`);
  step("read report", `200 ${frozen.length} characters, same ETag; If-None-Match 304`);

  // 7. The same snapshot as a board paper, a spreadsheet and a CSV.
  const papers = new Map<string, Buffer>();
  for (const [format, media] of [["html", "text/html"], ["xlsx", XLSX], ["csv", "text/csv"]] as const) {
    const paper = await raw(`/api/v1/highlight-reports/${drafted.id}?format=${format}`);
    check(paper.status === 200 && (paper.headers.get("content-type") ?? "").startsWith(media), `format=${format}: HTTP ${paper.status}, ${paper.headers.get("content-type")}`);
    const tag = paper.headers.get("ETag") ?? "";
    check(tag.startsWith('"sha256-') && tag !== etag, `format=${format}: ETag ${tag}`);
    papers.set(format, Buffer.from(await paper.arrayBuffer()));
  }
  const html = papers.get("html")?.toString("utf8") ?? "";
  check(html.includes(`>${counts.total}<`), `the HTML paper does not show ${counts.total} actions`);
  check(papers.get("xlsx")?.subarray(0, 2).toString("latin1") === "PK", "the workbook is not a zip (xlsx)");
  step("formats", [...papers].map(([k, v]) => `${k} ${v.length} bytes`).join(", "));

  // 8. The plan moves on: a status update on one of its actions.
  const found = expect(
    await api.GET("/api/v1/plans/{id}/actions", { params: { path: { id: plan.id }, query: { ref: ACTION_REF } } }),
    200,
    "plan_action_list",
  );
  const actionId = found.items[0]?.id;
  check(found.items.length === 1 && actionId !== undefined, `${ACTION_REF}: ${found.items.length} actions`);
  const viewed = await api.GET("/api/v1/actions/{id}", { params: { path: { id: actionId } } });
  const action = expect(viewed, 200, "action_view");
  const brag: Schemas["Brag"] = action.brag === "amber" ? "red" : "amber";
  const update = expect(
    await api.POST("/api/v1/actions/{id}/status-updates", {
      params: { path: { id: action.id }, header: { "If-Match": viewed.response.headers.get("ETag") ?? "", "Idempotency-Key": `sdk-board-${randomUUID()}` } },
      body: { brag, narrative: `SDK board run ${runId}` },
    }),
    201,
    "action_status_update_create",
  );
  step("plan moves on", `${ACTION_REF} now ${brag} (status update ${update.id})`);

  // 9. The published report does not: same bytes, same ETag, in every format.
  const again = await raw(`/api/v1/highlight-reports/${drafted.id}`);
  check((await again.text()) === frozen && again.headers.get("ETag") === etag, "the published report changed with the plan");
  const htmlAgain = Buffer.from(await (await raw(`/api/v1/highlight-reports/${drafted.id}?format=html`)).arrayBuffer());
  check(htmlAgain.equals(papers.get("html") ?? Buffer.alloc(0)), "the published HTML changed with the plan");
  const refused = await api.PATCH("/api/v1/highlight-reports/{id}", {
    params: { path: { id: drafted.id }, header: { "If-Match": etag } },
    headers: MERGE_PATCH,
    body: { summary: "Rewritten." },
  });
  const problem = problemOf(refused, "edit a published report");
  check(refused.response.status === 409 && problem.code === "report_published", `edit: HTTP ${refused.response.status} ${problem.code}`);
  step("frozen", `same ${frozen.length} characters and ETag after the update; an edit answers 409 ${problem.code}`);

  // 10. Generated again from history at the same cut-off: the same data.
  const regenerated = expect(await api.GET("/api/v1/highlight-reports/{id}/regenerated", report), 200, "highlight_report_regenerated_view");
  check(JSON.stringify(regenerated) === JSON.stringify(published.content), "the report generated again differs from the published one");
  step("reproducible", `regenerated at ${regenerated.as_of}: equal to the published content`);

  // 11. The meeting held; the board's decisions recorded with owners and dates.
  const due = addDays(date, 42);
  const owner = action.lead_ids[0];
  check(owner !== undefined, `${ACTION_REF} has no lead`);
  const held = expect(
    await api.PATCH("/api/v1/meetings/{id}", {
      params: { path: { id: meeting.id }, header: { "If-Match": quoted(meeting.version) } },
      headers: MERGE_PATCH,
      body: {
        status: "held",
        decisions: [{ kind: "action", text: `Recovery plan for ${ACTION_REF}`, plan_id: plan.id, owner_id: owner, due_date: due }],
      },
    }),
    200,
    "meeting_update",
  );
  const decision = held.decisions[0];
  check(held.status === "held" && held.decisions.length === 1 && decision !== undefined, `meeting ${held.status}, ${JSON.stringify(held.decisions)}`);
  check(decision.owner_id === owner && decision.due_date === due, `decision ${JSON.stringify(decision)}`);
  step("meeting held", `1 decision: ${JSON.stringify(decision.text)}, due ${due}`);

  // 12. The feed has the meeting and the report, the publication once.
  const feed = expect(await api.GET("/api/v1/changes", { params: { query: { after: head, limit: 1000 } } }), 200, "change_list");
  const mine = feed.items.filter((e) => e.resource_id === meeting.id || e.resource_id === drafted.id);
  const publications = mine.filter((e) => e.operation === "publish");
  check(publications.length === 1 && publications[0]?.resource_id === drafted.id, `publish events: ${publications.length}`);
  check(mine.some((e) => e.resource_type === "meeting"), "no meeting events in the feed");
  step("change feed", `${mine.length} events for the meeting and report; publish at seq ${publications[0]?.seq}`);
}

main("board", run);

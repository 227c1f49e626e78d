// Runs the Waymark client scenario through openapi-fetch, typed by the
// `paths` that openapi-typescript generated from openapi/v1.json.
//
//     node target/sdk/typescript/dist/scenario.js BASE_URL TOKEN
//
// The generated types are not committed: tests/sdk/run.sh writes them to
// target/sdk/typescript/schema.d.ts, type-checks this file against them with
// `tsc` (strict) and compiles it to target/sdk/typescript/dist/.
// The token must name the organisation that leads action Afl3.3/1 (a
// contributor may only report on actions its organisation leads) or be an
// editor or admin. Every step asserts what it got and prints one line; any
// failure exits 1. Safe to repeat against the same server.

import { randomUUID } from "node:crypto";
import { check, client, expect, fail, feedHead, main, problemOf, quoted, type Schemas, step } from "./common.js";

type Brag = Schemas["Brag"];

const PLAN_REF = "SEND-LAIAP-2025";
const ACTION_REF = "Afl3.3/1";

type Claims = { sub?: string; roles?: string[]; org?: string };

/** The token's claims, unverified, to say which organisation it names; {} if opaque. */
function tokenClaims(token: string): Claims {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? (claims as Claims) : {};
  } catch {
    return {};
  }
}

async function run(baseUrl: string, token: string): Promise<void> {
  const api = client(baseUrl, token);
  const claims = tokenClaims(token);
  const runId = randomUUID().slice(0, 8);

  // 0. The server is up and its database reachable.
  const ready = await api.GET("/readyz");
  check(ready.response.status === 200, `readiness_view: HTTP ${ready.response.status}`);
  step("ready", `GET /readyz 200; token sub=${claims.sub} roles=${(claims.roles ?? []).join(",")} org=${claims.org}`);

  // 1. List plans, then find the SEND plan by its business reference.
  const plans = expect(await api.GET("/api/v1/plans", { params: { query: { limit: 200 } } }), 200, "plan_list");
  check(plans.items.length >= 1, "plan_list: no plans");
  const byRef = expect(await api.GET("/api/v1/plans", { params: { query: { ref: PLAN_REF } } }), 200, "plan_list ref");
  check(byRef.items.length === 1, `plan_list ref=${PLAN_REF}: ${byRef.items.length} plans`);
  const plan = byRef.items[0] ?? fail("unreachable");
  check(plan.ref === PLAN_REF, `plan ref is ${plan.ref}`);
  check(plans.items.some((p) => p.id === plan.id), "the plan found by ref is not in the plan list");
  step("list plans", `${plans.items.length} plans; ${PLAN_REF} is ${plan.id} (${JSON.stringify(plan.title)})`);

  // 2. Find action Afl3.3/1 in it by its business reference.
  const actions = expect(
    await api.GET("/api/v1/plans/{id}/actions", { params: { path: { id: plan.id }, query: { ref: ACTION_REF } } }),
    200,
    "plan_action_list",
  );
  check(actions.items.length === 1, `plan_action_list ref=${ACTION_REF}: ${actions.items.length} actions`);
  const found = actions.items[0] ?? fail("unreachable");
  check(found.ref === ACTION_REF && found.plan_id === plan.id, `found ${found.ref} of plan ${found.plan_id}`);
  step("find action", `${ACTION_REF} is ${found.id}, ${found.lead_ids.length} lead(s)`);

  // 3. Read it: its version and ETag; and which organisation leads it.
  const viewed = await api.GET("/api/v1/actions/{id}", { params: { path: { id: found.id } } });
  const action: Schemas["Action"] = expect(viewed, 200, "action_view");
  const v0 = action.version;
  const etag = viewed.response.headers.get("ETag");
  check(etag === quoted(v0), `action_view: ETag ${etag}, body version ${v0}`);
  const leadId = action.lead_ids[0] ?? fail("the action has no lead");
  const lead = expect(await api.GET("/api/v1/owners/{id}", { params: { path: { id: leadId } } }), 200, "owner_view");
  const leadOrgId = lead.organisation_id ?? fail(`lead ${lead.name} belongs to no organisation`);
  const org = expect(
    await api.GET("/api/v1/organisations/{id}", { params: { path: { id: leadOrgId } } }),
    200,
    "organisation_view",
  );
  const brag0 = action.brag ?? null;
  step("read action", `version ${v0}, ETag ${etag}, brag ${brag0}; led by ${JSON.stringify(lead.name)} of ${org.code}`);
  if (Object.keys(claims).length > 0 && claims.org !== org.code) {
    console.log(
      `ts      note: the token names org ${claims.org} but ${org.code} leads ${ACTION_REF}: ` +
        "a contributor token will be refused (403 outside_organisation)",
    );
  }

  // 4. Start of the change feed for this run.
  const head = await feedHead(api);
  step("feed head", `last seq ${head}`);

  // 5. Report a status with If-Match and an Idempotency-Key.
  const newBrag: Brag = brag0 === "amber" ? "red" : "amber";
  const body: Schemas["StatusUpdateInput"] = { brag: newBrag, narrative: `SDK scenario (typescript) run ${runId}` };
  const key = `sdk-typescript-${randomUUID()}`;
  const post = (ifMatch: string, idempotencyKey: string, input: Schemas["StatusUpdateInput"]) =>
    api.POST("/api/v1/actions/{id}/status-updates", {
      params: { path: { id: action.id }, header: { "If-Match": ifMatch, "Idempotency-Key": idempotencyKey } },
      body: input,
    });
  const firstResult = await post(etag, key, body);
  const first: Schemas["StatusUpdate"] = expect(firstResult, 201, "action_status_update_create");
  check(first.action_id === action.id, `status update is for action ${first.action_id}`);
  check(first.brag === newBrag, `status update brag ${first.brag}`);
  check(first.action_version === v0 + 1, `status update made action version ${first.action_version}, expected ${v0 + 1}`);
  const location = firstResult.response.headers.get("Location");
  check(location === `/api/v1/status-updates/${first.id}`, `Location ${location}`);
  check(firstResult.response.headers.get("Idempotent-Replayed") === null, "first answer marked as a replay");
  step("post status", `201 ${first.id}: brag ${brag0}->${newBrag}, action version ${v0}->${first.action_version}, key ${key.slice(0, 23)}...`);

  // 6. The same request with the same key: the same answer, not a second report.
  const replayResult = await post(etag, key, body);
  const replay = expect(replayResult, 201, "action_status_update_create (replay)");
  check(replay.id === first.id, `replay gave status update ${replay.id}, first was ${first.id}`);
  check(replay.action_version === first.action_version, `replay action_version ${replay.action_version}`);
  const replayed = replayResult.response.headers.get("Idempotent-Replayed");
  check(replayed === "true", `replay: Idempotent-Replayed ${replayed}`);
  step("replay same key", `201 ${replay.id} again, Idempotent-Replayed: ${replayed}`);

  // 7. The action moved exactly one version.
  const reread = await api.GET("/api/v1/actions/{id}", { params: { path: { id: action.id } } });
  const after = expect(reread, 200, "action_view (after)");
  check(after.version === v0 + 1, `action version is ${after.version}, expected ${v0 + 1} (moved more than once?)`);
  check(after.brag === newBrag, `action brag is ${after.brag}, expected ${newBrag}`);
  check(reread.response.headers.get("ETag") === quoted(v0 + 1), `ETag ${reread.response.headers.get("ETag")}`);
  check(after.latest_update?.id === first.id, `action's latest_update ${after.latest_update?.id}, expected ${first.id}`);
  step("re-read action", `version ${after.version} (moved once), brag ${newBrag}, ETag ${quoted(after.version)}, latest_update ${first.id}`);

  // 7b. The plan's status updates, newest first: the report leads.
  const listed = await api.GET("/api/v1/status-updates", { params: { query: { plan: PLAN_REF, limit: 5 } } });
  const updates = expect(listed, 200, "status_update_list");
  check(updates.items[0]?.id === first.id, `newest update of ${PLAN_REF} is ${updates.items[0]?.id}, expected ${first.id}`);
  step("plan's updates", `${updates.items.length} on the first page, newest ${updates.items[0]?.id}`);

  // 7c. The plan's summary counts the report's action as updated.
  const summarised = await api.GET("/api/v1/plans/{id}/summary", {
    params: { path: { id: plan.id }, query: { updated_since: first.created_at } },
  });
  const counted = expect(summarised, 200, "plan_summary_view");
  const updated = counted.totals.actions.updated_since;
  check(updated === 1, `plan_summary_view: ${updated} actions updated since ${first.created_at}, expected 1`);
  const grouped = counted.groups.reduce((n, g) => n + g.actions.total, 0);
  check(grouped >= counted.totals.actions.total, "plan_summary_view: groups hold fewer actions than the totals");
  step("plan's summary", `${counted.totals.actions.total} actions in ${counted.groups.length} groups, ${updated} updated since the report`);

  // 7d. What changed in the plan since just before the report: the action, with it.
  const justBefore = new Date(Date.parse(first.created_at) - 1).toISOString();
  const compared = await api.GET("/api/v1/plans/{id}/changes", {
    params: { path: { id: plan.id }, query: { from: justBefore } },
  });
  const changed = expect(compared, 200, "plan_changes_view");
  const entry = changed.actions.find((a) => a.id === action.id);
  check(entry !== undefined, `plan_changes_view: action ${action.id} not among ${changed.actions.length} changed`);
  const reported = (entry?.status_updates ?? []).map((u) => u.id);
  check(reported.includes(first.id), `plan_changes_view: status updates ${reported}, expected ${first.id} among them`);
  step("plan's changes", `${changed.counts.changed} changed, ${changed.counts.status_updates} status update(s) since ${justBefore}`);

  // 7e. The plan's reporting periods, and who to chase in the current one:
  // not the lead that has just reported.
  const listedPeriods = await api.GET("/api/v1/plans/{id}/reporting-periods", { params: { path: { id: plan.id } } });
  const periods = expect(listedPeriods, 200, "plan_reporting_period_list");
  const current = periods.periods.filter((p) => p.current).map((p) => p.key);
  check(current.length === 1, `plan_reporting_period_list: current periods ${current}, expected one`);
  const chased = await api.GET("/api/v1/plans/{id}/outstanding", { params: { path: { id: plan.id } } });
  const chase = expect(chased, 200, "plan_outstanding_view");
  const named = new Set([
    ...chase.organisations.flatMap((o) => o.owners.flatMap((w) => w.actions.map((a) => a.id))),
    ...chase.unassigned.map((a) => a.id),
  ]);
  check(!named.has(action.id), `plan_outstanding_view: ${action.id} reported this period but is listed`);
  check(chase.period.key === current[0], `plan_outstanding_view: period ${chase.period.key}, current is ${current[0]}`);
  step("outstanding", `${chase.total} action(s) not reported on in ${chase.period.key}; ${action.id} not among them`);

  // 8. A stale If-Match is refused with 412.
  const stale = await post(quoted(v0), `sdk-typescript-${randomUUID()}`, body);
  check(stale.response.status === 412, `stale If-Match: HTTP ${stale.response.status}, expected 412`);
  const problem = problemOf(stale, "stale If-Match");
  check(problem.code === "version_mismatch", `stale If-Match: code ${problem.code}`);
  check(problem.current_version === v0 + 1, `stale If-Match: current_version ${problem.current_version}`);
  step("stale If-Match", `412 ${problem.code}, current_version ${problem.current_version}`);

  // 9. The same key with another body is refused (422 idempotency_key_reused).
  const reused = await post(quoted(v0 + 1), key, { ...body, narrative: `${body.narrative}, changed` });
  check(reused.response.status === 422, `reused key: HTTP ${reused.response.status}, expected 422`);
  const reusedProblem = problemOf(reused, "reused key");
  check(reusedProblem.code === "idempotency_key_reused", `reused key: code ${reusedProblem.code}`);
  step("reuse key, new body", `422 ${reusedProblem.code}`);

  // 10. The change feed has the action's new version and the report, once each.
  const feed = expect(
    await api.GET("/api/v1/changes", { params: { query: { after: head, limit: 1000, plan_id: plan.id } } }),
    200,
    "change_list after the post",
  );
  const seqs = feed.items.map((e) => e.seq);
  check(seqs.every((s, i) => s > head && (i === 0 || s > (seqs[i - 1] ?? 0))), `feed seqs not increasing after ${head}: ${seqs.join(",")}`);
  const actionEvents = feed.items.filter((e) => e.resource_type === "action" && e.resource_id === action.id);
  const reportEvents = feed.items.filter((e) => e.resource_type === "status_update" && e.resource_id === first.id);
  check(actionEvents.length === 1, `${actionEvents.length} events for the action after seq ${head}, expected 1`);
  const actionEvent = actionEvents[0] ?? fail("unreachable");
  check(actionEvent.version === v0 + 1 && actionEvent.operation === "update", `action event: version ${actionEvent.version}, ${actionEvent.operation}`);
  check(reportEvents.length === 1, `${reportEvents.length} events for the status update, expected 1`);
  const reportEvent = reportEvents[0] ?? fail("unreachable");
  check(reportEvent.operation === "create" && reportEvent.version === 1, `status update event: ${reportEvent.operation} v${reportEvent.version}`);
  check(reportEvent.actor_organisation == null || reportEvent.actor_organisation === claims.org, `actor_organisation ${reportEvent.actor_organisation}`);
  step(
    "change feed",
    `${feed.items.length} events after seq ${head}: action v${actionEvent.version} at seq ${actionEvent.seq}, ` +
      `status_update ${first.id} at seq ${reportEvent.seq}; last_seq ${feed.last_seq}`,
  );
}

main("scenario", run);

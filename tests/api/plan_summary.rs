//! A plan's summary: the counts a board paper opens with, checked against the
//! plan as printed (the seed document) and against the plan's own lists.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use waymark::auth::Role;

use crate::{demo::Demo, helpers::problem};

const SEND: &str = "SEND-LAIAP-2025";
const SEND_DOCUMENT: &str = include_str!("../../seeds/send-inspection-action-plan.json");
const BRAGS: [&str; 5] = ["blue", "green", "amber", "red", "grey"];

async fn summary(demo: &Demo, plan: &str, query: &str) -> Value {
    let id = demo.plan_id(plan).await;
    demo.json(&format!("/api/v1/plans/{id}/summary{query}"))
        .await
}

/// Each area's actions by BRAG as the document gives them (`no_status` for none).
fn printed_counts() -> BTreeMap<String, BTreeMap<String, u64>> {
    let document: Value = serde_json::from_str(SEND_DOCUMENT).unwrap();
    let mut areas = BTreeMap::new();
    for area in document["priorities"].as_array().unwrap() {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        let direct = area["actions"].as_array().into_iter().flatten();
        let under = area["outcomes"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|o| o["actions"].as_array().into_iter().flatten());
        for action in direct.chain(under) {
            let brag = action["brag"].as_str().unwrap_or("no_status").to_string();
            *counts.entry(brag).or_default() += 1;
        }
        areas.insert(area["ref"].as_str().unwrap().to_string(), counts);
    }
    areas
}

#[tokio::test]
async fn the_send_plan_counts_by_area_as_the_document_prints_them() {
    let demo = Demo::start().await;
    let body = summary(&demo, SEND, "").await;
    assert_eq!(body["group_by"], "priority");
    assert_eq!(body["plan_ref"], SEND);
    let printed = printed_counts();
    let groups = body["groups"].as_array().unwrap();
    let refs: Vec<&str> = groups.iter().filter_map(|g| g["ref"].as_str()).collect();
    assert_eq!(refs, ["Afl1", "Afl2", "Afl3", "Afl4", "Afl5"], "plan order");

    let mut total = 0;
    for group in groups.iter().filter(|g| g["ref"].is_string()) {
        let area = group["ref"].as_str().unwrap();
        let want = &printed[area];
        let actions = &group["actions"];
        for brag in BRAGS.iter().chain(&["no_status"]) {
            let printed = want.get(*brag).copied().unwrap_or(0);
            assert_eq!(actions[*brag], printed, "{area} {brag}");
        }
        let count: u64 = want.values().sum();
        assert_eq!(actions["total"], count, "{area}");
        let complete = want.get("blue").unwrap_or(&0) + want.get("green").unwrap_or(&0);
        assert_eq!(actions["completed"], complete, "{area}");
        total += count;
    }
    // Area for improvement 3 as printed: 4 blue, 3 green, 10 amber, 2 grey, 1 N/A.
    let afl3 = &groups[2]["actions"];
    assert_eq!(
        [
            &afl3["blue"],
            &afl3["green"],
            &afl3["amber"],
            &afl3["grey"],
            &afl3["no_status"]
        ],
        [4, 3, 10, 2, 1]
    );
    assert_eq!(body["totals"]["actions"]["total"], total);

    // The totals agree with the plan's own lists.
    let actions = demo.all_of(SEND, "actions").await;
    assert_eq!(actions.len() as u64, total);
    let count = |test: &dyn Fn(&Value) -> bool| actions.iter().filter(|a| test(a)).count();
    let totals = &body["totals"]["actions"];
    assert_eq!(totals["overdue"], count(&|a| a["overdue"] == true));
    assert_eq!(totals["undated"], count(&|a| a["undated"] == true));
    assert!(totals.get("updated_since").is_none());
    let measures = demo.all_of(SEND, "measures").await;
    let m = &body["totals"]["measures"];
    assert_eq!(m["total"], measures.len());
    let judged: u64 = [
        "on_track",
        "within_tolerance",
        "off_track",
        "no_target",
        "no_reading",
    ]
    .iter()
    .map(|k| m[*k].as_u64().unwrap())
    .sum();
    assert_eq!(
        judged,
        measures.len() as u64,
        "each measure counted once: {m}"
    );
}

#[tokio::test]
async fn joint_leads_count_under_each_organisation_and_once_in_the_totals() {
    let demo = Demo::start().await;
    let body = summary(&demo, SEND, "?group_by=organisation").await;
    let actions = demo.all_of(SEND, "actions").await;
    let mut led: BTreeMap<String, u64> = BTreeMap::new();
    let mut joint = 0;
    for action in &actions {
        let organisations: BTreeSet<&str> = action["leads"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l["organisation"].as_str())
            .collect();
        joint += usize::from(organisations.len() > 1);
        for code in organisations {
            *led.entry(code.to_string()).or_default() += 1;
        }
    }
    assert!(joint > 0, "the SEND plan has jointly led actions");
    let groups = body["groups"].as_array().unwrap();
    for (code, count) in &led {
        let group = groups
            .iter()
            .find(|g| g["ref"] == code.as_str())
            .unwrap_or_else(|| panic!("no group for {code}"));
        assert_eq!(group["actions"]["total"], *count, "{code}");
        assert!(group.get("id").is_none());
    }
    let counted: u64 = groups
        .iter()
        .map(|g| g["actions"]["total"].as_u64().unwrap())
        .sum();
    assert!(
        counted > actions.len() as u64,
        "joint leads count in each group"
    );
    assert_eq!(body["totals"]["actions"]["total"], actions.len());

    let by_owner = summary(&demo, SEND, "?group_by=owner").await;
    let camhs = by_owner["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "CAMHS Transformation lead")
        .expect("a group for the CAMHS Transformation lead");
    let owner = camhs["id"].as_str().unwrap();
    let theirs = actions
        .iter()
        .filter(|a| a["lead_ids"].as_array().unwrap().iter().any(|l| l == owner))
        .count();
    assert_eq!(camhs["actions"]["total"], theirs);
}

#[tokio::test]
async fn a_status_update_counts_as_updated_since_and_moves_the_brag_counts() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let today = chrono::Utc::now().date_naive();
    let query = format!("?group_by=outcome&updated_since={today}");
    let before = summary(&demo, SEND, &query).await;
    assert_eq!(before["totals"]["actions"]["updated_since"], 0);
    let counted_at = before["at"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    let action = demo.action(SEND, "Afl3.3/7").await;
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let path = format!(
        "/api/v1/actions/{}/status-updates",
        action["id"].as_str().unwrap()
    );
    let report = app.post_as(&cnwl, &path, &json!({"brag": "red"})).await;
    assert_eq!(report.status(), 201);

    let after = summary(&demo, SEND, &query).await;
    let (b, a) = (&before["totals"]["actions"], &after["totals"]["actions"]);
    assert_eq!(a["updated_since"], 1);
    assert_eq!(a["red"], b["red"].as_u64().unwrap() + 1);
    assert_eq!(a["amber"], b["amber"].as_u64().unwrap() - 1, "it was amber");
    let outcome = after["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["ref"] == "Afl3.3")
        .expect("a group for Afl3.3");
    assert_eq!(outcome["actions"]["updated_since"], 1);
    assert_eq!(outcome["id"], action["outcome_id"]);

    // Counted as the plan stood when `before` was read, it is `before` again.
    let then = summary(
        &demo,
        SEND,
        &format!("{query}&as_of={}", counted_at.replace('+', "%2B")),
    )
    .await;
    assert_eq!(then["at"], before["at"]);
    assert_eq!(then["totals"], before["totals"]);
    assert_eq!(then["groups"], before["groups"]);
}

#[tokio::test]
async fn a_summary_of_nothing_or_by_an_unknown_grouping_is_refused() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let missing = "/api/v1/plans/019ab3c4-5e6f-7a00-8b00-000000000000/summary";
    problem(app.get(missing).await, 404, "not_found").await;
    let id = demo.plan_id(SEND).await;
    problem(
        app.get(&format!("/api/v1/plans/{id}/summary?group_by=colour"))
            .await,
        400,
        "invalid_query",
    )
    .await;
    let totals_only = summary(&demo, SEND, "?group_by=plan").await;
    assert_eq!(totals_only["groups"], json!([]));
}

#[tokio::test]
async fn a_summary_read_again_after_a_write_counts_the_write() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(SEND).await;
    let path = format!("/api/v1/plans/{plan}/summary?group_by=plan");
    let first = demo.json(&path).await;
    let again = demo.json(&path).await;
    assert_eq!(
        first, again,
        "nothing written in between: the same counts, the same instant"
    );

    let action = demo.action(SEND, "Afl3.3/7").await;
    assert_eq!(action["brag"], "amber");
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let report = app
        .post_as(
            &cnwl,
            &format!(
                "/api/v1/actions/{}/status-updates",
                action["id"].as_str().unwrap()
            ),
            &json!({"brag": "red", "narrative": "Paused."}),
        )
        .await;
    assert_eq!(report.status(), 201);
    let after = demo.json(&path).await;
    let counts = |s: &Value, brag: &str| s["totals"]["actions"][brag].as_u64().unwrap();
    assert_eq!(counts(&after, "red"), counts(&first, "red") + 1, "{after}");
    assert_eq!(counts(&after, "amber"), counts(&first, "amber") - 1);
    assert_eq!(
        counts(&after, "reported_in_period"),
        counts(&first, "reported_in_period") + 1
    );
    assert!(after["at"].as_str() > first["at"].as_str(), "counted again");
}

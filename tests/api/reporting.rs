//! A plan's reporting cycle: its periods, who has not reported in one, and a
//! plan that requires a narrative with every BRAG change.

use std::collections::HashSet;

use chrono::{Datelike, Utc};
use serde_json::{json, Value};
use waymark::auth::Role;

use crate::{demo::Demo, helpers::problem};

const SEND: &str = "SEND-LAIAP-2025";

/// The key of today's calendar quarter: `2026-Q4`.
fn this_quarter() -> String {
    let today = Utc::now().date_naive();
    format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1)
}

/// Every action id an outstanding list names, and how many times.
fn listed(outstanding: &Value) -> (HashSet<String>, usize) {
    let mut ids = HashSet::new();
    let mut mentions = 0;
    let groups = outstanding["organisations"].as_array().unwrap();
    let under_owners = groups
        .iter()
        .flat_map(|o| o["owners"].as_array().unwrap())
        .flat_map(|o| o["actions"].as_array().unwrap());
    for action in under_owners.chain(outstanding["unassigned"].as_array().unwrap()) {
        ids.insert(action["id"].as_str().unwrap().to_string());
        mentions += 1;
    }
    (ids, mentions)
}

#[tokio::test]
async fn the_send_plan_reports_quarterly_and_its_periods_follow_one_another() {
    let demo = Demo::start().await;
    let plan = demo.plan_id(SEND).await;
    let body = demo
        .json(&format!("/api/v1/plans/{plan}/reporting-periods"))
        .await;
    assert_eq!(body["reporting"], json!({"cadence": "quarterly"}));
    assert_eq!(body["current"], this_quarter().as_str());
    let periods = body["periods"].as_array().unwrap();
    assert!(
        periods.len() >= 4,
        "a year back and a quarter ahead: {body}"
    );
    let current: Vec<&Value> = periods.iter().filter(|p| p["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["key"], body["current"]);

    let year = demo
        .json(&format!(
            "/api/v1/plans/{plan}/reporting-periods?from=2026-01-01&to=2026-12-31"
        ))
        .await;
    assert_eq!(
        year["periods"],
        json!([
            {"key": "2026-Q1", "start": "2026-01-01", "end": "2026-03-31", "cutoff": "2026-03-31", "current": this_quarter() == "2026-Q1"},
            {"key": "2026-Q2", "start": "2026-04-01", "end": "2026-06-30", "cutoff": "2026-06-30", "current": this_quarter() == "2026-Q2"},
            {"key": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30", "cutoff": "2026-09-30", "current": this_quarter() == "2026-Q3"},
            {"key": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31", "cutoff": "2026-12-31", "current": this_quarter() == "2026-Q4"}
        ])
    );
    problem(
        demo.app
            .get(&format!(
                "/api/v1/plans/{plan}/reporting-periods?from=2026-12-31&to=2026-01-01"
            ))
            .await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn a_plan_can_list_its_own_dates_with_a_cut_off_day() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = app
        .create(
            "/api/v1/plans",
            &json!({
                "ref": "BOARD-DATES", "title": "Reports to each board", "kind": "action_plan",
                "period": {"start": "2026-01-01"},
                "reporting": {"cadence": "dates", "dates": ["2026-03-10", "2026-06-09", "2026-09-15"], "cutoff_day": 1}
            }),
        )
        .await;
    assert_eq!(
        plan["reporting"]["dates"],
        json!(["2026-03-10", "2026-06-09", "2026-09-15"])
    );
    let id = plan["id"].as_str().unwrap();
    let body = demo
        .json(&format!(
            "/api/v1/plans/{id}/reporting-periods?from=2026-01-01&to=2026-12-31"
        ))
        .await;
    let spans: Vec<(&str, &str, &str)> = body["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap(),
                p["end"].as_str().unwrap(),
                p["cutoff"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("2026-01-01", "2026-03-10", "2026-03-01"),
            ("2026-03-11", "2026-06-09", "2026-06-01"),
            ("2026-06-10", "2026-09-15", "2026-09-01"),
        ]
    );

    let refused = problem(
        app.post(
            "/api/v1/plans",
            &json!({
                "ref": "BAD-DATES", "title": "Dates out of order", "kind": "action_plan",
                "reporting": {"cadence": "dates", "dates": ["2026-06-09", "2026-03-10"], "cutoff_day": 40}
            }),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let fields: HashSet<(&str, &str)> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(
        fields.contains(&("reporting.dates", "out_of_order")),
        "{refused}"
    );
    assert!(
        fields.iter().any(|(f, _)| *f == "reporting.cutoff_day"),
        "{refused}"
    );
    problem(
        app.post(
            "/api/v1/plans",
            &json!({"ref": "NO-DATES", "title": "No dates", "kind": "action_plan", "reporting": {"cadence": "dates"}}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn outstanding_lists_by_organisation_and_lead_the_actions_not_reported_on_this_period() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(SEND).await;
    let path = format!("/api/v1/plans/{plan}/outstanding");
    let before = demo.json(&path).await;
    assert_eq!(before["period"]["key"], this_quarter().as_str());
    assert_eq!(before["period"]["current"], true);

    let actions = demo.all_of(SEND, "actions").await;
    let expected: HashSet<String> = actions
        .iter()
        .filter(|a| !matches!(a["brag"].as_str(), Some("blue" | "green")))
        .filter(|a| a.get("monitored_in").is_none())
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let (ids, mentions) = listed(&before);
    assert_eq!(ids, expected, "every action in progress, none reported yet");
    assert_eq!(before["total"], ids.len());
    assert!(
        mentions >= ids.len(),
        "joint leads list an action under each"
    );

    let seven = demo.action(SEND, "Afl3.3/7").await;
    let cnwl = before["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "CNWL")
        .expect("CNWL leads actions in progress");
    let lead_of_seven = cnwl["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            o["actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == seven["id"])
        })
        .expect("Afl3.3/7 under one of CNWL's leads");
    assert!(seven["lead_ids"]
        .as_array()
        .unwrap()
        .contains(&lead_of_seven["id"]));

    let reporter = app.client_as(Role::Contributor, Some("CNWL"));
    let reported = app
        .post_as(
            &reporter,
            &format!(
                "/api/v1/actions/{}/status-updates",
                seven["id"].as_str().unwrap()
            ),
            &json!({"brag": "amber", "narrative": "On track for March."}),
        )
        .await;
    assert_eq!(reported.status(), 201);
    let after = demo.json(&path).await;
    let (still, _) = listed(&after);
    assert!(!still.contains(seven["id"].as_str().unwrap()));
    assert_eq!(after["total"], ids.len() - 1, "only Afl3.3/7 reported");
    let summary = demo
        .json(&format!("/api/v1/plans/{plan}/summary?group_by=plan"))
        .await;
    assert_eq!(summary["reporting_period"], this_quarter().as_str());
    assert_eq!(
        summary["totals"]["actions"]["reported_in_period"], 1,
        "the summary counts Afl3.3/7's report in this quarter"
    );
    let no_cycle = demo
        .json(&format!(
            "/api/v1/plans/{}/summary",
            demo.plan_id("BSIL-2025").await
        ))
        .await;
    assert!(no_cycle.get("reporting_period").is_none());
    assert!(no_cycle["totals"]["actions"]
        .get("reported_in_period")
        .is_none());
    let named = demo
        .json(&format!("{path}?period={}", this_quarter()))
        .await;
    assert_eq!(named["total"], after["total"]);

    problem(
        app.get(&format!("{path}?period=2026-13")).await,
        400,
        "invalid_query",
    )
    .await;
    let best_start = demo.plan_id("BSIL-2025").await;
    problem(
        app.get(&format!("/api/v1/plans/{best_start}/outstanding"))
            .await,
        409,
        "no_reporting_cycle",
    )
    .await;
}

#[tokio::test]
async fn a_plan_that_requires_a_narrative_refuses_a_bare_brag_change_and_points_to_status_updates()
{
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(SEND).await;
    let switched = app
        .patch(
            &format!("/api/v1/plans/{plan}"),
            &json!({"reporting": {"narrative_required": true}}),
        )
        .await;
    assert_eq!(switched.status(), 200);
    let switched: Value = switched.json().await.unwrap();
    assert_eq!(
        switched["reporting"],
        json!({"cadence": "quarterly", "narrative_required": true})
    );

    let seven = demo.action(SEND, "Afl3.3/7").await;
    let id = seven["id"].as_str().unwrap();
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let bare = cnwl
        .patch(app.url(&format!("/api/v1/actions/{id}")))
        .header("Content-Type", "application/merge-patch+json")
        .header("If-Match", format!("\"{}\"", seven["version"]))
        .body(json!({"brag": "red"}).to_string())
        .send()
        .await
        .unwrap();
    let refused = problem(bare, 422, "validation_failed").await;
    assert_eq!(refused["errors"][0]["field"], "brag");
    assert_eq!(refused["errors"][0]["code"], "narrative_required");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("/api/v1/actions/{id}/status-updates")),
        "{message}"
    );
    let editor_put = app
        .patch(&format!("/api/v1/actions/{id}"), &json!({"brag": "red"}))
        .await;
    problem(editor_put, 422, "validation_failed").await;

    let reports = format!("/api/v1/actions/{id}/status-updates");
    let silent = app.post_as(&cnwl, &reports, &json!({"brag": "red"})).await;
    let silent = problem(silent, 422, "validation_failed").await;
    assert_eq!(silent["errors"][0]["field"], "narrative");
    let same = app
        .post_as(&cnwl, &reports, &json!({"brag": "amber"}))
        .await;
    assert_eq!(same.status(), 201, "no BRAG change, no narrative needed");
    let told = app
        .post_as(
            &cnwl,
            &reports,
            &json!({"brag": "red", "narrative": "Two clinicians left."}),
        )
        .await;
    assert_eq!(told.status(), 201);
    assert_eq!(demo.action(SEND, "Afl3.3/7").await["brag"], "red");
    let wording = app
        .patch(
            &format!("/api/v1/actions/{id}"),
            &json!({"due": "March 2027"}),
        )
        .await;
    assert_eq!(wording.status(), 200, "other fields change as before");
}

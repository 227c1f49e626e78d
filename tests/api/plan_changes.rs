//! What changed in a plan between two instants: `GET /plans/{id}/changes`,
//! checked against the plan's tree as it stood at each end.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Map, Value};
use waymark::auth::Role;

use crate::{as_of::report_add_and_delete, demo::Demo, helpers::problem};

const SEND: &str = "SEND-LAIAP-2025";
const BEST_START: &str = "BSIL-2025";

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// An instant strictly between what was written before and what comes after.
pub async fn instant() -> String {
    tokio::time::sleep(Duration::from_millis(15)).await;
    let at = now();
    tokio::time::sleep(Duration::from_millis(15)).await;
    at
}

pub async fn changes(demo: &Demo, plan: &str, from: &str, to: &str) -> Value {
    demo.json(&format!("/api/v1/plans/{plan}/changes?from={from}&to={to}"))
        .await
}

pub async fn tree_at(demo: &Demo, plan: &str, at: &str) -> Value {
    demo.json(&format!("/api/v1/plans/{plan}?include=tree&as_of={at}"))
        .await["tree"]
        .clone()
}

/// Fields the changes leave out: they move with every write, or report another
/// resource's event.
const BOOKKEEPING: [&str; 4] = ["version", "updated_at", "updated_by", "latest_update"];

/// A tree's items by (list, id), each without what the tree nests in it, its
/// bookkeeping fields or fields that are null.
pub fn flatten(tree: &Value) -> BTreeMap<(String, String), Map<String, Value>> {
    let mut items = BTreeMap::new();
    let mut put = |list: &str, item: &Value| {
        let mut fields = item.as_object().unwrap().clone();
        if list != "actions" {
            fields.remove("outcomes");
            fields.remove("actions");
        }
        // The changes list readings under their measure, not as its fields.
        fields.remove("readings");
        items.insert(
            (list.to_string(), item["id"].as_str().unwrap().to_string()),
            tidy(fields),
        );
    };
    for priority in tree["priorities"].as_array().unwrap() {
        put("priorities", priority);
        for outcome in priority["outcomes"].as_array().unwrap() {
            put("outcomes", outcome);
            for action in outcome["actions"].as_array().unwrap() {
                put("actions", action);
            }
        }
        for action in priority["actions"].as_array().unwrap() {
            put("actions", action);
        }
    }
    for list in ["measures", "risks"] {
        for item in tree[list].as_array().unwrap() {
            put(list, item);
        }
    }
    items
}

fn tidy(mut fields: Map<String, Value>) -> Map<String, Value> {
    fields.retain(|name, value| !BOOKKEEPING.contains(&name.as_str()) && !value.is_null());
    fields
}

/// The tree at `from`, flattened, with the changes applied.
pub fn apply(
    mut items: BTreeMap<(String, String), Map<String, Value>>,
    changes: &Value,
) -> BTreeMap<(String, String), Map<String, Value>> {
    for list in ["priorities", "outcomes", "actions", "measures", "risks"] {
        for change in changes[list].as_array().unwrap() {
            let key = (list.to_string(), change["id"].as_str().unwrap().to_string());
            if change["change"] == "removed" {
                assert!(items.remove(&key).is_some(), "{key:?} was there to remove");
                continue;
            }
            if change["change"] == "added" {
                assert!(!items.contains_key(&key), "{key:?} was not there yet");
            }
            let item = items.entry(key).or_default();
            for field in change["fields"].as_array().unwrap() {
                let name = field["field"].as_str().unwrap().to_string();
                item.insert(name, field["after"].clone());
            }
            *item = tidy(std::mem::take(item));
        }
    }
    items
}

/// The tree as of `from` with `changes` applied is the tree as of `to`.
async fn assert_applies(demo: &Demo, plan: &str, from: &str, to: &str, changes: &Value) {
    let before = tree_at(demo, plan, from).await;
    let after = tree_at(demo, plan, to).await;
    assert_eq!(
        apply(flatten(&before), changes),
        flatten(&after),
        "from + changes = to"
    );
}

fn entry<'a>(changes: &'a Value, list: &str, item_ref: &str) -> &'a Value {
    changes[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ref"] == item_ref)
        .unwrap_or_else(|| panic!("{item_ref} is among the {list} changed: {changes}"))
}

#[tokio::test]
async fn between_two_instants_a_report_added_and_removed_actions_and_a_reading_show_as_changes() {
    let demo = Demo::start().await;
    let plan = demo.plan_id(SEND).await;
    let start = instant().await;

    let (action, doomed) =
        report_add_and_delete(&demo, &plan, "Two clinicians left in October.").await;
    assert_eq!(action["brag"], "amber");
    let end = instant().await;

    let body = changes(&demo, &plan, &start, &end).await;
    assert_eq!(body["plan_ref"], SEND);
    let reported = entry(&body, "actions", "Afl3.3/7");
    assert_eq!(reported["id"], action["id"]);
    assert_eq!(reported["change"], "changed");
    assert_eq!(reported["brag"], json!({"before": "amber", "after": "red"}));
    let updates = reported["status_updates"].as_array().unwrap();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["narrative"], "Two clinicians left in October.");
    assert_eq!(updates[0]["by_organisation"], "CNWL");
    assert!(reported["fields"]
        .as_array()
        .unwrap()
        .contains(&json!({"field": "brag", "before": "amber", "after": "red"})));
    let new = entry(&body, "actions", "Afl3.3/99");
    assert_eq!(new["change"], "added");
    assert!(new["fields"]
        .as_array()
        .unwrap()
        .contains(&json!({"field": "description", "before": null, "after": "Added later"})));
    let removed = entry(&body, "actions", "Afl3.3/6");
    assert_eq!(
        (removed["change"].as_str(), removed["id"].as_str()),
        (Some("removed"), doomed["id"].as_str())
    );
    assert_eq!(
        (
            &body["counts"]["added"],
            &body["counts"]["removed"],
            &body["counts"]["changed"],
            &body["counts"]["brag_changes"],
            &body["counts"]["status_updates"],
        ),
        (&json!(1), &json!(1), &json!(1), &json!(1), &json!(1)),
        "{}",
        body["counts"]
    );

    assert_applies(&demo, &plan, &start, &end, &body).await;

    let quiet = changes(&demo, &plan, &end, &instant().await).await;
    assert_eq!(
        quiet["counts"]["changed"], 0,
        "nothing written since: {quiet}"
    );
    assert_eq!(quiet["actions"], json!([]));
}

#[tokio::test]
async fn a_reading_between_two_instants_is_listed_under_its_measure_with_the_judgement_it_moved() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(BEST_START).await;
    let measure = app
        .create(
            &format!("/api/v1/plans/{plan}/measures"),
            &json!({
                "ref": "Aim9/M1", "title": "Take-up", "kind": "quantitative", "unit": "percent",
                "direction": "higher_is_better",
                "targets": [{"period": "2026/27", "cohort": "All", "value": 80.0}]
            }),
        )
        .await;
    assert_eq!(measure["target_status"], "no_target");
    let start = instant().await;
    let reading = app
        .create(
            &format!(
                "/api/v1/measures/{}/readings",
                measure["id"].as_str().unwrap()
            ),
            &json!({"period": "2026/27", "cohort": "All", "value": 82.5, "status": "provisional"}),
        )
        .await;
    assert_eq!(reading["target_status"], "on_track");
    let end = instant().await;

    let body = changes(&demo, &plan, &start, &end).await;
    assert_eq!(
        (
            &body["counts"]["readings"],
            &body["counts"]["judgements_changed"]
        ),
        (&json!(1), &json!(1)),
        "{body}"
    );
    let under = entry(&body, "measures", "Aim9/M1");
    assert_eq!(under["change"], "changed");
    assert_eq!(
        under["target_status"],
        json!({"before": "no_target", "after": "on_track"})
    );
    let listed = &under["readings"][0];
    assert_eq!(listed["id"], reading["id"]);
    assert_eq!(listed["change"], "added");
    assert_eq!(listed["period"], "2026/27");
    assert_eq!(listed["cohort"], "All");
    assert_eq!(listed["value"], 82.5);
    assert_eq!(listed["target_status"], "on_track");

    assert_applies(&demo, &plan, &start, &end, &body).await;
}

#[tokio::test]
async fn changes_refuse_a_bad_interval_a_plan_not_there_and_anonymous_callers() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(SEND).await;
    let path = |query: &str| format!("/api/v1/plans/{plan}/changes?{query}");

    problem(app.get(&path("")).await, 400, "invalid_query").await;
    let later = now();
    let earlier = "2026-01-01T00:00:00Z";
    problem(
        app.get(&path(&format!("from={later}&to={earlier}"))).await,
        400,
        "invalid_query",
    )
    .await;
    problem(app.get(&path("from=yesterday")).await, 400, "invalid_query").await;
    problem(
        app.get(&path("from=1999-01-01T00:00:00Z&to=2000-01-01T00:00:00Z"))
            .await,
        404,
        "not_found",
    )
    .await;
    problem(
        app.get(&format!(
            "/api/v1/plans/019ab3c4-0000-7000-8000-000000000000/changes?from={earlier}"
        ))
        .await,
        404,
        "not_found",
    )
    .await;

    let short: Value = app
        .create(
            "/api/v1/plans",
            &json!({"ref": "SHORT-LIVED", "title": "Short-lived plan", "kind": "strategy"}),
        )
        .await;
    let id = short["id"].as_str().unwrap();
    let while_there = instant().await;
    assert_eq!(
        app.delete(&format!("/api/v1/plans/{id}")).await.status(),
        204
    );
    problem(
        app.get(&format!("/api/v1/plans/{id}/changes?from={while_there}"))
            .await,
        410,
        "gone",
    )
    .await;

    let anonymous = app
        .anonymous
        .get(app.url(&path(&format!("from={earlier}"))))
        .send()
        .await
        .unwrap();
    problem(anonymous, 401, "missing_token").await;
    let viewer = app.client_as(Role::Viewer, Some("PACA"));
    let seen = viewer
        .get(app.url(&path(&format!("from={earlier}"))))
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.status(),
        200,
        "any token holder may read a plan's history"
    );
}

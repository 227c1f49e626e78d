//! Status updates: a lead's report moves its action's BRAG in the same
//! transaction, makes a new version of the action, and is listed newest first.

use serde_json::{json, Value};
use waymark::auth::Role;

use crate::{demo::Demo, helpers::problem};

const SEND: &str = "SEND-LAIAP-2025";

fn updates_of(action: &Value) -> String {
    format!(
        "/api/v1/actions/{}/status-updates",
        action["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn a_contributor_of_the_leading_organisation_moves_brag_and_version() {
    let demo = Demo::start().await;
    let app = &demo.app;
    // Afl3.3/7 is led by the CAMHS Transformation lead, a CNWL post.
    let action = demo.action(SEND, "Afl3.3/7").await;
    assert_eq!(
        (action["brag"].clone(), action["version"].clone()),
        (json!("amber"), json!(1))
    );
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));

    let report = json!({
        "brag": "red",
        "narrative": "Recruitment paused; waiting times rising again.",
        "evidence": [{"url": "https://intranet.cnwl.example/camhs/q3.pdf", "title": "Q3 figures"}]
    });
    let response = app.post_as(&cnwl, &updates_of(&action), &report).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["brag"], "red");
    assert_eq!(first["action_version"], 2);
    assert_eq!(first["reported_by_organisation"], "CNWL");
    assert_eq!(first["evidence"], report["evidence"]);
    assert_eq!(
        location,
        format!("/api/v1/status-updates/{}", first["id"].as_str().unwrap())
    );
    assert_eq!(demo.json(&location).await, first);

    let now = demo.action(SEND, "Afl3.3/7").await;
    assert_eq!(now["brag"], "red");
    assert_eq!(now["version"], 2);

    // The report and the action's new version are one transaction: adjacent
    // events in the feed.
    let feed = demo.json("/api/v1/changes?after=0&limit=1000").await;
    let events = feed["items"].as_array().unwrap();
    let n = events.len();
    assert_eq!(events[n - 2]["resource_type"], "action");
    assert_eq!(events[n - 2]["version"], 2);
    assert_eq!(events[n - 1]["resource_type"], "status_update");
    assert_eq!(events[n - 1]["resource_id"], first["id"]);

    // Green with a completion date, only on the version the reporter read.
    let stale = app
        .client_as(Role::Contributor, Some("CNWL"))
        .post(app.url(&updates_of(&action)))
        .header("If-Match", "\"1\"")
        .json(&json!({"brag": "green", "completed_on": "2025-12-01"}))
        .send()
        .await
        .unwrap();
    problem(stale, 412, "version_mismatch").await;
    let second = cnwl
        .post(app.url(&updates_of(&action)))
        .header("If-Match", "\"2\"")
        .json(&json!({"brag": "green", "completed_on": "2025-12-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    let now = demo.action(SEND, "Afl3.3/7").await;
    assert_eq!(
        (now["brag"].clone(), now["completed_on"].clone()),
        (json!("green"), json!("2025-12-01"))
    );
    assert_eq!(now["version"], 3);

    let listed = demo.json(&updates_of(&action)).await;
    let ids: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["id"])
        .collect();
    assert_eq!(ids, [&second["id"], &first["id"]], "newest first");
}

#[tokio::test]
async fn another_organisation_may_not_report_and_nothing_changes() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let action = demo.action(SEND, "Afl3.3/7").await;
    // MKCC partners the plan but does not lead this action.
    let mkcc = app.client_as(Role::Contributor, Some("MKCC"));
    let refused = app
        .post_as(&mkcc, &updates_of(&action), &json!({"brag": "blue"}))
        .await;
    problem(refused, 403, "outside_organisation").await;
    let viewer = app.client_as(Role::Viewer, Some("CNWL"));
    let refused = app
        .post_as(&viewer, &updates_of(&action), &json!({"brag": "blue"}))
        .await;
    problem(refused, 403, "insufficient_role").await;

    let now = demo.action(SEND, "Afl3.3/7").await;
    assert_eq!(
        (now["brag"].clone(), now["version"].clone()),
        (json!("amber"), json!(1))
    );
    assert_eq!(demo.json(&updates_of(&action)).await["items"], json!([]));
}

#[tokio::test]
async fn a_report_with_bad_fields_names_each() {
    let demo = Demo::start().await;
    let action = demo.action(SEND, "Afl3.3/7").await;
    let answer = demo
        .app
        .post(
            &updates_of(&action),
            &json!({"brag": "amber", "completed_on": "2025-01-01", "narrative": "  ", "evidence": [{"url": "not a url"}]}),
        )
        .await;
    let body = problem(answer, 422, "validation_failed").await;
    let mut fields = crate::helpers::fields(&body);
    fields.sort();
    assert_eq!(fields, ["completed_on", "evidence[0].url", "narrative"]);
    let missing = demo
        .app
        .post(
            "/api/v1/actions/019ab3c4-0000-7000-8000-000000000000/status-updates",
            &json!({"brag": "amber"}),
        )
        .await;
    problem(missing, 404, "not_found").await;
}

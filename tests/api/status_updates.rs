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

/// The first action of `plan` led by an owner of `organisation`.
async fn led_by(demo: &Demo, plan: &str, organisation: &str) -> Value {
    let page = demo
        .json(&format!(
            "/api/v1/actions?plan={plan}&organisation={organisation}&limit=1"
        ))
        .await;
    page["items"][0].clone()
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn updates_across_plans_are_listed_newest_first_by_plan_organisation_status_and_time() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let camhs = demo.action(SEND, "Afl3.3/7").await;
    let mkcc_led = led_by(&demo, SEND, "MKCC").await;
    assert!(mkcc_led["id"].is_string(), "{SEND} has an MKCC-led action");
    let elsewhere = demo.json("/api/v1/actions?plan=BSIL-2025&limit=1").await["items"][0].clone();
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let mkcc = app.client_as(Role::Contributor, Some("MKCC"));

    let post = |client, action: &Value, body: Value| {
        let path = updates_of(action);
        async move {
            let response = app.post_as(client, &path, &body).await;
            assert_eq!(response.status(), 201);
            response.json::<Value>().await.unwrap()
        }
    };
    let first = post(
        &cnwl,
        &camhs,
        json!({"brag": "red", "narrative": "Paused."}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let between = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let second = post(&mkcc, &mkcc_led, json!({"brag": "amber"})).await;
    let third = post(&app.client, &elsewhere, json!({"brag": "amber"})).await;
    let fourth = post(
        &cnwl,
        &camhs,
        json!({"brag": "amber", "narrative": "Restarted."}),
    )
    .await;
    let [first, second, third, fourth] =
        [&first, &second, &third, &fourth].map(|u| u["id"].as_str().unwrap());

    let all = demo.json("/api/v1/status-updates").await;
    assert_eq!(ids(&all), [fourth, third, second, first], "newest first");
    let send = demo
        .json(&format!("/api/v1/status-updates?plan={SEND}"))
        .await;
    assert_eq!(ids(&send), [fourth, second, first]);
    let by_id = demo
        .json(&format!(
            "/api/v1/status-updates?plan_id={}",
            elsewhere["plan_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(ids(&by_id), [third]);
    let led_by_mkcc = demo
        .json(&format!(
            "/api/v1/status-updates?organisation=MKCC&plan={SEND}"
        ))
        .await;
    assert_eq!(ids(&led_by_mkcc), [second]);
    let amber = demo.json("/api/v1/status-updates?brag=Amber").await;
    assert_eq!(ids(&amber), [fourth, third, second]);
    let since = demo
        .json(&format!(
            "/api/v1/status-updates?since={}",
            between.replace('+', "%2B")
        ))
        .await;
    assert_eq!(ids(&since), [fourth, third, second]);
    let today = chrono::Utc::now().date_naive();
    let from_today = demo
        .json(&format!("/api/v1/status-updates?since={today}&limit=3"))
        .await;
    assert_eq!(ids(&from_today), [fourth, third, second]);
    let next = from_today["next"].as_str().expect("a next page");
    assert_eq!(ids(&demo.json(next).await), [first]);

    let unknown = problem(
        app.get("/api/v1/status-updates?plan=NO-SUCH-PLAN").await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(unknown["errors"][0]["code"], "unknown_key");
    problem(
        app.get("/api/v1/status-updates?since=last-board").await,
        400,
        "invalid_query",
    )
    .await;

    // The action carries its newest update, in lists and alone.
    let now = demo.action(SEND, "Afl3.3/7").await;
    let latest = &now["latest_update"];
    assert_eq!(latest["id"], fourth);
    assert_eq!(latest["brag"], "amber");
    assert_eq!(latest["narrative"], "Restarted.");
    assert_eq!(latest["by"], "test-contributor-CNWL");
    assert_eq!(latest["by_organisation"], "CNWL");
    assert!(latest["at"].is_string());
    let version: Value = demo
        .json(&format!(
            "/api/v1/actions/{}/versions/{}",
            now["id"].as_str().unwrap(),
            now["version"]
        ))
        .await;
    assert_eq!(
        version["snapshot"]["latest_update"]["id"], fourth,
        "the version the update made carries it"
    );
    let untouched = demo.action(SEND, "Afl3.3/6").await;
    assert!(untouched.get("latest_update").is_none());
}

#[tokio::test]
async fn anonymous_readers_see_updates_on_published_plans_only() {
    let app = crate::helpers::spawn_app_with(&[
        ("WAYMARK_DEMO_PLANS", "true"),
        ("WAYMARK_PUBLIC_READ", "true"),
    ])
    .await;
    let demo = Demo { app };
    let app = &demo.app;
    let created = |path: String, body: Value| async move {
        let response = app.post(&path, &body).await;
        assert_eq!(response.status(), 201, "POST {path}");
        response.json::<Value>().await.unwrap()
    };
    let public = demo.action(SEND, "Afl3.3/7").await;
    let shown = created(updates_of(&public), json!({"brag": "green"})).await;
    let draft = created(
        "/api/v1/plans".into(),
        json!({"ref": "DRAFT", "title": "Draft plan", "kind": "strategy"}),
    )
    .await;
    let base = format!("/api/v1/plans/{}", draft["id"].as_str().unwrap());
    let area = created(
        format!("{base}/priorities"),
        json!({"ref": "D1", "kind": "aim", "title": "Draft aim"}),
    )
    .await;
    let hidden = created(
        format!("{base}/actions"),
        json!({"priority_id": area["id"], "ref": "D1/1", "description": "Draft action"}),
    )
    .await;
    created(updates_of(&hidden), json!({"brag": "amber"})).await;
    assert_eq!(ids(&demo.json("/api/v1/status-updates").await).len(), 2);

    let anonymous = |path: &str| app.anonymous.get(app.url(path)).send();
    let seen: Value = anonymous("/api/v1/status-updates")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&seen), [shown["id"].as_str().unwrap()]);
    let unknown = problem(
        anonymous("/api/v1/status-updates?plan=DRAFT")
            .await
            .unwrap(),
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(unknown["errors"][0]["code"], "unknown_key");
}

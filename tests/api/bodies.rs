use serde_json::{json, Value};

use crate::helpers::{problem, spawn_app, TestApp};

async fn body(app: &TestApp, input: Value) -> Value {
    let response = app.post("/api/v1/governance-bodies", &input).await;
    assert_eq!(response.status(), 201, "creating body {input}");
    response.json().await.unwrap()
}

fn path(body: &Value) -> String {
    format!("/api/v1/governance-bodies/{}", body["id"].as_str().unwrap())
}

#[tokio::test]
async fn a_body_keeps_its_chairs_members_and_reporting_lines() {
    let app = spawn_app().await;
    let mkcc = app.organisation("MKCC", "local_authority").await;
    let icb = app.organisation("BLMK ICB", "integrated_care_board").await;
    let chair = app.owner(json!({"kind": "post", "name": "Director of Children's Services", "organisation_id": mkcc["id"]})).await;
    let programme = body(
        &app,
        json!({"name": "Child First, Family Led Programme Board", "kind": "programme_board"}),
    )
    .await;
    let education = body(
        &app,
        json!({"name": "Education Performance Board", "kind": "board"}),
    )
    .await;
    let input = json!({
        "name": "Best Start in Life Delivery Group",
        "kind": "working_group",
        "cadence": "monthly",
        "chair_ids": [chair["id"]],
        "member_organisation_ids": [mkcc["id"], icb["id"]],
        "reports_to": [
            {"body_id": programme["id"], "line": "direct"},
            {"body_id": education["id"], "line": "dotted"}
        ]
    });

    let created = body(&app, input.clone()).await;

    for field in [
        "name",
        "kind",
        "cadence",
        "chair_ids",
        "member_organisation_ids",
        "reports_to",
    ] {
        assert_eq!(created[field], input[field], "{field}");
    }
    assert_eq!(created["version"], 1);
    let fetched: Value = app.get(&path(&created)).await.json().await.unwrap();
    assert_eq!(fetched, created);

    let reporting = format!(
        "/api/v1/governance-bodies?reports_to={}",
        education["id"].as_str().unwrap()
    );
    let list: Value = app.get(&reporting).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], created["id"]);
}

#[tokio::test]
async fn a_reporting_line_that_would_make_a_cycle_is_refused() {
    let app = spawn_app().await;
    let board = body(
        &app,
        json!({"name": "SEND Strategic Partnership Board", "kind": "board"}),
    )
    .await;
    let exec = body(&app, json!({"name": "SEND Executive", "kind": "executive", "reports_to": [{"body_id": board["id"], "line": "direct"}]})).await;
    let group = body(&app, json!({"name": "Joint Commissioning Group", "kind": "working_group", "reports_to": [{"body_id": exec["id"], "line": "dotted"}]})).await;

    let response = app
        .patch(
            &path(&board),
            &json!({"reports_to": [{"body_id": group["id"], "line": "dotted"}]}),
        )
        .await;
    let problem_body = problem(response, 422, "validation_failed").await;
    assert_eq!(problem_body["errors"][0]["field"], "reports_to");
    assert_eq!(problem_body["errors"][0]["code"], "cycle");

    let to_itself = app
        .patch(
            &path(&exec),
            &json!({"reports_to": [{"body_id": exec["id"], "line": "direct"}]}),
        )
        .await;
    problem(to_itself, 422, "validation_failed").await;

    let unchanged: Value = app.get(&path(&board)).await.json().await.unwrap();
    assert_eq!(unchanged["reports_to"], json!([]));
    assert_eq!(unchanged["version"], 1);
}

#[tokio::test]
async fn unknown_chairs_members_and_parents_are_named_by_position() {
    let app = spawn_app().await;
    let chair = app
        .owner(json!({"kind": "team", "name": "SEND Exec team"}))
        .await;
    let missing = "01a20000-0000-7000-8000-000000000000";

    let cases = [
        (json!({"chair_ids": [chair["id"], missing]}), "chair_ids[1]"),
        (
            json!({"member_organisation_ids": [missing]}),
            "member_organisation_ids[0]",
        ),
        (
            json!({"reports_to": [{"body_id": missing, "line": "direct"}]}),
            "reports_to[0].body_id",
        ),
        (
            json!({"chair_ids": [chair["id"], chair["id"]]}),
            "chair_ids[1]",
        ),
        (
            json!({"reports_to": [{"body_id": missing, "line": "sideways"}]}),
            "reports_to[0].line",
        ),
    ];
    for (extra, field) in cases {
        let mut input = json!({"name": "Group", "kind": "subgroup"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let response = app.post("/api/v1/governance-bodies", &input).await;
        let body = problem(response, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], field, "{input}");
    }
    let list: Value = app
        .get("/api/v1/governance-bodies")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn unknown_kinds_and_cadences_are_refused() {
    let app = spawn_app().await;

    for (input, field) in [
        (json!({"name": "X", "kind": "council"}), "kind"),
        (
            json!({"name": "X", "kind": "board", "cadence": "fortnightly"}),
            "cadence",
        ),
        (json!({"name": "X".repeat(201), "kind": "board"}), "name"),
    ] {
        let body = problem(
            app.post("/api/v1/governance-bodies", &input).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field);
    }
}

#[tokio::test]
async fn a_second_body_with_the_same_name_is_refused() {
    let app = spawn_app().await;
    body(&app, json!({"name": "SEND Executive", "kind": "executive"})).await;

    let again = app
        .post(
            "/api/v1/governance-bodies",
            &json!({"name": "SEND Executive", "kind": "board"}),
        )
        .await;

    problem(again, 409, "duplicate").await;
}

#[tokio::test]
async fn what_a_body_links_to_cannot_be_deleted_from_under_it() {
    let app = spawn_app().await;
    let mkcc = app.organisation("MKCC", "local_authority").await;
    let chair = app.owner(json!({"kind": "post", "name": "Assistant Director, Education and Learning", "organisation_id": mkcc["id"]})).await;
    let board = body(
        &app,
        json!({"name": "SEND Strategic Partnership Board", "kind": "board"}),
    )
    .await;
    let exec = body(
        &app,
        json!({
            "name": "SEND Executive", "kind": "executive",
            "chair_ids": [chair["id"]], "member_organisation_ids": [mkcc["id"]],
            "reports_to": [{"body_id": board["id"], "line": "direct"}]
        }),
    )
    .await;

    let refused = problem(app.delete(&path(&board)).await, 409, "still_referenced").await;
    assert_eq!(
        refused["references"],
        json!([{"resource": "bodies reporting to it", "count": 1}])
    );
    let chair_refused = problem(
        app.delete(&format!("/api/v1/owners/{}", chair["id"].as_str().unwrap()))
            .await,
        409,
        "still_referenced",
    )
    .await;
    assert_eq!(
        chair_refused["references"][0]["resource"],
        "governance body chairs"
    );
    let org_refused = problem(
        app.delete(&format!(
            "/api/v1/organisations/{}",
            mkcc["id"].as_str().unwrap()
        ))
        .await,
        409,
        "still_referenced",
    )
    .await;
    assert!(org_refused["references"]
        .as_array()
        .unwrap()
        .contains(&json!({"resource": "governance body members", "count": 1})));

    assert_eq!(app.delete(&path(&exec)).await.status(), 204);
    assert_eq!(app.delete(&path(&board)).await.status(), 204);
    assert_eq!(
        app.delete(&format!("/api/v1/owners/{}", chair["id"].as_str().unwrap()))
            .await
            .status(),
        204
    );
}

use serde_json::{json, Value};

use crate::helpers::{fields, problem, spawn_app, TestApp};

pub async fn plan(app: &TestApp, input: Value) -> Value {
    let response = app.post("/api/v1/plans", &input).await;
    assert_eq!(response.status(), 201, "creating plan {input}");
    response.json().await.unwrap()
}

pub fn plan_path(plan: &Value) -> String {
    format!("/api/v1/plans/{}", plan["id"].as_str().unwrap())
}

#[tokio::test]
async fn a_plan_keeps_every_field_it_was_given() {
    let app = spawn_app().await;
    let mkcc = app.organisation("MKCC", "local_authority").await;
    let icb = app.organisation("BLMK ICB", "integrated_care_board").await;
    let dcs = app.owner(json!({"kind": "post", "name": "Director of Children's Services", "organisation_id": mkcc["id"]})).await;
    let board: Value = app
        .post(
            "/api/v1/governance-bodies",
            &json!({"name": "SEND Strategic Partnership Board", "kind": "board"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let input = json!({
        "ref": "SEND-LAIAP-2025",
        "title": "SEND Local Area Inspection Action Plan",
        "kind": "inspection_action_plan",
        "summary": "Responds to the Area SEND Inspection of February 2024.",
        "period": {"label": "January 2025", "start": "2025-01-01", "end": "2027-12-31"},
        "status": "active",
        "lead_body_id": board["id"],
        "senior_responsible_owner_ids": [dcs["id"]],
        "partner_organisation_ids": [mkcc["id"], icb["id"]],
        "published": true,
        "source_document": "SEND Local Area Inspection Action Plan, January 2025"
    });

    let created = plan(&app, input.clone()).await;

    for (key, value) in input.as_object().unwrap() {
        assert_eq!(&created[key], value, "{key}");
    }
    assert_eq!(created["version"], 1);
    let fetched: Value = app.get(&plan_path(&created)).await.json().await.unwrap();
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_plan_left_mostly_blank_is_a_draft_and_unpublished() {
    let app = spawn_app().await;

    let created = plan(
        &app,
        json!({"ref": "EH-OFFER", "title": "Early Help offer", "kind": "service_plan"}),
    )
    .await;

    assert_eq!(created["status"], "draft");
    assert_eq!(created["published"], false);
    assert_eq!(created["period"], json!({}));
}

#[tokio::test]
async fn bad_plan_fields_are_each_named() {
    let app = spawn_app().await;
    let missing = "01a20000-0000-7000-8000-000000000000";

    let response = app
        .post(
            "/api/v1/plans",
            &json!({
                "ref": "has|bar", "title": "T", "kind": "strategy",
                "period": {"start": "2026-01-01", "end": "2025-01-01"},
                "partner_organisation_ids": [missing, missing]
            }),
        )
        .await;
    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(
        fields(&body),
        ["partner_organisation_ids[1]", "period.end", "ref"]
    );

    let bad_date = app.post("/api/v1/plans", &json!({"ref": "X", "title": "T", "kind": "strategy", "period": {"start": "July 2024"}})).await;
    let body = problem(bad_date, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "period.start");

    for (extra, field) in [
        (json!({"lead_body_id": missing}), "lead_body_id"),
        (
            json!({"senior_responsible_owner_ids": [missing]}),
            "senior_responsible_owner_ids[0]",
        ),
        (json!({"status": "paused"}), "status"),
    ] {
        let mut input = json!({"ref": "X", "title": "T", "kind": "strategy"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let body = problem(
            app.post("/api/v1/plans", &input).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field);
    }
}

#[tokio::test]
async fn plan_refs_are_unique_and_findable() {
    let app = spawn_app().await;
    let mkcc = app.organisation("MKCC", "local_authority").await;
    plan(&app, json!({"ref": "CFP-2015", "title": "Children and Families Plan 2015/16", "kind": "service_plan", "partner_organisation_ids": [mkcc["id"]]})).await;
    plan(&app, json!({"ref": "BSIL", "title": "Best Start in Life", "kind": "strategy", "status": "active"})).await;

    problem(
        app.post(
            "/api/v1/plans",
            &json!({"ref": "CFP-2015", "title": "Again", "kind": "strategy"}),
        )
        .await,
        409,
        "duplicate",
    )
    .await;

    let by_ref: Value = app
        .get("/api/v1/plans?ref=CFP-2015")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        by_ref["items"][0]["title"],
        "Children and Families Plan 2015/16"
    );
    let active: Value = app
        .get("/api/v1/plans?status=active")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    let partnered: Value = app
        .get(&format!(
            "/api/v1/plans?organisation_id={}",
            mkcc["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(partnered["items"][0]["ref"], "CFP-2015");
    assert_eq!(partnered["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn patching_a_plan_publishes_it_and_bumps_its_version() {
    let app = spawn_app().await;
    let created = plan(
        &app,
        json!({"ref": "BSIL", "title": "Best Start in Life", "kind": "strategy"}),
    )
    .await;

    let response = app
        .patch(
            &plan_path(&created),
            &json!({"status": "active", "published": true}),
        )
        .await;

    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["status"], "active");
    assert_eq!(updated["published"], true);
    assert_eq!(updated["title"], "Best Start in Life");
    assert_eq!(updated["version"], 2);
}

#[tokio::test]
async fn an_empty_plan_is_deleted() {
    let app = spawn_app().await;
    let created = plan(
        &app,
        json!({"ref": "BSIL", "title": "Best Start in Life", "kind": "strategy"}),
    )
    .await;

    assert_eq!(app.delete(&plan_path(&created)).await.status(), 204);
    problem(app.get(&plan_path(&created)).await, 410, "gone").await;
}

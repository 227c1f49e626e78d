//! Organisation scope checked against the object itself, and what anonymous
//! readers may see: the cases behind the matrix's cells, with their answers.

use reqwest::Client;
use serde_json::{json, Value};
use waymark::auth::Role;

use crate::helpers::{problem, spawn_app_with, TestApp};

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let response = app.post(path, &body).await;
    assert_eq!(response.status(), 201, "creating {path}: {body}");
    response.json().await.unwrap()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// SEND plan partnered by MKCC and CNWL; action Afl3.3/1 led by CNWL's CAMHS
/// lead, action Afl3.3/7 led by an MKCC post; a GLD measure owned by MKCC.
struct Send {
    plan: Value,
    cnwl_action: Value,
    mkcc_action: Value,
    measure: Value,
}

async fn send_plan(app: &TestApp, published: bool) -> Send {
    let mkcc = created(
        app,
        "/api/v1/organisations",
        json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"}),
    )
    .await;
    let cnwl = created(app, "/api/v1/organisations", json!({"code": "CNWL", "name": "Central and North West London NHS Trust", "kind": "nhs_trust"})).await;
    created(
        app,
        "/api/v1/organisations",
        json!({"code": "ICB", "name": "BLMK ICB", "kind": "integrated_care_board"}),
    )
    .await;
    let camhs = created(
        app,
        "/api/v1/owners",
        json!({"kind": "post", "name": "CAMHS Transformation lead", "organisation_id": id(&cnwl)}),
    )
    .await;
    let dcs = created(app, "/api/v1/owners", json!({"kind": "post", "name": "Director of Children's Services", "organisation_id": id(&mkcc)})).await;
    let plan = created(app, "/api/v1/plans", json!({
        "ref": "SEND-LAIAP-2025", "title": "SEND Local Area Inspection Action Plan", "kind": "inspection_action_plan",
        "partner_organisation_ids": [id(&mkcc), id(&cnwl)], "published": published
    })).await;
    let base = format!("/api/v1/plans/{}", id(&plan));
    let area = created(
        app,
        &format!("{base}/priorities"),
        json!({"ref": "Afl3", "kind": "area_for_improvement", "title": "Area for improvement 3"}),
    )
    .await;
    let outcome = created(app, &format!("{base}/outcomes"), json!({"priority_id": id(&area), "ref": "Afl3.3", "statement": "Reduce waiting time for CAMHS"})).await;
    let cnwl_action = created(app, &format!("{base}/actions"), json!({"outcome_id": id(&outcome), "ref": "Afl3.3/1", "description": "Streamlined referrals", "lead_ids": [id(&camhs)], "brag": "amber"})).await;
    let mkcc_action = created(app, &format!("{base}/actions"), json!({"outcome_id": id(&outcome), "ref": "Afl3.3/7", "description": "Neurodevelopmental pathway", "lead_ids": [id(&dcs)], "brag": "red"})).await;
    let measure = created(app, &format!("{base}/measures"), json!({"ref": "GLD", "title": "Good level of development", "unit": "percent", "direction": "higher_is_better", "team_responsible_id": id(&dcs)})).await;
    Send {
        plan,
        cnwl_action,
        mkcc_action,
        measure,
    }
}

async fn patch(client: &Client, app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    client
        .patch(app.url(path))
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_contributor_reports_progress_only_on_what_its_organisation_leads() {
    let app = spawn_app_with(&[]).await;
    let send = send_plan(&app, false).await;
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let own = format!("/api/v1/actions/{}", id(&send.cnwl_action));
    let other = format!("/api/v1/actions/{}", id(&send.mkcc_action));

    let moved = patch(
        &cnwl,
        &app,
        &own,
        json!({"brag": "green", "completed_on": "2026-11-01"}),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(
        (moved["brag"].clone(), moved["version"].clone()),
        (json!("green"), json!(2))
    );
    assert_eq!(moved["updated_by"], "test-contributor-CNWL");

    let wording = patch(&cnwl, &app, &own, json!({"description": "Rewritten"})).await;
    let body = problem(wording, 403, "progress_fields_only").await;
    assert!(body["detail"].as_str().unwrap().contains("description"));

    let foreign = patch(&cnwl, &app, &other, json!({"brag": "green"})).await;
    let body = problem(foreign, 403, "outside_organisation").await;
    assert_eq!(
        body["detail"],
        "your organisation CNWL does not lead this action"
    );

    // Nothing refused was written: still version 1 and red.
    let untouched: Value = app.get(&other).await.json().await.unwrap();
    assert_eq!(
        (untouched["brag"].clone(), untouched["version"].clone()),
        (json!("red"), json!(1))
    );

    let history: Value = app
        .get(&format!("{own}/versions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"][1]["actor"], "test-contributor-CNWL");
    assert_eq!(history["items"][1]["actor_organisation"], "CNWL");
}

#[tokio::test]
async fn readings_are_posted_by_the_organisation_responsible_for_the_measure() {
    let app = spawn_app_with(&[]).await;
    let send = send_plan(&app, false).await;
    let readings = format!("/api/v1/measures/{}/readings", id(&send.measure));
    let reading = json!({"period": "2024/25", "value": 73.0, "status": "final"});
    let mkcc = app.client_as(Role::Contributor, Some("MKCC"));
    let stored = app.post_as(&mkcc, &readings, &reading).await;
    assert_eq!(stored.status(), 201);
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let refused = app.post_as(&cnwl, &readings, &reading).await;
    problem(refused, 403, "outside_organisation").await;
    let no_org = app.client_as(Role::Contributor, None);
    let refused = app.post_as(&no_org, &readings, &reading).await;
    let body = problem(refused, 403, "outside_organisation").await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("names no organisation"));
}

#[tokio::test]
async fn an_editor_changes_only_plans_its_organisation_is_a_partner_in() {
    let app = spawn_app_with(&[]).await;
    let send = send_plan(&app, false).await;
    let plan = format!("/api/v1/plans/{}", id(&send.plan));
    let cnwl = app.client_as(Role::Editor, Some("CNWL"));
    let icb = app.client_as(Role::Editor, Some("ICB"));

    assert_eq!(
        patch(
            &cnwl,
            &app,
            &plan,
            json!({"summary": "Agreed at the SEND Executive Board"})
        )
        .await
        .status(),
        200
    );
    let refused = patch(&icb, &app, &plan, json!({"summary": "x"})).await;
    let body = problem(refused, 403, "outside_organisation").await;
    assert_eq!(
        body["detail"],
        "your organisation ICB is not a partner in this plan"
    );
    let new_action =
        json!({"priority_id": id(&send.cnwl_action).to_string(), "ref": "X/1", "description": "x"});
    let refused = app
        .post_as(&icb, &format!("{plan}/actions"), &new_action)
        .await;
    problem(refused, 403, "outside_organisation").await;

    let organisations: Value = app
        .get("/api/v1/organisations?code=ICB")
        .await
        .json()
        .await
        .unwrap();
    let icb_id = organisations["items"][0]["id"].clone();
    let without = json!({"ref": "ICB-1", "title": "ICB plan", "kind": "strategy"});
    let refused = app.post_as(&icb, "/api/v1/plans", &without).await;
    problem(refused, 403, "outside_organisation").await;
    let with = json!({"ref": "ICB-1", "title": "ICB plan", "kind": "strategy", "partner_organisation_ids": [icb_id]});
    let made = app.post_as(&icb, "/api/v1/plans", &with).await;
    assert_eq!(made.status(), 201);
}

#[tokio::test]
async fn partners_are_kept_by_editors_and_changed_by_admins() {
    let app = spawn_app_with(&[]).await;
    let send = send_plan(&app, false).await;
    let plan = format!("/api/v1/plans/{}", id(&send.plan));
    let partners = send.plan["partner_organisation_ids"].clone();
    let (mkcc_id, cnwl_id) = (partners[0].clone(), partners[1].clone());
    let organisations: Value = app
        .get("/api/v1/organisations?code=ICB")
        .await
        .json()
        .await
        .unwrap();
    let icb_id = organisations["items"][0]["id"].clone();
    let mkcc = app.client_as(Role::Editor, Some("MKCC"));
    let icb = app.client_as(Role::Editor, Some("ICB"));

    // An outsider does not make itself a partner.
    let refused = patch(
        &icb,
        &app,
        &plan,
        json!({"partner_organisation_ids": [mkcc_id, cnwl_id, icb_id]}),
    )
    .await;
    problem(refused, 403, "outside_organisation").await;
    // A partner neither removes another nor leaves.
    let refused = patch(
        &mkcc,
        &app,
        &plan,
        json!({"partner_organisation_ids": [mkcc_id]}),
    )
    .await;
    let body = problem(refused, 403, "partner_removal").await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains(cnwl_id.as_str().unwrap()));
    let refused = patch(
        &mkcc,
        &app,
        &plan,
        json!({"partner_organisation_ids": [cnwl_id]}),
    )
    .await;
    problem(refused, 403, "outside_organisation").await;
    let stored: Value = app.get(&plan).await.json().await.unwrap();
    assert_eq!(
        (
            stored["version"].clone(),
            stored["partner_organisation_ids"].clone()
        ),
        (json!(1), partners.clone())
    );

    // A partner adds one; an admin removes one.
    let added = patch(
        &mkcc,
        &app,
        &plan,
        json!({"partner_organisation_ids": [mkcc_id, cnwl_id, icb_id]}),
    )
    .await;
    assert_eq!(added.status(), 200);
    let removed = patch(
        &app.client,
        &app,
        &plan,
        json!({"partner_organisation_ids": [mkcc_id, icb_id]}),
    )
    .await;
    assert_eq!(removed.status(), 200);
    let stored: Value = removed.json().await.unwrap();
    assert_eq!(stored["partner_organisation_ids"], json!([mkcc_id, icb_id]));
    // CNWL, no longer a partner, may no longer touch the plan's actions.
    let cnwl = app.client_as(Role::Editor, Some("CNWL"));
    let refused = cnwl
        .delete(app.url(&format!("/api/v1/actions/{}", id(&send.mkcc_action))))
        .header("If-Match", "*")
        .send()
        .await
        .unwrap();
    problem(refused, 403, "outside_organisation").await;
}

#[tokio::test]
async fn anonymous_readers_see_published_plans_only_and_only_when_allowed() {
    let closed = spawn_app_with(&[]).await;
    let send = send_plan(&closed, true).await;
    let plan_path = format!("/api/v1/plans/{}", id(&send.plan));
    let refused = closed
        .anonymous
        .get(closed.url(&plan_path))
        .send()
        .await
        .unwrap();
    problem(refused, 401, "missing_token").await;

    let open = spawn_app_with(&[("WAYMARK_PUBLIC_READ", "true")]).await;
    let public = send_plan(&open, true).await;
    let hidden = created(
        &open,
        "/api/v1/plans",
        json!({"ref": "DRAFT", "title": "Draft plan", "kind": "strategy"}),
    )
    .await;
    let hidden_base = format!("/api/v1/plans/{}", id(&hidden));
    let hidden_area = created(
        &open,
        &format!("{hidden_base}/priorities"),
        json!({"ref": "D1", "kind": "aim", "title": "Draft aim"}),
    )
    .await;
    let hidden_action = created(
        &open,
        &format!("{hidden_base}/actions"),
        json!({"priority_id": id(&hidden_area), "ref": "D1/1", "description": "Draft action"}),
    )
    .await;
    let anonymous = |path: String| open.anonymous.get(open.url(&path)).send();

    let plans: Value = anonymous("/api/v1/plans".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let refs: Vec<&str> = plans["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["SEND-LAIAP-2025"]);
    let asked: Value = anonymous("/api/v1/plans?published=false".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(asked["items"], json!([]));
    let actions: Value = anonymous("/api/v1/actions".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(actions["items"].as_array().unwrap().len(), 2);
    assert!(actions["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["plan_id"] == public.plan["id"]));

    assert_eq!(
        anonymous(format!("/api/v1/plans/{}?include=tree", id(&public.plan)))
            .await
            .unwrap()
            .status(),
        200
    );
    problem(
        anonymous(hidden_base.clone()).await.unwrap(),
        404,
        "not_found",
    )
    .await;
    problem(
        anonymous(format!("{hidden_base}?include=tree"))
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;
    problem(
        anonymous(format!("{hidden_base}/actions")).await.unwrap(),
        404,
        "not_found",
    )
    .await;
    problem(
        anonymous(format!("/api/v1/actions/{}", id(&hidden_action)))
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;
    problem(
        anonymous("/api/v1/organisations".into()).await.unwrap(),
        401,
        "missing_token",
    )
    .await;
    problem(
        anonymous("/api/v1/changes".into()).await.unwrap(),
        401,
        "missing_token",
    )
    .await;
    let as_of = format!(
        "/api/v1/plans/{}?as_of=2030-01-01T00:00:00Z",
        id(&public.plan)
    );
    problem(anonymous(as_of).await.unwrap(), 401, "missing_token").await;
    // A token holder sees the draft.
    assert_eq!(open.get(&hidden_base).await.status(), 200);
}

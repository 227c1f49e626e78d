use serde_json::{json, Value};

use crate::helpers::{fields, problem, spawn_app};

#[tokio::test]
async fn a_post_keeps_its_dated_holders_in_order() {
    let app = spawn_app().await;
    let mkcc = app.organisation("MKCC", "local_authority").await;
    let body = json!({
        "kind": "post",
        "name": "Director of Children's Services",
        "organisation_id": mkcc["id"],
        "email": "dcs@example.org",
        "holders": [
            {"name": "Previous Director", "from": "2015-04-01", "to": "2021-03-31"},
            {"name": "Mac Heath", "from": "2021-04-01"}
        ]
    });

    let created = app.owner(body.clone()).await;

    assert_eq!(created["kind"], "post");
    assert_eq!(created["organisation_id"], mkcc["id"]);
    assert_eq!(created["holders"], body["holders"]);
    assert_eq!(created["version"], 1);
    let fetched: Value = app
        .get(&format!(
            "/api/v1/owners/{}",
            created["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_partnership_wide_team_needs_no_organisation() {
    let app = spawn_app().await;

    let team = app
        .owner(json!({"kind": "team", "name": "SEND Exec team"}))
        .await;

    assert!(team.get("organisation_id").is_none());
    assert_eq!(team["holders"], json!([]));
}

#[tokio::test]
async fn only_a_post_may_have_holders() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/owners",
            &json!({"kind": "team", "name": "SEND Exec team", "holders": [{"name": "Someone"}]}),
        )
        .await;

    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "holders");
    assert_eq!(body["errors"][0]["code"], "not_allowed");
}

#[tokio::test]
async fn every_bad_holder_field_is_named_by_its_path() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/owners",
            &json!({
                "kind": "post",
                "name": "SEND Lead",
                "email": "not-an-email",
                "holders": [
                    {"name": "A", "from": "2024-05-01", "to": "2024-04-30"},
                    {"name": "  ", "email": "nope"}
                ]
            }),
        )
        .await;

    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(
        fields(&body),
        [
            "email",
            "holders[0].to",
            "holders[1].email",
            "holders[1].name"
        ]
    );
}

#[tokio::test]
async fn a_badly_typed_holder_date_is_named_by_its_path() {
    let app = spawn_app().await;

    let response = app
        .post("/api/v1/owners", &json!({"kind": "post", "name": "SEND Lead", "holders": [{"name": "A", "from": "July 2024"}]}))
        .await;

    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "holders[0].from");
    assert_eq!(body["errors"][0]["code"], "invalid_type");
}

#[tokio::test]
async fn an_owner_of_an_unknown_organisation_is_refused() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/owners",
            &json!({"kind": "post", "name": "SEND Lead", "organisation_id": "01a20000-0000-7000-8000-000000000000"}),
        )
        .await;

    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "organisation_id");
    assert_eq!(body["errors"][0]["code"], "unknown_reference");
    let list: Value = app.get("/api/v1/owners").await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn a_new_holder_is_recorded_by_patching_the_holders() {
    let app = spawn_app().await;
    let post = app
        .owner(json!({"kind": "post", "name": "Designated Clinical Officer", "holders": [{"name": "First Holder", "from": "2022-01-01"}]}))
        .await;
    let path = format!("/api/v1/owners/{}", post["id"].as_str().unwrap());
    let holders = json!([
        {"name": "First Holder", "from": "2022-01-01", "to": "2025-06-30"},
        {"name": "Second Holder", "from": "2025-07-01"}
    ]);

    let response = app.patch(&path, &json!({"holders": holders})).await;

    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["holders"], holders);
    assert_eq!(updated["name"], "Designated Clinical Officer");
    assert_eq!(updated["version"], 2);
}

#[tokio::test]
async fn the_owner_list_filters_by_organisation_and_kind() {
    let app = spawn_app().await;
    let mkcc = app.organisation("MKCC", "local_authority").await;
    let icb = app.organisation("BLMK ICB", "integrated_care_board").await;
    app.owner(json!({"kind": "post", "name": "SEND Lead", "organisation_id": mkcc["id"]}))
        .await;
    app.owner(json!({"kind": "team", "name": "Inclusion team", "organisation_id": mkcc["id"]}))
        .await;
    app.owner(json!({"kind": "post", "name": "Deputy Chief Nurse", "organisation_id": icb["id"]}))
        .await;

    let path = format!(
        "/api/v1/owners?organisation_id={}",
        mkcc["id"].as_str().unwrap()
    );
    let of_mkcc: Value = app.get(&path).await.json().await.unwrap();
    let names: Vec<_> = of_mkcc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("SEND Lead"), json!("Inclusion team")]);

    let posts: Value = app
        .get(&format!("{path}&kind=post"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(posts["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn deleting_an_owner_frees_its_organisation() {
    let app = spawn_app().await;
    let mkcc = app.organisation("MKCC", "local_authority").await;
    let owner = app
        .owner(json!({"kind": "post", "name": "SEND Lead", "organisation_id": mkcc["id"], "holders": [{"name": "A"}]}))
        .await;
    let org_path = format!("/api/v1/organisations/{}", mkcc["id"].as_str().unwrap());
    assert_eq!(app.delete(&org_path).await.status(), 409);

    assert_eq!(
        app.delete(&format!("/api/v1/owners/{}", owner["id"].as_str().unwrap()))
            .await
            .status(),
        204
    );

    assert_eq!(app.delete(&org_path).await.status(), 204);
}

use serde_json::{json, Value};

use crate::helpers::{fields, problem, spawn_app};

#[tokio::test]
async fn creating_an_organisation_answers_201_with_its_location_and_version_1() {
    let app = spawn_app().await;
    let body = json!({"code": "BLMK ICB", "name": "Bedfordshire, Luton and Milton Keynes Integrated Care Board", "kind": "integrated_care_board", "website": "https://www.blmkhealthandcarepartnership.org"});

    let response = app.post("/api/v1/organisations", &body).await;

    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/organisations/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["code"], "BLMK ICB");
    assert_eq!(created["kind"], "integrated_care_board");
    assert_eq!(created["website"], body["website"]);
    assert_eq!(created["version"], 1);
    assert_eq!(created["created_by"], "test-admin");
    assert_eq!(created["created_at"], created["updated_at"]);

    let fetched: Value = app.get(&location).await.json().await.unwrap();
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_second_organisation_with_the_same_code_is_refused_with_409() {
    let app = spawn_app().await;
    app.organisation("MKCC", "local_authority").await;

    let again = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "MKCC", "name": "Another", "kind": "other"}),
        )
        .await;

    let body = problem(again, 409, "duplicate").await;
    assert!(body["detail"].as_str().unwrap().contains("MKCC"));
    let list: Value = app.get("/api/v1/organisations").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_creates_with_one_code_store_exactly_one() {
    let app = spawn_app().await;
    let body = json!({"code": "CNWL", "name": "Central and North West London NHS Foundation Trust", "kind": "nhs_trust"});

    let (a, b) = tokio::join!(
        app.post("/api/v1/organisations", &body),
        app.post("/api/v1/organisations", &body)
    );

    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let list: Value = app
        .get("/api/v1/organisations?code=CNWL")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_list_pages_through_every_organisation_with_the_cursor() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for code in ["A1", "A2", "A3", "A4", "A5"] {
        created.push(app.organisation(code, "school").await["id"].clone());
    }

    let mut seen = Vec::new();
    let mut next = Some("/api/v1/organisations?limit=2".to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200);
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        let page: Value = response.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|o| o["id"].clone()));
        next = page["next"].as_str().map(str::to_string);
        match &next {
            Some(url) => {
                assert_eq!(link, Some(format!("<{url}>; rel=\"next\"")));
                assert!(
                    url.contains("limit=2"),
                    "the next link keeps the limit: {url}"
                );
                assert!(page["next_cursor"].is_string());
            }
            None => assert!(link.is_none() && page.get("next_cursor").is_none()),
        }
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created, "every organisation once, oldest first");
}

#[tokio::test]
async fn the_list_filters_by_kind_and_by_code() {
    let app = spawn_app().await;
    app.organisation("MKCC", "local_authority").await;
    app.organisation("CNWL", "nhs_trust").await;
    app.organisation("PACA MK", "parent_carer_forum").await;

    let trusts: Value = app
        .get("/api/v1/organisations?kind=nhs_trust")
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<_> = trusts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].clone())
        .collect();
    assert_eq!(codes, vec![json!("CNWL")]);

    let paca: Value = app
        .get("/api/v1/organisations?code=PACA%20MK")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paca["items"][0]["kind"], "parent_carer_forum");
    assert_eq!(paca["items"].as_array().unwrap().len(), 1);

    let bad = app.get("/api/v1/organisations?kind=castle").await;
    problem(bad, 400, "invalid_query").await;
}

#[tokio::test]
async fn put_replaces_every_field_and_bumps_the_version() {
    let app = spawn_app().await;
    let org = app.organisation("MKCC", "local_authority").await;
    let path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());

    let response = app
        .put(&path, &json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"}))
        .await;

    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["name"], "Milton Keynes City Council");
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["created_at"], org["created_at"]);
    assert!(updated["updated_at"].as_str() > org["updated_at"].as_str());
    let fetched: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(fetched, updated);
}

#[tokio::test]
async fn patch_changes_only_the_fields_given_and_null_removes_one() {
    let app = spawn_app().await;
    let created: Value = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "CNWL", "name": "CNWL", "kind": "nhs_trust", "website": "https://www.cnwl.nhs.uk"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/organisations/{}", created["id"].as_str().unwrap());

    let renamed: Value = app
        .patch(
            &path,
            &json!({"name": "Central and North West London NHS Foundation Trust"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        renamed["name"],
        "Central and North West London NHS Foundation Trust"
    );
    assert_eq!(renamed["website"], "https://www.cnwl.nhs.uk");
    assert_eq!(renamed["kind"], "nhs_trust");
    assert_eq!(renamed["version"], 2);

    let cleared: Value = app
        .patch(&path, &json!({"website": null}))
        .await
        .json()
        .await
        .unwrap();
    assert!(cleared.get("website").is_none());
    assert_eq!(cleared["version"], 3);
}

#[tokio::test]
async fn an_invalid_patch_answers_422_and_changes_nothing() {
    let app = spawn_app().await;
    let org = app.organisation("MKCC", "local_authority").await;
    let path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());

    let response = app
        .patch(&path, &json!({"name": " ", "website": "not a url"}))
        .await;

    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(fields(&body), ["name", "website"]);
    let fetched: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(fetched, org);
}

#[tokio::test]
async fn read_only_fields_cannot_be_set() {
    let app = spawn_app().await;
    let org = app.organisation("MKCC", "local_authority").await;
    let path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());

    let patched = app.patch(&path, &json!({"version": 7})).await;
    let body = problem(patched, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "version");
    assert_eq!(body["errors"][0]["code"], "unknown_field");

    let created = app
        .post(
            "/api/v1/organisations",
            &json!({"id": "mine", "code": "X", "name": "X", "kind": "other"}),
        )
        .await;
    let body = problem(created, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "id");
}

#[tokio::test]
async fn an_unreferenced_organisation_is_deleted_and_then_gone_with_410() {
    let app = spawn_app().await;
    let org = app.organisation("MKCC", "local_authority").await;
    let path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());

    assert_eq!(app.delete(&path).await.status(), 204);

    problem(app.get(&path).await, 410, "gone").await;
    problem(app.delete_if(&path, Some("\"2\"")).await, 410, "gone").await;
}

#[tokio::test]
async fn an_organisation_owners_belong_to_cannot_be_deleted() {
    let app = spawn_app().await;
    let org = app.organisation("MKCC", "local_authority").await;
    let id = org["id"].as_str().unwrap();
    for name in ["Director of Children's Services", "SEND Lead"] {
        app.owner(json!({"kind": "post", "name": name, "organisation_id": id}))
            .await;
    }

    let response = app.delete(&format!("/api/v1/organisations/{id}")).await;

    let body = problem(response, 409, "still_referenced").await;
    assert_eq!(
        body["references"],
        json!([{"resource": "owners", "count": 2}])
    );
    assert_eq!(
        app.get(&format!("/api/v1/organisations/{id}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn unknown_ids_answer_404_for_every_method() {
    let app = spawn_app().await;
    let path = "/api/v1/organisations/01a20000-0000-7000-8000-000000000000";
    let body = json!({"code": "X", "name": "X", "kind": "other"});

    problem(app.get(path).await, 404, "not_found").await;
    problem(app.put(path, &body).await, 404, "not_found").await;
    problem(
        app.patch(path, &json!({"name": "Y"})).await,
        404,
        "not_found",
    )
    .await;
    problem(app.delete(path).await, 404, "not_found").await;
}

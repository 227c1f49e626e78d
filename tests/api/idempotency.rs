//! `Idempotency-Key` on POST: one key, one piece of work, whatever the retries.

use serde_json::{json, Value};
use waymark::auth::Role;

use crate::helpers::{problem, spawn_app, TestApp};

async fn post_keyed(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("a response")
}

async fn organisations(app: &TestApp) -> Vec<Value> {
    let page: Value = app
        .get("/api/v1/organisations?limit=200")
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn twenty_identical_posts_in_parallel_create_one_resource() {
    let app = spawn_app().await;
    let body = json!({"code": "CNWL", "name": "Central and North West London NHS Foundation Trust", "kind": "nhs_trust"});
    let key = "3c9e5b0a-0d4e-4b8f-9f51-2a7d6c1e8b40";
    let sends = (0..20).map(|_| post_keyed(&app, &app.client, "/api/v1/organisations", key, &body));
    let answers = futures_util::future::join_all(sends).await;
    let mut created = Vec::new();
    let mut replayed = 0;
    for answer in answers {
        assert_eq!(
            answer.status(),
            201,
            "every retry waits for the first answer"
        );
        replayed += usize::from(answer.headers().contains_key("idempotent-replayed"));
        created.push(answer.json::<Value>().await.unwrap());
    }
    assert_eq!(replayed, 19, "one did the work, 19 got its answer again");
    assert!(
        created.iter().all(|c| c["id"] == created[0]["id"]),
        "every 201 is the same answer"
    );
    assert_eq!(
        organisations(&app).await.len(),
        1,
        "exactly one organisation"
    );

    // A later retry gets the stored answer, marked as a replay.
    let replay = post_keyed(&app, &app.client, "/api/v1/organisations", key, &body).await;
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(
        replay.headers()["location"].to_str().unwrap(),
        format!(
            "/api/v1/organisations/{}",
            created[0]["id"].as_str().unwrap()
        )
    );
    assert_eq!(replay.headers()["etag"], "\"1\"");
    assert_eq!(replay.json::<Value>().await.unwrap(), created[0]);
    assert_eq!(organisations(&app).await.len(), 1);
}

#[tokio::test]
async fn a_key_belongs_to_one_request_and_one_caller() {
    let app = spawn_app().await;
    let key = "order-7781";
    let first =
        json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"});
    let answer = post_keyed(&app, &app.client, "/api/v1/organisations", key, &first).await;
    assert_eq!(answer.status(), 201);
    assert!(answer.headers().get("idempotent-replayed").is_none());

    // Another body, or another path, with the same key: refused, nothing stored.
    let changed = json!({"code": "PACA MK", "name": "Parents and Carers Alliance Milton Keynes", "kind": "parent_carer_forum"});
    let refused = post_keyed(&app, &app.client, "/api/v1/organisations", key, &changed).await;
    problem(refused, 422, "idempotency_key_reused").await;
    let elsewhere = post_keyed(
        &app,
        &app.client,
        "/api/v1/governance-bodies",
        key,
        &json!({"name": "Board", "kind": "board"}),
    )
    .await;
    problem(elsewhere, 422, "idempotency_key_reused").await;
    assert_eq!(organisations(&app).await.len(), 1);

    // Another caller's key of the same name is its own.
    let other = app.client_as(Role::Admin, Some("MKCC"));
    let theirs = post_keyed(&app, &other, "/api/v1/organisations", key, &changed).await;
    assert_eq!(theirs.status(), 201);
    assert_eq!(organisations(&app).await.len(), 2);

    // A refusal is an answer too: kept and replayed, not retried.
    let duplicate = post_keyed(&app, &app.client, "/api/v1/organisations", "dup-1", &first).await;
    problem(duplicate, 409, "duplicate").await;
    let again = post_keyed(&app, &app.client, "/api/v1/organisations", "dup-1", &first).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    problem(again, 409, "duplicate").await;

    // A malformed key is refused before any work.
    let bad = post_keyed(
        &app,
        &app.client,
        "/api/v1/organisations",
        "has space",
        &changed,
    )
    .await;
    problem(bad, 400, "invalid_idempotency_key").await;
}

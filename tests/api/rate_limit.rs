//! Per-caller rate limiting: a token's subject (or an address without a token)
//! gets its quota, then 429 with `Retry-After`; every answer says where the
//! caller stands in the IETF draft's `RateLimit` headers; on by default in
//! production only.

use waymark::auth::Role;

use crate::helpers::{problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_caller_past_its_quota_gets_429_and_others_do_not() {
    let app = spawn_app_with(&[("WAYMARK_RATE_LIMIT_PER_MINUTE", "5")]).await;
    let viewer = app.client_as(Role::Viewer, Some("MKCC"));
    for left in (0..5).rev() {
        let answer = viewer
            .get(app.url("/api/v1/organisations"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(
            answer.headers()["ratelimit-policy"],
            "\"per-caller\";q=5;w=60"
        );
        assert_eq!(
            answer.headers()["ratelimit"],
            format!("\"per-caller\";r={left};t=0").as_str()
        );
    }
    let refused = viewer
        .get(app.url("/api/v1/organisations"))
        .send()
        .await
        .unwrap();
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=12).contains(&wait), "Retry-After {wait}");
    let state = refused.headers()["ratelimit"].to_str().unwrap().to_string();
    assert!(state.starts_with("\"per-caller\";r=0;t="), "{state}");
    let body = problem(refused, 429, "too_many_requests").await;
    assert!(body["detail"].as_str().unwrap().contains("5 a minute"));

    // Writes count too, and one refused stores nothing.
    for n in 0..5 {
        let body = serde_json::json!({"code": format!("ORG{n}"), "name": "Org", "kind": "other"});
        assert_eq!(app.post("/api/v1/organisations", &body).await.status(), 201);
    }
    let body = serde_json::json!({"code": "ORG5", "name": "Org", "kind": "other"});
    problem(
        app.post("/api/v1/organisations", &body).await,
        429,
        "too_many_requests",
    )
    .await;
    let listed: serde_json::Value = other_get(&app, "/api/v1/organisations?limit=20").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 5);

    // Another subject has its own quota; so does an address without a token.
    let other = app.client_as(Role::Viewer, Some("CNWL"));
    let answer = other
        .get(app.url("/api/v1/organisations"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let probe = app.anonymous.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(probe.status(), 200);
    assert_eq!(probe.headers()["ratelimit"], "\"per-caller\";r=4;t=0");
}

#[tokio::test]
async fn limiting_is_on_by_default_in_production_and_off_in_development() {
    let development = spawn_app().await;
    let answer = development.get("/api/v1/organisations").await;
    assert!(answer.headers().get("ratelimit").is_none());

    let production = spawn_app_with(&[("WAYMARK_ENV", "production")]).await;
    let answer = production.get("/api/v1/organisations").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["ratelimit-policy"],
        "\"per-caller\";q=600;w=60"
    );

    let off = spawn_app_with(&[
        ("WAYMARK_ENV", "production"),
        ("WAYMARK_RATE_LIMIT_PER_MINUTE", "0"),
    ])
    .await;
    assert!(off
        .get("/healthz")
        .await
        .headers()
        .get("ratelimit")
        .is_none());
}

async fn other_get(app: &crate::helpers::TestApp, path: &str) -> serde_json::Value {
    let reader = app.client_as(Role::Viewer, Some("ICB"));
    reader
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

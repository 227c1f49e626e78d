//! What answers tell browsers: no sniffing or framing, a content security
//! policy, no shared caching of what a token was needed for (ETag revalidation
//! still works), HSTS when served over HTTPS, CORS only for configured origins,
//! /metrics behind its own token when configured, and evidence links that are
//! web links.

use reqwest::{header, Method};
use serde_json::json;
use waymark::auth::Role;

use crate::helpers::{problem, spawn_app, spawn_app_with, TestApp};

async fn organisation(app: &TestApp) -> String {
    let created = app
        .create(
            "/api/v1/organisations",
            &json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"}),
        )
        .await;
    format!("/api/v1/organisations/{}", created["id"].as_str().unwrap())
}

#[tokio::test]
async fn answers_carry_the_security_headers_and_keep_revalidation() {
    let app = spawn_app().await;
    let path = organisation(&app).await;

    let read = app.get(&path).await;
    let headers = read.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "private, no-cache");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert!(headers.get("strict-transport-security").is_none());
    let etag = headers["etag"].clone();
    let again = app
        .client
        .get(app.url(&path))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        304,
        "revalidation by ETag still answers 304"
    );

    // Errors and anonymous answers carry them too; only token answers are private.
    let refused = app.anonymous.get(app.url(&path)).send().await.unwrap();
    assert_eq!(refused.headers()["x-content-type-options"], "nosniff");
    assert!(refused.headers().get("cache-control").is_none());

    let docs = app.anonymous.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    let policy = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
}

#[tokio::test]
async fn hsts_is_sent_only_when_served_over_https() {
    let app = spawn_app_with(&[("WAYMARK_HTTPS", "true")]).await;
    let health = app.get("/healthz").await;
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.anonymous
        .request(Method::OPTIONS, app.url("/api/v1/organisations"))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
        .send()
        .await
        .unwrap()
}

/// A token holder's read sent from a page of `origin`.
async fn read_from(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .get(app.url("/api/v1/organisations"))
        .header(header::ORIGIN, origin)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn cors_is_off_unless_origins_are_configured() {
    let app = spawn_app().await;
    let answer = preflight(&app, "https://app.example").await;
    assert!(answer
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let read = read_from(&app, "https://app.example").await;
    assert!(read.headers().get("access-control-allow-origin").is_none());

    let app = spawn_app_with(&[("WAYMARK_CORS_ORIGINS", "https://app.example")]).await;
    let allowed = preflight(&app, "https://app.example").await;
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let other = preflight(&app, "https://evil.example").await;
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let read = read_from(&app, "https://app.example").await;
    assert_eq!(
        read.headers()["access-control-allow-origin"],
        "https://app.example"
    );
}

#[tokio::test]
async fn metrics_can_require_their_own_token() {
    let token = "metrics-scraper-secret-0123";
    let app = spawn_app_with(&[("WAYMARK_METRICS_TOKEN", token)]).await;
    let refused = app.anonymous.get(app.url("/metrics")).send().await.unwrap();
    problem(refused, 401, "invalid_token").await;
    let wrong = app.get("/metrics").await;
    problem(wrong, 401, "invalid_token").await;
    let scraped = app
        .anonymous
        .get(app.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let open = spawn_app().await;
    assert_eq!(
        open.anonymous
            .get(open.url("/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn evidence_links_are_http_or_https_only() {
    let app = spawn_app().await;
    let plan = app
        .create(
            "/api/v1/plans",
            &json!({"ref": "P", "title": "Plan", "kind": "strategy"}),
        )
        .await;
    let plan = plan["id"].as_str().unwrap();
    let priority = app
        .create(
            &format!("/api/v1/plans/{plan}/priorities"),
            &json!({"ref": "A1", "kind": "aim", "title": "Aim"}),
        )
        .await;
    let action = app
        .create(
            &format!("/api/v1/plans/{plan}/actions"),
            &json!({"priority_id": priority["id"], "ref": "A1/1", "description": "Act"}),
        )
        .await;
    let updates = format!(
        "/api/v1/actions/{}/status-updates",
        action["id"].as_str().unwrap()
    );
    for link in [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "ftp://files.example/a",
    ] {
        let refused = app
            .post(
                &updates,
                &json!({"brag": "amber", "narrative": "x", "evidence": [{"url": link}]}),
            )
            .await;
        let body = problem(refused, 422, "validation_failed").await;
        assert_eq!(
            body["errors"][0]["field"], "evidence[0].url",
            "{link}: {body}"
        );
    }
    let stored = app
        .post(
            &updates,
            &json!({"brag": "amber", "narrative": "x", "evidence": [{"url": "https://intranet.example/q3.pdf"}]}),
        )
        .await;
    assert_eq!(stored.status(), 201);
    let viewer = app.client_as(Role::Viewer, None);
    let listed = viewer.get(app.url(&updates)).send().await.unwrap();
    assert_eq!(listed.headers()["cache-control"], "private, no-cache");
}

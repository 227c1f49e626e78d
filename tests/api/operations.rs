use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_ok_while_the_database_is_up() {
    let app = spawn_app().await;

    for path in ["/healthz", "/readyz"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn a_request_id_is_echoed_or_generated() {
    let app = spawn_app().await;

    let given = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "partner-42")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "partner-42");

    let first = app.get("/healthz").await.headers()["x-request-id"].clone();
    let second = app.get("/api/v1/nowhere").await.headers()["x-request-id"].clone();
    assert_eq!(first.len(), 36, "a generated UUID");
    assert_ne!(first, second);

    let unusable = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "x".repeat(300))
        .send()
        .await
        .unwrap();
    assert_eq!(
        unusable.headers()["x-request-id"].len(),
        36,
        "replaced, not echoed"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_status() {
    let app = spawn_app().await;
    app.get("/api/v1/organisations").await;
    app.get("/api/v1/organisations").await;
    app.get("/api/v1/organisations/01a20000-0000-7000-8000-000000000000")
        .await;

    let response = app.get("/metrics").await;

    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = response.text().await.unwrap();
    assert!(text.contains(
        "waymark_http_requests_total{method=\"GET\",route=\"/api/v1/organisations\",status=\"200\"} 2"
    ), "{text}");
    assert!(text.contains(
        "waymark_http_requests_total{method=\"GET\",route=\"/api/v1/organisations/{id}\",status=\"404\"} 1"
    ), "{text}");
    assert!(text.contains(
        "waymark_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/organisations\",status=\"200\"} 2"
    ));
    assert!(!text.contains("01a20000"), "ids never become labels");
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary_itself() {
    let app = spawn_app().await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let bare = no_redirects.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(bare.status(), 308);
    assert_eq!(bare.headers()["location"], "/docs/");

    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let response = app.get(asset).await;
        assert_eq!(response.status(), 200, "{asset}");
        let text = response.text().await.unwrap();
        assert!(text.len() > 50, "{asset} has content");
        if asset.ends_with("initializer.js") {
            assert!(text.contains("/api-docs/openapi.json"));
        }
    }
    for src in html
        .split("src=\"")
        .skip(1)
        .chain(html.split("href=\"").skip(1))
    {
        assert!(
            !src.starts_with("http"),
            "the page loads nothing from elsewhere: {src}"
        );
    }
}

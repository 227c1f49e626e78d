use serde_json::json;

use crate::helpers::{problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_unknown_route_answers_404_as_problem_json() {
    let app = spawn_app().await;

    let body = problem(app.get("/api/v1/castles").await, 404, "route_not_found").await;

    assert!(body["detail"].as_str().unwrap().contains("/api/v1/castles"));
}

#[tokio::test]
async fn a_wrong_method_answers_405_with_allow() {
    let app = spawn_app().await;

    let response = app
        .client
        .delete(app.url("/api/v1/organisations"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    problem(response, 405, "method_not_allowed").await;

    let response = app
        .client
        .post(app.url("/api/v1/owners/some-id"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, PUT, PATCH, DELETE");
    problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn malformed_json_answers_400() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/organisations"))
        .header("Content-Type", "application/json")
        .body(r#"{"code": "MKCC", "name": "#)
        .send()
        .await
        .unwrap();

    let body = problem(response, 400, "malformed_json").await;
    assert!(body["detail"].as_str().unwrap().contains("line 1"));
}

#[tokio::test]
async fn a_body_that_is_not_json_answers_415() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/organisations"))
        .header("Content-Type", "text/plain")
        .body("code=MKCC")
        .send()
        .await
        .unwrap();
    problem(response, 415, "unsupported_media_type").await;

    let without_type = app
        .client
        .post(app.url("/api/v1/organisations"))
        .body(r#"{"code": "MKCC"}"#)
        .send()
        .await
        .unwrap();
    problem(without_type, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_body_over_the_limit_answers_413_and_stores_nothing() {
    let app = spawn_app_with(&[("WAYMARK_MAX_BODY_BYTES", "1024")]).await;
    let big = json!({"code": "BIG", "name": "x".repeat(2000), "kind": "other"});

    problem(
        app.post("/api/v1/organisations", &big).await,
        413,
        "payload_too_large",
    )
    .await;

    // Sent in chunks without a Content-Length, the limit still holds.
    let chunks: Vec<Result<String, std::io::Error>> = vec![
        Ok(big.to_string()[..600].to_string()),
        Ok(big.to_string()[600..].to_string()),
    ];
    let streamed = app
        .client
        .post(app.url("/api/v1/organisations"))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    problem(streamed, 413, "payload_too_large").await;

    let list: serde_json::Value = app.get("/api/v1/organisations").await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn a_missing_field_is_reported_as_required() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "MKCC", "kind": "local_authority"}),
        )
        .await;

    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(
        body["errors"],
        json!([{"field": "name", "code": "required", "message": "missing field `name`"}])
    );
}

#[tokio::test]
async fn every_invalid_field_gets_its_own_entry() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "no/slashes", "name": "", "kind": "other", "website": "not a url"}),
        )
        .await;

    let body = problem(response, 422, "validation_failed").await;
    let errors = body["errors"].as_array().unwrap();
    let pairs: Vec<(String, String)> = errors
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [("code", "format"), ("name", "blank"), ("website", "url")]
            .map(|(f, c)| (f.to_string(), c.to_string()))
    );
    assert!(errors
        .iter()
        .all(|e| !e["message"].as_str().unwrap().is_empty()));
}

#[tokio::test]
async fn a_wrong_json_type_is_named() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/organisations",
            &json!({"code": 42, "name": "X", "kind": "other"}),
        )
        .await;
    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "code");
    assert_eq!(body["errors"][0]["code"], "invalid_type");

    let response = app
        .post("/api/v1/organisations", &json!(["not", "an", "object"]))
        .await;
    problem(response, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_bad_page_size_or_cursor_answers_400() {
    let app = spawn_app().await;

    for limit in ["0", "201", "-1", "many"] {
        let response = app
            .get(&format!("/api/v1/organisations?limit={limit}"))
            .await;
        problem(response, 400, "invalid_query").await;
    }
    let body = problem(
        app.get("/api/v1/owners?cursor=forged").await,
        400,
        "invalid_cursor",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "cursor");
    assert_eq!(app.get("/api/v1/owners?limit=200").await.status(), 200);
}

/// PostgreSQL cannot store NUL in text; both backends refuse it where it comes
/// in, the same way, and store nothing.
#[tokio::test]
async fn the_nul_character_is_refused_in_bodies_paths_queries_and_tokens() {
    let app = spawn_app().await;
    let before = app
        .get("/api/v1/organisations")
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();

    let refused = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "NUL", "name": "a\u{0}b", "kind": "other", "website": "\u{0}"}),
        )
        .await;
    let body = problem(refused, 422, "validation_failed").await;
    let mut named = crate::helpers::fields(&body);
    named.sort();
    assert_eq!(named, ["name", "website"], "{body}");
    assert_eq!(body["errors"][0]["code"], "invalid_character");

    // A key holding NUL is named with U+FFFD in its place: answers hold no NUL.
    let refused = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "NUL", "name": "n", "kind": "other", "we\u{0}b": 1}),
        )
        .await;
    let body = problem(refused, 422, "validation_failed").await;
    assert_eq!(crate::helpers::fields(&body), ["we\u{FFFD}b"], "{body}");

    let batch = app
        .post(
            "/api/v1/reading-batches",
            &json!({"items": [{"measure_id": "m", "period": "2024/25\u{0}", "value": 1}]}),
        )
        .await;
    let body = problem(batch, 422, "validation_failed").await;
    assert_eq!(crate::helpers::fields(&body), ["items[0].period"]);

    problem(
        app.get("/api/v1/plans?ref=a%00b").await,
        400,
        "invalid_query",
    )
    .await;
    problem(app.get("/api/v1/plans/a%00b").await, 404, "route_not_found").await;
    problem(
        app.get("/api/v1/plans/a%00b/versions/1").await,
        404,
        "route_not_found",
    )
    .await;

    let token = crate::helpers::token(&app.auth, "sys\u{0}tem", waymark::auth::Role::Admin, None);
    let response = crate::helpers::token_client(&token)
        .get(app.url("/api/v1/organisations"))
        .send()
        .await
        .unwrap();
    problem(response, 401, "invalid_token").await;

    let after = app
        .get("/api/v1/organisations")
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(before["items"], after["items"], "nothing was stored");
}

#[tokio::test]
async fn a_query_parameter_the_operation_does_not_take_answers_400_naming_it() {
    let app = spawn_app().await;
    for (path, name) in [
        ("/api/v1/actions?brg=red", "brg"),
        ("/api/v1/changes?from=2026-11-01T00:00:00Z", "from"),
        ("/api/v1/organisations?limit=5&colour=blue", "colour"),
        ("/healthz?verbose=1", "verbose"),
    ] {
        let body = problem(app.get(path).await, 400, "invalid_query").await;
        assert_eq!(body["errors"][0]["field"], name, "{path}: {body}");
        assert_eq!(body["errors"][0]["code"], "unknown_parameter", "{path}");
        assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{path}");
    }
    let body = problem(
        app.get("/api/v1/actions?brg=red").await,
        400,
        "invalid_query",
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("body_id, brag, cursor, due_after"),
        "the message lists what the operation takes: {body}"
    );
    assert_eq!(
        app.get("/api/v1/actions?brag=red&limit=5").await.status(),
        200
    );
}

#[tokio::test]
async fn an_enum_filter_outside_its_values_answers_400_listing_them() {
    let app = spawn_app().await;
    let body = problem(
        app.get("/api/v1/changes?resource_type=actions").await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "resource_type");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("\"actions\""), "{message}");
    assert!(
        message.contains("action, governance_body, highlight_report, measure"),
        "{message}"
    );
    let body = problem(
        app.get("/api/v1/actions?brag=purple").await,
        400,
        "invalid_query",
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("amber, blue, green, grey, red"),
        "{body}"
    );
    assert_eq!(
        app.get("/api/v1/changes?resource_type=action")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_missing_token_is_refused_before_the_query_is_judged() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/plans?ref=a%00b",
        "/api/v1/actions?brg=red",
        "/api/v1/changes?resource_type=actions",
        "/api/v1/actions?limit=0",
    ] {
        let response = app.anonymous.get(app.url(path)).send().await.unwrap();
        problem(response, 401, "missing_token").await;
    }
    let viewer = app.client_as(waymark::auth::Role::Viewer, None);
    let refused = viewer
        .post(app.url("/api/v1/organisations?x=%00"))
        .json(&json!({"code": "X", "name": "X", "kind": "other"}))
        .send()
        .await
        .unwrap();
    problem(refused, 403, "insufficient_role").await;
}

#[tokio::test]
async fn integral_numbers_written_with_a_fraction_are_integers() {
    let app = spawn_app().await;
    let plan = app
        .create(
            "/api/v1/plans",
            &json!({"ref": "P", "title": "Plan", "kind": "strategy"}),
        )
        .await;
    let risks = format!("/api/v1/plans/{}/risks", plan["id"].as_str().unwrap());
    let made = app
        .post(
            &risks,
            &json!({"ref": "R1", "title": "Capacity", "likelihood": 3.0, "impact": 4.0}),
        )
        .await;
    assert_eq!(made.status(), 201);
    let made: serde_json::Value = made.json().await.unwrap();
    assert_eq!(
        (made["likelihood"].clone(), made["impact"].clone()),
        (json!(3), json!(4))
    );
    let body = problem(
        app.post(
            &risks,
            &json!({"ref": "R2", "title": "Capacity", "likelihood": 3.5, "impact": 4}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "likelihood");
    let path = format!("/api/v1/risks/{}", made["id"].as_str().unwrap());
    let patched = app.patch(&path, &json!({"impact": 5.0})).await;
    assert_eq!(patched.status(), 200);
}

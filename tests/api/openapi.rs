use serde_json::{json, Value};

use crate::helpers::spawn_app;

const COMMITTED: &str = include_str!("../../openapi/v1.json");

#[tokio::test]
async fn the_served_spec_is_the_committed_openapi_v1_json() {
    let app = spawn_app().await;

    let served: Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();

    let committed: Value = serde_json::from_str(COMMITTED).expect("openapi/v1.json is JSON");
    assert!(
        served == committed,
        "openapi/v1.json is stale: run `cargo run -- openapi > openapi/v1.json` and commit it"
    );
}

#[tokio::test]
async fn every_operation_in_the_spec_is_routed() {
    let app = spawn_app().await;
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let mut operations = 0;

    for (path, item) in spec["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{id}", "01a20000-0000-7000-8000-000000000000")
            .replace("{version}", "1");
        for method in item.as_object().unwrap().keys() {
            let request = app
                .client
                .request(method.to_uppercase().parse().unwrap(), app.url(&concrete))
                .header("Content-Type", "application/json")
                .body(json!({}).to_string());
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let code = response
                .json::<Value>()
                .await
                .ok()
                .and_then(|b| b["code"].as_str().map(String::from));
            assert_ne!(status, 405, "{method} {path}");
            assert_ne!(code.as_deref(), Some("route_not_found"), "{method} {path}");
            operations += 1;
        }
    }
    assert!(operations >= 15, "found {operations} operations");
}

#[test]
fn every_operation_has_an_id_a_summary_a_tag_and_documented_errors() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let mut ids = std::collections::HashSet::new();

    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has an operationId"));
            assert!(ids.insert(id.to_string()), "operationId {id} is unique");
            let (resource, verb) = id
                .split_once('_')
                .expect("operationId is <resource>_<verb>");
            assert!(!resource.is_empty() && !verb.is_empty());
            assert!(op["summary"].is_string(), "{id} has a summary");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id} has a tag"
            );
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"]["schema"]["$ref"]
                            == "#/components/schemas/Problem",
                        "{id} {status} is a Problem"
                    );
                }
            }
        }
    }
    assert!(spec["components"]["securitySchemes"]["bearer_auth"]["scheme"] == "bearer");
}

#[tokio::test]
async fn enums_in_the_spec_are_the_values_on_the_wire() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut enums = 0;
    for (name, schema) in schemas {
        let Some(values) = schema["enum"].as_array() else {
            continue;
        };
        enums += 1;
        for value in values {
            let text = value.as_str().unwrap();
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name} lists {text:?}, not a value the API sends"
            );
        }
    }
    assert!(enums >= 18, "{enums} enums");
    assert_eq!(
        schemas["Brag"]["enum"],
        json!(["blue", "red", "amber", "green", "grey"])
    );
    let app = spawn_app().await;
    let org = app.organisation("CNWL", "nhs_trust").await;
    let kinds = schemas["OrganisationKind"]["enum"].as_array().unwrap();
    assert!(
        kinds.contains(&org["kind"]),
        "{} is not in the spec",
        org["kind"]
    );
}

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

fn operations(spec: &Value) -> impl Iterator<Item = (&String, &String, &Value)> {
    spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .map(move |(method, op)| (path, method, op))
        })
}

/// The codes a response documents: its one example's, or each of its examples'.
fn codes(response: &Value) -> Vec<String> {
    let content = &response["content"]["application/problem+json"];
    match content["examples"].as_object() {
        Some(examples) => examples.keys().cloned().collect(),
        None => vec![content["example"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()],
    }
}

#[test]
fn parameters_document_the_errors_they_can_cause() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let mut checked = [0; 4];
    for (path, method, op) in operations(&spec) {
        let id = op["operationId"].as_str().unwrap();
        let responses = &op["responses"];
        for parameter in op["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            match (parameter["in"].as_str().unwrap(), name) {
                ("header", _) => assert!(
                    parameter["schema"]["type"] == "string"
                        || parameter["schema"]["type"] == "boolean",
                    "{id}: header {name} is a plain type, not nullable: {}",
                    parameter["schema"]
                ),
                ("query", _) => {
                    assert!(
                        codes(&responses["400"]).contains(&"invalid_query".into()),
                        "{id} ({method} {path}): 400 invalid_query"
                    );
                    checked[0] += 1;
                }
                ("path", _) if parameter["schema"]["type"] == "integer" => {
                    assert!(
                        codes(&responses["400"]).contains(&"invalid_path".into()),
                        "{id}: 400 invalid_path"
                    );
                    checked[1] += 1;
                }
                _ => {}
            }
            if name == "If-Match" {
                assert!(
                    codes(&responses["412"]).contains(&"version_mismatch".into()),
                    "{id}: 412"
                );
                checked[2] += 1;
            }
            if name == "Idempotency-Key" {
                assert!(
                    codes(&responses["400"]).contains(&"invalid_idempotency_key".into()),
                    "{id}"
                );
                assert!(
                    codes(&responses["422"]).contains(&"idempotency_key_reused".into()),
                    "{id}"
                );
                let success = responses
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(s, _)| s.starts_with('2'));
                assert!(
                    success.is_some_and(|(_, r)| r["headers"]["Idempotent-Replayed"].is_object()),
                    "{id}: its success answer names Idempotent-Replayed"
                );
                checked[3] += 1;
            }
        }
    }
    assert!(checked.iter().all(|n| *n >= 10), "checked {checked:?}");
}

#[test]
fn pages_name_their_item_schema() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let pages: Vec<_> = schemas
        .keys()
        .filter(|k| k.starts_with("Paginated_"))
        .collect();
    assert!(pages.len() >= 13, "{pages:?}");
    for name in pages {
        let item = name.trim_start_matches("Paginated_");
        assert_eq!(
            schemas[name]["properties"]["items"]["items"]["$ref"],
            json!(format!("#/components/schemas/{item}")),
            "{name}"
        );
        assert_eq!(
            schemas[name]["example"]["items"][0], schemas[item]["example"],
            "{name} has an example: a page of {item}'s"
        );
    }
}

/// Every link names an operation that exists and only parameters it takes.
#[test]
fn links_name_real_operations_and_their_parameters() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let by_id: std::collections::HashMap<&str, &Value> = operations(&spec)
        .map(|(_, _, op)| (op["operationId"].as_str().unwrap(), op))
        .collect();
    let mut links = 0;
    for (_, _, op) in operations(&spec) {
        for response in op["responses"].as_object().unwrap().values() {
            for link in response["links"]
                .as_object()
                .into_iter()
                .flat_map(|l| l.values())
            {
                let target = link["operationId"]
                    .as_str()
                    .expect("operationId, camel case");
                let target_op = by_id
                    .get(target)
                    .unwrap_or_else(|| panic!("{target} exists"));
                for name in link["parameters"].as_object().unwrap().keys() {
                    let (place, name) = name.split_once('.').unwrap();
                    assert!(
                        target_op["parameters"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|p| p["in"] == place && p["name"] == name),
                        "{target} takes {place} {name}"
                    );
                }
                links += 1;
            }
        }
    }
    assert!(links > 200, "{links} links");
}

/// A client that follows the create answer's `plan_update` link, filling its
/// parameters from that answer as the link says, changes the plan it created.
#[tokio::test]
async fn following_a_link_from_a_created_plan_updates_it() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let link = &spec["paths"]["/api/v1/plans"]["post"]["responses"]["201"]["links"]["plan_update"];
    assert_eq!(link["parameters"]["path.id"], "$response.body#/id");
    assert_eq!(
        link["parameters"]["header.If-Match"],
        "$response.header.ETag"
    );
    let app = spawn_app().await;
    let created = app
        .post(
            "/api/v1/plans",
            &json!({"ref": "LINKS-1", "title": "Links", "kind": "action_plan"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let etag = created.headers()["etag"].to_str().unwrap().to_string();
    let body: Value = created.json().await.unwrap();
    let id = body["id"].as_str().unwrap();

    let updated = app
        .patch_if(
            &format!("/api/v1/plans/{id}"),
            &json!({"title": "Links followed"}),
            Some(&etag),
        )
        .await;

    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["title"], "Links followed");
    assert_eq!(updated["version"], 2);
}

/// Swagger UI's "Try it out" fills each parameter with its example: an optional
/// filter's example would make a person's first call answer an empty page, and
/// an `Idempotency-Key` example would make their second POST a reused key.
#[test]
fn optional_parameters_have_no_example_but_their_default() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let mut optional = 0;
    for (_, _, op) in operations(&spec) {
        for parameter in op["parameters"].as_array().into_iter().flatten() {
            if parameter["required"] == true {
                continue;
            }
            optional += 1;
            if let Some(example) = parameter.get("example") {
                assert_eq!(
                    Some(example),
                    parameter["schema"].get("default"),
                    "{}: {} has an example that is not its default",
                    op["operationId"],
                    parameter["name"]
                );
            }
        }
    }
    assert!(optional > 100, "{optional} optional parameters");
}

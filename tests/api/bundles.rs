//! Plan bundles: import, export and the round trip between them, for the five
//! plans the binary carries; a bad bundle named element by element and leaving
//! no trace; importing again changing only what changed; who may import.

use reqwest::Response;
use serde_json::{json, Value};
use waymark::{auth::Role, seed::PLANS};

use crate::helpers::{fields, problem, spawn_app, spawn_app_with, TestApp};

const IMPORT: &str = "/api/v1/plan-bundles";

fn plan_text(name: &str) -> Value {
    let (_, text) = PLANS
        .iter()
        .find(|(file, _)| *file == name)
        .unwrap_or_else(|| panic!("no embedded plan {name}"));
    serde_json::from_str(text).expect("a JSON bundle")
}

fn send_plan() -> Value {
    plan_text("send-inspection-action-plan.json")
}

async fn json_of(response: Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(code, status, "{body}");
    body
}

async fn export(app: &TestApp, plan_id: &Value) -> Value {
    let path = format!("/api/v1/plans/{}/bundle", plan_id.as_str().unwrap());
    json_of(app.get(&path).await, 200).await
}

/// Where two JSON documents first differ, as a path with both values.
fn difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let (l, r) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                difference(l, r, &format!("{path}.{k}"))
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| difference(l, r, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: exported {a}, imported {b}")),
    }
}

fn zero(counts: &Value) -> bool {
    counts["created"] == 0 && counts["updated"] == 0 && counts["deleted"] == 0
}

const KINDS: [&str; 10] = [
    "organisations",
    "owners",
    "governance_bodies",
    "plan",
    "priorities",
    "outcomes",
    "actions",
    "measures",
    "readings",
    "risks",
];

#[tokio::test]
async fn every_embedded_plan_comes_back_from_a_round_trip_as_it_went_in() {
    let app = spawn_app().await;
    for (name, _) in PLANS {
        let bundle = plan_text(name);
        let report = json_of(app.post(IMPORT, &bundle).await, 201).await;
        assert_eq!(report["plan_ref"], bundle["plan"]["ref"], "{name}");
        assert_eq!(report["plan"]["created"], 1, "{name}");
        let exported = export(&app, &report["plan_id"]).await;
        assert_eq!(difference(&exported, &bundle, ""), None, "{name}");
    }

    // A second import of each finds everything as it is and writes nothing.
    let seq = app.last_seq().await;
    for (name, _) in PLANS {
        let report = json_of(app.post(IMPORT, &plan_text(name)).await, 200).await;
        for kind in KINDS {
            assert!(zero(&report[kind]), "{name} {kind}: {}", report[kind]);
        }
        assert_eq!(report["plan_version"], 1, "{name}");
    }
    assert_eq!(app.last_seq().await, seq, "no version was written");
}

#[tokio::test]
async fn importing_again_writes_new_versions_only_for_what_changed() {
    let app = spawn_app().await;
    let mut bundle = send_plan();
    let first = json_of(app.post(IMPORT, &bundle).await, 201).await;
    let plan_id = first["plan_id"].clone();
    assert_eq!(first["actions"]["created"], 71);

    // Afl3.3: action 7 turns green, action 6 leaves the plan, action 8 joins it.
    let outcome = &mut bundle["priorities"][2]["outcomes"][2];
    assert_eq!(outcome["ref"], "Afl3.3");
    let actions = outcome["actions"].as_array_mut().unwrap();
    assert_eq!(actions[6]["ref"], "Afl3.3/7");
    actions[6]["brag"] = json!("green");
    let removed = actions.remove(5);
    assert_eq!(removed["ref"], "Afl3.3/6");
    actions.push(json!({
        "ref": "Afl3.3/8", "description": "Report the waiting list quarterly",
        "leads": ["CAMHS Transformation lead"], "start": "Jan 2026", "due": "Termly from Jan 2026",
        "brag": "grey"
    }));
    let find = |r: &str| {
        format!(
            "/api/v1/actions?plan_id={}&ref={r}",
            plan_id.as_str().unwrap()
        )
    };
    let before = json_of(app.get(&find("Afl3.3/6")).await, 200).await;
    let removed_id = before["items"][0]["id"].as_str().unwrap().to_string();
    let seq = app.last_seq().await;
    let second = json_of(app.post(IMPORT, &bundle).await, 200).await;
    assert_eq!(second["plan_id"], plan_id);
    assert_eq!(
        second["actions"],
        json!({"created": 1, "updated": 1, "unchanged": 69, "deleted": 1})
    );
    for kind in KINDS.iter().filter(|k| **k != "actions") {
        assert!(zero(&second[*kind]), "{kind}: {}", second[*kind]);
    }
    // Three versions: the update, the new action and the deletion's tombstone.
    assert_eq!(app.last_seq().await, seq + 3);

    let changed = json_of(app.get(&find("Afl3.3/7")).await, 200).await;
    assert_eq!(changed["items"][0]["brag"], "green");
    assert_eq!(changed["items"][0]["version"], 2);
    let untouched = json_of(app.get(&find("Afl3.3/1")).await, 200).await;
    assert_eq!(untouched["items"][0]["version"], 1);
    let gone = json_of(app.get(&find("Afl3.3/6")).await, 200).await;
    assert_eq!(gone["items"], json!([]));
    assert_eq!(
        app.get(&format!("/api/v1/actions/{removed_id}"))
            .await
            .status(),
        410,
        "the removed action is a tombstone with its history"
    );
    let new = json_of(app.get(&find("Afl3.3/8")).await, 200).await;
    assert_eq!(
        new["items"][0]["position"], 7,
        "placed where the bundle has it"
    );

    let exported = export(&app, &plan_id).await;
    assert_eq!(
        difference(&exported, &bundle, ""),
        None,
        "the export is the new bundle"
    );
}

/// New actions are stored all at once, before the changed ones: a changed
/// action may be monitored in a new one, and each new action's first revision
/// is the action as it is read.
#[tokio::test]
async fn a_changed_action_can_be_monitored_in_one_the_same_import_adds() {
    let app = spawn_app().await;
    let mut bundle = send_plan();
    let first = json_of(app.post(IMPORT, &bundle).await, 201).await;
    let plan_id = first["plan_id"].as_str().unwrap().to_string();

    let actions = bundle["priorities"][2]["outcomes"][2]["actions"]
        .as_array_mut()
        .unwrap();
    assert_eq!(actions[6]["ref"], "Afl3.3/7");
    actions[6]["monitored_in"] = json!("Afl3.3/9");
    actions.push(json!({
        "ref": "Afl3.3/8", "description": "Report the waiting list quarterly",
        "leads": ["CAMHS Transformation lead", "SEND Lead"], "due": "TBD", "brag": "grey",
        "monitored_in": "Afl3.3/9"
    }));
    actions.push(json!({
        "ref": "Afl3.3/9", "description": "Publish the waiting list",
        "leads": ["SEND Lead"], "brag": "amber",
        "external_refs": [{"system": "camhs-tracker", "id": "WL-9"}]
    }));
    let second = json_of(app.post(IMPORT, &bundle).await, 200).await;
    assert_eq!(
        second["actions"],
        json!({"created": 2, "updated": 1, "unchanged": 70, "deleted": 0})
    );

    let find = |r: &str| format!("/api/v1/actions?plan_id={plan_id}&ref={r}");
    let changed = json_of(app.get(&find("Afl3.3/7")).await, 200).await;
    assert_eq!(changed["items"][0]["monitored_in"]["ref"], "Afl3.3/9");
    for r in ["Afl3.3/8", "Afl3.3/9"] {
        let listed = json_of(app.get(&find(r)).await, 200).await;
        let id = listed["items"][0]["id"].as_str().unwrap().to_string();
        let read = json_of(app.get(&format!("/api/v1/actions/{id}")).await, 200).await;
        let first = json_of(
            app.get(&format!("/api/v1/actions/{id}/versions/1")).await,
            200,
        )
        .await;
        assert_eq!(
            first["snapshot"], read,
            "{r}: its first revision is as read"
        );
    }
    let added = json_of(app.get(&find("Afl3.3/8")).await, 200).await;
    let leads: Vec<&str> = added["items"][0]["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        leads,
        ["CAMHS Transformation lead", "SEND Lead"],
        "in order"
    );
    assert_eq!(added["items"][0]["monitored_in"]["ref"], "Afl3.3/9");
    let by_external = json_of(
        app.get("/api/v1/actions?external_ref=camhs-tracker:WL-9")
            .await,
        200,
    )
    .await;
    assert_eq!(by_external["items"][0]["ref"], "Afl3.3/9");

    let exported = export(&app, &json!(plan_id)).await;
    assert_eq!(difference(&exported, &bundle, ""), None);
}

#[tokio::test]
async fn a_bad_bundle_is_refused_whole_with_every_bad_element_named() {
    let app = spawn_app().await;
    let mut bundle = send_plan();
    bundle["format"] = json!("waymark.plan-bundle/9");
    let p3 = &mut bundle["priorities"][2];
    p3["outcomes"][0]["actions"][1]["due"] = json!("x".repeat(201));
    p3["outcomes"][0]["actions"][2]["brag"] = json!("purple");
    p3["outcomes"][1]["ref"] = json!("Afl3.1");
    p3["outcomes"][2]["leads"] = json!(["Nobody in particular"]);
    p3["outcomes"][2]["actions"][0]["monitored_in"] = json!("Afl9.9");
    p3["outcomes"][2]["actions"][5]["due"] = json!(42);
    bundle["measures"][0]["priority"] = json!("Afl7");
    bundle["owners"][0]["organisation"] = json!("NOWHERE");
    bundle["plan"]["period"] = json!({"start": "2025-01-01", "end": "2024-01-01"});
    let seq = app.last_seq().await;

    let body = problem(app.post(IMPORT, &bundle).await, 422, "validation_failed").await;
    let mut named = fields(&body);
    named.sort();
    let mut expected = vec![
        "format",
        "measures[0].priority",
        "owners[0].organisation",
        "plan.period.end",
        "priorities[2].outcomes[0].actions[1].due",
        "priorities[2].outcomes[0].actions[2].brag",
        "priorities[2].outcomes[1].ref",
        "priorities[2].outcomes[2].actions[0].monitored_in",
        "priorities[2].outcomes[2].leads[0]",
        "priorities[2].outcomes[2].actions[5].due",
    ];
    expected.sort();
    assert_eq!(named, expected, "{body}");

    assert_eq!(app.last_seq().await, seq, "nothing was written");
    let plans = json_of(app.get("/api/v1/plans").await, 200).await;
    assert_eq!(plans["items"], json!([]));
}

#[tokio::test]
async fn a_bundle_that_fails_while_stored_leaves_nothing_behind() {
    let app = spawn_app().await;
    let mut bundle = send_plan();
    // Only the store knows this measure is qualitative and the reading lacks text.
    let measure = bundle["measures"]
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["kind"] == "qualitative")
        .expect("a qualitative measure");
    bundle["measures"][measure]["readings"] =
        json!([{"period": "2025", "cohort": "All", "value": 1.0, "status": "final"}]);

    let body = problem(app.post(IMPORT, &bundle).await, 422, "validation_failed").await;
    assert_eq!(
        fields(&body),
        vec![format!("measures[{measure}].readings[0].text_value")]
    );
    assert_eq!(
        app.last_seq().await,
        0,
        "not even the organisations were kept"
    );
    let organisations = json_of(app.get("/api/v1/organisations").await, 200).await;
    assert_eq!(organisations["items"], json!([]));
}

#[tokio::test]
async fn editors_import_plans_their_organisation_partners_and_only_admins_add_reference_data() {
    let app = spawn_app().await;
    let bundle = send_plan();
    let editor = app.client_as(Role::Editor, Some("CNWL"));

    // The reference data does not exist yet: the editor may not create it.
    let refused = app.post_as(&editor, IMPORT, &bundle).await;
    let body = problem(refused, 403, "insufficient_role").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("organisations[0]"),
        "{body}"
    );
    assert_eq!(app.last_seq().await, 0);

    // Once it exists, a CNWL editor imports the plan CNWL partners.
    let mut reference = bundle.clone();
    reference["plan"]["ref"] = json!("REFERENCE-DATA");
    reference["plan"]["title"] = json!("Carrier of the reference data");
    json_of(app.post(IMPORT, &reference).await, 201).await;
    let report = json_of(app.post_as(&editor, IMPORT, &bundle).await, 201).await;
    assert_eq!(report["organisations"]["unchanged"], 4);
    assert_eq!(report["organisations"]["created"], 0);
    let history = json_of(
        app.get(&format!(
            "/api/v1/plans/{}/versions",
            report["plan_id"].as_str().unwrap()
        ))
        .await,
        200,
    )
    .await;
    assert_eq!(history["items"][0]["actor_organisation"], "CNWL");

    // An editor of an organisation outside the plan may not change it.
    let outsider = app.client_as(Role::Editor, Some("FOREIGN"));
    app.post(
        "/api/v1/organisations",
        &json!({"code": "FOREIGN", "name": "Foreign", "kind": "other"}),
    )
    .await;
    let refused = app.post_as(&outsider, IMPORT, &bundle).await;
    problem(refused, 403, "outside_organisation").await;
}

#[tokio::test]
async fn a_body_that_is_not_a_bundle_is_refused() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!([1, 2]), ""),
        (json!({"format": "waymark.plan-bundle/1"}), "plan"),
        (
            json!({"format": "waymark.plan-bundle/1", "plan": {}, "priorities": {}}),
            "priorities",
        ),
    ] {
        let answer = problem(app.post(IMPORT, &body).await, 422, "validation_failed").await;
        assert!(
            fields(&answer).contains(&field.to_string()),
            "{body}: {answer}"
        );
    }
    let missing = app
        .get("/api/v1/plans/019ab3c4-0000-7000-8000-000000000000/bundle")
        .await;
    problem(missing, 404, "not_found").await;
}

#[tokio::test]
async fn a_bundle_over_the_entry_limit_is_refused_whole() {
    let app = spawn_app_with(&[("WAYMARK_BUNDLE_MAX_ENTRIES", "100")]).await;
    let refused = app.post(IMPORT, &send_plan()).await;
    let body = problem(refused, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "too_many_entries");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("at most 100 entries"), "{message}");
    assert_eq!(app.last_seq().await, 0, "nothing was stored");
    let smaller = plan_text("early-help-offer.json");
    assert_eq!(app.post(IMPORT, &smaller).await.status(), 201);
}

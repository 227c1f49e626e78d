//! A plan as it stood: `include=tree&as_of=…` returns everything in the plan in
//! the version it had at that instant, built from the revision history.

use std::time::Duration;

use serde_json::{json, Value};
use waymark::auth::Role;

use crate::{demo::Demo, helpers::problem};

const SEND: &str = "SEND-LAIAP-2025";

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn tree_at(demo: &Demo, plan: &str, at: &str) -> Value {
    demo.json(&format!("/api/v1/plans/{plan}?include=tree&as_of={at}"))
        .await
}

/// Every action of a tree, by ref.
fn actions(tree: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for priority in tree["priorities"].as_array().unwrap() {
        let under = priority["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o["actions"].as_array().unwrap());
        for action in under.chain(priority["actions"].as_array().unwrap()) {
            found.push((action["ref"].as_str().unwrap().to_string(), action.clone()));
        }
    }
    found
}

fn brag_of(tree: &Value, action: &str) -> Value {
    actions(tree)
        .into_iter()
        .find(|(r, _)| r == action)
        .map(|(_, a)| a["brag"].clone())
        .unwrap_or_else(|| panic!("{action} is in the tree"))
}

/// Three writes to the SEND plan: CNWL reports Afl3.3/7 red with `narrative`,
/// Afl3.3/99 is added beside it, Afl3.3/6 is deleted. Returns Afl3.3/7 and
/// Afl3.3/6 as they were before.
pub async fn report_add_and_delete(demo: &Demo, plan: &str, narrative: &str) -> (Value, Value) {
    let app = &demo.app;
    let action = demo.action(SEND, "Afl3.3/7").await;
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let path = format!(
        "/api/v1/actions/{}/status-updates",
        action["id"].as_str().unwrap()
    );
    let report = app
        .post_as(
            &cnwl,
            &path,
            &json!({"brag": "red", "narrative": narrative}),
        )
        .await;
    assert_eq!(report.status(), 201);
    let added = app
        .post(
            &format!("/api/v1/plans/{plan}/actions"),
            &json!({"outcome_id": action["outcome_id"], "ref": "Afl3.3/99", "description": "Added later"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    let doomed = demo.action(SEND, "Afl3.3/6").await;
    let gone = app
        .delete(&format!(
            "/api/v1/actions/{}",
            doomed["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(gone.status(), 204);
    (action, doomed)
}

#[tokio::test]
async fn the_tree_as_of_an_instant_is_the_tree_that_was_read_then() {
    let demo = Demo::start().await;
    let plan = demo.plan_id(SEND).await;
    let live_before = demo
        .json(&format!("/api/v1/plans/{plan}?include=tree"))
        .await;
    let before = now();
    tokio::time::sleep(Duration::from_millis(20)).await;

    report_add_and_delete(&demo, &plan, "Paused.").await;
    let live_after = demo
        .json(&format!("/api/v1/plans/{plan}?include=tree"))
        .await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let after = now();

    let then = tree_at(&demo, &plan, &before).await;
    assert_eq!(then["id"], plan.as_str());
    assert_eq!(
        then["tree"]["priorities"], live_before["tree"]["priorities"],
        "every priority, outcome and action as read before the changes"
    );
    assert_eq!(then["tree"]["risks"], live_before["tree"]["risks"]);
    let measure_ids = |t: &Value| -> Vec<Value> {
        t["tree"]["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].clone())
            .collect()
    };
    assert_eq!(measure_ids(&then), measure_ids(&live_before));
    assert_eq!(brag_of(&then["tree"], "Afl3.3/7"), "amber");
    assert_eq!(brag_of(&then["tree"], "Afl3.3/6"), "grey");

    let later = tree_at(&demo, &plan, &after).await;
    assert_eq!(
        later["tree"]["priorities"],
        live_after["tree"]["priorities"]
    );
    assert_eq!(brag_of(&later["tree"], "Afl3.3/7"), "red");
    let refs: Vec<String> = actions(&later["tree"])
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert!(refs.contains(&"Afl3.3/99".to_string()));
    assert!(!refs.contains(&"Afl3.3/6".to_string()), "deleted by then");
    assert_eq!(
        refs.len(),
        actions(&then["tree"]).len(),
        "one added, one deleted"
    );
}

#[tokio::test]
async fn before_a_plan_existed_is_404_after_its_deletion_410_and_anonymous_callers_401() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(SEND).await;
    problem(
        app.get(&format!(
            "/api/v1/plans/{plan}?include=tree&as_of=2000-01-01T00:00:00Z"
        ))
        .await,
        404,
        "not_found",
    )
    .await;

    let created = app
        .post(
            "/api/v1/plans",
            &json!({"ref": "SHORT-LIVED", "title": "Short-lived plan", "kind": "strategy"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let short: Value = created.json().await.unwrap();
    let id = short["id"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let while_there = now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        app.delete(&format!("/api/v1/plans/{id}")).await.status(),
        204
    );
    let then = tree_at(&demo, id, &while_there).await;
    assert_eq!(then["ref"], "SHORT-LIVED");
    assert_eq!(
        then["tree"],
        json!({"priorities": [], "measures": [], "risks": []})
    );
    problem(
        app.get(&format!(
            "/api/v1/plans/{id}?include=tree&as_of={}",
            now().replace('+', "%2B")
        ))
        .await,
        410,
        "gone",
    )
    .await;

    let open = crate::helpers::spawn_app_with(&[
        ("WAYMARK_DEMO_PLANS", "true"),
        ("WAYMARK_PUBLIC_READ", "true"),
    ])
    .await;
    let plans: Value = open.get("/api/v1/plans").await.json().await.unwrap();
    let public = plans["items"][0]["id"].as_str().unwrap().to_string();
    let asked = open
        .anonymous
        .get(open.url(&format!(
            "/api/v1/plans/{public}?include=tree&as_of={}",
            now()
        )))
        .send()
        .await
        .unwrap();
    problem(asked, 401, "missing_token").await;
}

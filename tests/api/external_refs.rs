//! Partner systems' own ids on plans, actions, measures and owners: carried by
//! the resource, unique within each system, and usable to find it.

use serde_json::{json, Value};

use crate::{
    demo::{enc, Demo},
    helpers::{fields, problem},
};

const SEND: &str = "SEND-LAIAP-2025";

async fn patched(demo: &Demo, path: &str, body: Value) -> Value {
    let response = demo.app.patch(path, &body).await;
    assert_eq!(response.status(), 200, "PATCH {path} {body}");
    response.json().await.unwrap()
}

async fn found(demo: &Demo, collection: &str, reference: &str) -> Vec<Value> {
    demo.all(&format!(
        "/api/v1/{collection}?external_ref={}",
        enc(reference)
    ))
    .await
}

#[tokio::test]
async fn each_kind_carries_partner_ids_and_is_found_by_them() {
    let demo = Demo::start().await;
    let action = demo.action(SEND, "Afl3.3/7").await;
    let measure = demo.measure(SEND, "Afl3-M1").await;
    let plan = demo.plan(SEND).await;
    let owner = demo.owner(&action["lead_ids"][0]).await;
    let cases = [
        (
            "actions",
            &action,
            json!([{"system": "cnwl-rio", "id": "ACT-0042"}, {"system": "blmk-pmo", "id": "7"}]),
        ),
        (
            "measures",
            &measure,
            json!([{"system": "cnwl-rio", "id": "KPI-WAIT"}]),
        ),
        (
            "plans",
            &plan,
            json!([{"system": "mkcc-pmo", "id": "PLAN-0007"}]),
        ),
        (
            "owners",
            &owner,
            json!([{"system": "cnwl-esr", "id": "POST-1187"}]),
        ),
    ];
    for (collection, item, refs) in cases {
        let path = format!("/api/v1/{collection}/{}", item["id"].as_str().unwrap());
        let stored = patched(&demo, &path, json!({"external_refs": refs})).await;
        assert_eq!(stored["external_refs"], refs, "{collection}");
        let first = format!(
            "{}:{}",
            refs[0]["system"].as_str().unwrap(),
            refs[0]["id"].as_str().unwrap()
        );
        let hits = found(&demo, collection, &first).await;
        assert_eq!(hits.len(), 1, "{collection} by {first}");
        assert_eq!(hits[0]["id"], item["id"]);
        assert!(found(&demo, collection, "cnwl-rio:nothing-here")
            .await
            .is_empty());
        assert!(found(&demo, collection, "no-colon").await.is_empty());
    }
    // The same id in another system, or for another kind, is another thing.
    let other = demo.action(SEND, "Afl3.3/6").await;
    let other_path = format!("/api/v1/actions/{}", other["id"].as_str().unwrap());
    patched(
        &demo,
        &other_path,
        json!({"external_refs": [{"system": "other-system", "id": "ACT-0042"}]}),
    )
    .await;
    assert_eq!(
        found(&demo, "actions", "cnwl-rio:ACT-0042").await[0]["id"],
        action["id"]
    );

    // A bundle carries them too.
    let bundle = demo
        .json(&format!(
            "/api/v1/plans/{}/bundle",
            plan["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        bundle["plan"]["external_refs"],
        json!([{"system": "mkcc-pmo", "id": "PLAN-0007"}])
    );
    assert_eq!(
        bundle["priorities"][2]["outcomes"][2]["actions"][6]["external_refs"][0],
        json!({"system": "cnwl-rio", "id": "ACT-0042"})
    );
}

#[tokio::test]
async fn an_id_names_one_resource_of_its_kind_in_its_system() {
    let demo = Demo::start().await;
    let first = demo.action(SEND, "Afl3.3/7").await;
    let second = demo.action(SEND, "Afl3.3/6").await;
    let path = |a: &Value| format!("/api/v1/actions/{}", a["id"].as_str().unwrap());
    let claim = json!({"external_refs": [{"system": "cnwl-rio", "id": "ACT-0042"}]});
    patched(&demo, &path(&first), claim.clone()).await;

    let taken = demo.app.patch(&path(&second), &claim).await;
    let body = problem(taken, 409, "duplicate").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("cnwl-rio:ACT-0042"),
        "{body}"
    );
    assert_eq!(
        demo.action(SEND, "Afl3.3/6").await["version"],
        1,
        "nothing changed"
    );

    // Given up by the first, it can be taken.
    patched(&demo, &path(&first), json!({"external_refs": []})).await;
    patched(&demo, &path(&second), claim).await;
    assert_eq!(
        found(&demo, "actions", "cnwl-rio:ACT-0042").await[0]["id"],
        second["id"]
    );

    let bad = demo
        .app
        .patch(
            &path(&first),
            &json!({"external_refs": [{"system": "has space", "id": "1"}, {"system": "ok", "id": ""}, {"system": "x", "id": "1"}, {"system": "x", "id": "1"}]}),
        )
        .await;
    let body = problem(bad, 422, "validation_failed").await;
    let mut named = fields(&body);
    named.sort();
    assert_eq!(
        named,
        [
            "external_refs[0].system",
            "external_refs[1].id",
            "external_refs[3]"
        ]
    );
}

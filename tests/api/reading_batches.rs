//! Readings in batches: per-item results, atomic or not, updates instead of
//! duplicates, and the same rights as single readings.

use serde_json::{json, Value};
use waymark::auth::Role;

use crate::{
    demo::Demo,
    helpers::{fields, problem},
};

const SEND: &str = "SEND-LAIAP-2025";
const BATCHES: &str = "/api/v1/reading-batches";

async fn id_of(demo: &Demo, measure: &str) -> Value {
    demo.measure(SEND, measure).await["id"].clone()
}

#[tokio::test]
async fn a_mixed_batch_stores_the_good_items_and_answers_each() {
    let demo = Demo::start().await;
    let app = &demo.app;
    // CNWL's team is responsible for Afl3-M1 and Afl3-M2, MKCC SEND for Afl4-M3.
    let (waits, tier3, mkcc) = (
        id_of(&demo, "Afl3-M1").await,
        id_of(&demo, "Afl3-M2").await,
        id_of(&demo, "Afl4-M3").await,
    );
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let batch = json!({"items": [
        {"measure_id": waits, "period": "2025-09", "value": 412.0, "source_system": "CNWL Rio"},
        {"measure_id": waits, "period": "2025-10", "value": "many"},
        {"measure_id": tier3, "period": "2025-10", "cohort": "Tier 3", "value": 18.5, "status": "final"},
        {"measure_id": mkcc, "period": "2025-10", "value": 60.0},
        {"measure_id": "019ab3c4-0000-7000-8000-000000000000", "period": "2025-10", "value": 1.0},
        {"measure_id": waits, "period": "2025-10", "text_value": "no number"}
    ]});
    let answer = app.post_as(&cnwl, BATCHES, &batch).await;
    assert_eq!(answer.status(), 200);
    let result: Value = answer.json().await.unwrap();
    let statuses: Vec<&Value> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(
        statuses,
        [
            &json!(201),
            &json!(422),
            &json!(201),
            &json!(403),
            &json!(404),
            &json!(422)
        ]
    );
    assert_eq!(
        (result["created"].clone(), result["failed"].clone()),
        (json!(2), json!(4))
    );
    assert_eq!(fields(&result["results"][1]["problem"]), ["value"]);
    assert_eq!(
        result["results"][3]["problem"]["code"],
        "outside_organisation"
    );
    assert_eq!(fields(&result["results"][5]["problem"]), ["value"]);

    let stored = demo.readings_of(SEND, "Afl3-M1").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["value"], 412.0);
    assert_eq!(stored[0]["id"], result["results"][0]["id"]);
    assert!(demo.readings_of(SEND, "Afl4-M3").await.is_empty());

    // Sending September again changes nothing; a corrected figure is an update.
    let again = json!({"items": [
        {"measure_id": waits, "period": "2025-09", "value": 412.0, "source_system": "CNWL Rio"},
        {"measure_id": tier3, "period": "2025-10", "cohort": "Tier 3", "value": 17.9, "status": "final"}
    ]});
    let result: Value = app
        .post_as(&cnwl, BATCHES, &again)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        [&result["unchanged"], &result["updated"], &result["created"]],
        [&json!(1), &json!(1), &json!(0)]
    );
    assert_eq!(result["results"][0]["version"], 1);
    assert_eq!(result["results"][1]["version"], 2);
    let tier3_readings = demo.readings_of(SEND, "Afl3-M2").await;
    assert_eq!(tier3_readings.len(), 1, "updated, not duplicated");
    assert_eq!(tier3_readings[0]["value"], 17.9);
}

#[tokio::test]
async fn an_atomic_batch_stores_nothing_when_one_item_is_bad() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let waits = id_of(&demo, "Afl3-M1").await;
    let mkcc = id_of(&demo, "Afl4-M3").await;
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let feed_before = demo.json("/api/v1/changes?after=0&limit=1000").await["items"]
        .as_array()
        .unwrap()
        .len();

    // Bad fields: every bad item named, nothing stored.
    let bad = json!({"atomic": true, "items": [
        {"measure_id": waits, "period": "2025-09", "value": 412.0},
        {"measure_id": waits, "period": "", "value": 1.0},
        {"measure_id": waits, "period": "2025-11", "value": 1.0, "colour": "red"}
    ]});
    let body = problem(
        app.post_as(&cnwl, BATCHES, &bad).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&body), ["items[1].period", "items[2].colour"]);

    // Refused while storing: the first refusal answers for the batch.
    let refused = json!({"atomic": true, "items": [
        {"measure_id": waits, "period": "2025-09", "value": 412.0},
        {"measure_id": mkcc, "period": "2025-09", "value": 61.0}
    ]});
    let body = problem(
        app.post_as(&cnwl, BATCHES, &refused).await,
        403,
        "outside_organisation",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().starts_with("items[1]: "),
        "{body}"
    );

    assert!(demo.readings_of(SEND, "Afl3-M1").await.is_empty());
    let feed_after = demo.json("/api/v1/changes?after=0&limit=1000").await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(feed_after, feed_before, "no version written");

    // The same batch without the refused item goes in whole.
    let good = json!({"atomic": true, "items": [
        {"measure_id": waits, "period": "2025-09", "value": 412.0},
        {"measure_id": waits, "period": "2025-10", "value": 371.0}
    ]});
    let result: Value = app
        .post_as(&cnwl, BATCHES, &good)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["created"], 2);
    assert_eq!(demo.readings_of(SEND, "Afl3-M1").await.len(), 2);
}

#[tokio::test]
async fn a_batch_holds_one_to_a_thousand_items() {
    let demo = Demo::start().await;
    let waits = id_of(&demo, "Afl3-M1").await;
    let items: Vec<Value> = (0..1000)
        .map(|i| json!({"measure_id": waits, "period": format!("day {i}"), "value": f64::from(i)}))
        .collect();
    let full = demo.app.post(BATCHES, &json!({"items": items})).await;
    assert_eq!(full.status(), 200);
    let result: Value = full.json().await.unwrap();
    assert_eq!(result["created"], 1000);

    let mut over = items.clone();
    over.push(json!({"measure_id": waits, "period": "one more", "value": 1.0}));
    let body = problem(
        demo.app.post(BATCHES, &json!({"items": over})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&body), ["items"]);
    let body = problem(
        demo.app.post(BATCHES, &json!({"items": []})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&body), ["items"]);
}

/// A batch is applied in memory and written at the end: a reading sent twice
/// in one batch is created then updated, each version in its history and the
/// feed once; the measure its readings move is judged once, by all of them,
/// and makes one new version.
#[tokio::test]
async fn a_batch_records_every_reading_version_and_moves_its_measure_once() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let waits = id_of(&demo, "Afl3-M1").await;
    let measure_path = format!("/api/v1/measures/{}", waits.as_str().unwrap());
    let measure_before = demo.json(&measure_path).await;
    let seq_before = app.last_seq().await;
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let batch = json!({"items": [
        {"measure_id": waits, "period": "2025-08", "value": 430.0},
        {"measure_id": waits, "period": "2025-09", "value": 412.0},
        {"measure_id": waits, "period": "2025-09", "value": 300.0, "comment": "corrected"},
        {"measure_id": waits, "period": "2025-10", "value": 150.0}
    ]});
    let result: Value = app
        .post_as(&cnwl, BATCHES, &batch)
        .await
        .json()
        .await
        .unwrap();
    let versions: Vec<&Value> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["version"])
        .collect();
    assert_eq!(versions, [&json!(1), &json!(1), &json!(2), &json!(1)]);
    assert_eq!(result["results"][1]["id"], result["results"][2]["id"]);
    assert_eq!(
        [&result["created"], &result["updated"]],
        [&json!(3), &json!(1)]
    );

    // The corrected reading: stored as its second version says.
    let reading_path = format!(
        "/api/v1/readings/{}",
        result["results"][2]["id"].as_str().unwrap()
    );
    let reading = demo.json(&reading_path).await;
    assert_eq!(
        (reading["version"].clone(), reading["value"].clone()),
        (json!(2), json!(300.0))
    );
    let history = demo.json(&format!("{reading_path}/versions")).await;
    let history = history["items"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["snapshot"]["value"], 412.0);
    assert_eq!(history[1]["snapshot"], reading);

    // The measure: its stored headline and version are its last revision's.
    let measure = demo.json(&measure_path).await;
    assert!(
        measure["version"].as_i64() > measure_before["version"].as_i64(),
        "the readings moved the measure: {} then {}",
        measure_before["target_status"],
        measure["target_status"]
    );
    let last = demo
        .json(&format!("{measure_path}/versions/{}", measure["version"]))
        .await;
    assert_eq!(last["snapshot"], measure);

    // The feed: every version the batch made, once, in order per resource.
    let feed = demo
        .json(&format!("/api/v1/changes?after={seq_before}&limit=1000"))
        .await;
    let mut seen: Vec<(String, i64)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["resource_id"].as_str().unwrap().to_string(),
                e["version"].as_i64().unwrap(),
            )
        })
        .collect();
    let in_order = seen.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), in_order.len(), "no version twice: {in_order:?}");
    let measure_versions: Vec<i64> = in_order
        .iter()
        .filter(|(id, _)| id == waits.as_str().unwrap())
        .map(|(_, v)| *v)
        .collect();
    let moved = measure_before["version"].as_i64().unwrap() + 1;
    assert_eq!(measure_versions, [moved]);
    assert_eq!(measure["version"], moved);
    assert_eq!(
        measure["trend"], "improving",
        "430, 300, 150: lower is better"
    );
    assert_eq!(
        in_order.len(),
        5,
        "three readings, one of them twice, and the measure"
    );
}

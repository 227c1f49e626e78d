//! Versions, conditional requests, history, tombstones and the change feed.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::{
    helpers::{problem, spawn_app, spawn_app_with, TestApp},
    plan_items::send_plan,
};

fn id_of(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

#[tokio::test]
async fn every_representation_carries_its_version_as_etag() {
    let app = spawn_app().await;
    let response = app
        .post("/api/v1/organisations", &json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"}))
        .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created: Value = response.json().await.unwrap();
    let path = format!("/api/v1/organisations/{}", id_of(&created));

    assert_eq!(app.get(&path).await.headers()["etag"], "\"1\"");
    let patched = app
        .patch_if(
            &path,
            &json!({"website": "https://www.milton-keynes.gov.uk"}),
            Some("\"1\""),
        )
        .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(patched.headers()["etag"], "\"2\"");

    let unchanged = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.headers()["etag"], "\"2\"");
    assert!(unchanged.text().await.unwrap().is_empty());
    let stale = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn a_change_without_if_match_is_refused_with_428_and_a_stale_one_with_412() {
    let app = spawn_app().await;
    let org = app.organisation("MKCC", "local_authority").await;
    let path = format!("/api/v1/organisations/{}", id_of(&org));
    let body =
        json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"});

    problem(
        app.patch_if(&path, &json!({"name": "X"}), None).await,
        428,
        "precondition_required",
    )
    .await;
    problem(
        app.put_if(&path, &body, None).await,
        428,
        "precondition_required",
    )
    .await;
    problem(
        app.delete_if(&path, None).await,
        428,
        "precondition_required",
    )
    .await;

    assert_eq!(app.put_if(&path, &body, Some("\"1\"")).await.status(), 200);
    let stale = app
        .patch_if(&path, &json!({"name": "Y"}), Some("\"1\""))
        .await;
    assert_eq!(stale.headers()["etag"], "\"2\"");
    let body = problem(stale, 412, "version_mismatch").await;
    assert_eq!(body["current_version"], 2);
    problem(
        app.delete_if(&path, Some("W/\"2\"")).await,
        412,
        "version_mismatch",
    )
    .await;

    let fetched: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(fetched["name"], "Milton Keynes City Council");
    assert_eq!(fetched["version"], 2);
}

#[tokio::test]
async fn of_two_concurrent_patches_on_one_version_exactly_one_wins() {
    let app = spawn_app().await;
    let org = app.organisation("CNWL", "nhs_trust").await;
    let path = format!("/api/v1/organisations/{}", id_of(&org));

    let (first, second) = (json!({"name": "Winner A"}), json!({"name": "Winner B"}));
    let (a, b) = tokio::join!(
        app.patch_if(&path, &first, Some("\"1\"")),
        app.patch_if(&path, &second, Some("\"1\""))
    );

    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    let winner = if a.status() == 200 {
        "Winner A"
    } else {
        "Winner B"
    };
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
    let stored: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(stored["name"], winner);
    assert_eq!(stored["version"], 2);
}

#[tokio::test]
async fn history_keeps_every_snapshot_and_a_delete_leaves_a_tombstone() {
    let app = spawn_app().await;
    let org = app.organisation("PACA MK", "parent_carer_forum").await;
    let path = format!("/api/v1/organisations/{}", id_of(&org));
    let v2: Value = app
        .patch(&path, &json!({"name": "Parents and Carers Alliance MK"}))
        .await
        .json()
        .await
        .unwrap();
    let v3: Value = app
        .patch(&path, &json!({"website": "https://www.pacamk.org"}))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(app.delete(&path).await.status(), 204);

    problem(app.get(&path).await, 410, "gone").await;
    problem(
        app.patch_if(&path, &json!({"name": "x"}), Some("\"4\""))
            .await,
        410,
        "gone",
    )
    .await;
    let history: Value = app
        .get(&format!("{path}/versions"))
        .await
        .json()
        .await
        .unwrap();
    let items = history["items"].as_array().unwrap();
    let ops: Vec<(i64, &str)> = items
        .iter()
        .map(|r| {
            (
                r["version"].as_i64().unwrap(),
                r["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [(1, "create"), (2, "update"), (3, "update"), (4, "delete")]
    );
    assert_eq!(items[0]["snapshot"], org);
    assert_eq!(items[1]["snapshot"], v2);
    assert_eq!(items[2]["snapshot"], v3);
    assert_eq!(items[3]["snapshot"], v3, "a tombstone keeps the last state");
    assert!(items.iter().all(|r| r["actor"] == "test-admin"));
    assert!(
        items.iter().all(|r| r["resource_type"] == "organisation"),
        "each version names the schema of its snapshot"
    );

    let one: Value = app
        .get(&format!("{path}/versions/2"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["snapshot"], v2);
    problem(
        app.get(&format!("{path}/versions/9")).await,
        404,
        "not_found",
    )
    .await;

    let paged: Value = app
        .get(&format!("{path}/versions?limit=3"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paged["items"].as_array().unwrap().len(), 3);
    let rest: Value = app
        .get(paged["next"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"][0]["version"], 4);
    assert!(rest.get("next").is_none());
}

#[tokio::test]
async fn as_of_returns_the_version_current_at_that_time() {
    let app = spawn_app().await;
    let org = app.organisation("MKCC", "local_authority").await;
    let path = format!("/api/v1/organisations/{}", id_of(&org));
    let v2: Value = app
        .patch(&path, &json!({"name": "Milton Keynes City Council"}))
        .await
        .json()
        .await
        .unwrap();
    let between = v2["updated_at"].as_str().unwrap().to_string();
    let v3: Value = app
        .patch(&path, &json!({"name": "MK Council"}))
        .await
        .json()
        .await
        .unwrap();
    let query = |t: &str| format!("{path}?as_of={}", t.replace(':', "%3A").replace('+', "%2B"));

    let at_v1: Value = app
        .get(&query(org["created_at"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(at_v1, org);
    let at_v2: Value = app.get(&query(&between)).await.json().await.unwrap();
    assert_eq!(at_v2, v2);
    let now: Value = app
        .get(&query("2999-01-01T00:00:00Z"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now, v3);
    problem(
        app.get(&query("2000-01-01T00:00:00Z")).await,
        404,
        "not_found",
    )
    .await;
    problem(
        app.get(&format!("{path}?as_of=yesterday")).await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn a_write_that_fails_part_way_leaves_no_revision_and_no_event() {
    let app = spawn_app().await;
    let board: Value = app
        .post(
            "/api/v1/governance-bodies",
            &json!({"name": "Board", "kind": "board"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let exec: Value = app
        .post("/api/v1/governance-bodies", &json!({"name": "Exec", "kind": "executive", "reports_to": [{"body_id": board["id"], "line": "direct"}]}))
        .await
        .json()
        .await
        .unwrap();
    let before: Value = app.get("/api/v1/changes").await.json().await.unwrap();

    // The row is updated before the reporting lines are checked; the cycle then
    // fails the whole transaction.
    let path = format!("/api/v1/governance-bodies/{}", id_of(&board));
    let cycle = app
        .patch(
            &path,
            &json!({"name": "Renamed", "reports_to": [{"body_id": exec["id"], "line": "dotted"}]}),
        )
        .await;
    problem(cycle, 422, "validation_failed").await;

    let after: Value = app.get("/api/v1/changes").await.json().await.unwrap();
    assert_eq!(after["items"], before["items"]);
    let history: Value = app
        .get(&format!("{path}/versions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    let stored: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(stored["name"], "Board");

    let next = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "X", "name": "X", "kind": "other"}),
        )
        .await;
    assert_eq!(next.status(), 201);
    let feed: Value = app
        .get(&format!("/api/v1/changes?after={}", before["last_seq"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        feed["items"][0]["seq"],
        before["last_seq"].as_i64().unwrap() + 1,
        "no gap where the failed write was"
    );
}

#[tokio::test]
async fn the_feed_filters_by_type_and_plan_and_pages_with_after() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let plan_id = id_of(&send.plan);

    let all: Value = app
        .get("/api/v1/changes?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let types: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["organisation", "owner", "plan", "priority", "outcome"]
    );
    assert_eq!(all["items"][0]["seq"], 1);
    let of_plan: Value = app
        .get(&format!("/api/v1/changes?plan_id={plan_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(of_plan["items"].as_array().unwrap().len(), 3);
    let outcomes: Value = app
        .get("/api/v1/changes?resource_type=outcome")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcomes["items"][0]["resource_id"], send.camhs["id"]);
    assert_eq!(outcomes["items"][0]["plan_id"], plan_id);

    let first: Value = app
        .get("/api/v1/changes?limit=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["last_seq"], 2);
    let second: Value = app
        .get(first["next"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"][0]["seq"], 3);
    let empty: Value = app
        .get("/api/v1/changes?after=99")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["last_seq"], 99);
    problem(
        app.get("/api/v1/changes?limit=1001").await,
        400,
        "invalid_query",
    )
    .await;
}

async fn follow_feed(app: &TestApp, after: i64) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut after = after;
    loop {
        let page: Value = app
            .get(&format!("/api/v1/changes?after={after}&limit=500"))
            .await
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap().clone();
        if items.is_empty() {
            return seen;
        }
        after = page["last_seq"].as_i64().unwrap();
        seen.extend(items);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_writers_and_a_reader_see_every_version_exactly_once_in_commit_order() {
    const WRITERS: usize = 8;
    const UPDATES: usize = 100;
    let app = spawn_app_with(&[("WAYMARK_WORKERS", "4"), ("WAYMARK_DB_POOL_SIZE", "8")]).await;
    let mut paths = Vec::new();
    for w in 0..WRITERS {
        let org = app.organisation(&format!("W{w}"), "other").await;
        paths.push(format!("/api/v1/organisations/{}", id_of(&org)));
    }
    let start: Value = app
        .get("/api/v1/changes?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let start = start["last_seq"].as_i64().unwrap();

    let app = std::sync::Arc::new(app);
    let mut writers = Vec::new();
    for path in paths.clone() {
        let app = app.clone();
        writers.push(tokio::spawn(async move {
            for n in 0..UPDATES {
                let version = n as i64 + 1;
                let response = app
                    .patch_if(
                        &path,
                        &json!({"name": format!("update {n}")}),
                        Some(&format!("\"{version}\"")),
                    )
                    .await;
                assert_eq!(response.status(), 200, "{path} update {n}");
            }
        }));
    }
    let reader = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut seen: Vec<Value> = Vec::new();
            let mut after = start;
            while seen.len() < WRITERS * UPDATES {
                let page: Value = app
                    .get(&format!("/api/v1/changes?after={after}&limit=100"))
                    .await
                    .json()
                    .await
                    .unwrap();
                let items = page["items"].as_array().unwrap().clone();
                after = page["last_seq"].as_i64().unwrap();
                seen.extend(items);
            }
            seen
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    let seen = reader.await.unwrap();

    assert_eq!(seen.len(), WRITERS * UPDATES);
    let seqs: Vec<i64> = seen.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "strictly increasing without gaps"
    );
    let pairs: HashSet<(String, i64)> = seen
        .iter()
        .map(|e| {
            (
                e["resource_id"].as_str().unwrap().to_string(),
                e["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), WRITERS * UPDATES, "every (id, version) once");
    assert!(follow_feed(&app, start + (WRITERS * UPDATES) as i64)
        .await
        .is_empty());
}

//! Writers side by side on PostgreSQL: a write that waits for one row holds no
//! write to another, the feed still comes out in commit order, and a write
//! that waits past the timeout answers 503. (SQLite has one writer at a time;
//! its queue is what the outage and crash tests hold to.)

use std::{sync::Arc, time::Duration};

use diesel::{connection::SimpleConnection, Connection, PgConnection};
use serde_json::{json, Value};

use crate::helpers::{problem, spawn_app_on, TestApp, TestDatabase};

/// A connection from outside the service holding `table`'s row `id` locked,
/// as a long write of another process would.
fn hold_row(url: &str, table: &str, id: &str) -> PgConnection {
    let mut holder = PgConnection::establish(url).unwrap();
    holder
        .batch_execute(&format!(
            "BEGIN; SELECT 1 FROM {table} WHERE id = '{id}' FOR UPDATE;"
        ))
        .unwrap();
    holder
}

async fn events_after(app: &TestApp, after: i64) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/api/v1/changes?after={after}"))
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_waiting_for_one_row_holds_no_write_to_another() {
    let db = TestDatabase::create();
    if !db.is_postgres() {
        eprintln!("skipped on SQLite: it has one writer at a time");
        return;
    }
    let url = db.url();
    let app = Arc::new(spawn_app_on(db, &[("WAYMARK_DB_TIMEOUT_MS", "20000")]).await);
    let held = app.organisation("HELD", "other").await;
    let free = app.organisation("FREE", "other").await;
    let held_id = held["id"].as_str().unwrap().to_string();
    let free_path = format!("/api/v1/organisations/{}", free["id"].as_str().unwrap());
    let start = app.last_seq().await;

    let mut holder = hold_row(&url, "organisations", &held_id);
    let waiting = {
        let app = app.clone();
        let path = format!("/api/v1/organisations/{held_id}");
        tokio::spawn(async move {
            let answer = app
                .patch_if(&path, &json!({"name": "Held, then written"}), Some("\"1\""))
                .await;
            answer.status().as_u16()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "the write to the held row waits");

    // Several writes to the other row, each answered while the first waits.
    for n in 1..=3 {
        let answer = app
            .patch_if(
                &free_path,
                &json!({"name": format!("Free {n}")}),
                Some(&format!("\"{n}\"")),
            )
            .await;
        assert_eq!(answer.status(), 200, "write {n} to the free row");
    }
    assert!(
        !waiting.is_finished(),
        "the held write is still waiting after the others were answered"
    );
    assert_eq!(
        events_after(&app, start).await.len(),
        3,
        "the feed holds the committed writes only"
    );

    holder.batch_execute("COMMIT").unwrap();
    assert_eq!(waiting.await.unwrap(), 200);

    // Commit order: the three free writes, then the held one.
    let events = events_after(&app, start).await;
    let written: Vec<(&str, i64, i64)> = events
        .iter()
        .map(|e| {
            (
                e["resource_id"].as_str().unwrap(),
                e["version"].as_i64().unwrap(),
                e["seq"].as_i64().unwrap(),
            )
        })
        .collect();
    let free_id = free["id"].as_str().unwrap();
    assert_eq!(
        written,
        vec![
            (free_id, 2, start + 1),
            (free_id, 3, start + 2),
            (free_id, 4, start + 3),
            (held_id.as_str(), 2, start + 4),
        ]
    );
    let stored: Value = app
        .get(&format!("/api/v1/organisations/{held_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["name"], "Held, then written");
    assert_eq!(stored["version"], 2);
}

#[tokio::test]
async fn a_write_that_waits_for_a_row_past_the_timeout_answers_503_and_writes_nothing() {
    let db = TestDatabase::create();
    if !db.is_postgres() {
        eprintln!("skipped on SQLite: its lock timeout is tested in outage.rs");
        return;
    }
    let url = db.url();
    let app = spawn_app_on(db, &[("WAYMARK_DB_TIMEOUT_MS", "500")]).await;
    let org = app.organisation("LOCKED", "other").await;
    let id = org["id"].as_str().unwrap();
    let path = format!("/api/v1/organisations/{id}");
    let start = app.last_seq().await;

    let mut holder = hold_row(&url, "organisations", id);
    let answer = app
        .patch_if(&path, &json!({"name": "Too late"}), Some("\"1\""))
        .await;
    assert!(answer.headers().contains_key("retry-after"));
    problem(answer, 503, "database_unavailable").await;
    holder.batch_execute("ROLLBACK").unwrap();

    assert!(events_after(&app, start).await.is_empty());
    let answer = app
        .patch_if(&path, &json!({"name": "In time"}), Some("\"1\""))
        .await;
    assert_eq!(answer.status(), 200, "the row is free again");
}

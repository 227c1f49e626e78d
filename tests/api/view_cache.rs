//! Representations kept for the next reader (`api::view_cache`) never outlive a
//! write: the writing process serves the new version at once, another process
//! on the same database once it has read the feed again, and an anonymous
//! reader is never served from what a token holder was.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::{demo::Demo, helpers::spawn_app};

#[tokio::test]
async fn a_kept_representation_gives_way_to_a_write_through_either_process() {
    let first = spawn_app().await;
    let second = first.another_process(&[]);
    let org = first.organisation("KEPT", "voluntary_sector").await;
    let path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());

    // Read twice through the first process: the second answer is the kept one.
    for _ in 0..2 {
        let read = first.get(&path).await;
        assert_eq!(read.status(), 200);
        assert_eq!(read.headers()["etag"], "\"1\"");
        assert_eq!(read.headers()["content-type"], "application/json");
    }
    let kept = first
        .client
        .get(first.url(&path))
        .header("If-None-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), 304);

    // Written through the first process: its next read has the new version.
    let renamed = first
        .patch(&path, &json!({"name": "Kept and renamed"}))
        .await;
    assert_eq!(renamed.status(), 200);
    let read: serde_json::Value = first.get(&path).await.json().await.unwrap();
    assert_eq!(
        (read["version"].clone(), read["name"].clone()),
        (json!(2), json!("Kept and renamed"))
    );

    // Written through the second: the first follows the feed and lets go.
    let again = second
        .patch(&path, &json!({"name": "Renamed elsewhere"}))
        .await;
    assert_eq!(again.status(), 200);
    let started = Instant::now();
    let seen = loop {
        let read: serde_json::Value = first.get(&path).await.json().await.unwrap();
        if read["version"] == 3 || started.elapsed() > Duration::from_secs(5) {
            break read;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        (seen["version"].clone(), seen["name"].clone()),
        (json!(3), json!("Renamed elsewhere")),
        "the other process's write is served within the feed's polling interval"
    );
    let stale = first
        .client
        .get(first.url(&path))
        .header("If-None-Match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200, "version 2 is no longer current");
}

#[tokio::test]
async fn a_kept_list_page_gives_way_to_a_write() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let path = "/api/v1/actions?plan=SEND-LAIAP-2025&brag=red&limit=200";
    let red = |page: &serde_json::Value| page["items"].as_array().unwrap().len();
    let before = demo.json(path).await;
    assert_eq!(
        red(&demo.json(path).await),
        red(&before),
        "read again, the same"
    );
    let action = demo
        .actions_of("SEND-LAIAP-2025", "Afl3.3")
        .await
        .into_iter()
        .find(|a| a["brag"] != "red")
        .expect("an action of Afl3.3 that is not red");
    let reported = app
        .post(
            &format!(
                "/api/v1/actions/{}/status-updates",
                action["id"].as_str().unwrap()
            ),
            &json!({"brag": "red", "narrative": "Recruitment has slipped a quarter."}),
        )
        .await;
    assert_eq!(reported.status(), 201);
    let after = demo.json(path).await;
    assert_eq!(red(&after), red(&before) + 1);
    assert!(after["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == action["id"]));
}

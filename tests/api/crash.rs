//! A crash under write load: the server process is killed (SIGKILL) while
//! writers run. After a restart on the same database every write that was
//! answered 2xx is there, nothing is half there (a resource without its
//! revisions or feed events, or events of writes that did not happen), and the
//! change feed has every version exactly once, in order.

use std::{
    collections::{BTreeMap, HashSet},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::{
    helpers::TestDatabase,
    process::{admin_client, start},
};

const WRITERS: usize = 8;
/// Kills, each after about `PER_ROUND` more acknowledged writes.
const ROUNDS: usize = 3;
const PER_ROUND: usize = 100;

/// What a writer does when a write is not acknowledged.
#[derive(Clone, Copy, PartialEq)]
pub enum OnFailure {
    /// Its server is gone: the writer stops.
    Stop,
    /// Another server behind the balancer may answer the next: it goes on.
    GoOn,
}

/// Each writer creates organisations and changes each once, noting every
/// answer that acknowledged a write: id → the version it answered.
pub async fn write_until_stopped(
    client: Client,
    base: String,
    writer: String,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<BTreeMap<String, i64>>>,
    on_failure: OnFailure,
) {
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let body = json!({"code": format!("W{writer}-{n}"), "name": format!("Writer {writer} #{n}"), "kind": "other"});
        let created = client
            .post(format!("{base}/api/v1/organisations"))
            .json(&body)
            .send()
            .await;
        let created = match created {
            Ok(answer) if answer.status() == StatusCode::CREATED => {
                answer.json::<Value>().await.ok()
            }
            _ => None,
        };
        let Some(created) = created else {
            match on_failure {
                OnFailure::Stop => return,
                OnFailure::GoOn => {
                    pause_after_failure().await;
                    continue;
                }
            }
        };
        let id = created["id"].as_str().expect("an id").to_string();
        acknowledged.lock().unwrap().insert(id.clone(), 1);
        let changed = client
            .patch(format!("{base}/api/v1/organisations/{id}"))
            .header("Content-Type", "application/merge-patch+json")
            .header("If-Match", "\"1\"")
            .body(json!({"name": format!("Writer {writer} #{n}, changed")}).to_string())
            .send()
            .await;
        match changed {
            Ok(answer) if answer.status() == StatusCode::OK => {
                acknowledged.lock().unwrap().insert(id, 2);
            }
            _ if on_failure == OnFailure::Stop => return,
            _ => {}
        }
    }
}

/// While a server goes down behind the balancer, its writes fail at once:
/// the writer waits a moment rather than spin.
async fn pause_after_failure() {
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// Every item from `first` on, following `next` until a page comes back empty.
pub async fn all_pages(client: &Client, first: String) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some(first);
    while let Some(url) = next.take() {
        let page: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
        let page_items = page["items"].as_array().unwrap();
        if page_items.is_empty() {
            break; // the change feed always names a next page
        }
        items.extend(page_items.iter().cloned());
        next = page["next"].as_str().map(|n| {
            if n.starts_with("http") {
                n.to_string()
            } else {
                format!("{}{n}", url.split("/api/").next().unwrap())
            }
        });
    }
    items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_keeps_every_acknowledged_write_and_no_half_write() {
    let db = TestDatabase::create();
    let data = tempfile::tempdir().unwrap();
    let url = db.url();

    let mut client = None;
    let acknowledged = Arc::new(Mutex::new(BTreeMap::new()));
    for round in 0..ROUNDS {
        let mut server = start(&url, data.path()).await;
        let client = client
            .get_or_insert_with(|| admin_client(data.path()))
            .clone();
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                tokio::spawn(write_until_stopped(
                    client.clone(),
                    server.base.clone(),
                    format!("{round}.{w}"),
                    stop.clone(),
                    acknowledged.clone(),
                    OnFailure::Stop,
                ))
            })
            .collect();
        // Kill once enough writes are in, with others in flight.
        let target = (round + 1) * PER_ROUND;
        let deadline = Instant::now() + Duration::from_secs(20);
        while acknowledged.lock().unwrap().len() < target && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.child.kill().expect("SIGKILL");
        server.child.wait().expect("the killed server is reaped");
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.await.unwrap();
        }
    }
    let client = client.expect("a client");
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= ROUNDS * PER_ROUND,
        "{} writes acknowledged before the kills",
        acknowledged.len()
    );

    let server = start(&url, data.path()).await;
    let base = format!("{}/api/v1", server.base);
    let (stored, events) =
        every_acknowledged_write_and_no_half_write(&client, &base, &acknowledged).await;
    eprintln!(
        "{} writes acknowledged over {ROUNDS} kills; {stored} organisations and {events} feed events after the restart",
        acknowledged.len(),
    );
}

/// Checks what `base` holds against what was acknowledged: each write at its
/// version or later, the feed gap-free from seq 1 with every stored version
/// exactly once, and each version's revision. Gives how many organisations and
/// events there are.
pub async fn every_acknowledged_write_and_no_half_write(
    client: &Client,
    base: &str,
    acknowledged: &BTreeMap<String, i64>,
) -> (usize, usize) {
    let stored: BTreeMap<String, i64> =
        all_pages(client, format!("{base}/organisations?limit=200"))
            .await
            .into_iter()
            .map(|o| {
                (
                    o["id"].as_str().unwrap().to_string(),
                    o["version"].as_i64().unwrap(),
                )
            })
            .collect();
    for (id, version) in acknowledged {
        let found = stored.get(id);
        assert!(
            found.is_some_and(|v| v >= version),
            "organisation {id} was answered at version {version}, stored {found:?}"
        );
    }

    let events = all_pages(client, format!("{base}/changes?after=0&limit=1000")).await;
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let gap_free: Vec<i64> = (1..=seqs.len() as i64).collect();
    assert_eq!(seqs, gap_free, "the feed's seqs run from 1 without a gap");
    let mut seen = HashSet::new();
    for event in &events {
        let key = (
            event["resource_id"].as_str().unwrap().to_string(),
            event["version"].as_i64().unwrap(),
        );
        assert!(
            seen.insert(key.clone()),
            "version {key:?} appears once in the feed"
        );
    }
    // Every stored version has its event and its revision; every event is of a
    // stored version.
    let expected: HashSet<(String, i64)> = stored
        .iter()
        .flat_map(|(id, v)| (1..=*v).map(move |n| (id.clone(), n)))
        .collect();
    assert_eq!(seen, expected, "the feed holds exactly the stored versions");
    for (id, version) in stored.iter().take(20) {
        let revisions = all_pages(client, format!("{base}/organisations/{id}/versions")).await;
        assert_eq!(revisions.len() as i64, *version, "revisions of {id}");
    }
    (stored.len(), events.len())
}

/// Keyed status updates sent while the server is killed: after a restart, the
/// retry of every key, answered or not before the kill, answers 201 (the kept
/// answer, or the work done now) and each update is stored exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_keyed_post_cut_off_by_a_kill_is_done_exactly_once_on_retry() {
    let db = TestDatabase::create();
    let data = tempfile::tempdir().unwrap();
    let url = db.url();
    let mut server = start(&url, data.path()).await;
    let client = admin_client(data.path());
    let base = format!("{}/api/v1", server.base);
    let post = |path: String, body: Value| {
        let client = client.clone();
        async move {
            let answer = client.post(&path).json(&body).send().await.unwrap();
            assert_eq!(answer.status(), 201, "{path}");
            answer.json::<Value>().await.unwrap()
        }
    };
    let plan = post(
        format!("{base}/plans"),
        json!({"ref": "KEYED", "title": "Keyed", "kind": "strategy"}),
    )
    .await;
    let plan = plan["id"].as_str().unwrap();
    let priority = post(
        format!("{base}/plans/{plan}/priorities"),
        json!({"ref": "P1", "kind": "aim", "title": "Aim"}),
    )
    .await;
    let action = post(
        format!("{base}/plans/{plan}/actions"),
        json!({"priority_id": priority["id"], "ref": "P1/1", "description": "Report"}),
    )
    .await;
    let updates = format!(
        "{base}/actions/{}/status-updates",
        action["id"].as_str().unwrap()
    );

    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let answered = Arc::new(Mutex::new(0usize));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, updates) = (client.clone(), updates.clone());
            let (sent, answered, stop) = (sent.clone(), answered.clone(), stop.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let key = format!("report-{w}-{n}");
                    sent.lock().unwrap().push(key.clone());
                    let Ok(answer) = client
                        .post(&updates)
                        .header("Idempotency-Key", &key)
                        .json(&json!({"brag": "amber", "narrative": key}))
                        .send()
                        .await
                    else {
                        return;
                    };
                    if answer.status() != StatusCode::CREATED {
                        return;
                    }
                    *answered.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while *answered.lock().unwrap() < PER_ROUND && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("the killed server is reaped");
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }

    let server = start(&url, data.path()).await;
    let updates = updates.replacen(&base, &format!("{}/api/v1", server.base), 1);
    let sent = sent.lock().unwrap().clone();
    let mut replayed = 0;
    for key in &sent {
        let answer = client
            .post(&updates)
            .header("Idempotency-Key", key)
            .json(&json!({"brag": "amber", "narrative": key}))
            .send()
            .await
            .unwrap();
        let status = answer.status();
        replayed += usize::from(answer.headers().contains_key("idempotent-replayed"));
        let text = answer.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::CREATED, "the retry of {key}: {text}");
    }
    let stored = all_pages(&client, format!("{updates}?limit=200")).await;
    let mut narratives: Vec<&str> = stored
        .iter()
        .map(|u| u["narrative"].as_str().unwrap())
        .collect();
    narratives.sort_unstable();
    let mut expected: Vec<&str> = sent.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(
        narratives, expected,
        "each keyed update stored exactly once"
    );
    eprintln!(
        "{} keyed updates sent around a kill ({} answered before it); on retry {replayed} replayed, {} done then",
        sent.len(),
        *answered.lock().unwrap(),
        sent.len() - replayed
    );
}

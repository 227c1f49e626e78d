//! Webhooks end to end: a receiver on 127.0.0.1 that checks every signature the
//! way the Standard Webhooks specification tells receivers to, against a real
//! server whose delivery worker retries quickly (100 ms, four times longer each
//! time, at most 1 s).

use std::{
    collections::{HashMap, HashSet},
    net::TcpListener,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{
    demo::Demo,
    helpers::{fields, problem, spawn_app_with, TestApp},
    meetings,
};

pub const QUICK_RETRIES: &[(&str, &str)] = &[
    ("WAYMARK_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8"),
    ("WAYMARK_WEBHOOK_POLL_MS", "50"),
    ("WAYMARK_WEBHOOK_RETRY_BASE_MS", "100"),
    ("WAYMARK_WEBHOOK_RETRY_CAP_MS", "1000"),
    ("WAYMARK_WEBHOOK_TIMEOUT_MS", "2000"),
];

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    timestamp: String,
    signature: String,
    pub body: String,
    at: Instant,
}

/// What the receiver answers: `(status, Retry-After)` for each request in turn,
/// then 204 for the rest.
type Script = Arc<Mutex<Vec<(u16, Option<&'static str>)>>>;

pub struct Receiver {
    port: u16,
    seen: Arc<Mutex<Vec<Received>>>,
    script: Script,
    /// How long it takes to answer.
    delay: Duration,
    handle: Option<actix_web::dev::ServerHandle>,
}

impl Receiver {
    /// A port that nothing listens on yet: a receiver that is down.
    fn down() -> Receiver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        Receiver {
            port,
            seen: Arc::default(),
            script: Arc::default(),
            delay: Duration::ZERO,
            handle: None,
        }
    }

    fn slow(delay: Duration) -> Receiver {
        let mut receiver = Receiver::down();
        receiver.delay = delay;
        receiver.start();
        receiver
    }

    pub fn up() -> Receiver {
        let mut receiver = Receiver::down();
        receiver.start();
        receiver
    }

    fn answering(script: Vec<(u16, Option<&'static str>)>) -> Receiver {
        let mut receiver = Receiver::down();
        *receiver.script.lock().unwrap() = script;
        receiver.start();
        receiver
    }

    fn start(&mut self) {
        let (seen, script, delay) = (self.seen.clone(), self.script.clone(), self.delay);
        let server = HttpServer::new(move || {
            let (seen, script) = (seen.clone(), script.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (seen, script) = (seen.clone(), script.clone());
                async move {
                    tokio::time::sleep(delay).await;
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string()
                    };
                    seen.lock().unwrap().push(Received {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body: String::from_utf8_lossy(&body).into_owned(),
                        at: Instant::now(),
                    });
                    let next = {
                        let mut script = script.lock().unwrap();
                        (!script.is_empty()).then(|| script.remove(0))
                    };
                    let (status, retry_after) = next.unwrap_or((204, None));
                    let mut response =
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
                    if let Some(seconds) = retry_after {
                        response.insert_header(("Retry-After", seconds));
                    }
                    response.finish()
                }
            }))
        })
        .workers(1)
        .bind(("127.0.0.1", self.port))
        .expect("the receiver's port")
        .run();
        self.handle = Some(server.handle());
        tokio::spawn(server);
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/waymark-events", self.port)
    }

    pub fn seen(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }

    fn ids(&self) -> HashSet<String> {
        self.seen().into_iter().map(|r| r.id).collect()
    }

    /// Waits until `count` different messages have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.ids().len() < count {
            assert!(
                Instant::now() < deadline,
                "{} of {count} messages arrived",
                self.ids().len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.seen()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            drop(handle.stop(false));
        }
    }
}

/// Verifies a message as a receiver must: the signature over
/// `id.timestamp.body` under the secret's key, and a timestamp within 5 minutes.
pub fn verify(secret: &str, message: &Received) {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("a base64 key");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", message.id, message.timestamp, message.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert!(
        message.signature.split(' ').any(|s| s == expected),
        "signature {:?} of {} does not verify",
        message.signature,
        message.id
    );
    let sent: i64 = message.timestamp.parse().expect("a Unix timestamp");
    let now = chrono::Utc::now().timestamp();
    assert!((now - sent).abs() < 300, "timestamp {sent} is not recent");
}

async fn subscribe(app: &TestApp, body: Value) -> Value {
    let response = app.post("/api/v1/webhooks", &body).await;
    assert_eq!(response.status(), 201, "{body}");
    let created: Value = response.json().await.unwrap();
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    created
}

/// Writes `n` organisations; returns their ids.
async fn write_organisations(app: &TestApp, prefix: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let org = app
            .organisation(&format!("{prefix}{i}"), "voluntary_sector")
            .await;
        ids.push(org["id"].as_str().unwrap().to_string());
    }
    ids
}

async fn deliveries(app: &TestApp, webhook: &Value) -> Vec<Value> {
    let path = format!(
        "/api/v1/webhooks/{}/deliveries?limit=200",
        webhook["id"].as_str().unwrap()
    );
    let page: Value = app.get(&path).await.json().await.unwrap();
    page["items"].as_array().expect("a page").clone()
}

/// Waits until every delivery of `webhook` has had at least `attempts` attempts.
async fn wait_for_attempts(app: &TestApp, webhook: &Value, count: usize, attempts: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = deliveries(app, webhook).await;
        if log.len() == count && log.iter().all(|d| d["attempts"].as_i64() >= Some(attempts)) {
            return;
        }
        assert!(Instant::now() < deadline, "deliveries: {log:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn feed_after(app: &TestApp, after: i64) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/api/v1/changes?after={after}&limit=1000"))
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn last_seq(app: &TestApp) -> i64 {
    let page: Value = app
        .get("/api/v1/changes?after=0&limit=1000")
        .await
        .json()
        .await
        .unwrap();
    page["last_seq"].as_i64().unwrap()
}

#[tokio::test]
async fn a_receiver_on_loopback_gets_every_event_once_and_signed() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let receiver = Receiver::up();
    let webhook = subscribe(
        &app,
        json!({"url": receiver.url(), "description": "all events"}),
    )
    .await;
    let secret = webhook["secret"].as_str().unwrap();
    let start = last_seq(&app).await;

    let ids = write_organisations(&app, "ORG", 5).await;
    let path = format!("/api/v1/organisations/{}", ids[0]);
    assert_eq!(
        app.patch(&path, &json!({"name": "Renamed"})).await.status(),
        200
    );
    assert_eq!(
        app.delete(&format!("/api/v1/organisations/{}", ids[1]))
            .await
            .status(),
        204
    );

    let feed = feed_after(&app, start).await;
    assert_eq!(feed.len(), 7);
    let messages = receiver.wait_for(7).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.seen().len(), 7, "each event is sent once");
    let mut by_seq = HashMap::new();
    for message in &messages {
        verify(secret, message);
        let body: Value = serde_json::from_str(&message.body).unwrap();
        by_seq.insert(body["data"]["seq"].as_i64().unwrap(), body);
    }
    for event in &feed {
        let body = &by_seq[&event["seq"].as_i64().unwrap()];
        let operation = match event["operation"].as_str().unwrap() {
            "create" => "created",
            "update" => "updated",
            _ => "deleted",
        };
        assert_eq!(body["type"], format!("organisation.{operation}"));
        for field in ["resource_type", "resource_id", "version", "actor", "at"] {
            assert_eq!(body["data"][field], event[field], "{field}");
        }
        assert_eq!(body["timestamp"], event["at"]);
    }
    let renamed = by_seq
        .values()
        .find(|b| b["type"] == "organisation.updated")
        .unwrap();
    assert_eq!(renamed["data"]["resource"]["name"], "Renamed");
    assert_eq!(renamed["data"]["resource"]["version"], 2);

    let log = deliveries(&app, &webhook).await;
    assert_eq!(log.len(), 7);
    for delivery in &log {
        assert_eq!(delivery["state"], "delivered", "{delivery}");
        assert_eq!(delivery["attempts"], 1);
        assert_eq!(delivery["last_status"], 204);
        assert!(receiver.ids().contains(delivery["id"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn events_sent_while_the_receiver_is_down_all_arrive_once_it_is_up() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let mut receiver = Receiver::down();
    let webhook = subscribe(&app, json!({"url": receiver.url()})).await;
    write_organisations(&app, "DOWN", 5).await;
    wait_for_attempts(&app, &webhook, 5, 3).await;
    let log = deliveries(&app, &webhook).await;
    assert!(log
        .iter()
        .all(|d| d["state"] == "pending" && d["last_error"].is_string()));

    receiver.start();
    let messages = receiver.wait_for(5).await;
    for message in &messages {
        verify(webhook["secret"].as_str().unwrap(), message);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = deliveries(&app, &webhook).await;
        if log.iter().all(|d| d["state"] == "delivered") {
            break;
        }
        assert!(Instant::now() < deadline, "{log:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let one = &deliveries(&app, &webhook).await[0];
    let detail: Value = app
        .get(&format!(
            "/api/v1/webhooks/{}/deliveries/{}",
            webhook["id"].as_str().unwrap(),
            one["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    let attempts = detail["attempt_log"].as_array().unwrap();
    assert!(attempts.len() >= 4, "{detail}");
    assert!(attempts[..attempts.len() - 1]
        .iter()
        .all(|a| a["error"].is_string() && a["status"].is_null()));
    assert_eq!(attempts.last().unwrap()["status"], 204);
    assert_eq!(detail["payload"]["type"], "organisation.created");
}

#[tokio::test]
async fn a_restart_between_attempts_loses_no_event() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let mut receiver = Receiver::down();
    let webhook = subscribe(&app, json!({"url": receiver.url()})).await;
    write_organisations(&app, "RST", 6).await;
    wait_for_attempts(&app, &webhook, 6, 2).await;

    let app = app.restart(QUICK_RETRIES).await;
    receiver.start();
    let messages = receiver.wait_for(6).await;
    for message in &messages {
        verify(webhook["secret"].as_str().unwrap(), message);
    }
    let codes: HashSet<String> = messages
        .iter()
        .map(|m| {
            let body: Value = serde_json::from_str(&m.body).unwrap();
            body["data"]["resource"]["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(codes, (0..6).map(|i| format!("RST{i}")).collect());
    let log = deliveries(&app, &webhook).await;
    assert_eq!(log.len(), 6);
}

#[tokio::test]
async fn two_processes_on_one_database_send_each_event_once() {
    let first = spawn_app_with(QUICK_RETRIES).await;
    let second = first.another_process(QUICK_RETRIES);
    let receiver = Receiver::up();
    let webhook = subscribe(&first, json!({"url": receiver.url()})).await;
    let (a, b) = tokio::join!(
        write_organisations(&first, "ONE", 20),
        write_organisations(&second, "TWO", 20)
    );
    assert_eq!(a.len() + b.len(), 40);
    receiver.wait_for(40).await;
    // Time for a duplicate to show, were one on its way.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 40, "every event once: {} requests", seen.len());
    for message in &seen {
        verify(webhook["secret"].as_str().unwrap(), message);
    }
}

#[tokio::test]
async fn a_slow_receiver_does_not_hold_up_another_subscription() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let slow = Receiver::slow(Duration::from_millis(1500));
    let fast = Receiver::up();
    // Both paused while the events are written, so that both queues fill at once.
    let mut paths = Vec::new();
    for receiver in [&slow, &fast] {
        let hook = subscribe(&app, json!({"url": receiver.url(), "enabled": false})).await;
        paths.push(format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap()));
    }
    write_organisations(&app, "BOTH", 40).await;
    for path in &paths {
        assert_eq!(
            app.patch(path, &json!({"enabled": true})).await.status(),
            200
        );
    }
    fast.wait_for(40).await;
    // The slow one has at most 16 in flight at a time: 40 take three turns of 1.5 s.
    assert!(
        slow.ids().len() < 40,
        "the fast receiver finished first ({} slow ones)",
        slow.ids().len()
    );
    slow.wait_for(40).await;
}

#[tokio::test]
async fn urls_to_addresses_the_deployment_did_not_allow_are_refused() {
    let app = spawn_app_with(&[]).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
    ] {
        let response = app.post("/api/v1/webhooks", &json!({"url": url})).await;
        let body = problem(response, 422, "validation_failed").await;
        assert_eq!(fields(&body), ["url"], "{url}");
        assert_eq!(body["errors"][0]["code"], "refused_address", "{url}");
    }
    let response = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": "ftp://hooks.partner.example/x"}),
        )
        .await;
    problem(response, 422, "validation_failed").await;

    // Allowing loopback opens loopback, not the metadata service.
    let app = spawn_app_with(QUICK_RETRIES).await;
    let response = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": "http://169.254.169.254/latest/meta-data/"}),
        )
        .await;
    problem(response, 422, "validation_failed").await;
    let list: Value = app.get("/api/v1/webhooks").await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn an_address_allowed_at_registration_but_not_at_delivery_is_not_sent_to() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let receiver = Receiver::up();
    let webhook = subscribe(&app, json!({"url": receiver.url()})).await;
    let strict: Vec<(&str, &str)> = QUICK_RETRIES
        .iter()
        .map(|&(k, v)| match k {
            "WAYMARK_WEBHOOK_ALLOW_NETWORKS" => (k, "10.99.0.0/16"),
            _ => (k, v),
        })
        .collect();
    let app = app.restart(&strict).await;
    write_organisations(&app, "STRICT", 1).await;
    wait_for_attempts(&app, &webhook, 1, 2).await;
    let log = deliveries(&app, &webhook).await;
    let error = log[0]["last_error"].as_str().unwrap();
    assert!(error.contains("loopback"), "{error}");
    assert!(receiver.seen().is_empty());
}

#[tokio::test]
async fn a_receiver_answering_410_is_unsubscribed() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let receiver = Receiver::answering(vec![(410, None)]);
    let webhook = subscribe(&app, json!({"url": receiver.url()})).await;
    let path = format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap());
    write_organisations(&app, "GONE", 1).await;
    receiver.wait_for(1).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let disabled = loop {
        let current: Value = app.get(&path).await.json().await.unwrap();
        if current["enabled"] == false {
            break current;
        }
        assert!(Instant::now() < deadline, "{current}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        disabled["disabled_reason"],
        "the receiver answered 410 Gone"
    );
    assert_eq!(disabled["version"], 2);
    assert_eq!(deliveries(&app, &webhook).await[0]["state"], "failed");

    // Nothing more goes out until an admin enables it again.
    write_organisations(&app, "AFTER", 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.seen().len(), 1);
    assert_eq!(
        app.patch(&path, &json!({"enabled": true})).await.status(),
        200
    );
    receiver.wait_for(3).await;
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let receiver = Receiver::answering(vec![(503, Some("2"))]);
    subscribe(&app, json!({"url": receiver.url()})).await;
    write_organisations(&app, "LATER", 1).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.seen().len() < 2 {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = receiver.seen();
    assert_eq!(seen[0].id, seen[1].id, "a retry keeps its webhook-id");
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(1900),
        "retried after {waited:?}"
    );
}

#[tokio::test]
async fn a_delivery_can_be_sent_again_on_request() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let receiver = Receiver::up();
    let webhook = subscribe(
        &app,
        json!({"url": receiver.url(), "event_types": ["organisation.created"]}),
    )
    .await;
    write_organisations(&app, "AGAIN", 1).await;
    let first = receiver.wait_for(1).await[0].clone();
    let wid = webhook["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/{wid}/deliveries/{}/redeliver", first.id);
    let deadline = Instant::now() + Duration::from_secs(10);
    let response = loop {
        let response = app.post(&path, &json!({})).await;
        // The first attempt may still be being logged.
        if response.status() != 409 {
            break response;
        }
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(response.status(), 202);
    let queued: Value = response.json().await.unwrap();
    assert_eq!(queued["state"], "pending");
    while receiver.seen().len() < 2 {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let again = &receiver.seen()[1];
    assert_eq!(again.id, first.id);
    assert_eq!(again.body, first.body);
    verify(webhook["secret"].as_str().unwrap(), again);

    let unknown =
        format!("/api/v1/webhooks/{wid}/deliveries/019ab3c4-0000-7000-8000-000000000000/redeliver");
    problem(app.post(&unknown, &json!({})).await, 404, "not_found").await;
}

#[tokio::test]
async fn subscriptions_are_checked_versioned_and_deleted_with_their_log() {
    let app = spawn_app_with(QUICK_RETRIES).await;
    let response = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://hooks.partner.example/x", "event_types": ["action.updated", "actions.changed", "plan.update"]}),
        )
        .await;
    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(fields(&body), ["event_types[1]", "event_types[2]"]);
    let response = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": "http://127.0.0.1:9/x", "plan_id": "019ab3c4-0000-7000-8000-00000000dead"}),
        )
        .await;
    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "plan_id");

    let receiver = Receiver::up();
    let webhook = subscribe(
        &app,
        json!({"url": receiver.url(), "event_types": ["organisation.updated"]}),
    )
    .await;
    let path = format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap());
    let shown: Value = app.get(&path).await.json().await.unwrap();
    assert!(shown.get("secret").is_none(), "the secret is shown once");
    assert_eq!(shown["event_types"], json!(["organisation.updated"]));

    // Only updates are sent.
    let ids = write_organisations(&app, "ONLY", 2).await;
    let org = format!("/api/v1/organisations/{}", ids[0]);
    assert_eq!(
        app.patch(&org, &json!({"name": "Updated"})).await.status(),
        200
    );
    let messages = receiver.wait_for(1).await;
    let body: Value = serde_json::from_str(&messages[0].body).unwrap();
    assert_eq!(body["type"], "organisation.updated");

    let stale = app
        .patch_if(&path, &json!({"enabled": false}), Some("\"7\""))
        .await;
    problem(stale, 412, "version_mismatch").await;
    let paused = app.patch(&path, &json!({"enabled": false})).await;
    assert_eq!(paused.status(), 200);
    let paused: Value = paused.json().await.unwrap();
    assert_eq!(
        (paused["enabled"].clone(), paused["version"].clone()),
        (json!(false), json!(2))
    );

    // An organisation a subscription filters on stays until the subscription goes.
    let org = app.organisation("WATCHED", "nhs_trust").await;
    let watcher = subscribe(
        &app,
        json!({"url": receiver.url(), "organisation_id": org["id"]}),
    )
    .await;
    let org_path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());
    let refused = problem(app.delete(&org_path).await, 409, "still_referenced").await;
    assert!(
        refused["detail"].as_str().unwrap().contains("1 webhooks"),
        "{refused}"
    );
    let watcher_path = format!("/api/v1/webhooks/{}", watcher["id"].as_str().unwrap());
    assert_eq!(app.delete(&watcher_path).await.status(), 204);
    assert_eq!(app.delete(&org_path).await.status(), 204);

    problem(
        app.delete_if(&path, None).await,
        428,
        "precondition_required",
    )
    .await;
    assert_eq!(app.delete(&path).await.status(), 204);
    problem(app.get(&path).await, 404, "not_found").await;
    problem(
        app.get(&format!("{path}/deliveries")).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_published_highlight_report_is_sent_once_to_those_who_asked_for_it() {
    let mut env = QUICK_RETRIES.to_vec();
    env.push(("WAYMARK_DEMO_PLANS", "true"));
    let demo = Demo {
        app: spawn_app_with(&env).await,
    };
    let receiver = Receiver::up();
    let webhook = subscribe(
        &demo.app,
        json!({"url": receiver.url(), "event_types": ["highlight_report.published"]}),
    )
    .await;
    let secret = webhook["secret"].as_str().unwrap();

    // Drafted, written, commented on and published: four writes, one of them a publication.
    let board = meetings::meeting(&demo, 12).await;
    let (report, etag, _) = meetings::publish_report(&demo, &board, "For the board.").await;

    let messages = receiver.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.seen().len(), 1, "only the publication is sent");
    verify(secret, &messages[0]);
    let body: Value = serde_json::from_str(&messages[0].body).unwrap();
    assert_eq!(body["type"], "highlight_report.published");
    assert_eq!(body["data"]["resource_type"], "highlight_report");
    assert_eq!(body["data"]["resource_id"], report["id"]);
    let sent = &body["data"]["resource"];
    assert_eq!(sent["status"], "published");
    assert_eq!(
        format!("\"{}\"", sent["content_hash"].as_str().unwrap()),
        etag
    );
    assert_eq!(sent["content"], report["content"], "the content as frozen");
    let log = deliveries(&demo.app, &webhook).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["state"], "delivered", "{}", log[0]);
}

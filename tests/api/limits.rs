//! Resource limits: bodies built to exhaust the parser and a thousand connections
//! that never finish a request. Each is refused or timed out, the server keeps
//! answering `/healthz`, and its memory stays bounded.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    helpers::{problem, spawn_app, TestDatabase},
    process::start,
};

/// What a connection may cost while it waits: actix-web's buffers, a few KiB.
const KIB_PER_IDLE_CONNECTION: u64 = 24;
const IDLE_CONNECTIONS: usize = 1000;

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn deeply_nested_or_huge_json_is_refused_and_the_server_keeps_answering() {
    let app = spawn_app().await;
    let post_raw = |path: &'static str, body: String| {
        app.client
            .post(app.url(path))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };

    // 100,000 levels in 200 kB: the parser stops at its depth limit, not the stack.
    for path in [
        "/api/v1/organisations",
        "/api/v1/plans",
        "/api/v1/plan-bundles",
        "/api/v1/reading-batches",
    ] {
        let deep = format!(r#"{{"code": {}}}"#, nested(100_000));
        let body = problem(post_raw(path, deep).await.unwrap(), 400, "malformed_json").await;
        assert!(
            body["detail"].as_str().unwrap().contains("recursion limit"),
            "{path}: {body}"
        );
    }
    let patch = app
        .client
        .patch(app.url("/api/v1/organisations/01a20cb3-77b5-73e5-ae1f-805c10ecc727"))
        .header("Content-Type", "application/merge-patch+json")
        .header("If-Match", "\"1\"")
        .body(nested(100_000))
        .send()
        .await
        .unwrap();
    problem(patch, 400, "malformed_json").await;

    // Just under the 1 MiB limit: 60,000 members, and one 900 kB string.
    let wide: serde_json::Map<String, serde_json::Value> =
        (0..60_000).map(|n| (format!("k{n}"), json!(n))).collect();
    let wide = serde_json::Value::Object(wide).to_string();
    assert!(wide.len() < 1 << 20);
    let body = problem(
        post_raw("/api/v1/organisations", wide).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"].as_array().unwrap().len() <= 3, "{body}");
    let long = json!({"code": "LONG", "name": "x".repeat(900_000), "kind": "other"});
    let body = problem(
        app.post("/api/v1/organisations", &long).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "name");

    assert_eq!(app.get("/healthz").await.status(), 200);
    let list: serde_json::Value = app.get("/api/v1/organisations").await.json().await.unwrap();
    assert_eq!(list["items"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn a_thousand_idle_connections_neither_stop_it_answering_nor_hold_it_forever() {
    allow_open_files(4 * IDLE_CONNECTIONS as u64);
    let db = TestDatabase::create();
    let data = tempfile::tempdir().unwrap();
    let server = start(&db.url(), data.path()).await;
    let address = server.base.trim_start_matches("http://").to_string();

    let before = server.resident_kib();
    // Half say nothing; half start a request and never finish its headers.
    let mut idle = Vec::with_capacity(IDLE_CONNECTIONS);
    for n in 0..IDLE_CONNECTIONS {
        let mut stream = TcpStream::connect(&address)
            .await
            .expect("connection accepted");
        if n % 2 == 1 {
            stream
                .write_all(b"GET /api/v1/plans HTTP/1.1\r\nHost: waymark\r\nX-Slow: ")
                .await
                .unwrap();
        }
        idle.push(stream);
    }

    let asked = Instant::now();
    // No pooled connection: the last check below comes after the server's
    // keep-alive has closed any, and reusing one races its hang-up.
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let health = fresh
        .get(format!("{}/healthz", server.base))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("/healthz answers beside 1,000 idle connections");
    assert_eq!(health.status(), 200);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "/healthz took {:?}",
        asked.elapsed()
    );
    let grown = server.resident_kib().saturating_sub(before);
    assert!(
        grown < KIB_PER_IDLE_CONNECTION * IDLE_CONNECTIONS as u64,
        "{grown} KiB more resident with {IDLE_CONNECTIONS} idle connections"
    );

    // The server hangs up on each once its request timeout passes (5 s), so idle
    // clients cannot hold its sockets for ever.
    let deadline = Instant::now() + Duration::from_secs(20);
    for (n, stream) in idle.iter_mut().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut answer = Vec::new();
        let read = tokio::time::timeout(left, stream.read_to_end(&mut answer)).await;
        assert!(
            read.is_ok(),
            "connection {n} still open 20 s after it went idle"
        );
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "connection {n} got {answer:?}"
        );
    }
    assert_eq!(
        fresh
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

/// Raises this process's soft limit on open files (inherited by the server it
/// starts) where the hard limit allows: many systems default to 1,024.
fn allow_open_files(wanted: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        }
    }
    assert!(
        limit.rlim_cur >= wanted,
        "needs {wanted} open files; the hard limit is {}",
        limit.rlim_max
    );
}

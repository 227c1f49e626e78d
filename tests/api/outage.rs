//! The database going away: requests answer 503 with `Retry-After` instead of
//! hanging or failing with 500, and service resumes by itself.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use diesel::{connection::SimpleConnection, Connection, SqliteConnection};
use serde_json::{json, Value};
use tokio::{net::TcpListener, task::JoinHandle};

use crate::helpers::{problem, spawn_app_on, TestDatabase, PG_ENV};

#[tokio::test]
async fn a_sqlite_database_locked_past_the_timeout_answers_503_then_recovers() {
    let db = TestDatabase::create();
    let TestDatabase::Sqlite(dir) = &db else {
        eprintln!("skipped: the SQLite variant runs without {PG_ENV}");
        return;
    };
    let file = dir.path().join("waymark.db");
    let app = spawn_app_on(db, &[("WAYMARK_DB_TIMEOUT_MS", "300")]).await;
    let mut locker = SqliteConnection::establish(&file.to_string_lossy()).unwrap();
    locker.batch_execute("BEGIN EXCLUSIVE").unwrap();

    let body =
        json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"});
    let response = app.post("/api/v1/organisations", &body).await;
    assert_eq!(response.headers()["retry-after"], "5");
    problem(response, 503, "database_unavailable").await;

    locker.batch_execute("COMMIT").unwrap();
    assert_eq!(app.post("/api/v1/organisations", &body).await.status(), 201);
}

// Multi-threaded: the service connects through the proxy synchronously at start,
// and the proxy must keep running meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_answers_503_and_service_resumes_without_a_restart() {
    let db = TestDatabase::create();
    if !db.is_postgres() {
        eprintln!("skipped: needs {PG_ENV}");
        return;
    }
    let upstream = host_port(&db.url());
    let mut proxy = Proxy::start("127.0.0.1:0", &upstream).await;
    let url = db.url().replacen(&upstream, &proxy.address, 1);
    let app = spawn_app_on(
        db,
        &[("DATABASE_URL", &url), ("WAYMARK_DB_TIMEOUT_MS", "1000")],
    )
    .await;
    let body =
        json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"});
    assert_eq!(app.post("/api/v1/organisations", &body).await.status(), 201);
    assert_eq!(app.get("/readyz").await.status(), 200);

    proxy.stop();

    let started = Instant::now();
    let ready = app.get("/readyz").await;
    assert_eq!(ready.headers()["retry-after"], "5");
    problem(ready, 503, "database_unavailable").await;
    problem(
        app.get("/api/v1/organisations").await,
        503,
        "database_unavailable",
    )
    .await;
    let write = app
        .post(
            "/api/v1/organisations",
            &json!({"code": "CNWL", "name": "CNWL", "kind": "nhs_trust"}),
        )
        .await;
    problem(write, 503, "database_unavailable").await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "answers came within the timeouts"
    );

    proxy = Proxy::start(&proxy.address, &upstream).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.get("/readyz").await.status() != 200 {
        assert!(
            Instant::now() < deadline,
            "ready again within 5 s of the database's return"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let list: Value = app.get("/api/v1/organisations").await.json().await.unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the write before the outage is kept"
    );
    proxy.stop();
}

/// `host:port` of a PostgreSQL URL.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_string()
}

/// A TCP forwarder standing in for the network path to the database, which the
/// test can cut and restore.
struct Proxy {
    address: String,
    accept: JoinHandle<()>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(listen: &str, upstream: &str) -> Proxy {
        let listener = TcpListener::bind(listen).await.expect("proxy binds");
        let address = listener.local_addr().unwrap().to_string();
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let upstream = upstream.to_string();
        let registry = links.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                registry.lock().unwrap().push(link);
            }
        });
        Proxy {
            address,
            accept,
            links,
        }
    }

    /// Closes the listener and every forwarded connection.
    fn stop(&mut self) {
        self.accept.abort();
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }
}

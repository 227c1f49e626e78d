//! The database going away: requests answer 503 with `Retry-After` instead of
//! hanging or failing with 500, and service resumes by itself.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use diesel::{connection::SimpleConnection, Connection, SqliteConnection};
use serde_json::json;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::helpers::{problem, spawn_app_on, TestApp, TestDatabase, PG_ENV};

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
    let response = keyed(&app, "mkcc-1", &body).await;
    assert_eq!(response.headers()["retry-after"], "5");
    problem(response, 503, "database_unavailable").await;

    // The 503 left the key free: the retry it invited does the work, once.
    locker.batch_execute("COMMIT").unwrap();
    let retried = keyed(&app, "mkcc-1", &body).await;
    assert_eq!(retried.status(), 201);
    assert!(retried.headers().get("idempotent-replayed").is_none());
    let again = keyed(&app, "mkcc-1", &body).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let listed: serde_json::Value = app.get("/api/v1/organisations").await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

async fn keyed(app: &TestApp, key: &str, body: &serde_json::Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/organisations"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("a response")
}

/// What one request under load saw: when it was sent (since the load began),
/// how long it took, its status and whether a 503 said when to retry.
struct Seen {
    sent: Duration,
    took: Duration,
    status: u16,
    retry_after: bool,
    /// A 503 saying the connection was lost while the write was committing, so
    /// it may have been stored.
    in_doubt: bool,
    /// The Idempotency-Key and body of a write.
    write: Option<(String, serde_json::Value)>,
}

/// One of the clients keeping the service busy: reads and writes in turn until
/// told to stop.
async fn load(app: Arc<TestApp>, n: usize, began: Instant, stop: Arc<AtomicBool>) -> Vec<Seen> {
    let mut seen = Vec::new();
    for i in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let sent = began.elapsed();
        let (response, write) = if i % 2 == 0 {
            (app.get("/api/v1/organisations?limit=20").await, None)
        } else {
            let code = format!("L{n}-{i}");
            let body = json!({"code": code, "name": code, "kind": "other"});
            (keyed(&app, &code, &body).await, Some((code, body)))
        };
        let took = began.elapsed() - sent;
        let status = response.status().as_u16();
        let retry_after = response.headers().get("retry-after").is_some();
        let text = response.text().await.unwrap_or_default();
        seen.push(Seen {
            sent,
            took,
            status,
            retry_after,
            in_doubt: status == 503 && text.contains("may have been stored"),
            write,
        });
        if status == 503 {
            // A client that honoured Retry-After would wait 5 s; this one keeps
            // asking to see every answer the outage gives.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    seen
}

const CLIENTS: usize = 8;
const OUTAGE: Duration = Duration::from_secs(10);

// Multi-threaded: the service connects through the proxy synchronously at start,
// and the proxy must keep running meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_gone_for_ten_seconds_under_load_answers_503_then_resumes_by_itself() {
    let db = TestDatabase::create();
    if !db.is_postgres() {
        eprintln!("skipped: needs {PG_ENV}");
        return;
    }
    let upstream = host_port(&db.url());
    let mut proxy = Proxy::start("127.0.0.1:0", &upstream).await;
    let url = db.url().replacen(&upstream, &proxy.address, 1);
    let app = Arc::new(
        spawn_app_on(
            db,
            &[("DATABASE_URL", &url), ("WAYMARK_DB_TIMEOUT_MS", "1000")],
        )
        .await,
    );
    let body =
        json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"});
    assert_eq!(app.post("/api/v1/organisations", &body).await.status(), 201);
    assert_eq!(app.get("/readyz").await.status(), 200);

    let began = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(load(app.clone(), n, began, stop.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;

    proxy.stop();
    let gone = began.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.headers()["retry-after"], "5");
    problem(ready, 503, "database_unavailable").await;
    problem(
        app.get("/api/v1/organisations").await,
        503,
        "database_unavailable",
    )
    .await;
    tokio::time::sleep(OUTAGE - Duration::from_secs(2)).await;

    proxy = Proxy::start(&proxy.address, &upstream).await;
    let back = began.elapsed();
    let mut ready_again = None;
    while ready_again.is_none() && began.elapsed() < back + Duration::from_secs(5) {
        if app.get("/readyz").await.status() == 200 {
            ready_again = Some(began.elapsed() - back);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready_again = ready_again.expect("ready again within 5 s of the database's return");
    tokio::time::sleep(Duration::from_secs(6)).await;
    stop.store(true, Ordering::Relaxed);
    let mut seen = Vec::new();
    for client in clients {
        seen.extend(client.await.unwrap());
    }

    let timeout_bound = Duration::from_secs(4);
    for s in &seen {
        assert!(
            matches!(s.status, 200 | 201 | 503),
            "answered {} at {:?}",
            s.status,
            s.sent
        );
        assert!(
            s.status != 503 || s.retry_after,
            "a 503 without Retry-After at {:?}",
            s.sent
        );
        assert!(
            s.took < timeout_bound,
            "a request sent at {:?} took {:?}",
            s.sent,
            s.took
        );
    }
    let during = |s: &&Seen| s.sent > gone + Duration::from_secs(1) && s.sent + s.took < back;
    let refused = seen
        .iter()
        .filter(during)
        .filter(|s| s.status == 503)
        .count();
    assert!(refused > 0, "requests during the outage were answered 503");
    assert!(
        seen.iter().filter(during).all(|s| s.status == 503),
        "nothing succeeded while the database was gone"
    );
    let late: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.sent > back + Duration::from_secs(5))
        .collect();
    assert!(late.len() > 100, "the load went on after the return");
    assert!(
        late.iter().all(|s| s.status < 300),
        "every request from 5 s after the return succeeded"
    );
    // A write whose COMMIT reached the database just as the link went may be
    // stored without the service hearing so; it answers 503 saying so, and
    // only such a write may be in the feed unacknowledged.
    let acknowledged = seen.iter().filter(|s| s.status == 201).count();
    let in_doubt: Vec<&str> = seen
        .iter()
        .filter(|s| s.in_doubt)
        .filter_map(|s| s.write.as_ref().map(|(key, _)| key.as_str()))
        .collect();
    let unacknowledged = app.last_seq().await - 1 - acknowledged as i64;
    assert!(
        (0..=in_doubt.len() as i64).contains(&unacknowledged),
        "every acknowledged write is in the feed, and besides them at most the {} answered 'may have been stored': {unacknowledged}",
        in_doubt.len()
    );
    // Each write refused with 503 left its Idempotency-Key free: retried with
    // the same key, it is done exactly once.
    let (mut done, mut replayed) = (0, 0);
    for (key, body) in seen
        .iter()
        .filter(|s| s.status == 503)
        .filter_map(|s| s.write.as_ref())
    {
        let answer = keyed(&app, key, body).await;
        let status = answer.status();
        match answer.headers().contains_key("idempotent-replayed") {
            true => {
                assert!(
                    in_doubt.contains(&key.as_str()),
                    "{key} was stored though its 503 did not say it may have been"
                );
                replayed += 1
            }
            false => done += 1,
        }
        let text = answer.text().await.unwrap_or_default();
        assert_eq!(status, 201, "the retry of {key} after its 503: {text}");
    }
    assert!(done > 0, "some writes were refused with 503 and retried");
    assert_eq!(
        replayed as i64, unacknowledged,
        "each write stored without acknowledgement replays its stored answer"
    );
    assert_eq!(
        app.last_seq().await,
        (acknowledged + done + replayed) as i64 + 1,
        "each retried write was done once"
    );
    eprintln!(
        "{} requests, {refused} answered 503 during the outage ({} of them lost while committing), ready {ready_again:?} after the database returned; {done} refused writes retried with their keys and done once, {replayed} replayed",
        seen.len(),
        in_doubt.len()
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
        Proxy::start_cutting(listen, upstream, None).await
    }

    /// A proxy that, once a connection has sent `marker` (a value bound in a
    /// write), forwards that connection's next COMMIT to the database and then
    /// cuts the connection before the database's answer comes back.
    async fn start_cutting(listen: &str, upstream: &str, marker: Option<&'static [u8]>) -> Proxy {
        let listener = TcpListener::bind(listen).await.expect("proxy binds");
        let address = listener.local_addr().unwrap().to_string();
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let upstream = upstream.to_string();
        let registry = links.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let link = tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    match marker {
                        None => {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                        Some(marker) => cut_after_commit(client, server, marker).await,
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Forwards both ways until the client, having sent `marker`, sends a COMMIT:
/// that is forwarded, and the link is dropped when the database answers it,
/// so the answer never reaches the service. The client sends COMMIT only once
/// every earlier statement is answered, so the next answer is the COMMIT's.
async fn cut_after_commit(
    client: tokio::net::TcpStream,
    server: tokio::net::TcpStream,
    marker: &[u8],
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let committing = Arc::new(AtomicBool::new(false));
    let (answered, commit_answered) = tokio::sync::oneshot::channel::<()>();
    let answers = tokio::spawn({
        let committing = committing.clone();
        async move {
            let mut buffer = vec![0u8; 64 * 1024];
            while let Ok(n) = server_read.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                if committing.load(Ordering::Acquire) {
                    let _ = answered.send(());
                    return;
                }
                if client_write.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        }
    });
    let mut marked = false;
    let mut buffer = vec![0u8; 64 * 1024];
    while let Ok(n) = client_read.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        marked |= contains(&buffer[..n], marker);
        let commit = marked && contains(&buffer[..n], b"COMMIT");
        committing.store(commit, Ordering::Release);
        if server_write.write_all(&buffer[..n]).await.is_err() {
            break;
        }
        if commit {
            let _ = tokio::time::timeout(Duration::from_secs(30), commit_answered).await;
            answers.abort();
            return;
        }
    }
    answers.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_commit_answer_is_lost_says_it_may_have_been_stored_and_its_retry_replays() {
    let db = TestDatabase::create();
    if !db.is_postgres() {
        eprintln!("skipped: needs {PG_ENV}");
        return;
    }
    let upstream = host_port(&db.url());
    let proxy = Proxy::start_cutting("127.0.0.1:0", &upstream, Some(b"INDOUBT")).await;
    let url = db.url().replacen(&upstream, &proxy.address, 1);
    let app = spawn_app_on(db, &[("DATABASE_URL", &url)]).await;
    let before = app.last_seq().await;

    let body = json!({"code": "INDOUBT", "name": "In doubt", "kind": "other"});
    let lost = keyed(&app, "in-doubt-1", &body).await;
    assert_eq!(lost.headers()["retry-after"], "5");
    let answer = problem(lost, 503, "database_unavailable").await;
    let detail = answer["detail"].as_str().unwrap();
    assert!(
        detail.contains("may have been stored") && detail.contains("Idempotency-Key"),
        "{detail}"
    );
    assert_eq!(
        app.last_seq().await,
        before + 1,
        "the database had committed the write"
    );

    let retried = keyed(&app, "in-doubt-1", &body).await;
    assert_eq!(retried.status(), 201);
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(app.last_seq().await, before + 1, "and it is stored once");
}

/// Connections the server ends while nobody is asking (a restart, a failover,
/// an idle timeout in between) are not given out again: once the service has
/// found one dead, each older one is asked before use, and every request after
/// that answers 200.
#[tokio::test]
async fn connections_the_database_ended_are_replaced_before_requests_meet_them() {
    let db = TestDatabase::create();
    let Some(name) = db.postgres_name() else {
        eprintln!("skipped on SQLite: a file's connections cannot be ended from outside");
        return;
    };
    // Nothing kept: every read goes to the database.
    let app = Arc::new(
        spawn_app_on(
            db,
            &[
                ("WAYMARK_DB_POOL_SIZE", "8"),
                ("WAYMARK_WORKERS", "2"),
                ("WAYMARK_READ_CACHE_MB", "0"),
            ],
        )
        .await,
    );
    let org = app.organisation("ENDED", "other").await;
    let path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());
    // Eight at once, so that the pool holds several connections.
    let all_answer = |app: Arc<TestApp>, path: String| async move {
        let requests = (0..8).map(|_| {
            let (app, path) = (app.clone(), path.clone());
            tokio::spawn(async move { app.get(&path).await.status().as_u16() })
        });
        let mut statuses = Vec::new();
        for request in requests {
            statuses.push(request.await.unwrap());
        }
        statuses
    };
    assert_eq!(all_answer(app.clone(), path.clone()).await, vec![200; 8]);

    let admin_url = std::env::var(PG_ENV).unwrap();
    let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = '{name}' AND pid <> pg_backend_pid();"
        ))
        .unwrap();
    // The service reads the feed's position every 100 ms: that read finds the
    // first dead connection (and each later one finds another; the requests
    // follow soon enough to meet the rest).
    tokio::time::sleep(Duration::from_millis(150)).await;
    for _ in 0..3 {
        assert_eq!(all_answer(app.clone(), path.clone()).await, vec![200; 8]);
    }
}

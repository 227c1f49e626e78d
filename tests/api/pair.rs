//! Two instances of the binary on one database behind a load balancer
//! (`balancer.rs`: HAProxy with `deploy/haproxy.cfg`), as `deploy/pair.sh` runs
//! them in production. The crash test goes through the pair, killing each
//! instance in turn; a feed reader follows the feed through the pair while
//! writes land on both; each event's webhook is sent by one instance only.

use std::{
    collections::{BTreeMap, HashSet},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use reqwest::{
    header::{HeaderMap, HeaderValue, AUTHORIZATION},
    Client,
};
use serde_json::{json, Value};

use crate::{
    balancer,
    crash::{every_acknowledged_write_and_no_half_write, write_until_stopped, OnFailure},
    helpers::TestDatabase,
    process::{admin_token, free_port, start_logging_to, Server},
    webhooks::{verify, Receiver, QUICK_RETRIES},
};

const WRITERS: usize = 8;
/// Each instance is killed twice.
const ROUNDS: usize = 4;
const PER_ROUND: usize = 100;

type Acknowledged = Arc<Mutex<BTreeMap<String, i64>>>;

struct Pair {
    servers: [Server; 2],
    ports: [u16; 2],
    url: String,
    data: tempfile::TempDir,
    vars: &'static [(&'static str, &'static str)],
    balancer: balancer::Balancer,
    client: Client,
    /// Each instance's log, shown when a test fails.
    logs: tempfile::TempDir,
}

impl Pair {
    async fn start(db: &TestDatabase, vars: &'static [(&'static str, &'static str)]) -> Pair {
        let (url, data) = (db.url(), tempfile::tempdir().unwrap());
        let logs = tempfile::tempdir().unwrap();
        let ports = [free_port(), free_port()];
        // One after the other: the first migrates the new database.
        let a = start_instance(&url, data.path(), ports[0], vars, logs.path(), 0).await;
        let b = start_instance(&url, data.path(), ports[1], vars, logs.path(), 1).await;
        let balancer = balancer::start(ports[0], ports[1]).await;
        eprintln!("the pair is behind {}", balancer.kind);
        // A connection per request: behind the round robin of connections,
        // as behind HAProxy, each request may go to either instance.
        let client = Client::builder()
            .default_headers(HeaderMap::from_iter([(
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {}", admin_token(data.path()))).unwrap(),
            )]))
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        Pair {
            servers: [a, b],
            ports,
            url,
            data,
            vars,
            balancer,
            client,
            logs,
        }
    }

    async fn restart(&mut self, instance: usize) {
        self.servers[instance] = start_instance(
            &self.url,
            self.data.path(),
            self.ports[instance],
            self.vars,
            self.logs.path(),
            instance,
        )
        .await;
    }

    /// Waits up to 30 s for `done`; if it does not come, fails with what the
    /// balancer and each instance said and how each answered the writes.
    async fn wait_until(&self, what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            if Instant::now() >= deadline {
                panic!("waited 30 s for {what}\n{}", self.diagnosis().await);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn diagnosis(&self) -> String {
        let mut said = format!("HAProxy:\n{}", self.balancer.log());
        for (instance, server) in self.servers.iter().enumerate() {
            let log = std::fs::read_to_string(self.logs.path().join(format!("{instance}.log")))
                .unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            let answers = match Client::new()
                .get(format!("{}/metrics", server.base))
                .timeout(Duration::from_secs(5))
                .send()
                .await
            {
                Ok(metrics) => metrics
                    .text()
                    .await
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| l.starts_with("waymark_http_requests_total{"))
                    .filter(|l| !l.contains("method=\"GET\""))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Err(e) => format!("no metrics: {e}"),
            };
            said += &format!(
                "\ninstance {instance}, last of its log:\n{}\nits writes' answers:\n{answers}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        said
    }

    fn api(&self) -> String {
        format!("{}/api/v1", self.balancer.base)
    }

    /// Writers through the balancer that go on past unanswered writes.
    fn writers(
        &self,
        acknowledged: &Acknowledged,
        stop: &Arc<AtomicBool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        (0..WRITERS)
            .map(|w| {
                tokio::spawn(write_until_stopped(
                    self.client.clone(),
                    self.balancer.base.clone(),
                    format!("pair.{w}"),
                    stop.clone(),
                    acknowledged.clone(),
                    OnFailure::GoOn,
                ))
            })
            .collect()
    }

    /// How many writes an instance has acknowledged, from its own metrics.
    async fn writes_answered_by(&self, instance: usize) -> f64 {
        let metrics = Client::new()
            .get(format!("{}/metrics", self.servers[instance].base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        metrics
            .lines()
            .filter(|l| l.starts_with("waymark_http_requests_total{"))
            .filter(|l| l.contains("method=\"POST\"") || l.contains("method=\"PATCH\""))
            .filter(|l| l.contains("status=\"2"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

async fn start_instance(
    url: &str,
    data: &std::path::Path,
    port: u16,
    vars: &[(&str, &str)],
    logs: &std::path::Path,
    instance: usize,
) -> Server {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(logs.join(format!("{instance}.log")))
        .expect("the instance's log opens");
    start_logging_to(url, data, port, vars, log.into()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn either_instance_of_a_pair_killed_under_load_loses_no_acknowledged_write() {
    let db = TestDatabase::create();
    let mut pair = Pair::start(&db, &[]).await;
    let acknowledged: Acknowledged = Arc::default();
    let count = || acknowledged.lock().unwrap().len();
    let stop = Arc::new(AtomicBool::new(false));
    let writers = pair.writers(&acknowledged, &stop);
    for round in 0..ROUNDS {
        let start = count();
        pair.wait_until("writes through the pair", || count() >= start + PER_ROUND)
            .await;
        let victim = round % 2;
        pair.servers[victim].child.kill().expect("SIGKILL");
        pair.servers[victim]
            .child
            .wait()
            .expect("the killed instance is reaped");
        // The other instance takes every write while its partner is down.
        let before = count();
        pair.wait_until("the surviving instance to take the writes", || {
            count() >= before + PER_ROUND / 2
        })
        .await;
        pair.restart(victim).await;
        // Back in the balancer's rotation before its partner's turn to be killed.
        let deadline = Instant::now() + Duration::from_secs(30);
        while pair.writes_answered_by(victim).await < 10.0 {
            if Instant::now() >= deadline {
                panic!(
                    "the restarted instance takes no writes\n{}",
                    pair.diagnosis().await
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let (stored, events) =
        every_acknowledged_write_and_no_half_write(&pair.client, &pair.api(), &acknowledged).await;
    eprintln!(
        "{} writes acknowledged through the pair over {ROUNDS} kills; {stored} organisations, {events} feed events",
        acknowledged.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn through_a_pair_a_feed_reader_sees_each_version_once_in_order_and_each_event_is_sent_once()
{
    let db = TestDatabase::create();
    let pair = Pair::start(&db, QUICK_RETRIES).await;
    let receiver = Receiver::up();
    let webhook: Value = pair
        .client
        .post(format!("{}/webhooks", pair.api()))
        .json(&json!({"url": receiver.url()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = webhook["secret"].as_str().expect("the webhook's secret");

    let acknowledged: Acknowledged = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers = pair.writers(&acknowledged, &stop);
    let written = Arc::new(AtomicBool::new(false));
    let reader = {
        let (client, api, written) = (pair.client.clone(), pair.api(), written.clone());
        tokio::spawn(async move {
            let mut seen: Vec<(i64, String, i64)> = Vec::new();
            let mut after = 0;
            loop {
                // Once the writers are done, one more empty page means the end.
                let finished = written.load(Ordering::SeqCst);
                let page: Value = client
                    .get(format!("{api}/changes?after={after}&limit=100"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let items = page["items"].as_array().unwrap();
                if items.is_empty() && finished {
                    return seen;
                }
                for item in items {
                    let seq = item["seq"].as_i64().unwrap();
                    assert_eq!(seq, after + 1, "the reader's next event follows its last");
                    after = seq;
                    seen.push((
                        seq,
                        item["resource_id"].as_str().unwrap().to_string(),
                        item["version"].as_i64().unwrap(),
                    ));
                }
            }
        })
    };
    pair.wait_until("writes through the pair", || {
        acknowledged.lock().unwrap().len() >= 3 * PER_ROUND
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    written.store(true, Ordering::SeqCst);
    let seen = reader.await.unwrap();

    let acknowledged = acknowledged.lock().unwrap().clone();
    let (_, events) =
        every_acknowledged_write_and_no_half_write(&pair.client, &pair.api(), &acknowledged).await;
    assert_eq!(seen.len(), events, "the reader saw every event");
    let versions: HashSet<(&String, i64)> = seen.iter().map(|(_, id, v)| (id, *v)).collect();
    assert_eq!(versions.len(), events, "each version once");
    for instance in 0..2 {
        let answered = pair.writes_answered_by(instance).await;
        assert!(
            answered >= 100.0,
            "instance {instance} acknowledged {answered} writes: the balancer uses both"
        );
    }

    receiver.wait_for(events).await;
    // Time for a duplicate to show, were one on its way.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = receiver.seen();
    assert_eq!(messages.len(), events, "each event sent once by the pair");
    let ids: HashSet<&String> = messages.iter().map(|m| &m.id).collect();
    assert_eq!(ids.len(), events, "no message id twice");
    for message in &messages {
        verify(secret, message);
    }
}

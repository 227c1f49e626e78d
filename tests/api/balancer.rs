//! A load balancer in front of two servers. It is HAProxy, started with the
//! repository's own `deploy/haproxy.cfg`, wherever haproxy is installed (CI
//! installs it, and sets `WAYMARK_TEST_REQUIRE_HAPROXY` so that it cannot be
//! missed). On a machine without it, the tests still run the pair behind a round
//! robin of TCP connections in this process, which tries the other server when
//! one refuses a connection, as the configuration's `retry-on conn-failure` does.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};
use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

use crate::process::free_port;

const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/haproxy.cfg");

pub struct Balancer {
    pub base: String,
    /// What balances: "HAProxy" or the in-process round robin.
    pub kind: &'static str,
    haproxy: Option<Child>,
    /// HAProxy's own messages: servers going down and up.
    log: Option<tempfile::NamedTempFile>,
    round_robin: Option<JoinHandle<()>>,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        if let Some(child) = &mut self.haproxy {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(task) = &self.round_robin {
            task.abort();
        }
    }
}

fn haproxy() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|dir| dir.join("haproxy"))
        .find(|candidate| candidate.is_file())
}

/// A balancer in front of the servers listening on `a` and `b` (ports on
/// 127.0.0.1), answering once one of them is ready behind it.
pub async fn start(a: u16, b: u16) -> Balancer {
    let port = free_port();
    let balancer = match haproxy() {
        Some(binary) => with_haproxy(&binary, port, a, b),
        None => {
            assert!(
                std::env::var_os("WAYMARK_TEST_REQUIRE_HAPROXY").is_none(),
                "haproxy is not installed (apt-get install haproxy)"
            );
            round_robin(port, [a, b]).await
        }
    };
    let client = Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = client.get(format!("{}/readyz", balancer.base)).send().await;
        if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
            return balancer;
        }
        assert!(Instant::now() < deadline, "the balancer did not answer");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Balancer {
    /// What HAProxy said of the servers, for a failing test to show.
    pub fn log(&self) -> String {
        self.log
            .as_ref()
            .and_then(|file| std::fs::read_to_string(file.path()).ok())
            .unwrap_or_default()
    }
}

fn with_haproxy(binary: &Path, port: u16, a: u16, b: u16) -> Balancer {
    let log = tempfile::NamedTempFile::new().expect("a file for HAProxy's log");
    let stderr = log.reopen().expect("HAProxy's log opens");
    let child = Command::new(binary)
        .args(["-db", "-f", CONFIG])
        .env("WAYMARK_LB_BIND", format!("127.0.0.1:{port}"))
        .env("WAYMARK_A", format!("127.0.0.1:{a}"))
        .env("WAYMARK_B", format!("127.0.0.1:{b}"))
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("haproxy starts");
    Balancer {
        base: format!("http://127.0.0.1:{port}"),
        kind: "HAProxy",
        haproxy: Some(child),
        log: Some(log),
        round_robin: None,
    }
}

async fn round_robin(port: u16, servers: [u16; 2]) -> Balancer {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the balancer binds");
    let next = Arc::new(AtomicUsize::new(0));
    let task = tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let first = next.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                for turn in 0..servers.len() {
                    let server = servers[(first + turn) % servers.len()];
                    if let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", server)).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                        return;
                    }
                }
            });
        }
    });
    Balancer {
        base: format!("http://127.0.0.1:{port}"),
        kind: "a round robin of TCP connections (haproxy is not installed)",
        haproxy: None,
        log: None,
        round_robin: Some(task),
    }
}

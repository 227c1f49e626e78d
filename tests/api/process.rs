//! The real binary as a process of its own, for tests that kill it, load it or
//! read its memory: what an in-process server cannot show.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};

const BINARY: &str = env!("CARGO_BIN_EXE_waymark");

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn start(database_url: &str, data_dir: &std::path::Path) -> Server {
    start_on(database_url, data_dir, free_port(), &[]).await
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts the binary on `port` with some configuration variables set, and
/// waits until it is ready.
pub async fn start_on(
    database_url: &str,
    data_dir: &std::path::Path,
    port: u16,
    vars: &[(&str, &str)],
) -> Server {
    start_logging_to(database_url, data_dir, port, vars, Stdio::null()).await
}

/// As `start_on`, with the server's log (its warnings and errors) written to
/// `log`, for a test that shows it when it fails.
pub async fn start_logging_to(
    database_url: &str,
    data_dir: &std::path::Path,
    port: u16,
    vars: &[(&str, &str)],
    log: Stdio,
) -> Server {
    let child = Command::new(BINARY)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("WAYMARK_PORT", port.to_string())
        .env("WAYMARK_DATA_DIR", data_dir)
        .env("WAYMARK_DEMO_PLANS", "false")
        .env("RUST_LOG", "warn")
        .envs(vars.iter().copied())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = client.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

pub fn admin_client(data_dir: &std::path::Path) -> Client {
    crate::helpers::token_client(&admin_token(data_dir))
}

/// An admin's token from `waymark token`, signed with the secret the server
/// keeps in `data_dir`.
pub fn admin_token(data_dir: &std::path::Path) -> String {
    let out = Command::new(BINARY)
        .args(["token", "--sub", "crash-test", "--role", "admin"])
        .env("WAYMARK_DATA_DIR", data_dir)
        .output()
        .expect("waymark token");
    assert!(out.status.success(), "waymark token failed");
    String::from_utf8(out.stdout)
        .expect("a token")
        .trim()
        .to_string()
}

impl Server {
    /// Resident memory in KiB, from /proc.
    pub fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("VmRSS in /proc status")
    }
}

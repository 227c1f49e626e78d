//! A newcomer's first minutes: the commands the server prints work as printed,
//! from the directory it runs in, and a token that does not match says why.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::redirect::Policy;

use crate::helpers::{problem, spawn_app, token_client, TestDatabase};

const BINARY: &str = env!("CARGO_BIN_EXE_waymark");

struct Started {
    child: Child,
    base: String,
    banner: Vec<String>,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary in `cwd` with a bare environment, as a newcomer's shell
/// would, and reads its start-up lines up to the token hint.
fn start_in(cwd: &Path, database_url: &str) -> Started {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new(BINARY)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("WAYMARK_PORT", port.to_string())
        .env("WAYMARK_DEMO_PLANS", "false")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let stdout = child.stdout.take().expect("its stdout");
    let mut banner = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line of the banner");
        let last = line.starts_with("A token for Swagger UI");
        banner.push(line);
        if last {
            break;
        }
    }
    Started {
        child,
        base: format!("http://127.0.0.1:{port}"),
        banner,
    }
}

/// Runs a printed command line in `cwd` through the shell, with nothing in
/// the environment the server had.
fn shell(cwd: &Path, line: &str) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "`{line}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("a token")
        .trim()
        .to_string()
}

async fn wait_ready(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !reqwest::get(format!("{base}/readyz"))
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_printed_token_command_works_as_printed_and_a_mismatched_token_says_how_to_mint_one() {
    let cwd = tempfile::tempdir().unwrap();
    let db = TestDatabase::create();
    let server = start_in(cwd.path(), &db.url());
    wait_ready(&server.base).await;

    let hint = server.banner.last().expect("a banner");
    let command = hint
        .split_once(": ")
        .map(|(_, c)| c.replace("NAME", "newcomer"))
        .expect("a command after the colon");
    assert!(!command.starts_with("waymark "), "{command}");
    let token = shell(cwd.path(), &command);
    let plans = token_client(&token)
        .get(format!("{}/api/v1/plans", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(plans.status(), 200, "{hint}");

    // A token signed with a secret from another directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let foreign = shell(
        elsewhere.path(),
        &format!("{BINARY} token --sub newcomer --role admin"),
    );
    let refused = token_client(&foreign)
        .get(format!("{}/api/v1/plans", server.base))
        .send()
        .await
        .unwrap();
    let body = problem(refused, 401, "invalid_token").await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("signature does not verify"), "{detail}");
    assert!(detail.contains("dev-token-secret"), "{detail}");
    let suggested = detail
        .rsplit_once(" with `")
        .and_then(|(_, rest)| rest.strip_suffix('`'))
        .unwrap_or_else(|| panic!("a command in {detail}"));
    let minted = shell(cwd.path(), suggested);
    let accepted = token_client(&minted)
        .get(format!("{}/api/v1/plans", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200, "{detail}");
}

#[tokio::test]
async fn the_root_sends_a_browser_to_swagger_ui() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let root = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(root.status(), 307);
    assert_eq!(root.headers()["location"], "/docs/");
    let followed = reqwest::get(app.url("/")).await.unwrap();
    assert_eq!(followed.status(), 200);
    assert!(followed.text().await.unwrap().contains("swagger-ui"));
}

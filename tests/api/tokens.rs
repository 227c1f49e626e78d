//! Token verification from the outside: forged and broken tokens, key sets from a
//! file and a URL with keys rotated while the server runs, claims placed and
//! named as Keycloak and Entra ID do, and development tokens from `waymark token`.

use std::{
    process::{Command, Output},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    task::JoinHandle,
};

use waymark::auth::Role;

use crate::helpers::{problem, spawn_app_with, token_client, TestApp, TEST_AUDIENCE, TEST_ISSUER};

const RSA_ONE: &[u8] = include_bytes!("../fixtures/keys/rsa-one.pem");
const RSA_ONE_PUBLIC: &[u8] = include_bytes!("../fixtures/keys/rsa-one.pub.pem");
const RSA_TWO: &[u8] = include_bytes!("../fixtures/keys/rsa-two.pem");
const EC_ONE: &[u8] = include_bytes!("../fixtures/keys/ec-one.pem");
const RSA_ONE_JWK: &str = include_str!("../fixtures/keys/rsa-one.jwk.json");
const RSA_TWO_JWK: &str = include_str!("../fixtures/keys/rsa-two.jwk.json");
const EC_ONE_JWK: &str = include_str!("../fixtures/keys/ec-one.jwk.json");

fn key_set(jwks: &[&str]) -> String {
    format!(r#"{{"keys":[{}]}}"#, jwks.join(","))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims() -> Value {
    json!({
        "iss": TEST_ISSUER, "aud": TEST_AUDIENCE, "sub": "cnwl-system",
        "exp": now() + 600, "iat": now(), "roles": ["viewer"], "org": "CNWL"
    })
}

fn signed(alg: Algorithm, kid: Option<&str>, pem: &[u8], claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem).unwrap(),
        _ => EncodingKey::from_rsa_pem(pem).unwrap(),
    };
    encode(&header, claims, &key).unwrap()
}

fn rs256(kid: &str, pem: &[u8], claims: &Value) -> String {
    signed(Algorithm::RS256, Some(kid), pem, claims)
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// A server that trusts keys from a JWKS file.
async fn app_with_key_file(dir: &tempfile::TempDir, jwks: &str, extra: &[(&str, &str)]) -> TestApp {
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, jwks).unwrap();
    let path = path.display().to_string();
    let mut vars = vec![
        ("WAYMARK_AUTH_SECRET", ""),
        ("WAYMARK_AUTH_JWKS_FILE", path.as_str()),
        ("WAYMARK_AUTH_ALGORITHMS", "RS256,ES256"),
        ("WAYMARK_AUTH_JWKS_REFETCH_SECS", "1"),
    ];
    vars.extend_from_slice(extra);
    spawn_app_with(&vars).await
}

async fn status_with(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .get(app.url("/api/v1/organisations"))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn forged_and_broken_tokens_all_get_401_invalid_token() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_key_file(&dir, &key_set(&[RSA_ONE_JWK, EC_ONE_JWK]), &[]).await;
    let good = rs256("rsa-one", RSA_ONE, &claims());
    assert_eq!(
        status_with(&app, &good).await.status(),
        200,
        "the control token"
    );
    let es = signed(Algorithm::ES256, Some("ec-one"), EC_ONE, &claims());
    assert_eq!(
        status_with(&app, &es).await.status(),
        200,
        "ES256 from the same set"
    );

    let with = |change: &dyn Fn(&mut Value)| {
        let mut c = claims();
        change(&mut c);
        c
    };
    let (header, payload, signature) = {
        let mut parts = good.split('.');
        (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        )
    };
    let admin_payload = b64(&with(&|c| c["roles"] = json!(["admin"])));
    let none_header = b64(&json!({"alg": "none", "typ": "JWT"}));
    let cases: Vec<(&str, String)> = vec![
        ("alg none", format!("{none_header}.{}.", b64(&claims()))),
        (
            "HS256 signed with the RSA public key",
            encode(
                &Header::new(Algorithm::HS256),
                &claims(),
                &EncodingKey::from_secret(RSA_ONE_PUBLIC),
            )
            .unwrap(),
        ),
        (
            "expired",
            rs256(
                "rsa-one",
                RSA_ONE,
                &with(&|c| c["exp"] = json!(now() - 3600)),
            ),
        ),
        (
            "nbf in the future",
            rs256(
                "rsa-one",
                RSA_ONE,
                &with(&|c| c["nbf"] = json!(now() + 3600)),
            ),
        ),
        (
            "wrong issuer",
            rs256(
                "rsa-one",
                RSA_ONE,
                &with(&|c| c["iss"] = json!("https://evil.example")),
            ),
        ),
        (
            "wrong audience",
            rs256(
                "rsa-one",
                RSA_ONE,
                &with(&|c| c["aud"] = json!("another-api")),
            ),
        ),
        (
            "no expiry",
            rs256(
                "rsa-one",
                RSA_ONE,
                &with(&|c| {
                    c.as_object_mut().unwrap().remove("exp");
                }),
            ),
        ),
        ("unknown kid", rs256("rsa-unknown", RSA_TWO, &claims())),
        ("known kid, other key", rs256("rsa-one", RSA_TWO, &claims())),
        (
            "tampered payload",
            format!("{header}.{admin_payload}.{signature}"),
        ),
        ("garbage", "not-a-token".to_string()),
        ("empty signature", format!("{header}.{payload}.")),
    ];
    for (case, token) in &cases {
        let response = status_with(&app, token).await;
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            challenge.contains(r#"error="invalid_token""#),
            "{case}: {challenge}"
        );
        let body = problem(response, 401, "invalid_token").await;
        eprintln!("forged token, {case}: 401 {}", body["detail"]);
    }
    let basic = app
        .anonymous
        .get(app.url("/api/v1/organisations"))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    problem(basic, 401, "invalid_token").await;
    let missing = app
        .anonymous
        .get(app.url("/api/v1/organisations"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.headers()["www-authenticate"],
        r#"Bearer realm="waymark""#
    );
    problem(missing, 401, "missing_token").await;
}

/// Serves a key set that the test can change, counting the fetches.
struct KeyServer {
    url: String,
    keys: Arc<Mutex<String>>,
    fetches: Arc<AtomicUsize>,
}

async fn key_server(initial: String) -> KeyServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks", listener.local_addr().unwrap());
    let keys = Arc::new(Mutex::new(initial));
    let fetches = Arc::new(AtomicUsize::new(0));
    let (served, counted) = (keys.clone(), fetches.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 2048];
            let _ = socket.read(&mut request).await;
            counted.fetch_add(1, Ordering::SeqCst);
            let body = served.lock().unwrap().clone();
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    KeyServer { url, keys, fetches }
}

#[tokio::test]
async fn a_key_added_to_the_jwks_url_after_start_is_accepted_without_a_restart() {
    let server = key_server(key_set(&[RSA_ONE_JWK])).await;
    let app = spawn_app_with(&[
        ("WAYMARK_AUTH_SECRET", ""),
        ("WAYMARK_AUTH_JWKS_URL", server.url.as_str()),
        ("WAYMARK_AUTH_JWKS_REFETCH_SECS", "1"),
    ])
    .await;
    let first = rs256("rsa-one", RSA_ONE, &claims());
    let rotated = rs256("rsa-two", RSA_TWO, &claims());
    assert_eq!(status_with(&app, &first).await.status(), 200);
    let before = server.fetches.load(Ordering::SeqCst);
    assert_eq!(before, 1, "fetched once, on the first token");

    // Unknown kids within the refetch interval do not each cause a fetch.
    for _ in 0..20 {
        assert_eq!(status_with(&app, &rotated).await.status(), 401);
    }
    assert!(server.fetches.load(Ordering::SeqCst) <= before + 1);

    *server.keys.lock().unwrap() = key_set(&[RSA_ONE_JWK, RSA_TWO_JWK]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        status_with(&app, &rotated).await.status(),
        200,
        "the rotated key"
    );
    assert_eq!(
        status_with(&app, &first).await.status(),
        200,
        "the old key still"
    );
}

#[tokio::test]
async fn a_key_added_to_the_jwks_file_after_start_is_accepted_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_key_file(&dir, &key_set(&[RSA_ONE_JWK]), &[]).await;
    let rotated = rs256("rsa-two", RSA_TWO, &claims());
    assert_eq!(status_with(&app, &rotated).await.status(), 401);
    std::fs::write(dir.path().join("jwks.json"), key_set(&[RSA_TWO_JWK])).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status_with(&app, &rotated).await.status(), 200);
}

/// A server that trusts keys from a JWKS URL, fetched again at most every second
/// for unknown key ids and after a minute (the least allowed) for known ones.
async fn app_with_key_url(url: &str) -> TestApp {
    spawn_app_with(&[
        ("WAYMARK_AUTH_SECRET", ""),
        ("WAYMARK_AUTH_JWKS_URL", url),
        ("WAYMARK_AUTH_JWKS_REFRESH_SECS", "60"),
        ("WAYMARK_AUTH_JWKS_REFETCH_SECS", "1"),
    ])
    .await
}

#[tokio::test]
async fn a_key_removed_from_the_jwks_url_verifies_no_token_once_the_set_is_fetched_again() {
    let server = key_server(key_set(&[RSA_ONE_JWK])).await;
    let app = app_with_key_url(&server.url).await;
    let retired = rs256("rsa-one", RSA_ONE, &claims());
    let current = rs256("rsa-two", RSA_TWO, &claims());
    assert_eq!(status_with(&app, &retired).await.status(), 200);

    // Rotation seen through an unknown kid: the new set replaces the old one.
    *server.keys.lock().unwrap() = key_set(&[RSA_TWO_JWK]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status_with(&app, &current).await.status(), 200);
    let refused = status_with(&app, &retired).await;
    problem(refused, 401, "invalid_token").await;

    // Rotation seen when the set grows stale: the request that fetches it again
    // is judged by the new set, not by the key it held before.
    *server.keys.lock().unwrap() = key_set(&[RSA_ONE_JWK, RSA_TWO_JWK]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status_with(&app, &retired).await.status(), 200);
    *server.keys.lock().unwrap() = key_set(&[RSA_TWO_JWK]);
    tokio::time::sleep(Duration::from_secs(61)).await;
    let before = server.fetches.load(Ordering::SeqCst);
    let refused = status_with(&app, &retired).await;
    assert_eq!(
        server.fetches.load(Ordering::SeqCst),
        before + 1,
        "this request fetched the stale set"
    );
    let body = problem(refused, 401, "invalid_token").await;
    eprintln!(
        "removed key, on the refreshing request: 401 {}",
        body["detail"]
    );
    let refused = status_with(&app, &retired).await;
    problem(refused, 401, "invalid_token").await;
    assert_eq!(status_with(&app, &current).await.status(), 200);
}

/// Serves one answer of `size` bytes, a key set padded with spaces, declaring
/// its length or not; returns how many bytes it handed to the socket before the
/// reader hung up.
async fn oversized_key_server(size: usize, declared: bool) -> (String, JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks", listener.local_addr().unwrap());
    let served = tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return 0;
        };
        let mut request = [0u8; 2048];
        let _ = socket.read(&mut request).await;
        let length = match declared {
            true => format!("Content-Length: {size}\r\n"),
            false => String::new(),
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n"
        );
        let keys = key_set(&[RSA_ONE_JWK]);
        if socket.write_all(head.as_bytes()).await.is_err()
            || socket.write_all(keys.as_bytes()).await.is_err()
        {
            return 0;
        }
        let padding = vec![b' '; 64 * 1024];
        let mut sent = keys.len();
        while sent < size {
            let n = (size - sent).min(padding.len());
            if socket.write_all(&padding[..n]).await.is_err() {
                break;
            }
            sent += n;
        }
        sent
    });
    (url, served)
}

#[tokio::test]
async fn a_jwks_url_answering_far_over_the_limit_is_read_no_further_than_the_limit() {
    const SIZE: usize = 256 << 20;
    for declared in [false, true] {
        let (url, served) = oversized_key_server(SIZE, declared).await;
        let app = app_with_key_url(&url).await;
        let started = Instant::now();
        let response = status_with(&app, &rs256("rsa-one", RSA_ONE, &claims())).await;
        let took = started.elapsed();
        problem(response, 401, "invalid_token").await;
        let sent = tokio::time::timeout(Duration::from_secs(10), served)
            .await
            .expect("the key server finished")
            .unwrap();
        eprintln!(
            "a {} MiB key set, length declared: {declared}: 401 after {took:?}, {} KiB sent \
             before the server hung up",
            SIZE >> 20,
            sent >> 10
        );
        // The limit (1 MiB) plus what the sockets' buffers took in.
        assert!(sent < SIZE / 4, "{sent} bytes were read");
    }
}

/// Answers every request with a redirect to `to`.
async fn redirecting_server(to: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks", listener.local_addr().unwrap());
    let response = format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 2048];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    url
}

#[tokio::test]
async fn a_redirect_from_the_jwks_url_is_not_followed() {
    let elsewhere = key_server(key_set(&[RSA_ONE_JWK])).await;
    let url = redirecting_server(&elsewhere.url).await;
    let app = app_with_key_url(&url).await;
    let response = status_with(&app, &rs256("rsa-one", RSA_ONE, &claims())).await;
    let body = problem(response, 401, "invalid_token").await;
    eprintln!("a key set behind a redirect: 401 {}", body["detail"]);
    assert_eq!(
        elsewhere.fetches.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn an_organisation_claim_with_a_space_names_one_organisation() {
    let app = spawn_app_with(&[]).await;
    let icb = app.organisation("BLMK ICB", "integrated_care_board").await;
    let plan = json!({"ref": "BLMK-1", "title": "ICB plan", "kind": "strategy",
        "partner_organisation_ids": [icb["id"]]});
    let response = app.post("/api/v1/plans", &plan).await;
    assert_eq!(response.status(), 201);
    let plan: Value = response.json().await.unwrap();
    let path = format!("/api/v1/plans/{}", plan["id"].as_str().unwrap());

    let editor = app.client_as(Role::Editor, Some("BLMK ICB"));
    let patched = editor
        .patch(app.url(&path))
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"summary": "Agreed by the ICB board"}).to_string())
        .send()
        .await
        .unwrap();
    let status = patched.status();
    let text = patched.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    let changes: Value = app.get("/api/v1/changes").await.json().await.unwrap();
    let last = changes["items"].as_array().and_then(|i| i.last()).unwrap();
    assert_eq!(last["actor_organisation"], "BLMK ICB");
}

#[tokio::test]
async fn keycloak_style_roles_and_organisation_are_read_where_configured() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_key_file(
        &dir,
        &key_set(&[RSA_ONE_JWK]),
        &[
            ("WAYMARK_AUTH_ROLES_CLAIM", "realm_access.roles"),
            (
                "WAYMARK_AUTH_ROLE_MAP",
                "waymark-viewer=viewer,waymark-admin=admin",
            ),
            ("WAYMARK_AUTH_ORG_CLAIM", "partner"),
            ("WAYMARK_AUTH_ORG_MAP", "mk-council=MKCC"),
        ],
    )
    .await;
    let token = |roles: Value| {
        let mut c = claims();
        c["realm_access"] = json!({"roles": roles});
        c["partner"] = json!("mk-council");
        rs256("rsa-one", RSA_ONE, &c)
    };
    let body =
        json!({"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"});
    let admin = token_client(&token(json!(["offline_access", "waymark-admin"])));
    let created = app.post_as(&admin, "/api/v1/organisations", &body).await;
    assert_eq!(created.status(), 201);
    let changes: Value = admin
        .get(app.url("/api/v1/changes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(changes["items"][0]["actor"], "cnwl-system");
    assert_eq!(changes["items"][0]["actor_organisation"], "MKCC");

    let viewer = token_client(&token(json!(["waymark-viewer"])));
    let refused = app.post_as(&viewer, "/api/v1/organisations", &body).await;
    problem(refused, 403, "insufficient_role").await;
    // Our own role names mean nothing once a map is configured.
    let unmapped = token_client(&token(json!(["admin"])));
    let refused = unmapped
        .get(app.url("/api/v1/organisations"))
        .send()
        .await
        .unwrap();
    problem(refused, 403, "no_role").await;
}

#[tokio::test]
async fn entra_style_app_roles_map_to_ours() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_key_file(
        &dir,
        &key_set(&[RSA_ONE_JWK]),
        &[(
            "WAYMARK_AUTH_ROLE_MAP",
            "Waymark.Viewer=viewer,Waymark.Admin=admin",
        )],
    )
    .await;
    let mut c = claims();
    c["roles"] = json!(["Waymark.Admin"]);
    let admin = token_client(&rs256("rsa-one", RSA_ONE, &c));
    let body = json!({"code": "CNWL", "name": "Central and North West London NHS Trust", "kind": "nhs_trust"});
    let created = app.post_as(&admin, "/api/v1/organisations", &body).await;
    assert_eq!(created.status(), 201);
}

const BINARY: &str = env!("CARGO_BIN_EXE_waymark");

/// Runs `waymark token` with nothing but a data directory configured.
fn waymark_token(data: &str, options: &[&str]) -> Output {
    Command::new(BINARY)
        .arg("token")
        .args(options)
        .env_clear()
        .env("WAYMARK_DATA_DIR", data)
        // A database not made yet: `--org` cannot be checked, and is not refused.
        .env("DATABASE_URL", format!("sqlite://{data}/waymark.db"))
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_development_token_from_waymark_token_opens_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let out = waymark_token(
        &data,
        &[
            "--sub", "alice", "--role", "editor", "--org", "MKCC", "--ttl", "30m",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(dir.path().join("dev-token-secret").exists());

    let app = spawn_app_with(&[
        ("WAYMARK_AUTH_SECRET", ""),
        ("WAYMARK_AUTH_ISSUER", ""),
        ("WAYMARK_AUTH_AUDIENCE", ""),
        ("WAYMARK_DATA_DIR", data.as_str()),
    ])
    .await;
    assert_eq!(status_with(&app, &token).await.status(), 200);
    let refused = app
        .anonymous
        .post(app.url("/api/v1/organisations"))
        .header("Authorization", format!("Bearer {token}"))
        .json(&json!({"code": "X", "name": "X", "kind": "other"}))
        .send()
        .await
        .unwrap();
    problem(refused, 403, "insufficient_role").await;

    let bad = waymark_token(&data, &["--sub", "alice", "--role", "superuser"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a role"));
}

#[test]
fn production_without_auth_configuration_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BINARY)
        .env_clear()
        .env("WAYMARK_ENV", "production")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/w.db", dir.path().display()),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("waymark: WAYMARK_ENV: production needs explicit token configuration"),
        "{stderr}"
    );
    assert!(!dir.path().join("dev-token-secret").exists());
}

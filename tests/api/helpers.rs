//! Starts the real service on a free port against a fresh database of its own:
//! a new SQLite file, or a new PostgreSQL database when
//! `WAYMARK_TEST_DATABASE_URL` names a server (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`).

use std::{collections::HashMap, time::Duration};

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{
    header::{HeaderMap, HeaderValue, AUTHORIZATION},
    Client, Response,
};
use serde_json::{json, Value};
use waymark::{
    auth::{
        dev::{mint, TokenRequest},
        settings::AuthSettings,
        Role,
    },
    config::Config,
    startup::Application,
};

pub const PG_ENV: &str = "WAYMARK_TEST_DATABASE_URL";

/// The shared secret, issuer and audience test servers check tokens against.
pub const TEST_SECRET: &str = "waymark-test-secret-of-at-least-32-bytes";
pub const TEST_ISSUER: &str = "https://idp.test.example";
pub const TEST_AUDIENCE: &str = "waymark-test";

/// A database that exists for one test only.
pub enum TestDatabase {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn create() -> Self {
        match std::env::var(PG_ENV) {
            Ok(admin_url) if !admin_url.is_empty() => {
                let admin_url = without_tls(&admin_url);
                let name = format!("waymark_test_{}", uuid_simple());
                let mut admin = PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("{PG_ENV} does not connect: {e}"));
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create the test database");
                TestDatabase::Postgres { admin_url, name }
            }
            _ => TestDatabase::Sqlite(tempfile::tempdir().expect("a temporary directory")),
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite(dir) => format!("sqlite://{}/waymark.db", dir.path().display()),
            TestDatabase::Postgres { admin_url, name } => with_database(admin_url, name),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }

    /// The PostgreSQL database's name; none for a SQLite file.
    pub fn postgres_name(&self) -> Option<String> {
        match self {
            TestDatabase::Postgres { name, .. } => Some(name.clone()),
            TestDatabase::Sqlite(_) => None,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

/// Loopback test connections go without TLS unless the URL asks for it: libpq's
/// OpenSSL clean-up at exit crashed the test process (SIGSEGV in libcrypto) when
/// a stopped test server's thread still held a TLS connection.
fn without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode=disable")
}

/// Replaces the database name at the end of a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(head, _)| head);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

fn uuid_simple() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub struct TestApp {
    pub address: String,
    /// Sends an admin's token with every request.
    pub client: Client,
    /// Sends no token.
    pub anonymous: Client,
    pub auth: AuthSettings,
    /// Held by the first server on a database; dropped (and a PostgreSQL test
    /// database removed) with it.
    db: Option<TestDatabase>,
    database_url: String,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the server winds down in the background.
        drop(self.handle.stop(false));
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the service with some configuration variables set.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    let db = TestDatabase::create();
    spawn_app_on(db, vars).await
}

pub async fn spawn_app_on(db: TestDatabase, vars: &[(&str, &str)]) -> TestApp {
    let mut app = start(&db.url(), vars);
    app.db = Some(db);
    app
}

/// Starts a server on an existing database.
fn start(database_url: &str, vars: &[(&str, &str)]) -> TestApp {
    let mut env: HashMap<String, String> = [
        ("DATABASE_URL", database_url.to_string()),
        ("WAYMARK_PORT", "0".to_string()),
        ("WAYMARK_WORKERS", "1".to_string()),
        ("WAYMARK_DEMO_PLANS", "false".to_string()),
        ("WAYMARK_DB_POOL_SIZE", "4".to_string()),
        ("WAYMARK_AUTH_SECRET", TEST_SECRET.to_string()),
        ("WAYMARK_AUTH_ISSUER", TEST_ISSUER.to_string()),
        ("WAYMARK_AUTH_AUDIENCE", TEST_AUDIENCE.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in vars {
        if v.is_empty() {
            env.remove(*k);
        } else {
            env.insert(k.to_string(), v.to_string());
        }
    }
    let config = Config::from_map(&env).expect("valid test configuration");
    let app = Application::build(&config).expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let auth = config.auth.clone();
    let admin = match config.auth.keys.is_hmac() {
        true => token_client(&token(&auth, "test-admin", Role::Admin, None)),
        false => Client::new(),
    };
    TestApp {
        address,
        client: admin,
        anonymous: Client::new(),
        auth,
        db: None,
        database_url: database_url.to_string(),
        handle,
    }
}

/// A token the test server accepts.
pub fn token(auth: &AuthSettings, subject: &str, role: Role, organisation: Option<&str>) -> String {
    let request = TokenRequest {
        subject: subject.into(),
        role,
        organisation: organisation.map(str::to_string),
        ttl: Duration::from_secs(3600),
    };
    mint(auth, &request).expect("a test token")
}

/// A client that sends `token` with every request.
pub fn token_client(token: &str) -> Client {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("a header value");
    headers.insert(AUTHORIZATION, value);
    Client::builder()
        .default_headers(headers)
        .build()
        .expect("an HTTP client")
}

impl TestApp {
    /// Stops this server (its webhook worker with it) and starts a new one on the
    /// same database, as a redeploy would.
    pub async fn restart(mut self, vars: &[(&str, &str)]) -> TestApp {
        self.handle.stop(true).await;
        let mut app = start(&self.database_url, vars);
        app.db = self.db.take();
        app
    }

    /// A second server on the same database, as a second process would be.
    pub fn another_process(&self, vars: &[(&str, &str)]) -> TestApp {
        start(&self.database_url, vars)
    }

    /// The seq of the newest event, following the feed to its end; seqs have no
    /// gaps, so it is also how many events there are.
    pub async fn last_seq(&self) -> i64 {
        let mut after = 0;
        loop {
            let response = self
                .get(&format!("/api/v1/changes?after={after}&limit=1000"))
                .await;
            assert_eq!(response.status(), 200);
            let feed: Value = response.json().await.expect("a feed page");
            if feed["items"].as_array().is_none_or(Vec::is_empty) {
                return after;
            }
            after = feed["last_seq"].as_i64().expect("last_seq");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// POSTs `body` as JSON with `client`, which carries its own token.
    pub async fn post_as(&self, client: &Client, path: &str, body: &Value) -> Response {
        client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// A client acting with `role` for `organisation` (a code).
    pub fn client_as(&self, role: Role, organisation: Option<&str>) -> Client {
        let subject = format!("test-{role}-{}", organisation.unwrap_or("none"));
        token_client(&token(&self.auth, &subject, role, organisation))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// POSTs `body` as the admin and returns what was created (201 expected).
    pub async fn create(&self, path: &str, body: &Value) -> Value {
        let response = self.post(path, body).await;
        assert_eq!(response.status(), 201, "creating {path}: {body}");
        response.json().await.expect("the created resource")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// The current ETag of a resource, when it has one.
    pub async fn etag(&self, path: &str) -> Option<String> {
        let response = self.get(path).await;
        response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// PUT based on the current version (`If-Match` from a fresh GET).
    pub async fn put(&self, path: &str, body: &Value) -> Response {
        let etag = self.etag(path).await;
        self.put_if(path, body, etag.as_deref()).await
    }

    pub async fn put_if(&self, path: &str, body: &Value, if_match: Option<&str>) -> Response {
        let mut request = self.client.put(self.url(path)).json(body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send().await.expect("PUT")
    }

    /// PATCH based on the current version (`If-Match` from a fresh GET).
    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        let etag = self.etag(path).await;
        self.patch_if(path, body, etag.as_deref()).await
    }

    pub async fn patch_if(&self, path: &str, body: &Value, if_match: Option<&str>) -> Response {
        let mut request = self
            .client
            .patch(self.url(path))
            .header("Content-Type", "application/merge-patch+json")
            .body(body.to_string());
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send().await.expect("PATCH")
    }

    /// DELETE based on the current version (`If-Match` from a fresh GET).
    pub async fn delete(&self, path: &str) -> Response {
        let etag = self.etag(path).await;
        self.delete_if(path, etag.as_deref()).await
    }

    pub async fn delete_if(&self, path: &str, if_match: Option<&str>) -> Response {
        let mut request = self.client.delete(self.url(path));
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send().await.expect("DELETE")
    }

    /// Creates an organisation and returns it as stored.
    pub async fn organisation(&self, code: &str, kind: &str) -> Value {
        let body = json!({"code": code, "name": format!("{code} in full"), "kind": kind});
        let response = self.post("/api/v1/organisations", &body).await;
        assert_eq!(response.status(), 201, "creating organisation {code}");
        response.json().await.expect("organisation JSON")
    }

    /// Creates an owner and returns it as stored.
    pub async fn owner(&self, body: Value) -> Value {
        let response = self.post("/api/v1/owners", &body).await;
        assert_eq!(response.status(), 201, "creating owner {body}");
        response.json().await.expect("owner JSON")
    }
}

/// Reads a problem+json answer, checking its status, content type and code.
pub async fn problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status, "status of a {code} problem");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem JSON");
    assert_eq!(body["code"], code, "problem body {body}");
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("urn:waymark:problem:{code}"));
    body
}

/// The `field` of each entry of a problem's `errors`.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

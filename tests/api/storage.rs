//! Storage faults: a database whose disk is full answers 503 `storage_full`
//! with `Retry-After`, writes nothing half, keeps answering reads, and takes
//! writes again once there is room, without a restart. The disk is a small
//! tmpfs mounted for the test (SQLite's file on it; for PostgreSQL, a
//! tablespace on it), so the test needs root, as CI has.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::Command,
};

use diesel::{connection::SimpleConnection, Connection, PgConnection};
use serde_json::json;

use crate::helpers::{problem, spawn_app_with, TestApp, TestDatabase, PG_ENV};

/// A tmpfs of `megabytes` mounted for the test, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .ok()?;
        mounted.success().then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left of the disk with one file; returns its path.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        // The last partial block too.
        while file.write_all(&block[..512]).is_ok() {}
        let _ = file.flush();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn plan(n: usize) -> serde_json::Value {
    // Long summaries, so that each write needs fresh pages.
    json!({"ref": format!("FULL-{n}"), "title": "Full", "kind": "strategy", "summary": "x".repeat(15000)})
}

/// Writes until the disk refuses, then frees it and writes again; checks every
/// answer and that the feed holds exactly the acknowledged writes.
async fn fill_refuse_and_recover(app: &TestApp, disk: &SmallDisk) {
    assert_eq!(app.post("/api/v1/plans", &plan(0)).await.status(), 201);
    let mut acknowledged = 1;
    let filler = disk.fill();
    let mut refused = None;
    for n in 1..200 {
        let answer = app.post("/api/v1/plans", &plan(n)).await;
        match answer.status().as_u16() {
            201 => acknowledged += 1,
            503 => {
                assert_eq!(answer.headers()["retry-after"], "5");
                refused = Some(problem(answer, 503, "storage_full").await);
                break;
            }
            other => panic!(
                "write {n} on a full disk answered {other}: {}",
                answer.text().await.unwrap()
            ),
        }
    }
    let refused = refused.expect("a write on the full disk was refused");
    assert!(
        refused["detail"].as_str().unwrap().contains("disk is full"),
        "{refused}"
    );
    assert_eq!(
        app.get("/api/v1/plans?limit=1").await.status(),
        200,
        "reads go on"
    );

    std::fs::remove_file(filler).unwrap();
    let answer = app.post("/api/v1/plans", &plan(500)).await;
    assert_eq!(answer.status(), 201, "writes resume once there is room");
    acknowledged += 1;
    assert_eq!(
        app.last_seq().await,
        acknowledged,
        "the feed holds the acknowledged writes, nothing half"
    );
    eprintln!("{acknowledged} writes acknowledged; the full disk answered 503 storage_full, then writes resumed");
}

#[tokio::test]
async fn a_full_disk_answers_503_and_writes_resume_once_there_is_room() {
    let db = TestDatabase::create();
    if db.is_postgres() {
        return postgres_on_a_full_tablespace().await;
    }
    let Some(disk) = SmallDisk::mount(2) else {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    };
    let url = format!("sqlite://{}/waymark.db", disk.path().display());
    let data = disk.path().display().to_string();
    let app = spawn_app_with(&[("DATABASE_URL", &url), ("WAYMARK_DATA_DIR", &data)]).await;
    fill_refuse_and_recover(&app, &disk).await;
}

async fn postgres_on_a_full_tablespace() {
    let Some(disk) = SmallDisk::mount(48) else {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    };
    let admin_url = std::env::var(PG_ENV).unwrap();
    let admin_url = if admin_url.contains('?') {
        admin_url
    } else {
        format!("{admin_url}?sslmode=disable")
    };
    let status = Command::new("chown")
        .args(["postgres:postgres"])
        .arg(disk.path())
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the tablespace directory belongs to postgres"
    );
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (space, name) = (
        format!("waymark_tiny_{suffix}"),
        format!("waymark_full_{suffix}"),
    );
    let mut admin = PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE TABLESPACE {space} LOCATION '{}'",
            disk.path().display()
        ))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TABLESPACE {space}"))
        .unwrap();
    let (base, query) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
    let url = format!("{}/{name}?{query}", base.rsplit_once('/').unwrap().0);
    {
        let app = spawn_app_with(&[("DATABASE_URL", &url)]).await;
        fill_refuse_and_recover(&app, &disk).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    let _ = admin.batch_execute(&format!("DROP TABLESPACE IF EXISTS {space}"));
}

/// Writes a plan, makes the database refuse writes, checks the refusal, lets
/// it take writes again, and checks they resume, with the feed exact.
async fn read_only_then_writable(app: &TestApp, make: impl Fn(bool)) {
    assert_eq!(app.post("/api/v1/plans", &plan(0)).await.status(), 201);
    make(true);
    let answer = app.post("/api/v1/plans", &plan(1)).await;
    assert_eq!(answer.headers()["retry-after"], "5");
    let body = problem(answer, 503, "storage_read_only").await;
    assert!(
        body["detail"].as_str().unwrap().contains("read-only"),
        "{body}"
    );
    assert_eq!(
        app.get("/api/v1/plans?limit=1").await.status(),
        200,
        "reads go on"
    );
    make(false);
    assert_eq!(app.post("/api/v1/plans", &plan(2)).await.status(), 201);
    assert_eq!(app.last_seq().await, 2, "the refused write left nothing");
}

#[tokio::test]
async fn a_read_only_database_answers_503_and_writes_resume_when_it_is_writable() {
    let db = TestDatabase::create();
    if let Some(name) = db.postgres_name() {
        let url = db.url();
        let admin_url = std::env::var(PG_ENV).unwrap();
        let app = spawn_app_with(&[("DATABASE_URL", &url)]).await;
        read_only_then_writable(&app, |read_only| {
            let mut admin = PgConnection::establish(&admin_url).unwrap();
            // New sessions take the setting; the pool's open ones are ended,
            // so that the pool opens new ones, as after a failover to a replica.
            admin
                .batch_execute(&format!(
                    "ALTER DATABASE {name} SET default_transaction_read_only = {read_only};
                     SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                      WHERE datname = '{name}' AND pid <> pg_backend_pid();"
                ))
                .unwrap();
        })
        .await;
        drop(db);
        return;
    }
    // A filesystem cannot be remounted read-only under SQLite's open writer,
    // and root ignores file modes: the PostgreSQL run covers this fault.
    eprintln!("skipped on SQLite: no read-only fault can be injected under its open writer");
}

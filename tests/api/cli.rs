//! The binary itself: its help, its one-line failures and its subcommands.

use std::process::{Command, Output};

const BINARY: &str = env!("CARGO_BIN_EXE_waymark");

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_every_variable_with_its_default() {
    let out = run(&["--help"], &[]);

    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in ["serve", "migrate", "openapi"] {
        assert!(help.contains(command), "{command} in\n{help}");
    }
    for variable in waymark::config::VARIABLES {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(variable.name))
            .unwrap_or_else(|| panic!("{} is listed", variable.name));
        assert!(
            line.contains(&format!("(default: {})", variable.default)),
            "{line}"
        );
    }
}

fn assert_one_line_failure(out: &Output, variable: &str) {
    assert_eq!(out.status.code(), Some(1), "exit status");
    let stderr = text(&out.stderr);
    let lines: Vec<_> = stderr.lines().filter(|l| !l.contains(" INFO ")).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(
        lines[0].starts_with(&format!("waymark: {variable}: ")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_setting_stops_the_process_with_one_line_naming_the_variable() {
    for (variable, value) in [
        ("WAYMARK_PORT", "eighty"),
        ("WAYMARK_HOST", "localhost:80"),
        ("WAYMARK_DB_POOL_SIZE", "0"),
        ("WAYMARK_MAX_BODY_BYTES", "lots"),
        ("DATABASE_URL", "mysql://db/waymark"),
    ] {
        let out = run(&["serve"], &[(variable, value)]);
        assert_one_line_failure(&out, variable);
    }
}

#[test]
fn an_unreachable_database_stops_the_process_with_one_line() {
    let out = run(
        &["migrate"],
        &[
            ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/waymark"),
            ("WAYMARK_DB_TIMEOUT_MS", "2000"),
        ],
    );

    assert_one_line_failure(&out, "DATABASE_URL");
    assert!(text(&out.stderr).contains("cannot connect"));
}

#[test]
fn a_port_in_use_stops_the_process_with_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/w.db", dir.path().display());

    let out = run(
        &["serve"],
        &[("WAYMARK_PORT", &port), ("DATABASE_URL", &url)],
    );

    assert_one_line_failure(&out, "WAYMARK_PORT");
}

#[test]
fn migrate_creates_and_migrates_a_new_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nested").join("waymark.db");
    let url = format!("sqlite://{}", file.display());

    let out = run(&["migrate"], &[("DATABASE_URL", &url)]);

    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("migrations are up to date (sqlite database)"));
    assert!(file.exists());
}

#[test]
fn openapi_prints_the_committed_document() {
    let out = run(&["openapi"], &[]);

    assert!(out.status.success());
    assert_eq!(text(&out.stdout), include_str!("../../openapi/v1.json"));
}

#[test]
fn an_unknown_command_is_refused() {
    let out = run(&["launch"], &[]);

    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown command"));
}

#[test]
fn seed_loads_the_five_plans_and_a_second_run_changes_nothing() {
    let db = crate::helpers::TestDatabase::create();
    let url = db.url();

    let first = run(&["seed"], &[("DATABASE_URL", &url)]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    for plan in [
        "SEND-LAIAP-2025",
        "BSIL-2025",
        "EARLY-HELP-OFFER",
        "SEND-STRATEGY-2024",
        "CFP-2015-16",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(plan))
            .unwrap_or_else(|| panic!("no line for {plan} in {out}"));
        assert!(line.contains("plan version 1:"), "{line}");
        assert!(!line.contains(": 0 items created"), "{line}");
    }
    assert!(out.contains("loaded 5 plans in"), "{out}");

    let second = run(&["seed"], &[("DATABASE_URL", &url)]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    let out = text(&second.stdout);
    assert_eq!(
        out.lines()
            .filter(|l| l.contains("plan version 1: 0 items created, 0 updated, 0 deleted"))
            .count(),
        5,
        "{out}"
    );
}

#[test]
fn token_refuses_an_organisation_the_database_does_not_hold() {
    let db = crate::helpers::TestDatabase::create();
    let url = db.url();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("WAYMARK_DATA_DIR", data_dir.as_str()),
    ];
    let seeded = run(&["seed"], &env);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let token = |org: &str| {
        run(
            &["token", "--sub", "alice", "--role", "editor", "--org", org],
            &env,
        )
    };

    let known = token("MKCC");
    assert!(known.status.success(), "{}", text(&known.stderr));
    assert_eq!(text(&known.stdout).trim().split('.').count(), 3, "a JWT");
    assert_eq!(text(&known.stderr), "", "no warning: MKCC was checked");

    let unknown = token("NOPE");
    assert_eq!(unknown.status.code(), Some(2), "exit status");
    let stderr = text(&unknown.stderr);
    eprintln!("waymark token --org NOPE: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("waymark token: "), "{stderr}");
    assert!(stderr.contains("\"NOPE\""), "{stderr}");
    assert!(unknown.stdout.is_empty(), "no token printed");
}

#[test]
fn token_mints_with_a_warning_when_the_database_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let file = dir.path().join("not-made-yet.db");
    let sqlite = format!("sqlite://{}", file.display());
    for url in [sqlite.as_str(), "postgres://nobody@127.0.0.1:1/waymark"] {
        let out = run(
            &[
                "token", "--sub", "alice", "--role", "admin", "--org", "MKCC",
            ],
            &[
                ("DATABASE_URL", url),
                ("WAYMARK_DATA_DIR", &data_dir),
                ("WAYMARK_DB_TIMEOUT_MS", "2000"),
            ],
        );
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{url}: {stderr}");
        assert_eq!(text(&out.stdout).trim().split('.').count(), 3, "a JWT");
        eprintln!("waymark token with {url}: {stderr}");
        assert!(stderr.starts_with("waymark token: warning: "), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains("MKCC"), "{stderr}");
    }
    assert!(!file.exists(), "a token made no database");
}

//! The command line: `waymark [serve|migrate|seed|openapi|token]`, `--help` listing
//! every environment variable with its default. Failures print one line and exit 1;
//! a mistaken command line (an unknown command or option, `token --org` naming an
//! organisation the database does not hold) prints one line and exits 2.

use std::{io::Write, process::ExitCode};

use crate::{
    auth::{
        dev::{mint, parse_ttl, program, token_command, TokenRequest},
        settings::KeySource,
        Role,
    },
    config::{Config, VARIABLES},
    openapi, startup,
};

const COMMANDS: &[(&str, &str)] = &[
    (
        "serve",
        "apply pending migrations, then serve HTTP (the default)",
    ),
    ("migrate", "apply pending database migrations and exit"),
    (
        "seed",
        "load the five demo plans (again): each ends as its document has it; safe to repeat",
    ),
    ("openapi", "print the OpenAPI document as JSON and exit"),
    (
        "token",
        "print a token signed with the development (or configured) secret:\n            \
         waymark token --sub NAME --role viewer|contributor|editor|admin [--org CODE] [--ttl 8h]",
    ),
];

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .iter()
        .any(|a| a == "-h" || a == "--help" || a == "help")
    {
        print!("{}", help());
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "-V" || a == "--version") {
        println!("waymark {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let result = match args.as_slice() {
        [] => serve(),
        [command, options @ ..] if command == "token" => return token(options),
        [command] => match command.as_str() {
            "serve" => serve(),
            "migrate" => migrate(),
            "seed" => seed(),
            "openapi" => print_openapi(),
            other => {
                eprintln!("waymark: unknown command {other:?}; try waymark --help");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("waymark: expected at most one command; try waymark --help");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("waymark: {message}");
            ExitCode::FAILURE
        }
    }
}

pub fn help() -> String {
    let mut text = format!(
        "Waymark {}: a partnership's shared plans as a versioned REST/JSON API.\n\n\
         Usage: waymark [COMMAND]\n\nCommands:\n",
        env!("CARGO_PKG_VERSION")
    );
    for (name, what) in COMMANDS {
        text.push_str(&format!("  {name:<9} {what}\n"));
    }
    text.push_str(
        "\nOptions:\n  -h, --help     print this help\n  -V, --version  print the version\n",
    );
    text.push_str("\nEnvironment variables:\n");
    for v in VARIABLES {
        text.push_str(&format!(
            "  {:<24} {} (default: {})\n",
            v.name, v.help, v.default
        ));
    }
    text
}

fn init_logging() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
}

fn serve() -> Result<(), String> {
    crate::memory::limit_arenas();
    init_logging();
    let config = Config::from_env().map_err(|e| e.to_string())?;
    actix_web::rt::System::new().block_on(async move {
        let app = startup::Application::build(&config).map_err(|e| e.to_string())?;
        let host = if config.host.is_unspecified() {
            "127.0.0.1".to_string()
        } else if config.host.is_ipv6() {
            format!("[{}]", config.host)
        } else {
            config.host.to_string()
        };
        let base = format!("http://{host}:{}", app.port());
        println!(
            "Waymark is listening on {base} ({} database)",
            config.database.backend()
        );
        println!("Swagger UI: {base}/docs/");
        println!("OpenAPI document: {base}/api-docs/openapi.json");
        let options = "--sub NAME --role admin --org MKCC";
        match &config.auth.keys {
            KeySource::Generated(secret) => println!(
                "A token for Swagger UI's Authorize button: {}",
                token_command(secret, options)
            ),
            KeySource::Secret(_) => println!(
                "A token for Swagger UI's Authorize button, with this environment: {} token {options}",
                program()
            ),
            KeySource::JwksFile(_) | KeySource::JwksUrl(_) => {}
        }
        let _ = std::io::stdout().flush();
        app.fetch_keys().await;
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn migrate() -> Result<(), String> {
    init_logging();
    let config = Config::from_env().map_err(|e| e.to_string())?;
    startup::prepare_database(&config).map_err(|e| e.to_string())?;
    println!(
        "migrations are up to date ({} database)",
        config.database.backend()
    );
    Ok(())
}

fn seed() -> Result<(), String> {
    init_logging();
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let pool = startup::prepare_database(&config).map_err(|e| e.to_string())?;
    let store = crate::db::Store::new(
        pool,
        config.db_timeout,
        config.database.writers(config.pool_size),
    );
    let loaded = crate::seed::load(&store)?;
    for report in &loaded.reports {
        let counts = [
            ("priorities", report.priorities),
            ("outcomes", report.outcomes),
            ("actions", report.actions),
            ("measures", report.measures),
            ("readings", report.readings),
            ("risks", report.risks),
        ];
        let (created, updated, deleted) = counts.iter().fold((0, 0, 0), |acc, (_, c)| {
            (acc.0 + c.created, acc.1 + c.updated, acc.2 + c.deleted)
        });
        println!(
            "{:<20} plan version {}: {created} items created, {updated} updated, {deleted} deleted",
            report.plan_ref, report.plan_version
        );
    }
    println!(
        "loaded {} plans in {} ms ({} database)",
        loaded.reports.len(),
        loaded.took.as_millis(),
        config.database.backend()
    );
    Ok(())
}

/// Reads `--sub NAME --role ROLE [--org CODE] [--ttl 8h]`.
fn token_request(options: &[String]) -> Result<TokenRequest, String> {
    let mut subject = None;
    let mut role = None;
    let mut organisation = None;
    let mut ttl = parse_ttl("8h")?;
    let mut pairs = options.iter();
    while let Some(flag) = pairs.next() {
        let value = pairs
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .clone();
        match flag.as_str() {
            "--sub" => subject = Some(value),
            "--role" => role = Some(value.parse::<Role>()?),
            "--org" => organisation = Some(value),
            "--ttl" => ttl = parse_ttl(&value)?,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(TokenRequest {
        subject: subject.ok_or("--sub is required")?,
        role: role.ok_or("--role is required")?,
        organisation,
        ttl,
    })
}

/// `waymark token`: a bad option, or an organisation the database does not
/// hold, is a mistake on the command line (exit 2); the rest fail as any
/// command does (exit 1).
fn token(options: &[String]) -> ExitCode {
    let misused = |message: String| {
        eprintln!("waymark token: {message}");
        ExitCode::from(2)
    };
    let failed = |message: String| {
        eprintln!("waymark: {message}");
        ExitCode::FAILURE
    };
    let request = match token_request(options) {
        Ok(request) => request,
        Err(message) => return misused(format!("{message}; try waymark --help")),
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return failed(e.to_string()),
    };
    if let Some(code) = &request.organisation {
        if let Err(message) = check_organisation(&config, code) {
            return misused(message);
        }
    }
    match mint(&config.auth, &request) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(message) => failed(message),
    }
}

/// Refuses an organisation code the database does not hold: a token for a
/// mistyped code would be accepted, then refused on every plan, far from the
/// typo. A database that cannot be read (not made yet, down) cannot say, so
/// the token is minted with a warning.
fn check_organisation(config: &Config, code: &str) -> Result<(), String> {
    match holds_organisation(config, code) {
        Ok(true) => Ok(()),
        Ok(false) => Err(format!(
            "--org {code:?}: the {} database holds no organisation with this code; \
             create it first, or name one it holds",
            config.database.backend()
        )),
        Err(why) => {
            eprintln!(
                "waymark token: warning: --org {code:?} is not checked, the database \
                 cannot be read ({why})"
            );
            Ok(())
        }
    }
}

/// Whether the configured database holds an organisation with this code.
fn holds_organisation(config: &Config, code: &str) -> Result<bool, String> {
    // Opening a SQLite file that is not there would create it: a token is no
    // reason to make a database.
    if let Some(path) = config.database.sqlite_path().filter(|p| !p.is_file()) {
        return Err(format!("no file at {}", path.display()));
    }
    let mut conn = config
        .database
        .connect(config.db_timeout)
        .map_err(one_line)?;
    crate::db::keys::organisation_by_code(&mut conn, code)
        .map(|id| id.is_some())
        .map_err(one_line)
}

/// An error as one line: libpq explains over several, the warning is one.
fn one_line(error: impl ToString) -> String {
    error
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn print_openapi() -> Result<(), String> {
    let text = openapi::document().map_err(|e| e.to_string())?;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())
}

//! Migrations for both backends, embedded in the binary and run on start and by
//! `waymark migrate`.

use diesel::{connection::SimpleConnection, sql_query, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// An arbitrary constant, so that several processes starting on one PostgreSQL
/// database apply the migrations one after another instead of colliding.
const MIGRATION_LOCK: i64 = 0x0057_6179_6d61_726b;

/// Applies pending migrations; returns the versions applied.
pub fn run(conn: &mut DbConnection) -> Result<Vec<String>, String> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(ToString::to_string).collect()),
        DbConnection::Postgres(c) => {
            sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .execute(c)
                .map_err(|e| e.to_string())?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(ToString::to_string).collect());
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                .map_err(|e| e.to_string())?;
            result
        }
    };
    applied.map_err(|e| e.to_string())
}

/// Refreshes the query planner's statistics where they are missing or stale.
/// Without them SQLite picks an index by guesswork: a list of one plan's red
/// actions walked the whole BRAG index (33 ms instead of 0.2 ms on 50,000 actions).
/// `analysis_limit` bounds the work, so start-up stays fast on a large file.
/// PostgreSQL's autovacuum keeps its own statistics.
pub fn refresh_statistics(conn: &mut DbConnection) -> Result<(), String> {
    match conn {
        DbConnection::Sqlite(c) => c
            .batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
            .map_err(|e| e.to_string()),
        DbConnection::Postgres(_) => Ok(()),
    }
}

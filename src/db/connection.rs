//! One connection type for both backends, and the pool that hands them out.
//!
//! The backend is picked from the URL scheme by us, not by diesel's
//! `MultiConnection::establish` (which tries each variant in turn, and SQLite takes
//! any string as a file name, hiding the real PostgreSQL error).

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use diesel::{connection::SimpleConnection, prelude::*};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type Checkout = r2d2::PooledConnection<Manager>;

/// A validated `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err("the SQLite path is empty".into());
        }
        if path.contains("://") {
            return Err(format!(
                "{:?} is neither sqlite://PATH nor postgres://…",
                scheme_of(url)
            ));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }

    /// How many writes may run at once with a pool of `pool_size`: SQLite
    /// lets one write at a time; PostgreSQL runs as many as half the pool,
    /// keeping the other half for reads.
    pub fn writers(&self, pool_size: u32) -> usize {
        match self {
            DatabaseUrl::Sqlite(_) => 1,
            DatabaseUrl::Postgres(_) => usize::try_from(pool_size / 2).unwrap_or(1).max(1),
        }
    }

    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            DatabaseUrl::Sqlite(p) => Some(p),
            DatabaseUrl::Postgres(_) => None,
        }
    }

    pub fn connect(&self, timeout: Duration) -> ConnectionResult<DbConnection> {
        match self {
            DatabaseUrl::Postgres(url) => {
                let mut conn =
                    diesel::PgConnection::establish(&with_connect_timeout(url, timeout))?;
                // Writers run side by side and lock the rows they change: one
                // that waits for another's rows longer than a writer waits
                // for its turn answers 503 too, rather than hold its caller.
                conn.batch_execute(&format!("SET lock_timeout = {}", timeout.as_millis()))
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Postgres(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                // Per connection: SQLite forgets these on close. WAL is set once, in
                // `prepare_sqlite`, because switching it from many new connections
                // at once makes them fail with "database is locked". Each
                // connection's page cache is held to 512 KiB (SQLite's default is
                // 2 MiB), so the pool's caches stay small beside the server's own
                // memory; the operating system's file cache keeps the pages warm.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -512;",
                    timeout.as_millis()
                ))
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

fn scheme_of(url: &str) -> &str {
    url.split("://").next().unwrap_or(url)
}

/// libpq waits for a dead host as long as the kernel lets it; bound it so a
/// request fails within the configured timeout instead of hanging.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let seconds = timeout.as_secs().max(2);
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout={seconds}")
}

/// Opens the SQLite file once before the pool exists: creates its directory and
/// switches the journal to WAL, which is a property of the file and persists.
pub fn prepare_sqlite(url: &DatabaseUrl, timeout: Duration) -> Result<(), String> {
    let Some(path) = url.sqlite_path() else {
        return Ok(());
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create directory {}: {e}", dir.display()))?;
    }
    let mut conn = url.connect(timeout).map_err(|e| e.to_string())?;
    conn.batch_execute("PRAGMA journal_mode = WAL;")
        .map_err(|e| e.to_string())
}

/// r2d2 manager that opens connections for one `DatabaseUrl`.
pub struct Manager {
    url: DatabaseUrl,
    timeout: Duration,
    /// Raised each time a connection is found dead: the connections made
    /// before may have died with it (a restarted server drops them all).
    losses: Arc<AtomicU64>,
}

/// A connection in the pool, and what is known of its health.
pub struct Pooled {
    conn: DbConnection,
    /// `Manager::losses` when this connection last answered.
    known_good: u64,
    losses: Arc<AtomicU64>,
    broken: bool,
}

impl std::ops::Deref for Pooled {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

impl Pooled {
    /// Called with what a use of the connection gave. A PostgreSQL connection
    /// can die with its server or its network: one that no longer answers after
    /// a failure is closed rather than pooled, and every connection older than
    /// the loss is asked once at its next checkout. Asking only then spares
    /// every request the statement a check at each checkout costs. A SQLite
    /// file cannot go away so.
    pub fn check_after<T, E>(&mut self, outcome: &Result<T, E>) {
        if outcome.is_err()
            && matches!(self.conn, DbConnection::Postgres(_))
            && self.conn.batch_execute("SELECT 1").is_err()
        {
            self.broken = true;
            self.losses.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Whether `check_after` found this connection dead.
    pub fn is_broken(&self) -> bool {
        self.broken
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = ConnectionError;

    fn connect(&self) -> Result<Pooled, ConnectionError> {
        let known_good = self.losses.load(Ordering::Acquire);
        let conn = self.url.connect(self.timeout)?;
        Ok(Pooled {
            conn,
            known_good,
            losses: self.losses.clone(),
            broken: false,
        })
    }

    /// Asks the database only when a connection was lost since this one last
    /// answered.
    fn is_valid(&self, conn: &mut Pooled) -> Result<(), ConnectionError> {
        let losses = self.losses.load(Ordering::Acquire);
        if conn.known_good == losses {
            return Ok(());
        }
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
        conn.known_good = losses;
        Ok(())
    }

    fn has_broken(&self, conn: &mut Pooled) -> bool {
        conn.broken
    }
}

/// Builds the pool without connecting: a database that is down at start is
/// reported by the first checkout, with its real error.
pub fn build_pool(url: &DatabaseUrl, size: u32, timeout: Duration) -> Pool {
    r2d2::Pool::builder()
        .max_size(size)
        // `Manager::is_valid` asks the database only after a loss.
        .test_on_check_out(true)
        .min_idle(Some(0))
        .connection_timeout(timeout)
        .error_handler(Box::new(LogPoolErrors))
        .build_unchecked(Manager {
            url: url.clone(),
            timeout,
            losses: Arc::default(),
        })
}

#[derive(Debug)]
struct LogPoolErrors;

impl r2d2::HandleError<ConnectionError> for LogPoolErrors {
    fn handle_error(&self, error: ConnectionError) {
        log::warn!("database connection failed: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().backend(),
            "postgres"
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").unwrap().backend(),
            "postgres"
        );
        let sqlite = DatabaseUrl::parse("sqlite://data/w.db").unwrap();
        assert_eq!(
            sqlite.sqlite_path(),
            Some(std::path::Path::new("data/w.db"))
        );
        let plain = DatabaseUrl::parse("/tmp/w.db").unwrap();
        assert_eq!(plain.sqlite_path(), Some(std::path::Path::new("/tmp/w.db")));
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout() {
        let t = Duration::from_secs(5);
        assert_eq!(
            with_connect_timeout("postgres://h/db", t),
            "postgres://h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?sslmode=disable", t),
            "postgres://h/db?sslmode=disable&connect_timeout=5"
        );
    }
}

//! The two ways into the database: `read` and `write`. Both run on actix's
//! blocking thread pool so a slow query never stalls an HTTP worker.
//!
//! Every write goes through `Store::write`, one transaction. The change feed
//! must come out in commit order with no gaps, which a database sequence would
//! not give (it hands out numbers in start order while transactions commit in
//! any order, and a rollback leaves a hole). So a write records its changes in
//! memory, and just before it commits (`WriteTx::finish`) takes the lock row
//! `write_lock`, advances `last_seq` by as many changes as it made, and stores
//! their revisions and feed events in a few multi-row statements. Writers
//! stamp seqs one at a time and commit in that order, holding the row only for
//! those last round trips: a reader that has seen seq N never later finds a
//! commit below N, and a rolled-back write never took any.
//!
//! On PostgreSQL writers otherwise run side by side (up to half the pool), so
//! one partner's large import does not hold another's status update; a write
//! that decides on what it read locks those rows first (`locks`). SQLite has
//! one writer at a time whatever we do: there a write takes the database's
//! write lock with its first statement, so that writers queue on it instead
//! of failing a lock upgrade.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use actix_web::web;
use chrono::{NaiveDateTime, Utc};
use diesel::{connection::TransactionManager, prelude::*, Connection};

use super::{connection::Checkout, schema::write_lock, DbConnection, Pool, StoreError};

#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// Writers of this process queue here, in arrival order, before they take a
    /// connection: one at a time on SQLite, where only one would get the write
    /// lock anyway and the others would poll it with a back-off that gave a
    /// one-second tail under 32 concurrent writers; on PostgreSQL as many as
    /// half the pool, leaving the rest to reads.
    writers: Arc<tokio::sync::Semaphore>,
    /// How long a writer may wait for its turn before answering 503.
    timeout: Duration,
    /// The newest change-feed seq this process knows committed: its own
    /// writes raise it as they commit, `follow_feed` raises it for those of
    /// other processes on the same database.
    feed_position: Arc<AtomicI64>,
}

/// Who writes: a token's subject and organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub subject: String,
    pub organisation: Option<String>,
}

/// The open write transaction, with who is writing and when.
pub struct WriteTx<'a> {
    pub conn: &'a mut DbConnection,
    /// The writer's subject, recorded as `created_by` / `updated_by`.
    pub actor: &'a str,
    /// The writer's organisation, recorded in revisions and the change feed.
    pub actor_organisation: Option<&'a str>,
    pub now: NaiveDateTime,
    /// Changes recorded and not yet stored (`finish` stores them).
    pub(super) recorded: Vec<super::history::Recorded>,
}

impl<'a> WriteTx<'a> {
    /// Starts a write in an open transaction; on SQLite it takes the
    /// database's write lock first. `finish` stores what it recorded.
    pub fn begin(conn: &'a mut DbConnection, actor: &'a Actor) -> Result<Self, StoreError> {
        if matches!(conn, DbConnection::Sqlite(_)) {
            lock_writes(conn)?;
        }
        Ok(WriteTx {
            conn,
            actor: &actor.subject,
            actor_organisation: actor.organisation.as_deref(),
            now: now(),
            recorded: Vec::new(),
        })
    }

    /// Takes the feed's lock row, stamps the recorded changes with the next
    /// seqs and stores them; the caller commits next. Returns the last seq
    /// taken, if the write changed anything.
    pub fn finish(mut self) -> Result<Option<i64>, StoreError> {
        let taken =
            i64::try_from(self.recorded.len()).map_err(|e| StoreError::Internal(e.to_string()))?;
        if taken == 0 {
            return Ok(None);
        }
        if let DbConnection::Postgres(pg) = &mut *self.conn {
            let last = super::history::store_on_postgres(
                pg,
                &self.recorded,
                self.actor,
                self.now,
                self.actor_organisation,
            )?;
            return Ok(Some(last));
        }
        diesel::update(write_lock::table.find(1))
            .set(write_lock::last_seq.eq(write_lock::last_seq + taken))
            .execute(self.conn)?;
        let last: i64 = write_lock::table
            .find(1)
            .select(write_lock::last_seq)
            .get_result(self.conn)?;
        self.flush(last - taken + 1)?;
        Ok(Some(last))
    }
}

/// Keyset pagination over ids, which are time-ordered (UUID v7).
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The id to continue after, when more rows follow.
    pub next_after: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says more exist.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, id: impl Fn(&T) -> &str) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(0);
        let next_after = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|r| id(r).to_string())
        } else {
            None
        };
        Page {
            items: rows,
            next_after,
        }
    }
}

impl Store {
    /// A store whose writers run `writers` at a time (see `Store::writers`).
    pub fn new(pool: Pool, timeout: Duration, writers: usize) -> Self {
        Store {
            pool,
            writers: Arc::new(tokio::sync::Semaphore::new(writers.max(1))),
            timeout,
            feed_position: Arc::default(),
        }
    }

    /// The newest change-feed seq known to have committed (see `follow_feed`).
    pub fn feed_position(&self) -> i64 {
        self.feed_position.load(Ordering::Acquire)
    }

    /// Reads where the feed stands every `every`, for the writes of other
    /// processes sharing the database, until the future is dropped. A failed
    /// read is left for the next turn.
    pub async fn follow_feed(self, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Ok(seq) = self.read(super::history::last_seq).await {
                self.feed_position.fetch_max(seq, Ordering::AcqRel);
            }
        }
    }

    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        E: From<StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(StoreError::from)?;
            let outcome = f(&mut conn);
            conn.check_after(&outcome);
            outcome
        })
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?
    }

    /// Runs `f` in one transaction; any error rolls all of it back. The error type
    /// is the caller's, so a handler can fail the transaction with its own error.
    pub async fn write<T, E, F>(&self, actor: Actor, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        let store = self.clone();
        web::block(move || store.write_blocking(actor, f))
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?
    }

    /// A transaction that changes no versioned resource (so it takes no feed seq),
    /// queued behind this process's writers like one. On SQLite it takes the
    /// database's write lock first: a transaction that read before it wrote could
    /// not upgrade its lock once another connection had written, and would fail at
    /// once with "database is locked" instead of waiting its turn.
    pub async fn transact<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.turn().await?;
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = begun(&pool)?;
            let outcome = in_transaction(&mut conn, |conn| {
                if matches!(conn, DbConnection::Sqlite(_)) {
                    lock_writes(conn)?;
                }
                f(conn)
            });
            conn.check_after(&outcome);
            outcome
        })
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?
    }

    /// Waits for a writer's place, for as long as the store's timeout.
    async fn turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, StoreError> {
        let closed = |_| StoreError::Internal("the writers' queue is closed".into());
        tokio::time::timeout(self.timeout, self.writers.acquire())
            .await
            .map_err(|_| StoreError::Unavailable("timed out waiting for earlier writes".into()))?
            .map_err(closed)
    }

    /// `write` on the calling thread, for work outside a request (loading the demo
    /// plans at start, `waymark seed`); it does not queue behind in-process writers.
    pub fn write_blocking<T, E, F>(&self, actor: Actor, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E>,
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut conn = begun(&self.pool)?;
        let outcome = in_transaction(&mut conn, |conn| {
            let mut tx = WriteTx::begin(conn, &actor)?;
            let result = f(&mut tx)?;
            let seq = tx.finish()?;
            Ok::<_, E>((result, seq))
        });
        conn.check_after(&outcome);
        let (result, seq) = outcome?;
        if let Some(seq) = seq {
            self.feed_position.fetch_max(seq, Ordering::AcqRel);
        }
        Ok(result)
    }

    /// A read on the calling thread, outside a request.
    pub fn read_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        let outcome = f(&mut conn);
        conn.check_after(&outcome);
        outcome
    }

    /// Checks that a connection can be had and answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| {
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok::<_, StoreError>(())
        })
        .await
    }
}

type Transactions = <DbConnection as Connection>::TransactionManager;

/// A connection with its transaction begun. A connection the database ended
/// while it sat in the pool fails at BEGIN, before anything is done, so the
/// transaction begins again on another: after a restart or a failover the
/// first write does not fail for the connection it was handed.
fn begun(pool: &Pool) -> Result<Checkout, StoreError> {
    let mut conn = pool.get()?;
    let began = Transactions::begin_transaction(&mut conn);
    conn.check_after(&began);
    match began {
        Ok(()) => Ok(conn),
        Err(_) if conn.is_broken() => {
            drop(conn);
            let mut conn = pool.get()?;
            Transactions::begin_transaction(&mut conn)?;
            Ok(conn)
        }
        Err(e) => Err(e.into()),
    }
}

/// The rest of `Connection::transaction` on a connection from `begun`, except
/// that a COMMIT whose answer was lost with the connection is reported as
/// `InDoubt`: the server may have stored it, so the client must not be told
/// it was refused.
fn in_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError> + From<diesel::result::Error>,
{
    match f(conn) {
        Ok(value) => Transactions::commit_transaction(conn)
            .map(|()| value)
            .map_err(|e| E::from(commit_failed(e))),
        Err(e) => match Transactions::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

fn commit_failed(e: diesel::result::Error) -> StoreError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            info,
        ) => StoreError::InDoubt(info.message().to_string()),
        // The rollback diesel tries after a failed COMMIT fails too on a lost
        // connection; what matters is why the commit failed.
        Error::RollbackErrorOnCommit { commit_error, .. } => commit_failed(*commit_error),
        other => other.into(),
    }
}

/// Stored times are UTC with microsecond precision, which both backends keep
/// exactly, so a value read back equals the value written.
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t - chrono::Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1000))
}

/// An update that changes nothing still takes SQLite's write lock until the
/// transaction ends.
fn lock_writes(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::update(write_lock::table.find(1))
        .set(write_lock::last_seq.eq(write_lock::last_seq))
        .execute(conn)?;
    Ok(())
}

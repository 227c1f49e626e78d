//! The two ways into the database: `read` and `write`. Both run on actix's
//! blocking thread pool so a slow query never stalls an HTTP worker.
//!
//! Every write goes through `Store::write`, one transaction that starts by taking
//! the write lock row. That gives SQLite its write lock up front (so concurrent
//! writers queue on `busy_timeout` instead of failing a lock upgrade) and makes
//! PostgreSQL writers commit in the order they took the lock, which is the order
//! later revisions and change-feed events are numbered in.

use actix_web::web;
use chrono::{NaiveDateTime, Utc};
use diesel::{prelude::*, Connection};

use super::{schema::write_lock, DbConnection, Pool, StoreError};

#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

/// The open write transaction, with who is writing and when.
pub struct WriteTx<'a> {
    pub conn: &'a mut DbConnection,
    pub actor: &'a str,
    pub now: NaiveDateTime,
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
    pub fn new(pool: Pool) -> Self {
        Store { pool }
    }

    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?
    }

    /// Runs `f` in one transaction; any error rolls all of it back. The error type
    /// is the caller's, so a handler can fail the transaction with its own error.
    pub async fn write<T, E, F>(&self, actor: String, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(StoreError::from)?;
            conn.transaction(|conn| {
                diesel::update(write_lock::table.find(1))
                    .set(write_lock::last_seq.eq(write_lock::last_seq + 1))
                    .execute(conn)?;
                let mut tx = WriteTx {
                    conn,
                    actor: &actor,
                    now: now(),
                };
                f(&mut tx)
            })
        })
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?
    }

    /// Checks that a connection can be had and answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| {
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
        .await
    }
}

/// Stored times are UTC with microsecond precision, which both backends keep
/// exactly, so a value read back equals the value written.
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t - chrono::Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1000))
}

//! Stored first answers to POSTs sent with an `Idempotency-Key`. A write's
//! answer is stored by `keep` inside the write's own transaction, so that a key
//! is either done (its answer replayed) or free (the work not done), never
//! half: a process killed after the commit has kept the answer with it, and a
//! transaction that fails leaves the key free for the retry.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{now, schema::idempotency_keys as keys, DbConnection, StoreError};

/// How long an answer is kept for retries.
pub const KEEP_FOR: Duration = Duration::hours(24);

/// The one state a stored key has. Rows written as `running` by earlier
/// versions, which claimed the key before the work, count as free.
const DONE: &str = "done";

/// A stored answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// `[(name, value)]` as JSON.
    pub headers: String,
    pub body: String,
}

/// What the caller's key stands for now.
#[derive(Debug)]
pub enum Lookup {
    /// Nothing is kept under the key: the request goes ahead.
    Free,
    /// The first request was answered; here is its answer.
    Done(Answer),
    /// The key was used for a different request.
    Mismatch,
}

type Row = (String, String, Option<i32>, Option<String>, Option<String>);

/// What is kept under the caller's key, forgetting an expired answer.
pub fn lookup(
    conn: &mut DbConnection,
    subject: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Lookup, StoreError> {
    let this = keys::table
        .filter(keys::subject.eq(subject))
        .filter(keys::idempotency_key.eq(key));
    let row: Option<(Row, NaiveDateTime)> = this
        .select((
            (
                keys::fingerprint,
                keys::state,
                keys::status,
                keys::headers,
                keys::body,
            ),
            keys::created_at,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Lookup::Free,
        Some(((_, state, _, _, _), at)) if state != DONE || at < now() - KEEP_FOR => {
            diesel::delete(this).execute(conn)?;
            Lookup::Free
        }
        Some(((stored, _, _, _, _), _)) if stored != fingerprint => Lookup::Mismatch,
        Some(((_, _, status, headers, body), _)) => Lookup::Done(Answer {
            status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(500),
            headers: headers.unwrap_or_else(|| "[]".into()),
            body: body.unwrap_or_default(),
        }),
    })
}

/// Keeps the answer for retries; in a write's transaction, with its work.
/// `false` when the key already holds an answer (the first one stays).
pub fn keep(
    conn: &mut DbConnection,
    subject: &str,
    key: &str,
    fingerprint: &str,
    answer: &Answer,
) -> Result<bool, StoreError> {
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::subject.eq(subject),
            keys::idempotency_key.eq(key),
            keys::fingerprint.eq(fingerprint),
            keys::state.eq(DONE),
            keys::status.eq(i32::from(answer.status)),
            keys::headers.eq(&answer.headers),
            keys::body.eq(&answer.body),
            keys::created_at.eq(now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Forgets answers older than `KEEP_FOR`.
pub fn sweep(conn: &mut DbConnection) -> Result<usize, StoreError> {
    Ok(diesel::delete(keys::table.filter(keys::created_at.lt(now() - KEEP_FOR))).execute(conn)?)
}

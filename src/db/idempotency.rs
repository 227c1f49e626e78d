//! Stored first answers to POSTs sent with an `Idempotency-Key`. Each step is its
//! own short statement outside any write transaction: the claim must be visible
//! to a concurrent retry before the work starts, and must survive the work
//! failing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{now, schema::idempotency_keys as keys, DbConnection, StoreError};

/// How long an answer is kept for retries.
pub const KEEP_FOR: Duration = Duration::hours(24);
/// A claim still running after this long belongs to a process that died; the
/// key may be used again.
pub const ABANDONED_AFTER: Duration = Duration::minutes(5);

const RUNNING: &str = "running";
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
pub enum Claim {
    /// The key is new (or expired): the request goes ahead, and the key is
    /// held for it.
    Fresh,
    /// The first request with this key is still being served.
    Running,
    /// The first request was answered; here is its answer.
    Done(Answer),
    /// The key was used for a different request.
    Mismatch,
}

type Row = (
    String,
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

pub fn claim(
    conn: &mut DbConnection,
    subject: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Claim, StoreError> {
    let at = now();
    let this = keys::table
        .filter(keys::subject.eq(subject))
        .filter(keys::idempotency_key.eq(key));
    // An expired answer or an abandoned claim no longer holds the key.
    diesel::delete(
        this.filter(
            keys::created_at.lt(at - KEEP_FOR).or(keys::state
                .eq(RUNNING)
                .and(keys::created_at.lt(at - ABANDONED_AFTER))),
        ),
    )
    .execute(conn)?;
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::subject.eq(subject),
            keys::idempotency_key.eq(key),
            keys::fingerprint.eq(fingerprint),
            keys::state.eq(RUNNING),
            keys::created_at.eq(at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => return Ok(Claim::Fresh),
        // Someone holds the key: see what for.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {}
        Err(e) => return Err(e.into()),
    }
    let row: Option<Row> = this
        .select((
            keys::fingerprint,
            keys::state,
            keys::status,
            keys::headers,
            keys::body,
            keys::created_at,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        // Released between our insert and this read: let the retry try again.
        None => Claim::Running,
        Some((stored, _, _, _, _, _)) if stored != fingerprint => Claim::Mismatch,
        Some((_, state, Some(status), headers, body, _)) if state == DONE => Claim::Done(Answer {
            status: u16::try_from(status).unwrap_or(500),
            headers: headers.unwrap_or_else(|| "[]".into()),
            body: body.unwrap_or_default(),
        }),
        Some(_) => Claim::Running,
    })
}

/// Keeps the answer for retries.
pub fn finish(
    conn: &mut DbConnection,
    subject: &str,
    key: &str,
    answer: &Answer,
) -> Result<(), StoreError> {
    diesel::update(
        keys::table
            .filter(keys::subject.eq(subject))
            .filter(keys::idempotency_key.eq(key)),
    )
    .set((
        keys::state.eq(DONE),
        keys::status.eq(i32::from(answer.status)),
        keys::headers.eq(&answer.headers),
        keys::body.eq(&answer.body),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives the key up, so that a retry does the work (after a server fault).
pub fn release(conn: &mut DbConnection, subject: &str, key: &str) -> Result<(), StoreError> {
    diesel::delete(
        keys::table
            .filter(keys::subject.eq(subject))
            .filter(keys::idempotency_key.eq(key)),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets answers older than `KEEP_FOR`.
pub fn sweep(conn: &mut DbConnection) -> Result<usize, StoreError> {
    Ok(diesel::delete(keys::table.filter(keys::created_at.lt(now() - KEEP_FOR))).execute(conn)?)
}

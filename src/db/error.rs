//! What can go wrong in the store, sorted by what the caller should do about it.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Another resource already uses this unique value.
    #[error("{field} {value:?} is already in use")]
    Duplicate { field: &'static str, value: String },
    /// A field names a resource that does not exist.
    #[error("{field} {id:?} does not exist")]
    UnknownReference { field: String, id: String },
    /// The write breaks a rule that needs the stored data to check (a cycle, a
    /// reference into another plan).
    #[error("{field}: {message}")]
    Invalid {
        field: String,
        code: &'static str,
        message: String,
    },
    /// A query names something by a key nothing has (`plan=NO-SUCH-REF`).
    #[error("{parameter}: {message}")]
    UnknownKey {
        parameter: &'static str,
        message: String,
    },
    /// Other resources still refer to this one: (resource, how many).
    #[error("still referenced by {0:?}")]
    Referenced(Vec<(&'static str, i64)>),
    /// A rule of the data refused the write (duplicate key, a row still referenced).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached or is too busy; retrying later may work.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database cannot store anything now: its disk is full
    /// (`storage_full`) or it is read-only (`storage_read_only`). The write is
    /// rolled back whole; it may work once an operator has made room.
    #[error("database storage: {detail}")]
    Storage { code: &'static str, detail: String },
    #[error("database error: {0}")]
    Internal(String),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation => {
                    StoreError::Conflict(info.message().to_string())
                }
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                    StoreError::Unavailable(info.message().to_string())
                }
                DatabaseErrorKind::ReadOnlyTransaction => StoreError::Storage {
                    code: READ_ONLY,
                    detail: info.message().to_string(),
                },
                // SQLite reports a lock held past busy_timeout as a plain error.
                _ if is_lock_timeout(info.message()) => {
                    StoreError::Unavailable(info.message().to_string())
                }
                _ => match storage_fault(info.message()) {
                    Some(code) => StoreError::Storage {
                        code,
                        detail: info.message().to_string(),
                    },
                    None => StoreError::Internal(info.message().to_string()),
                },
            },
            // A COMMIT that failed (SQLite writes its journal then) and whose
            // rollback failed too: what matters is why the commit failed.
            DieselError::RollbackErrorOnCommit { commit_error, .. } => {
                StoreError::from(*commit_error)
            }
            other => StoreError::Internal(other.to_string()),
        }
    }
}

const FULL: &str = "storage_full";
const READ_ONLY: &str = "storage_read_only";

/// Storage faults by the backends' own words: SQLite's SQLITE_FULL and
/// SQLITE_READONLY messages, PostgreSQL's failure to extend a file (SQLSTATE
/// 53100, "No space left on device"), which diesel does not classify.
fn storage_fault(message: &str) -> Option<&'static str> {
    let message = message.to_ascii_lowercase();
    if message.contains("database or disk is full")
        || message.contains("no space left on device")
        || message.contains("could not extend file")
        || message.contains("disk full")
    {
        Some(FULL)
    } else if message.contains("readonly database")
        || message.contains("read-only transaction")
        || message.contains("read-only file system")
    {
        Some(READ_ONLY)
    } else {
        None
    }
}

fn is_lock_timeout(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// Refuses a delete with `Referenced`, naming each non-zero count, when anything
/// still refers to the row.
pub fn refuse_if_referenced(
    refs: impl IntoIterator<Item = (&'static str, i64)>,
) -> Result<(), StoreError> {
    let refs: Vec<_> = refs.into_iter().filter(|(_, n)| *n > 0).collect();
    if refs.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Referenced(refs))
    }
}

/// A delete that removed no row had nothing to delete.
pub fn removed(rows: usize) -> Result<(), StoreError> {
    match rows {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

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
    /// Other resources still refer to this one: (resource, how many).
    #[error("still referenced by {0:?}")]
    Referenced(Vec<(&'static str, i64)>),
    /// A rule of the data refused the write (duplicate key, a row still referenced).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached or is too busy; retrying later may work.
    #[error("database unavailable: {0}")]
    Unavailable(String),
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
                // SQLite reports a lock held past busy_timeout as a plain error.
                _ if is_lock_timeout(info.message()) => {
                    StoreError::Unavailable(info.message().to_string())
                }
                _ => StoreError::Internal(info.message().to_string()),
            },
            other => StoreError::Internal(other.to_string()),
        }
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

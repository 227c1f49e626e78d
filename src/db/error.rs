//! What can go wrong in the store, sorted by what the caller should do about it.

use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Another resource already uses this unique value.
    #[error("{field} {value:?} is already in use")]
    Duplicate { field: &'static str, value: String },
    /// A unique value another write stored first, as the database reported it
    /// (the checks before the write name the value; the database's constraint
    /// is the last word when two writers race).
    #[error("{field} is already in use")]
    Taken {
        field: String,
        value: Option<String>,
    },
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
    /// The connection was lost after COMMIT was sent: the transaction may or
    /// may not have been stored.
    #[error("connection lost while committing: {0}")]
    InDoubt(String),
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
                DatabaseErrorKind::UniqueViolation => taken(&*info)
                    .unwrap_or_else(|| StoreError::Conflict(info.message().to_string())),
                DatabaseErrorKind::ForeignKeyViolation => missing(&*info)
                    .unwrap_or_else(|| StoreError::Conflict(info.message().to_string())),
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                    StoreError::Unavailable(info.message().to_string())
                }
                DatabaseErrorKind::ReadOnlyTransaction => StoreError::Storage {
                    code: READ_ONLY,
                    detail: info.message().to_string(),
                },
                // Two PostgreSQL writers that each wait for a row the other
                // locked: the database ends one, which may simply try again.
                DatabaseErrorKind::SerializationFailure => {
                    StoreError::Unavailable(info.message().to_string())
                }
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

/// The columns and values of a violated key as the backend reports them:
/// PostgreSQL's detail `Key (plan_id, ref)=(…, 7) already exists.`, or SQLite's
/// message `UNIQUE constraint failed: actions.plan_id, actions.ref` (columns
/// only).
fn violated_key(info: &dyn DatabaseErrorInformation) -> Option<(Vec<String>, Option<Vec<String>>)> {
    if let Some(detail) = info.details() {
        let rest = detail.strip_prefix("Key (")?;
        let (columns, rest) = rest.split_once(")=(")?;
        let columns: Vec<String> = columns.split(", ").map(str::to_string).collect();
        let values = rest.rsplit_once(')').map(|(values, _)| values)?;
        let values: Vec<String> = values.split(", ").map(str::to_string).collect();
        let values = (values.len() == columns.len()).then_some(values);
        return Some((columns, values));
    }
    let columns = info.message().strip_prefix("UNIQUE constraint failed: ")?;
    let columns = columns
        .split(", ")
        .map(|c| c.rsplit('.').next().unwrap_or(c).to_string())
        .collect();
    Some((columns, None))
}

/// A unique key taken, named by its own columns: a parent's id (`plan_id`)
/// only scopes the key, so `(plan_id, ref)` is reported as `ref`.
fn taken(info: &dyn DatabaseErrorInformation) -> Option<StoreError> {
    let (columns, values) = violated_key(info)?;
    let own: Vec<usize> = (0..columns.len())
        .filter(|&i| !columns[i].ends_with("_id") || columns.len() == 1)
        .collect();
    let field = own
        .iter()
        .map(|&i| columns[i].as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let value = values.map(|v| {
        own.iter()
            .map(|&i| v[i].as_str())
            .collect::<Vec<_>>()
            .join(", ")
    });
    (!field.is_empty()).then_some(StoreError::Taken { field, value })
}

/// A reference to nothing, named when the backend says which (PostgreSQL's
/// `Key (lead_body_id)=(…) is not present in table "bodies".`). A delete of
/// something still referenced is a conflict, not a missing reference.
fn missing(info: &dyn DatabaseErrorInformation) -> Option<StoreError> {
    if !info.details()?.contains("is not present in table") {
        return None;
    }
    let (mut columns, values) = violated_key(info)?;
    let id = values?.pop()?;
    Some(StoreError::UnknownReference {
        field: columns.pop()?,
        id,
    })
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
    message.contains("database is locked")
        || message.contains("database is busy")
        || message.contains("deadlock detected")
        || message.contains("lock timeout")
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Info {
        message: &'static str,
        details: Option<&'static str>,
    }

    impl DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.message
        }
        fn details(&self) -> Option<&str> {
            self.details
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn error(
        kind: DatabaseErrorKind,
        message: &'static str,
        details: Option<&'static str>,
    ) -> StoreError {
        StoreError::from(DieselError::DatabaseError(
            kind,
            Box::new(Info { message, details }),
        ))
    }

    #[test]
    fn a_taken_key_is_named_by_its_own_columns_and_value() {
        let pg = error(
            DatabaseErrorKind::UniqueViolation,
            "duplicate key value violates unique constraint \"actions_plan_id_ref_key\"",
            Some("Key (plan_id, ref)=(019ab3c4, 7) already exists."),
        );
        assert!(
            matches!(pg, StoreError::Taken { ref field, value: Some(ref v) } if field == "ref" && v == "7"),
            "{pg:?}"
        );
        let sqlite = error(
            DatabaseErrorKind::UniqueViolation,
            "UNIQUE constraint failed: organisations.code",
            None,
        );
        assert!(
            matches!(sqlite, StoreError::Taken { ref field, value: None } if field == "code"),
            "{sqlite:?}"
        );
    }

    #[test]
    fn a_reference_to_nothing_names_its_field_where_the_backend_says() {
        let pg = error(
            DatabaseErrorKind::ForeignKeyViolation,
            "insert or update on table \"plans\" violates foreign key constraint",
            Some("Key (lead_body_id)=(019ab3c4) is not present in table \"bodies\"."),
        );
        assert!(
            matches!(pg, StoreError::UnknownReference { ref field, ref id } if field == "lead_body_id" && id == "019ab3c4"),
            "{pg:?}"
        );
        let still_used = error(
            DatabaseErrorKind::ForeignKeyViolation,
            "update or delete on table \"bodies\" violates foreign key constraint",
            Some("Key (id)=(019ab3c4) is still referenced from table \"plans\"."),
        );
        assert!(
            matches!(still_used, StoreError::Conflict(_)),
            "{still_used:?}"
        );
        let sqlite = error(
            DatabaseErrorKind::ForeignKeyViolation,
            "FOREIGN KEY constraint failed",
            None,
        );
        assert!(matches!(sqlite, StoreError::Conflict(_)), "{sqlite:?}");
    }
}

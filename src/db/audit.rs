//! The audit columns every stored resource has, set here and nowhere else: a
//! write's `WriteTx` (or a webhook's `Stamp`) says who and when, and the row's
//! version starts at 1 and goes up by one with each change.

/// The audit columns of a new row of `$table`, written by `$by` (anything with
/// `now` and `actor`: a `WriteTx`, a webhook `Stamp`): version 1, created and
/// updated now by the actor.
macro_rules! created {
    ($table:ident, $by:expr) => {
        (
            $table::version.eq(1i64),
            $table::created_at.eq($by.now),
            $table::created_by.eq($by.actor),
            $table::updated_at.eq($by.now),
            $table::updated_by.eq($by.actor),
        )
    };
}

/// The audit columns of a changed row of `$table`: the next version, updated
/// now by the actor.
macro_rules! updated {
    ($table:ident, $by:expr) => {
        (
            $table::version.eq($table::version + 1),
            $table::updated_at.eq($by.now),
            $table::updated_by.eq($by.actor),
        )
    };
}

pub(crate) use {created, updated};

//! Row locks for writes that read before they write.
//!
//! On PostgreSQL writers run side by side and take the feed's lock row only to
//! stamp their seqs just before commit (`WriteTx::finish`), so a write that
//! decides on what it read (a version checked against `If-Match`, an action's
//! leads, a measure's readings) must first lock what it read: a concurrent
//! writer of the same row then waits for it to commit and reads what it wrote.
//! Locks are taken in id order, so two writers of the same rows queue rather
//! than deadlock. On SQLite a write holds the database's write lock from its
//! first statement, so these are no-ops there.

use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Text},
};

use super::{DbConnection, StoreError};
use crate::domain::ResourceType;

/// The table a resource type's rows live in: its collection's name in
/// snake case (`governance-bodies` → `governance_bodies`).
fn table(kind: ResourceType) -> String {
    kind.collection().replace('-', "_")
}

/// Locks the rows `ids` of `kind` until the transaction ends. Ids that do not
/// exist are passed over: the read that follows reports them.
pub fn rows(conn: &mut DbConnection, kind: ResourceType, ids: &[&str]) -> Result<(), StoreError> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(());
    };
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT 1 FROM {} WHERE id = ANY($1) ORDER BY id FOR UPDATE",
        table(kind)
    );
    diesel::sql_query(sql)
        .bind::<Array<Text>, _>(ids)
        .execute(pg)?;
    Ok(())
}

/// Locks one row of `kind`.
pub fn row(conn: &mut DbConnection, kind: ResourceType, id: &str) -> Result<(), StoreError> {
    rows(conn, kind, &[id])
}

/// Locks a plan and every row of its contents that other writes change
/// (priorities, outcomes, actions, measures and their readings, risks): a
/// bundle import decides what to write by comparing the whole plan with the
/// bundle.
pub fn plan_contents(conn: &mut DbConnection, plan: &str) -> Result<(), StoreError> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(());
    };
    let statements = ["plans WHERE id = $1"].into_iter().map(String::from).chain(
        ["priorities", "outcomes", "actions", "measures", "risks"]
            .map(|contents| format!("{contents} WHERE plan_id = $1")),
    );
    for rows in statements {
        diesel::sql_query(format!("SELECT 1 FROM {rows} ORDER BY id FOR UPDATE"))
            .bind::<Text, _>(plan)
            .execute(pg)?;
    }
    diesel::sql_query(
        "SELECT 1 FROM readings r JOIN measures m ON m.id = r.measure_id \
         WHERE m.plan_id = $1 ORDER BY r.id FOR UPDATE OF r",
    )
    .bind::<Text, _>(plan)
    .execute(pg)?;
    Ok(())
}

/// Waits for, then holds until the transaction ends, the lock named `name`:
/// for what has no row yet to lock (an idempotency key's first answer, a plan
/// a bundle creates by its ref).
pub fn named(conn: &mut DbConnection, name: &str) -> Result<(), StoreError> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(());
    };
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(name_key(name))
        .execute(pg)?;
    Ok(())
}

/// A stable 64-bit key for a lock name (FNV-1a): the same in every process
/// sharing the database, which `DefaultHasher` does not promise.
fn name_key(name: &str) -> i64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    i64::from_ne_bytes(hash.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names_have_stable_keys() {
        assert_eq!(
            name_key(""),
            i64::from_ne_bytes(0xcbf2_9ce4_8422_2325_u64.to_ne_bytes())
        );
        assert_eq!(
            name_key("a"),
            i64::from_ne_bytes(0xaf63_dc4c_8601_ec8c_u64.to_ne_bytes())
        );
        assert_ne!(name_key("plan:A"), name_key("plan:B"));
    }
}

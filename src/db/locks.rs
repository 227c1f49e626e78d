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

use std::marker::PhantomData;

use diesel::{
    pg::Pg,
    prelude::*,
    query_builder::{AstPass, QueryFragment, QueryId},
    serialize::ToSql,
    sql_types::{Array, BigInt, HasSqlType, Text},
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
    let head = format!("SELECT 1 FROM {} WHERE id = ANY(", table(kind));
    Locking::<Array<Text>, _>::new(head, ids, ") ORDER BY id FOR UPDATE").execute(pg)?;
    Ok(())
}

/// A locking statement with one bound value, kept prepared by its text:
/// diesel's `sql_query` prepares afresh each time, a parse, a plan and a
/// round trip more for every write that locks.
struct Locking<'a, ST, V: ?Sized> {
    head: String,
    value: &'a V,
    tail: &'static str,
    sql_type: PhantomData<ST>,
}

impl<'a, ST, V: ?Sized> Locking<'a, ST, V> {
    fn new(head: String, value: &'a V, tail: &'static str) -> Self {
        Locking {
            head,
            value,
            tail,
            sql_type: PhantomData,
        }
    }
}

/// No static id: the statement cache keys it by its text, which names the table.
impl<ST, V: ?Sized> QueryId for Locking<'_, ST, V> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, V> QueryFragment<Pg> for Locking<'_, ST, V>
where
    V: ToSql<ST, Pg> + ?Sized,
    Pg: HasSqlType<ST>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(&self.head);
        out.push_bind_param::<ST, V>(self.value)?;
        out.push_sql(self.tail);
        Ok(())
    }
}

impl<ST, V: ?Sized> RunQueryDsl<diesel::PgConnection> for Locking<'_, ST, V> {}

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
    let statements = ["plans WHERE id = "].into_iter().map(String::from).chain(
        ["priorities", "outcomes", "actions", "measures", "risks"]
            .map(|contents| format!("{contents} WHERE plan_id = ")),
    );
    for rows in statements {
        let head = format!("SELECT 1 FROM {rows}");
        Locking::<Text, _>::new(head, plan, " ORDER BY id FOR UPDATE").execute(pg)?;
    }
    Locking::<Text, _>::new(
        "SELECT 1 FROM readings r JOIN measures m ON m.id = r.measure_id WHERE m.plan_id = ".into(),
        plan,
        " ORDER BY r.id FOR UPDATE OF r",
    )
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
    let key = name_key(name);
    Locking::<BigInt, _>::new("SELECT pg_advisory_xact_lock(".into(), &key, ")").execute(pg)?;
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

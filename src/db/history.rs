//! Revisions (the full representation after every write) and the change feed.
//! Both are recorded by `WriteTx::record` and stored, all of a write's at once,
//! just before its transaction commits.

use chrono::NaiveDateTime;
use diesel::{
    pg::Pg,
    prelude::*,
    query_builder::AstPass,
    sql_types::{Array, BigInt, Nullable, Text, Timestamp},
};

use super::{
    on_backend,
    schema::{events, revisions},
    DbConnection, StoreError, WriteTx,
};
use crate::domain::{change::Operation, ResourceType};

/// One write to one resource, as it will be recorded.
pub struct Change<'a> {
    pub resource_type: ResourceType,
    pub resource_id: &'a str,
    pub version: i64,
    pub operation: Operation,
    pub plan_id: Option<&'a str>,
    pub snapshot: &'a serde_json::Value,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct RevisionRow {
    pub resource_type: String,
    pub resource_id: String,
    pub version: i64,
    pub operation: Operation,
    pub actor: String,
    pub at: NaiveDateTime,
    pub seq: i64,
    pub snapshot: String,
    pub actor_organisation: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub seq: i64,
    pub resource_type: String,
    pub resource_id: String,
    pub version: i64,
    pub operation: Operation,
    pub actor: String,
    pub at: NaiveDateTime,
    pub plan_id: Option<String>,
    pub actor_organisation: Option<String>,
}

/// A change recorded during a write, stored with the others when it commits.
pub(super) struct Recorded {
    resource_type: ResourceType,
    resource_id: String,
    version: i64,
    operation: Operation,
    plan_id: Option<String>,
    snapshot: String,
}

/// Rows per INSERT: nine values a row stays well under both backends' limit on
/// bound parameters (32,766 on SQLite, 65,535 on PostgreSQL).
const ROWS_PER_INSERT: usize = 1000;

impl WriteTx<'_> {
    /// Keeps one change's revision and event until the write finishes, which
    /// gives it its feed seq and stores it (`flush`).
    pub fn record(&mut self, change: Change<'_>) -> Result<(), StoreError> {
        self.recorded.push(Recorded {
            resource_type: change.resource_type,
            resource_id: change.resource_id.to_string(),
            version: change.version,
            operation: change.operation,
            plan_id: change.plan_id.map(str::to_string),
            snapshot: change.snapshot.to_string(),
        });
        Ok(())
    }

    /// Stores the recorded revisions and events on SQLite, the first with seq
    /// `first` and the rest after it in the order recorded: a few multi-row
    /// statements for the whole write, where one pair per change cost a batch
    /// of 1,000 readings thousands of round trips.
    pub(super) fn flush(&mut self, first: i64) -> Result<(), StoreError> {
        let recorded: Vec<(i64, Recorded)> =
            (first..).zip(std::mem::take(&mut self.recorded)).collect();
        for chunk in recorded.chunks(ROWS_PER_INSERT) {
            let rows = || -> Vec<_> {
                chunk
                    .iter()
                    .map(|(seq, r)| {
                        (
                            revisions::resource_type.eq(r.resource_type),
                            revisions::resource_id.eq(&r.resource_id),
                            revisions::version.eq(r.version),
                            revisions::operation.eq(r.operation),
                            revisions::actor.eq(self.actor),
                            revisions::at.eq(self.now),
                            revisions::seq.eq(seq),
                            revisions::snapshot.eq(&r.snapshot),
                            revisions::actor_organisation.eq(self.actor_organisation),
                        )
                    })
                    .collect()
            };
            on_backend!(&mut *self.conn, |c| diesel::insert_into(revisions::table)
                .values(rows())
                .execute(c))?;
            let rows = || -> Vec<_> {
                chunk
                    .iter()
                    .map(|(seq, r)| {
                        (
                            events::seq.eq(seq),
                            events::resource_type.eq(r.resource_type),
                            events::resource_id.eq(&r.resource_id),
                            events::version.eq(r.version),
                            events::operation.eq(r.operation),
                            events::actor.eq(self.actor),
                            events::at.eq(self.now),
                            events::plan_id.eq(r.plan_id.as_deref()),
                            events::actor_organisation.eq(self.actor_organisation),
                        )
                    })
                    .collect()
            };
            on_backend!(&mut *self.conn, |c| diesel::insert_into(events::table)
                .values(rows())
                .execute(c))?;
        }
        Ok(())
    }
}

/// Revisions of one resource after `after_version`, oldest first, up to `limit + 1`.
pub fn revisions_of(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    id: &str,
    after_version: i64,
    limit: i64,
) -> Result<Vec<RevisionRow>, StoreError> {
    Ok(revisions::table
        .filter(revisions::resource_type.eq(resource_type))
        .filter(revisions::resource_id.eq(id))
        .filter(revisions::version.gt(after_version))
        .order(revisions::version)
        .limit(limit + 1)
        .select(RevisionRow::as_select())
        .load(conn)?)
}

pub fn revision(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    id: &str,
    version: i64,
) -> Result<RevisionRow, StoreError> {
    Ok(revisions::table
        .find((resource_type, id, version))
        .select(RevisionRow::as_select())
        .first(conn)?)
}

/// The revision current at `at`: the last written at or before it.
pub fn as_of(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    id: &str,
    at: NaiveDateTime,
) -> Result<Option<RevisionRow>, StoreError> {
    Ok(revisions::table
        .filter(revisions::resource_type.eq(resource_type))
        .filter(revisions::resource_id.eq(id))
        .filter(revisions::at.le(at))
        .order(revisions::version.desc())
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether the resource existed and was deleted (a tombstone).
pub fn is_deleted(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    id: &str,
) -> Result<bool, StoreError> {
    let last: Option<Operation> = revisions::table
        .filter(revisions::resource_type.eq(resource_type))
        .filter(revisions::resource_id.eq(id))
        .order(revisions::version.desc())
        .select(revisions::operation)
        .first(conn)
        .optional()?;
    Ok(last == Some(Operation::Delete))
}

/// Filters of the change feed.
#[derive(Debug, Default, Clone)]
pub struct FeedFilter {
    pub resource_type: Option<String>,
    pub plan_id: Option<String>,
}

/// Events after `after`, in commit order, up to `limit`.
pub fn events_after(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
    filter: &FeedFilter,
) -> Result<Vec<EventRow>, StoreError> {
    let mut query = events::table
        .filter(events::seq.gt(after))
        .order(events::seq)
        .limit(limit)
        .select(EventRow::as_select())
        .into_boxed();
    if let Some(t) = &filter.resource_type {
        query = query.filter(events::resource_type.eq(t.clone()));
    }
    if let Some(p) = &filter.plan_id {
        query = query.filter(events::plan_id.eq(p.clone()));
    }
    Ok(query.load(conn)?)
}

/// The revisions written by the events `seqs`, as seq → snapshot.
pub fn snapshots(
    conn: &mut DbConnection,
    seqs: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    let seqs: Vec<i64> = seqs.into_iter().collect();
    let mut found = std::collections::HashMap::with_capacity(seqs.len());
    for chunk in seqs.chunks(500) {
        let rows: Vec<(i64, String)> = revisions::table
            .filter(revisions::seq.eq_any(chunk))
            .select((revisions::seq, revisions::snapshot))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// The last seq written before `at`: reading after it gives the events
/// written at or after `at`.
pub fn seq_before(conn: &mut DbConnection, at: NaiveDateTime) -> Result<i64, StoreError> {
    let seq: Option<i64> = events::table
        .filter(events::at.lt(at))
        .select(diesel::dsl::max(events::seq))
        .first(conn)?;
    Ok(seq.unwrap_or(0))
}

/// The snapshots of each given version and of the one before it, as
/// (resource id, version) → snapshot: what an update changed.
pub fn snapshots_around(
    conn: &mut DbConnection,
    versions: &[(String, String, i64)],
) -> Result<std::collections::HashMap<(String, i64), String>, StoreError> {
    let mut found = std::collections::HashMap::new();
    let mut kinds: Vec<&str> = versions.iter().map(|(t, _, _)| t.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    // One query per resource type, each a lookup on the revisions' key (type,
    // id, version) rather than a scan of every revision.
    for kind in kinds {
        let of_kind: Vec<(String, String, i64)> = versions
            .iter()
            .filter(|(t, _, _)| t == kind)
            .cloned()
            .collect();
        for chunk in of_kind.chunks(200) {
            let ids: Vec<&str> = chunk.iter().map(|(_, id, _)| id.as_str()).collect();
            let wanted: Vec<i64> = chunk.iter().flat_map(|(_, _, v)| [*v, *v - 1]).collect();
            let rows: Vec<(String, String, i64, String)> = revisions::table
                .filter(revisions::resource_type.eq(kind))
                .filter(revisions::resource_id.eq_any(&ids))
                .filter(revisions::version.eq_any(&wanted))
                .select((
                    revisions::resource_type,
                    revisions::resource_id,
                    revisions::version,
                    revisions::snapshot,
                ))
                .load(conn)?;
            for (kind, id, version, snapshot) in rows {
                let asked = chunk.iter().any(|(k, i, v)| {
                    *k == kind && *i == id && (*v == version || *v - 1 == version)
                });
                if asked {
                    found.insert((id, version), snapshot);
                }
            }
        }
    }
    Ok(found)
}

/// The newest seq written.
pub fn last_seq(conn: &mut DbConnection) -> Result<i64, StoreError> {
    use super::schema::write_lock;
    Ok(write_lock::table
        .find(1)
        .select(write_lock::last_seq)
        .first(conn)?)
}

/// On PostgreSQL a write's whole record is one statement: the feed's lock row
/// advanced by the number of changes, and every revision and event inserted
/// from column arrays numbered from it. Its text is the same whatever the
/// write's size, so it is prepared once per connection; the three statements
/// it replaces cost a status update a fifth of its round trips, and a batch's
/// multi-row INSERTs were parsed and planned afresh each time.
struct StoreChanges<'a> {
    taken: i64,
    resource_types: Vec<&'static str>,
    resource_ids: Vec<&'a str>,
    versions: Vec<i64>,
    operations: Vec<&'static str>,
    plan_ids: Vec<Option<&'a str>>,
    snapshots: Vec<&'a str>,
    actor: &'a str,
    at: NaiveDateTime,
    actor_organisation: Option<&'a str>,
}

impl diesel::query_builder::QueryId for StoreChanges<'_> {
    type QueryId = StoreChanges<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for StoreChanges<'_> {
    type SqlType = BigInt;
}

impl RunQueryDsl<diesel::PgConnection> for StoreChanges<'_> {}

impl diesel::query_builder::QueryFragment<Pg> for StoreChanges<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH taken AS (UPDATE write_lock SET last_seq = last_seq + ");
        out.push_bind_param::<BigInt, _>(&self.taken)?;
        out.push_sql(" WHERE id = 1 RETURNING last_seq, last_seq - ");
        out.push_bind_param::<BigInt, _>(&self.taken)?;
        out.push_sql(" AS before), changes AS (SELECT c.*, taken.before + c.n AS seq, ");
        out.push_bind_param::<Text, _>(&self.actor)?;
        out.push_sql("::text AS actor, ");
        out.push_bind_param::<Timestamp, _>(&self.at)?;
        out.push_sql("::timestamp AS at, ");
        out.push_bind_param::<Nullable<Text>, _>(&self.actor_organisation)?;
        out.push_sql("::text AS actor_organisation FROM taken, unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.resource_types)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.resource_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.versions)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.operations)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.plan_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.snapshots)?;
        out.push_sql(
            ") WITH ORDINALITY AS c(resource_type, resource_id, version, operation, plan_id, \
             snapshot, n)), revision AS (INSERT INTO revisions (resource_type, resource_id, \
             version, operation, actor, at, seq, snapshot, actor_organisation) SELECT \
             resource_type, resource_id, version, operation, actor, at, seq, snapshot, \
             actor_organisation FROM changes), event AS (INSERT INTO events (seq, \
             resource_type, resource_id, version, operation, actor, at, plan_id, \
             actor_organisation) SELECT seq, resource_type, resource_id, version, operation, \
             actor, at, plan_id, actor_organisation FROM changes) SELECT last_seq FROM taken",
        );
        Ok(())
    }
}

/// `WriteTx::finish` on PostgreSQL: stores the recorded changes with the next
/// seqs in one statement (`StoreChanges`); returns the last seq taken.
pub(super) fn store_on_postgres(
    pg: &mut diesel::PgConnection,
    recorded: &[Recorded],
    actor: &str,
    at: NaiveDateTime,
    actor_organisation: Option<&str>,
) -> Result<i64, StoreError> {
    let taken = i64::try_from(recorded.len()).map_err(|e| StoreError::Internal(e.to_string()))?;
    let statement = StoreChanges {
        taken,
        resource_types: recorded.iter().map(|r| r.resource_type.as_str()).collect(),
        resource_ids: recorded.iter().map(|r| r.resource_id.as_str()).collect(),
        versions: recorded.iter().map(|r| r.version).collect(),
        operations: recorded.iter().map(|r| r.operation.as_str()).collect(),
        plan_ids: recorded.iter().map(|r| r.plan_id.as_deref()).collect(),
        snapshots: recorded.iter().map(|r| r.snapshot.as_str()).collect(),
        actor,
        at,
        actor_organisation,
    };
    Ok(statement.get_result(pg)?)
}

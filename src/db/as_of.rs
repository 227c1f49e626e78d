//! A plan as it stood at an instant, from its history: every item of the plan
//! (priorities, outcomes, actions, measures, risks) in the version it had then.
//! Found through the change feed's plan index and the revisions' key, not by
//! replaying history.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use super::{
    schema::{events, revisions},
    DbConnection, StoreError,
};
use crate::domain::{change::Operation, ResourceType};

/// What a plan's tree holds, by type, with the measures' readings; the plan
/// itself is read by `history::as_of`.
pub const TREE_TYPES: [ResourceType; 6] = [
    ResourceType::Priority,
    ResourceType::Outcome,
    ResourceType::Action,
    ResourceType::Measure,
    ResourceType::Reading,
    ResourceType::Risk,
];

/// The snapshots of the items of `plan` as they were at `at`, by type, leaving
/// out what had been deleted by then.
pub fn plan_items(
    conn: &mut DbConnection,
    plan: &str,
    at: NaiveDateTime,
) -> Result<Vec<(ResourceType, Value)>, StoreError> {
    let Some(last) = last_seq_at(conn, at)? else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for kind in TREE_TYPES {
        let versions: Vec<(String, Option<i64>)> = events::table
            .filter(events::plan_id.eq(plan))
            .filter(events::seq.le(last))
            .filter(events::resource_type.eq(kind))
            .group_by(events::resource_id)
            .select((events::resource_id, diesel::dsl::max(events::version)))
            .load(conn)?;
        let versions: Vec<(String, i64)> = versions
            .into_iter()
            .filter_map(|(id, v)| Some((id, v?)))
            .collect();
        for chunk in versions.chunks(200) {
            items.extend(snapshots(conn, kind, chunk)?);
        }
    }
    Ok(items)
}

/// The feed's last seq written at or before `at`, if any.
pub fn last_seq_at(conn: &mut DbConnection, at: NaiveDateTime) -> Result<Option<i64>, StoreError> {
    // Seqs follow commit order and writers take them in time order, so "written
    // by `at`" is "at or below the last seq written by then": one step down the
    // feed's (at, seq) index, then ranges of its (plan_id, seq) index.
    Ok(events::table
        .filter(events::at.le(at))
        .order((events::at.desc(), events::seq.desc()))
        .select(events::seq)
        .first(conn)
        .optional()?)
}

/// The snapshots of these versions that are not deletions.
fn snapshots(
    conn: &mut DbConnection,
    kind: ResourceType,
    versions: &[(String, i64)],
) -> Result<Vec<(ResourceType, Value)>, StoreError> {
    Ok(revisions_at(conn, kind, versions)?
        .into_iter()
        .filter(|found| found.operation != Operation::Delete)
        .map(|found| (kind, found.snapshot))
        .collect())
}

/// One stored version of a resource.
pub struct Found {
    pub id: String,
    pub version: i64,
    pub operation: Operation,
    /// A deletion's snapshot is the resource as it was when deleted.
    pub snapshot: Value,
}

/// The revisions of these (id, version) pairs of one type, in no order; at most
/// a few hundred pairs a call, as they become `IN` lists.
pub fn revisions_at(
    conn: &mut DbConnection,
    kind: ResourceType,
    versions: &[(String, i64)],
) -> Result<Vec<Found>, StoreError> {
    let ids: Vec<&str> = versions.iter().map(|(id, _)| id.as_str()).collect();
    let numbers: Vec<i64> = versions.iter().map(|(_, v)| *v).collect();
    let rows: Vec<(String, i64, Operation, String)> = revisions::table
        .filter(revisions::resource_type.eq(kind))
        .filter(revisions::resource_id.eq_any(&ids))
        .filter(revisions::version.eq_any(&numbers))
        .select((
            revisions::resource_id,
            revisions::version,
            revisions::operation,
            revisions::snapshot,
        ))
        .load(conn)?;
    let mut found = Vec::new();
    for (id, version, operation, snapshot) in rows {
        if versions.iter().any(|(i, v)| *i == id && *v == version) {
            let snapshot = serde_json::from_str(&snapshot)
                .map_err(|e| StoreError::Internal(format!("a stored snapshot: {e}")))?;
            found.push(Found {
                id,
                version,
                operation,
                snapshot,
            });
        }
    }
    Ok(found)
}

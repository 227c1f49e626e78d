//! What happened to a plan between two points of the change feed: which of its
//! items were written, and their first and last version in between. Read from
//! the feed's (plan_id, seq) index, so the cost follows what changed, not how
//! long the plan's history is.

use diesel::dsl::{max, min};
use diesel::prelude::*;

use super::{schema::events, DbConnection, StoreError};
use crate::domain::ResourceType;

/// One item of the plan written between the two points.
#[derive(Debug, Clone)]
pub struct Touched {
    pub kind: ResourceType,
    pub id: String,
    /// Its first version written in between; the version before is this less one.
    pub first: i64,
    /// Its last version written in between.
    pub last: i64,
}

/// The plan's items (the plan itself included) written after seq `after` and up
/// to seq `upto`.
pub fn touched(
    conn: &mut DbConnection,
    plan: &str,
    after: i64,
    upto: i64,
) -> Result<Vec<Touched>, StoreError> {
    let rows: Vec<(ResourceType, String, Option<i64>, Option<i64>)> = events::table
        .filter(events::plan_id.eq(plan))
        .filter(events::seq.gt(after))
        .filter(events::seq.le(upto))
        .group_by((events::resource_type, events::resource_id))
        .select((
            events::resource_type,
            events::resource_id,
            min(events::version),
            max(events::version),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id, first, last)| {
            Some(Touched {
                kind,
                id,
                first: first?,
                last: last?,
            })
        })
        .collect())
}

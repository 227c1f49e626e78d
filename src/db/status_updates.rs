//! Queries for status updates: what an action's lead reported, newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{audit, schema::status_updates, DbConnection, Page, PageRequest, StoreError, WriteTx};
use crate::domain::plan::Brag;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = status_updates)]
pub struct StatusUpdateRow {
    pub id: String,
    pub action_id: String,
    pub plan_id: String,
    pub brag: Brag,
    pub narrative: Option<String>,
    /// JSON: `[{"url", "title"}]`.
    pub evidence: String,
    pub action_version: i64,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub created_by_organisation: Option<String>,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// What a new status update says.
pub struct NewStatusUpdate<'a> {
    pub action_id: &'a str,
    pub plan_id: &'a str,
    pub brag: Brag,
    pub narrative: Option<&'a str>,
    pub evidence: String,
    pub action_version: i64,
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    new: NewStatusUpdate<'_>,
) -> Result<StatusUpdateRow, StoreError> {
    let id = super::new_id();
    diesel::insert_into(status_updates::table)
        .values((
            status_updates::id.eq(&id),
            status_updates::action_id.eq(new.action_id),
            status_updates::plan_id.eq(new.plan_id),
            status_updates::brag.eq(new.brag),
            status_updates::narrative.eq(new.narrative),
            status_updates::evidence.eq(&new.evidence),
            status_updates::action_version.eq(new.action_version),
            audit::created!(status_updates, tx),
            status_updates::created_by_organisation.eq(tx.actor_organisation),
        ))
        .execute(tx.conn)?;
    get(tx.conn, &id)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<StatusUpdateRow, StoreError> {
    Ok(status_updates::table
        .find(id)
        .select(StatusUpdateRow::as_select())
        .first(conn)?)
}

/// An action's updates, newest first; `page.after` continues below that id.
pub fn of_action(
    conn: &mut DbConnection,
    action: &str,
    page: &PageRequest,
) -> Result<Page<StatusUpdateRow>, StoreError> {
    let mut query = status_updates::table
        .filter(status_updates::action_id.eq(action))
        .select(StatusUpdateRow::as_select())
        .order(status_updates::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(status_updates::id.lt(after.clone()));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

/// How many updates an action has: an action with updates is not deleted.
pub fn count_for_action(conn: &mut DbConnection, action: &str) -> Result<i64, StoreError> {
    Ok(status_updates::table
        .filter(status_updates::action_id.eq(action))
        .count()
        .get_result(conn)?)
}

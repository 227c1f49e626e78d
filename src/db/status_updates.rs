//! Queries for status updates: what actions' leads reported, newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    audit, keys, links,
    names::LatestUpdate,
    schema::{plans, status_updates},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
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

impl StatusUpdateRow {
    /// This update as its action's newest.
    pub fn as_latest(&self) -> LatestUpdate {
        LatestUpdate {
            id: self.id.clone(),
            brag: self.brag,
            narrative: self.narrative.clone(),
            at: self.created_at,
            by: self.created_by.clone(),
            by_organisation: self.created_by_organisation.clone(),
        }
    }
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

/// Stores `new` and returns it as stored, built here rather than read back:
/// every column is either what was sent or what the write stamped.
pub fn insert(
    tx: &mut WriteTx<'_>,
    new: NewStatusUpdate<'_>,
) -> Result<StatusUpdateRow, StoreError> {
    let row = StatusUpdateRow {
        id: super::new_id(),
        action_id: new.action_id.to_string(),
        plan_id: new.plan_id.to_string(),
        brag: new.brag,
        narrative: new.narrative.map(str::to_string),
        evidence: new.evidence,
        action_version: new.action_version,
        version: 1,
        created_at: tx.now,
        created_by: tx.actor.to_string(),
        created_by_organisation: tx.actor_organisation.map(str::to_string),
        updated_at: tx.now,
        updated_by: tx.actor.to_string(),
    };
    diesel::insert_into(status_updates::table)
        .values((
            status_updates::id.eq(&row.id),
            status_updates::action_id.eq(&row.action_id),
            status_updates::plan_id.eq(&row.plan_id),
            status_updates::brag.eq(row.brag),
            status_updates::narrative.eq(&row.narrative),
            status_updates::evidence.eq(&row.evidence),
            status_updates::action_version.eq(row.action_version),
            audit::created!(status_updates, tx),
            status_updates::created_by_organisation.eq(&row.created_by_organisation),
        ))
        .execute(tx.conn)?;
    Ok(row)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<StatusUpdateRow, StoreError> {
    Ok(status_updates::table
        .find(id)
        .select(StatusUpdateRow::as_select())
        .first(conn)?)
}

/// Which status updates a list holds; all given filters apply together.
#[derive(Debug, Default, Clone)]
pub struct StatusUpdateFilter {
    pub action_id: Option<String>,
    pub plan_id: Option<String>,
    /// A plan's id or ref.
    pub plan: Option<String>,
    /// An organisation's id or code: updates on actions an owner of it leads.
    pub organisation: Option<String>,
    /// Any of these; all when empty.
    pub brag: Vec<Brag>,
    /// Posted at or after this time.
    pub since: Option<NaiveDateTime>,
    /// Only what belongs to published plans (anonymous readers).
    pub published_only: bool,
}

/// Status updates, newest first; `page.after` continues below that id.
pub fn list(
    conn: &mut DbConnection,
    filter: &StatusUpdateFilter,
    page: &PageRequest,
) -> Result<Page<StatusUpdateRow>, StoreError> {
    let mut query = status_updates::table
        .select(StatusUpdateRow::as_select())
        .order(status_updates::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(status_updates::id.lt(after.clone()));
    }
    if let Some(action) = &filter.action_id {
        query = query.filter(status_updates::action_id.eq(action.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        query = query.filter(status_updates::plan_id.eq(plan.clone()));
    }
    if let Some(plan) = &filter.plan {
        let id = keys::plan_key(conn, plan, filter.published_only)?;
        query = query.filter(status_updates::plan_id.eq(id));
    }
    if let Some(key) = &filter.organisation {
        let organisation = keys::organisation_key(conn, key)?;
        query = query.filter(
            status_updates::action_id.eq_any(links::actions_led_by_organisation(organisation)),
        );
    }
    if !filter.brag.is_empty() {
        query = query.filter(status_updates::brag.eq_any(filter.brag.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(status_updates::created_at.ge(since));
    }
    if filter.published_only {
        let published = plans::table
            .filter(plans::published.eq(true))
            .select(plans::id);
        query = query.filter(status_updates::plan_id.eq_any(published));
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

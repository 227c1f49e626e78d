//! Queries for governance bodies' meetings.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{
    audit,
    schema::{highlight_reports, meetings, owners, plans, reporting_lines},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{meeting::MeetingStatus, plan::PlanStatus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = meetings)]
pub struct MeetingRow {
    pub id: String,
    pub body_id: String,
    pub title: Option<String>,
    pub date: NaiveDate,
    pub papers_cutoff: NaiveDateTime,
    pub status: MeetingStatus,
    /// JSON array of plan ids.
    pub plan_ids: String,
    /// JSON array of decisions.
    pub decisions: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = meetings, treat_none_as_null = true)]
pub struct MeetingFields {
    pub title: Option<String>,
    pub date: NaiveDate,
    pub papers_cutoff: NaiveDateTime,
    pub status: MeetingStatus,
    pub plan_ids: String,
    pub decisions: String,
}

/// What a write names that must exist: the agenda's plans, the decisions'
/// owners and plans.
pub struct Named<'a> {
    pub plans: Vec<(&'a str, String)>,
    pub owners: Vec<(&'a str, String)>,
}

#[derive(Debug, Default, Clone)]
pub struct MeetingFilter {
    pub body_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Any of these; all when empty.
    pub status: Vec<MeetingStatus>,
    /// Meetings with this plan on the agenda.
    pub plan_id: Option<String>,
    /// Set by the list endpoint for anonymous readers, who never reach meetings
    /// (token holders only): it has nothing to narrow.
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &MeetingFilter,
    page: &PageRequest,
) -> Result<Page<MeetingRow>, StoreError> {
    let mut query = meetings::table
        .select(MeetingRow::as_select())
        .order(meetings::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(meetings::id.gt(after.clone()));
    }
    if let Some(body) = &filter.body_id {
        query = query.filter(meetings::body_id.eq(body.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(meetings::date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(meetings::date.le(to));
    }
    if !filter.status.is_empty() {
        query = query.filter(meetings::status.eq_any(filter.status.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        // Plan ids are UUIDs, stored in their hyphenated lower-case form: quoted,
        // one cannot be part of another, and they hold no LIKE wildcard. Text
        // that is no UUID names no plan.
        let Ok(plan) = uuid::Uuid::parse_str(plan) else {
            return Ok(Page::from_rows(Vec::new(), page, |r: &MeetingRow| &r.id));
        };
        query = query.filter(meetings::plan_ids.like(format!("%\"{plan}\"%")));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<MeetingRow, StoreError> {
    Ok(meetings::table
        .find(id)
        .select(MeetingRow::as_select())
        .first(conn)?)
}

/// The plans a body's meetings review by default: those it leads and those led
/// by a body with a reporting line to it, unless closed or archived.
pub fn default_agenda(conn: &mut DbConnection, body: &str) -> Result<Vec<String>, StoreError> {
    let reporting = reporting_lines::table
        .filter(reporting_lines::parent_body_id.eq(body))
        .select(reporting_lines::body_id.nullable());
    Ok(plans::table
        .filter(
            plans::lead_body_id
                .eq(body)
                .or(plans::lead_body_id.eq_any(reporting)),
        )
        .filter(plans::status.ne_all(vec![PlanStatus::Closed, PlanStatus::Archived]))
        .order(plans::ref_)
        .select(plans::id)
        .load(conn)?)
}

fn check_named(conn: &mut DbConnection, named: &Named<'_>) -> Result<(), StoreError> {
    for (field, plan) in &named.plans {
        if !super::plans::exists(conn, plan)? {
            return Err(StoreError::UnknownReference {
                field: (*field).to_string(),
                id: plan.clone(),
            });
        }
    }
    for (field, owner) in &named.owners {
        let found: bool =
            diesel::select(diesel::dsl::exists(owners::table.find(owner))).get_result(conn)?;
        if !found {
            return Err(StoreError::UnknownReference {
                field: (*field).to_string(),
                id: owner.clone(),
            });
        }
    }
    Ok(())
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    body: &str,
    fields: MeetingFields,
    named: &Named<'_>,
) -> Result<MeetingRow, StoreError> {
    if !super::bodies::exists(tx.conn, body)? {
        return Err(StoreError::NotFound);
    }
    check_named(tx.conn, named)?;
    let id = super::new_id();
    diesel::insert_into(meetings::table)
        .values((
            meetings::id.eq(&id),
            meetings::body_id.eq(body),
            &fields,
            audit::created!(meetings, tx),
        ))
        .execute(tx.conn)?;
    get(tx.conn, &id)
}

pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    fields: MeetingFields,
    named: &Named<'_>,
) -> Result<MeetingRow, StoreError> {
    check_named(tx.conn, named)?;
    let changed = diesel::update(meetings::table.find(id))
        .set((&fields, audit::updated!(meetings, tx)))
        .execute(tx.conn)?;
    super::removed(changed)?;
    get(tx.conn, id)
}

/// A meeting with highlight reports keeps them: delete those still in draft first.
pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let reports: i64 = highlight_reports::table
        .filter(highlight_reports::meeting_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    super::refuse_if_referenced([("highlight reports", reports)])?;
    super::removed(diesel::delete(meetings::table.find(id)).execute(tx.conn)?)
}

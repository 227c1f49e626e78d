//! Queries for highlight reports: one per plan per meeting, drafted, then
//! published and frozen.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{
    audit,
    schema::{highlight_reports, meetings},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::meeting::ReportStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = highlight_reports)]
pub struct ReportRow {
    pub id: String,
    pub meeting_id: String,
    pub plan_id: String,
    pub status: ReportStatus,
    /// JSON: the written sections.
    pub sections: String,
    /// JSON array: comments on the draft.
    pub comments: String,
    /// JSON: the drafted content.
    pub content: String,
    /// The report exactly as presented, once published.
    pub frozen: Option<String>,
    pub content_hash: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub published_by: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// What a draft holds, written whole on every change.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = highlight_reports)]
pub struct DraftFields {
    pub sections: String,
    pub comments: String,
    pub content: String,
}

#[derive(Debug, Default, Clone)]
pub struct ReportFilter {
    pub meeting_id: Option<String>,
    pub plan_id: Option<String>,
    pub status: Option<ReportStatus>,
    /// Only published reports of published plans (anonymous readers).
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ReportFilter,
    page: &PageRequest,
) -> Result<Page<ReportRow>, StoreError> {
    let mut query = highlight_reports::table
        .select(ReportRow::as_select())
        .order(highlight_reports::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(highlight_reports::id.gt(after.clone()));
    }
    if let Some(meeting) = &filter.meeting_id {
        query = query.filter(highlight_reports::meeting_id.eq(meeting.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        query = query.filter(highlight_reports::plan_id.eq(plan.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(highlight_reports::status.eq(status));
    }
    if filter.published_only {
        let published = super::schema::plans::table
            .filter(super::schema::plans::published.eq(true))
            .select(super::schema::plans::id);
        query = query
            .filter(highlight_reports::status.eq(ReportStatus::Published))
            .filter(highlight_reports::plan_id.eq_any(published));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<ReportRow, StoreError> {
    Ok(highlight_reports::table
        .find(id)
        .select(ReportRow::as_select())
        .first(conn)?)
}

/// The plan's report at the same body's latest meeting before `date`, when
/// published: the report the next one counts changes from.
pub fn previous(
    conn: &mut DbConnection,
    plan: &str,
    body: &str,
    date: NaiveDate,
) -> Result<Option<(ReportRow, NaiveDate)>, StoreError> {
    Ok(highlight_reports::table
        .inner_join(meetings::table)
        .filter(highlight_reports::plan_id.eq(plan))
        .filter(highlight_reports::status.eq(ReportStatus::Published))
        .filter(meetings::body_id.eq(body))
        .filter(meetings::date.lt(date))
        .order((meetings::date.desc(), highlight_reports::id.desc()))
        .select((ReportRow::as_select(), meetings::date))
        .first(conn)
        .optional()?)
}

pub fn taken(conn: &mut DbConnection, meeting: &str, plan: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        highlight_reports::table
            .filter(highlight_reports::meeting_id.eq(meeting))
            .filter(highlight_reports::plan_id.eq(plan)),
    ))
    .get_result(conn)?)
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    meeting: &str,
    plan: &str,
    fields: DraftFields,
) -> Result<ReportRow, StoreError> {
    let id = super::new_id();
    diesel::insert_into(highlight_reports::table)
        .values((
            highlight_reports::id.eq(&id),
            highlight_reports::meeting_id.eq(meeting),
            highlight_reports::plan_id.eq(plan),
            highlight_reports::status.eq(ReportStatus::Draft),
            &fields,
            audit::created!(highlight_reports, tx),
        ))
        .execute(tx.conn)?;
    get(tx.conn, &id)
}

/// Rewrites a draft; a published report is never matched.
pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    fields: DraftFields,
) -> Result<ReportRow, StoreError> {
    let changed = diesel::update(
        highlight_reports::table
            .find(id)
            .filter(highlight_reports::status.eq(ReportStatus::Draft)),
    )
    .set((&fields, audit::updated!(highlight_reports, tx)))
    .execute(tx.conn)?;
    super::removed(changed)?;
    get(tx.conn, id)
}

/// Marks a draft published with its final content; `freeze` then stores the
/// bytes presented, which hold the version and time written here.
pub fn publish(tx: &mut WriteTx<'_>, id: &str, content: String) -> Result<ReportRow, StoreError> {
    let changed = diesel::update(
        highlight_reports::table
            .find(id)
            .filter(highlight_reports::status.eq(ReportStatus::Draft)),
    )
    .set((
        highlight_reports::status.eq(ReportStatus::Published),
        highlight_reports::content.eq(content),
        highlight_reports::published_at.eq(Some(tx.now)),
        highlight_reports::published_by.eq(Some(tx.actor)),
        audit::updated!(highlight_reports, tx),
    ))
    .execute(tx.conn)?;
    super::removed(changed)?;
    get(tx.conn, id)
}

/// Stores a published report's bytes and their hash, once.
pub fn freeze(tx: &mut WriteTx<'_>, id: &str, frozen: &str, hash: &str) -> Result<(), StoreError> {
    let changed = diesel::update(
        highlight_reports::table
            .find(id)
            .filter(highlight_reports::frozen.is_null()),
    )
    .set((
        highlight_reports::frozen.eq(Some(frozen)),
        highlight_reports::content_hash.eq(Some(hash)),
    ))
    .execute(tx.conn)?;
    super::removed(changed)
}

pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    super::removed(
        diesel::delete(
            highlight_reports::table
                .find(id)
                .filter(highlight_reports::status.eq(ReportStatus::Draft)),
        )
        .execute(tx.conn)?,
    )
}

/// A plan's published reports, newest meeting first: (report id, meeting
/// date, body id).
pub fn published_of(
    conn: &mut DbConnection,
    plan: &str,
) -> Result<Vec<(String, NaiveDate, String)>, StoreError> {
    Ok(highlight_reports::table
        .inner_join(meetings::table)
        .filter(highlight_reports::plan_id.eq(plan))
        .filter(highlight_reports::status.eq(ReportStatus::Published))
        .order((meetings::date.desc(), highlight_reports::id.desc()))
        .select((highlight_reports::id, meetings::date, meetings::body_id))
        .limit(100)
        .load(conn)?)
}

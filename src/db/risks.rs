//! Queries for a plan's risk register.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{
    audit, keys,
    schema::{plans, risks},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::plan::RiskStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = risks)]
pub struct RiskRow {
    pub id: String,
    pub plan_id: String,
    pub ref_: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub likelihood: i32,
    pub impact: i32,
    pub owner_id: Option<String>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub review_date: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = risks, treat_none_as_null = true)]
pub struct RiskFields {
    pub ref_: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub likelihood: i32,
    pub impact: i32,
    pub owner_id: Option<String>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub review_date: Option<NaiveDate>,
}

#[derive(Debug, Default, Clone)]
pub struct RiskFilter {
    pub plan_id: Option<String>,
    /// A plan's id or ref.
    pub plan: Option<String>,
    pub owner_id: Option<String>,
    /// Any of these; all when empty.
    pub status: Vec<RiskStatus>,
    pub review_before: Option<NaiveDate>,
    /// Only what belongs to published plans (anonymous readers).
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &RiskFilter,
    page: &PageRequest,
) -> Result<Page<RiskRow>, StoreError> {
    let mut query = risks::table
        .select(RiskRow::as_select())
        .order(risks::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(risks::id.gt(after.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        query = query.filter(risks::plan_id.eq(plan.clone()));
    }
    if let Some(plan) = &filter.plan {
        let id = keys::plan_key(conn, plan, filter.published_only)?;
        query = query.filter(risks::plan_id.eq(id));
    }
    if let Some(owner) = &filter.owner_id {
        query = query.filter(risks::owner_id.eq(owner.clone()));
    }
    if !filter.status.is_empty() {
        query = query.filter(risks::status.eq_any(filter.status.clone()));
    }
    if let Some(day) = filter.review_before {
        query = query.filter(risks::review_date.lt(day));
    }
    if filter.published_only {
        let published = plans::table
            .filter(plans::published.eq(true))
            .select(plans::id);
        query = query.filter(risks::plan_id.eq_any(published));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<RiskRow, StoreError> {
    Ok(risks::table
        .find(id)
        .select(RiskRow::as_select())
        .first(conn)?)
}

fn check_owner(conn: &mut DbConnection, owner: Option<&str>) -> Result<(), StoreError> {
    if let Some(owner) = owner {
        let found: bool = diesel::select(diesel::dsl::exists(
            super::schema::owners::table.find(owner),
        ))
        .get_result(conn)?;
        if !found {
            return Err(StoreError::UnknownReference {
                field: "owner_id".into(),
                id: owner.into(),
            });
        }
    }
    Ok(())
}

pub fn insert(tx: &mut WriteTx<'_>, plan: &str, fields: RiskFields) -> Result<RiskRow, StoreError> {
    if !super::plans::exists(tx.conn, plan)? {
        return Err(StoreError::NotFound);
    }
    check_owner(tx.conn, fields.owner_id.as_deref())?;
    let id = super::new_id();
    diesel::insert_into(risks::table)
        .values((
            risks::id.eq(&id),
            risks::plan_id.eq(plan),
            &fields,
            audit::created!(risks, tx),
        ))
        .execute(tx.conn)?;
    get(tx.conn, &id)
}

pub fn update(tx: &mut WriteTx<'_>, id: &str, fields: RiskFields) -> Result<RiskRow, StoreError> {
    check_owner(tx.conn, fields.owner_id.as_deref())?;
    let changed = diesel::update(risks::table.find(id))
        .set((&fields, audit::updated!(risks, tx)))
        .execute(tx.conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx.conn, id)
}

pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    super::removed(diesel::delete(risks::table.find(id)).execute(tx.conn)?)
}

//! Queries for organisations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    audit,
    schema::{organisations, owners},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::organisation::OrganisationKind;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub website: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// The fields a client writes.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = organisations, treat_none_as_null = true)]
pub struct OrganisationFields {
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub website: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    /// Any of these; all when empty.
    pub kind: Vec<OrganisationKind>,
    pub code: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &OrganisationFilter,
    page: &PageRequest,
) -> Result<Page<OrganisationRow>, StoreError> {
    let mut query = organisations::table
        .select(OrganisationRow::as_select())
        .order(organisations::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(organisations::id.gt(after.clone()));
    }
    if !filter.kind.is_empty() {
        query = query.filter(organisations::kind.eq_any(filter.kind.clone()));
    }
    if let Some(code) = &filter.code {
        query = query.filter(organisations::code.eq(code.clone()));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<OrganisationRow, StoreError> {
    Ok(organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)?)
}

pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(organisations::table.find(id))).get_result(conn)?)
}

/// The organisation using `code`, other than `except`.
fn code_taken(
    conn: &mut DbConnection,
    code: &str,
    except: Option<&str>,
) -> Result<bool, StoreError> {
    let mut query = organisations::table
        .filter(organisations::code.eq(code))
        .select(organisations::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(organisations::id.ne(id.to_string()));
    }
    Ok(query.first::<String>(conn).optional()?.is_some())
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    fields: OrganisationFields,
) -> Result<OrganisationRow, StoreError> {
    if code_taken(tx.conn, &fields.code, None)? {
        return Err(duplicate_code(&fields.code));
    }
    let id = super::new_id();
    diesel::insert_into(organisations::table)
        .values((
            organisations::id.eq(&id),
            &fields,
            audit::created!(organisations, tx),
        ))
        .execute(tx.conn)?;
    get(tx.conn, &id)
}

pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    fields: OrganisationFields,
) -> Result<OrganisationRow, StoreError> {
    if code_taken(tx.conn, &fields.code, Some(id))? {
        return Err(duplicate_code(&fields.code));
    }
    let changed = diesel::update(organisations::table.find(id))
        .set((&fields, audit::updated!(organisations, tx)))
        .execute(tx.conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx.conn, id)
}

/// Deletes an organisation nothing refers to; otherwise says what does.
pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let owner_count: i64 = owners::table
        .filter(owners::organisation_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    let mut refs = vec![
        ("owners", owner_count),
        ("webhooks", super::webhooks::filtering_on(tx.conn, id)?),
    ];
    refs.extend(super::links::referrers(tx.conn, id)?);
    super::refuse_if_referenced(refs)?;
    super::removed(diesel::delete(organisations::table.find(id)).execute(tx.conn)?)
}

fn duplicate_code(code: &str) -> StoreError {
    StoreError::Duplicate {
        field: "code",
        value: code.to_string(),
    }
}

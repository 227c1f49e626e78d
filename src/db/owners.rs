//! Queries for owners and the dated holders of posts.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::domain::ResourceType;

use super::{
    audit, external_refs, keys, organisations,
    schema::{measures, owner_holders, owners, risks},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{external_ref::ExternalRef, owner::OwnerKind};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = owners)]
pub struct OwnerRow {
    pub id: String,
    pub kind: OwnerKind,
    pub name: String,
    pub organisation_id: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = owner_holders)]
pub struct HolderRow {
    pub owner_id: String,
    pub position: i32,
    pub name: String,
    pub email: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// An owner with its holders, oldest first.
#[derive(Debug, Clone)]
pub struct Owner {
    pub row: OwnerRow,
    pub holders: Vec<HolderRow>,
    pub external_refs: Vec<ExternalRef>,
}

/// The resource type of owners in revisions, the feed and external refs.
pub const TYPE: ResourceType = ResourceType::Owner;

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = owners, treat_none_as_null = true)]
pub struct OwnerFields {
    pub kind: OwnerKind,
    pub name: String,
    pub organisation_id: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HolderFields {
    pub name: String,
    pub email: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Default, Clone)]
pub struct OwnerFilter {
    /// Any of these; all when empty.
    pub kind: Vec<OwnerKind>,
    pub organisation_id: Option<String>,
    /// An organisation's id or code.
    pub organisation: Option<String>,
    pub external_ref: Option<ExternalRef>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &OwnerFilter,
    page: &PageRequest,
) -> Result<Page<Owner>, StoreError> {
    let mut query = owners::table
        .select(OwnerRow::as_select())
        .order(owners::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(owners::id.gt(after.clone()));
    }
    if !filter.kind.is_empty() {
        query = query.filter(owners::kind.eq_any(filter.kind.clone()));
    }
    if let Some(org) = &filter.organisation_id {
        query = query.filter(owners::organisation_id.eq(org.clone()));
    }
    if let Some(key) = &filter.organisation {
        let org = keys::organisation_key(conn, key)?;
        query = query.filter(owners::organisation_id.eq(org));
    }
    if let Some(reference) = &filter.external_ref {
        let named = external_refs::find(conn, TYPE, reference)?.unwrap_or_default();
        query = query.filter(owners::id.eq(named));
    }
    let rows: Vec<OwnerRow> = query.load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut holders = holders_of(conn, &ids)?;
    let mut external = external_refs::load(conn, TYPE, &ids)?;
    let owners = rows
        .into_iter()
        .map(|row| Owner {
            holders: holders.remove(&row.id).unwrap_or_default(),
            external_refs: external.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect();
    Ok(Page::from_rows(owners, page, |o| &o.row.id))
}

/// Holders of several owners in one query, grouped by owner.
fn holders_of(
    conn: &mut DbConnection,
    owner_ids: &[&str],
) -> Result<HashMap<String, Vec<HolderRow>>, StoreError> {
    let rows: Vec<HolderRow> = owner_holders::table
        .filter(owner_holders::owner_id.eq_any(owner_ids))
        .order((owner_holders::owner_id, owner_holders::position))
        .select(HolderRow::as_select())
        .load(conn)?;
    let mut grouped: HashMap<String, Vec<HolderRow>> = HashMap::new();
    for row in rows {
        grouped.entry(row.owner_id.clone()).or_default().push(row);
    }
    Ok(grouped)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Owner, StoreError> {
    let row = owners::table
        .find(id)
        .select(OwnerRow::as_select())
        .first(conn)?;
    let holders = holders_of(conn, &[id])?.remove(id).unwrap_or_default();
    let external_refs = external_refs::load(conn, TYPE, &[id])?
        .remove(id)
        .unwrap_or_default();
    Ok(Owner {
        row,
        holders,
        external_refs,
    })
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    fields: OwnerFields,
    holders: &[HolderFields],
    refs: &[ExternalRef],
) -> Result<Owner, StoreError> {
    check_organisation(tx.conn, fields.organisation_id.as_deref())?;
    let id = super::new_id();
    diesel::insert_into(owners::table)
        .values((owners::id.eq(&id), &fields, audit::created!(owners, tx)))
        .execute(tx.conn)?;
    replace_holders(tx.conn, &id, holders)?;
    external_refs::replace(tx.conn, TYPE, &id, refs)?;
    get(tx.conn, &id)
}

pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    fields: OwnerFields,
    holders: &[HolderFields],
    refs: &[ExternalRef],
) -> Result<Owner, StoreError> {
    check_organisation(tx.conn, fields.organisation_id.as_deref())?;
    let changed = diesel::update(owners::table.find(id))
        .set((&fields, audit::updated!(owners, tx)))
        .execute(tx.conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    super::links::owner_moved(tx.conn, id, fields.organisation_id.as_deref())?;
    replace_holders(tx.conn, id, holders)?;
    external_refs::replace(tx.conn, TYPE, id, refs)?;
    get(tx.conn, id)
}

/// Deletes an owner nothing refers to; otherwise says what does.
pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let mut refs = super::links::referrers(tx.conn, id)?;
    let teams: i64 = measures::table
        .filter(measures::team_responsible_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    let risks_owned: i64 = risks::table
        .filter(risks::owner_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    refs.extend([("measures", teams), ("risks", risks_owned)]);
    super::refuse_if_referenced(refs)?;
    diesel::delete(owner_holders::table.filter(owner_holders::owner_id.eq(id))).execute(tx.conn)?;
    external_refs::remove(tx.conn, TYPE, id)?;
    super::removed(diesel::delete(owners::table.find(id)).execute(tx.conn)?)
}

fn check_organisation(conn: &mut DbConnection, id: Option<&str>) -> Result<(), StoreError> {
    match id {
        Some(id) if !organisations::exists(conn, id)? => Err(StoreError::UnknownReference {
            field: "organisation_id".into(),
            id: id.to_string(),
        }),
        _ => Ok(()),
    }
}

fn replace_holders(
    conn: &mut DbConnection,
    owner_id: &str,
    holders: &[HolderFields],
) -> Result<(), StoreError> {
    diesel::delete(owner_holders::table.filter(owner_holders::owner_id.eq(owner_id)))
        .execute(conn)?;
    // One statement per holder: diesel cannot batch inserts through the
    // two-backend connection, and a post has a handful of holders.
    for (position, h) in (0..).zip(holders) {
        diesel::insert_into(owner_holders::table)
            .values((
                owner_holders::owner_id.eq(owner_id),
                owner_holders::position.eq::<i32>(position),
                owner_holders::name.eq(&h.name),
                owner_holders::email.eq(&h.email),
                owner_holders::started_on.eq(h.started_on),
                owner_holders::ended_on.eq(h.ended_on),
            ))
            .execute(conn)?;
    }
    Ok(())
}

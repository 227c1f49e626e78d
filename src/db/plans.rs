//! Queries for plans and their senior responsible owners and partners.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::domain::ResourceType;

use super::names::{self, Named};

use super::{
    audit, bodies, external_refs, keys, links,
    schema::{actions, links as link_table, measures, outcomes, plans, priorities, risks},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{
    external_ref::ExternalRef,
    links::Relation,
    plan::{PlanKind, PlanStatus},
    reporting::ReportingCadence,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: String,
    pub ref_: String,
    pub title: String,
    pub kind: PlanKind,
    pub summary: Option<String>,
    pub vision: Option<String>,
    pub period_label: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub status: PlanStatus,
    pub lead_body_id: Option<String>,
    pub published: bool,
    pub source_document: Option<String>,
    pub reporting_cadence: Option<ReportingCadence>,
    /// JSON: the listed period ends, `["2026-03-10", ...]`.
    pub reporting_dates: Option<String>,
    pub reporting_cutoff_day: Option<i32>,
    pub narrative_required: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = plans, treat_none_as_null = true)]
pub struct PlanFields {
    pub ref_: String,
    pub title: String,
    pub kind: PlanKind,
    pub summary: Option<String>,
    pub vision: Option<String>,
    pub period_label: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub status: PlanStatus,
    pub lead_body_id: Option<String>,
    pub published: bool,
    pub source_document: Option<String>,
    pub reporting_cadence: Option<ReportingCadence>,
    pub reporting_dates: Option<String>,
    pub reporting_cutoff_day: Option<i32>,
    pub narrative_required: bool,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub row: PlanRow,
    pub sros: Vec<String>,
    pub partners: Vec<String>,
    /// The senior responsible owners named, in order.
    pub sro_names: Vec<Named>,
    /// The partner organisations named, in order.
    pub partner_names: Vec<Named>,
    pub lead_body: Option<Named>,
    pub external_refs: Vec<ExternalRef>,
}

/// The resource type of plans in revisions, the feed and external refs.
pub const TYPE: ResourceType = ResourceType::Plan;

#[derive(Debug, Clone)]
pub struct PlanWrite {
    pub fields: PlanFields,
    pub sros: Vec<String>,
    pub partners: Vec<String>,
    pub external_refs: Vec<ExternalRef>,
}

#[derive(Debug, Default, Clone)]
pub struct PlanFilter {
    /// Any of these; all when empty.
    pub status: Vec<PlanStatus>,
    /// Any of these; all when empty.
    pub kind: Vec<PlanKind>,
    pub published: Option<bool>,
    pub lead_body_id: Option<String>,
    pub partner: Option<String>,
    /// A partner organisation's id or code.
    pub partner_key: Option<String>,
    pub ref_: Option<String>,
    pub external_ref: Option<ExternalRef>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &PlanFilter,
    page: &PageRequest,
) -> Result<Page<Plan>, StoreError> {
    let mut query = plans::table
        .select(PlanRow::as_select())
        .order(plans::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(plans::id.gt(after.clone()));
    }
    if !filter.status.is_empty() {
        query = query.filter(plans::status.eq_any(filter.status.clone()));
    }
    if !filter.kind.is_empty() {
        query = query.filter(plans::kind.eq_any(filter.kind.clone()));
    }
    if let Some(published) = filter.published {
        query = query.filter(plans::published.eq(published));
    }
    if let Some(body) = &filter.lead_body_id {
        query = query.filter(plans::lead_body_id.eq(body.clone()));
    }
    if let Some(r) = &filter.ref_ {
        query = query.filter(plans::ref_.eq(r.clone()));
    }
    if let Some(reference) = &filter.external_ref {
        let named = external_refs::find(conn, TYPE, reference)?.unwrap_or_default();
        query = query.filter(plans::id.eq(named));
    }
    let partner = match &filter.partner_key {
        Some(key) => Some(keys::organisation_key(conn, key)?),
        None => None,
    };
    for org in filter.partner.iter().chain(partner.iter()) {
        let partnered = link_table::table
            .filter(link_table::relation.eq(Relation::PlanPartner.as_str()))
            .filter(link_table::target_id.eq(org.clone()))
            .select(link_table::parent_id);
        query = query.filter(plans::id.eq_any(partnered));
    }
    let rows = query.load(conn)?;
    let plans = attach(conn, rows)?;
    Ok(Page::from_rows(plans, page, |p| &p.row.id))
}

fn attach(conn: &mut DbConnection, rows: Vec<PlanRow>) -> Result<Vec<Plan>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut sros = links::load(conn, Relation::PlanSro, &ids)?;
    let mut partners = links::load(conn, Relation::PlanPartner, &ids)?;
    let mut external = external_refs::load(conn, TYPE, &ids)?;
    let owners = names::owners(conn, sros.values().flatten().map(String::as_str))?;
    let organisations =
        names::organisations(conn, partners.values().flatten().map(String::as_str))?;
    let bodies = names::bodies(conn, rows.iter().filter_map(|r| r.lead_body_id.as_deref()))?;
    Ok(rows
        .into_iter()
        .map(|row| Plan {
            sro_names: names::in_order(sros.get(&row.id).map_or(&[], Vec::as_slice), &owners),
            partner_names: names::in_order(
                partners.get(&row.id).map_or(&[], Vec::as_slice),
                &organisations,
            ),
            lead_body: row
                .lead_body_id
                .as_ref()
                .and_then(|b| bodies.get(b).cloned()),
            external_refs: external.remove(&row.id).unwrap_or_default(),
            sros: sros.remove(&row.id).unwrap_or_default(),
            partners: partners.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Plan, StoreError> {
    let row = plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)?;
    Ok(attach(conn, vec![row])?.remove(0))
}

pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(plans::table.find(id))).get_result(conn)?)
}

fn ref_taken(conn: &mut DbConnection, r: &str, except: Option<&str>) -> Result<bool, StoreError> {
    let mut query = plans::table
        .filter(plans::ref_.eq(r))
        .select(plans::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(plans::id.ne(id.to_string()));
    }
    Ok(query.first::<String>(conn).optional()?.is_some())
}

fn check(
    conn: &mut DbConnection,
    write: &PlanWrite,
    except: Option<&str>,
) -> Result<(), StoreError> {
    if ref_taken(conn, &write.fields.ref_, except)? {
        return Err(StoreError::Duplicate {
            field: "ref",
            value: write.fields.ref_.clone(),
        });
    }
    bodies::check(conn, write.fields.lead_body_id.as_deref(), "lead_body_id")
}

pub fn insert(tx: &mut WriteTx<'_>, write: PlanWrite) -> Result<Plan, StoreError> {
    check(tx.conn, &write, None)?;
    let id = super::new_id();
    diesel::insert_into(plans::table)
        .values((plans::id.eq(&id), &write.fields, audit::created!(plans, tx)))
        .execute(tx.conn)?;
    write_links(tx.conn, &id, &write)?;
    get(tx.conn, &id)
}

pub fn update(tx: &mut WriteTx<'_>, id: &str, write: PlanWrite) -> Result<Plan, StoreError> {
    check(tx.conn, &write, Some(id))?;
    let changed = diesel::update(plans::table.find(id))
        .set((&write.fields, audit::updated!(plans, tx)))
        .execute(tx.conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    write_links(tx.conn, id, &write)?;
    get(tx.conn, id)
}

fn write_links(conn: &mut DbConnection, id: &str, write: &PlanWrite) -> Result<(), StoreError> {
    links::replace(
        conn,
        Relation::PlanSro,
        id,
        &write.sros,
        "senior_responsible_owner_ids",
    )?;
    links::replace(
        conn,
        Relation::PlanPartner,
        id,
        &write.partners,
        "partner_organisation_ids",
    )?;
    external_refs::replace(conn, TYPE, id, &write.external_refs)
}

/// Deletes a plan with nothing in it; otherwise says what it still holds.
pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let counts = [
        (
            "priorities",
            priorities::table
                .filter(priorities::plan_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "outcomes",
            outcomes::table
                .filter(outcomes::plan_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "actions",
            actions::table
                .filter(actions::plan_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "measures",
            measures::table
                .filter(measures::plan_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "risks",
            risks::table
                .filter(risks::plan_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
    ];
    super::refuse_if_referenced(counts)?;
    links::remove_parent(tx.conn, id)?;
    external_refs::remove(tx.conn, TYPE, id)?;
    super::removed(diesel::delete(plans::table.find(id)).execute(tx.conn)?)
}

/// Whether the plan requires a narrative with every change of an action's BRAG.
pub fn narrative_required(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(plans::table
        .find(id)
        .select(plans::narrative_required)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

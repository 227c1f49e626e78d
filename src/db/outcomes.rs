//! Queries for outcomes: what a plan's section means to achieve.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::names::{self, Named};

use super::{
    audit, keys, links, priorities,
    schema::{actions, outcomes, plans},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{links::Relation, plan::RefTarget};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outcomes)]
pub struct OutcomeRow {
    pub id: String,
    pub plan_id: String,
    pub priority_id: String,
    pub ref_: String,
    pub statement: String,
    pub workstream: Option<String>,
    /// JSON array of strings.
    pub previous_refs: String,
    pub position: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = outcomes, treat_none_as_null = true)]
pub struct OutcomeFields {
    pub priority_id: String,
    pub ref_: String,
    pub statement: String,
    pub workstream: Option<String>,
    pub previous_refs: String,
    pub position: i32,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub row: OutcomeRow,
    pub leads: Vec<String>,
    /// The leads named, in order.
    pub lead_names: Vec<Named>,
}

#[derive(Debug, Clone)]
pub struct OutcomeWrite {
    pub fields: OutcomeFields,
    pub leads: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct OutcomeFilter {
    pub plan_id: Option<String>,
    /// A plan's id or ref.
    pub plan: Option<String>,
    pub priority_id: Option<String>,
    pub lead_id: Option<String>,
    pub ref_: Option<String>,
    /// Only what belongs to published plans (anonymous readers).
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &OutcomeFilter,
    page: &PageRequest,
) -> Result<Page<Outcome>, StoreError> {
    use super::schema::links as link_table;
    let mut query = outcomes::table
        .select(OutcomeRow::as_select())
        .order(outcomes::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(outcomes::id.gt(after.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        query = query.filter(outcomes::plan_id.eq(plan.clone()));
    }
    if let Some(plan) = &filter.plan {
        let id = keys::plan_key(conn, plan, filter.published_only)?;
        query = query.filter(outcomes::plan_id.eq(id));
    }
    if let Some(priority) = &filter.priority_id {
        query = query.filter(outcomes::priority_id.eq(priority.clone()));
    }
    if let Some(r) = &filter.ref_ {
        query = query.filter(outcomes::ref_.eq(r.clone()));
    }
    if let Some(owner) = &filter.lead_id {
        let led = link_table::table
            .filter(link_table::relation.eq(Relation::OutcomeLead.as_str()))
            .filter(link_table::target_id.eq(owner.clone()))
            .select(link_table::parent_id);
        query = query.filter(outcomes::id.eq_any(led));
    }
    if filter.published_only {
        let published = plans::table
            .filter(plans::published.eq(true))
            .select(plans::id);
        query = query.filter(outcomes::plan_id.eq_any(published));
    }
    let rows = query.load(conn)?;
    let items = attach(conn, rows)?;
    Ok(Page::from_rows(items, page, |o| &o.row.id))
}

pub fn attach(conn: &mut DbConnection, rows: Vec<OutcomeRow>) -> Result<Vec<Outcome>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut leads = links::load(conn, Relation::OutcomeLead, &ids)?;
    let owners = names::owners(conn, leads.values().flatten().map(String::as_str))?;
    Ok(rows
        .into_iter()
        .map(|row| Outcome {
            lead_names: names::in_order(leads.get(&row.id).map_or(&[], Vec::as_slice), &owners),
            leads: leads.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Outcome, StoreError> {
    let row = outcomes::table
        .find(id)
        .select(OutcomeRow::as_select())
        .first(conn)?;
    Ok(attach(conn, vec![row])?.remove(0))
}

/// The plan and priority of an outcome, checked to be in `plan` when one is given.
pub fn place_of(
    conn: &mut DbConnection,
    id: &str,
    field: &str,
    plan: Option<&str>,
) -> Result<(String, String), StoreError> {
    let found: Option<(String, String)> = outcomes::table
        .find(id)
        .select((outcomes::plan_id, outcomes::priority_id))
        .first(conn)
        .optional()?;
    match (found, plan) {
        (None, _) => Err(StoreError::UnknownReference {
            field: field.into(),
            id: id.into(),
        }),
        (Some((p, _)), Some(expected)) if p != expected => Err(StoreError::Invalid {
            field: field.into(),
            code: "other_plan",
            message: "belongs to another plan".into(),
        }),
        (Some(place), _) => Ok(place),
    }
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    plan: &str,
    write: OutcomeWrite,
) -> Result<Outcome, StoreError> {
    if !super::plans::exists(tx.conn, plan)? {
        return Err(StoreError::NotFound);
    }
    priorities::plan_of(
        tx.conn,
        &write.fields.priority_id,
        "priority_id",
        Some(plan),
    )?;
    priorities::check_ref_free(tx.conn, RefTarget::Outcome, plan, &write.fields.ref_, None)?;
    let id = super::new_id();
    diesel::insert_into(outcomes::table)
        .values((
            outcomes::id.eq(&id),
            outcomes::plan_id.eq(plan),
            &write.fields,
            audit::created!(outcomes, tx),
        ))
        .execute(tx.conn)?;
    links::replace(
        tx.conn,
        Relation::OutcomeLead,
        &id,
        &write.leads,
        "lead_ids",
    )?;
    get(tx.conn, &id)
}

pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    plan: &str,
    write: OutcomeWrite,
) -> Result<Outcome, StoreError> {
    priorities::plan_of(
        tx.conn,
        &write.fields.priority_id,
        "priority_id",
        Some(plan),
    )?;
    priorities::check_ref_free(
        tx.conn,
        RefTarget::Outcome,
        plan,
        &write.fields.ref_,
        Some(id),
    )?;
    diesel::update(outcomes::table.find(id))
        .set((&write.fields, audit::updated!(outcomes, tx)))
        .execute(tx.conn)?;
    links::replace(tx.conn, Relation::OutcomeLead, id, &write.leads, "lead_ids")?;
    get(tx.conn, id)
}

pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let mut refs = links::referrers(tx.conn, id)?;
    refs.extend([
        (
            "actions",
            actions::table
                .filter(actions::outcome_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "actions monitored in it",
            actions::table
                .filter(actions::monitored_in_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "actions sending readers to it for details",
            actions::table
                .filter(actions::details_in_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
    ]);
    super::refuse_if_referenced(refs)?;
    links::remove_parent(tx.conn, id)?;
    super::removed(diesel::delete(outcomes::table.find(id)).execute(tx.conn)?)
}

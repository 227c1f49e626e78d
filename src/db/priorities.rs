//! Queries for priorities: the sections of a plan.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::names::{self, Named};

use super::{
    audit, bodies, keys, links,
    schema::{actions, measures, outcomes, plans, priorities},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{
    links::Relation,
    plan::{PriorityKind, RefTarget},
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = priorities)]
pub struct PriorityRow {
    pub id: String,
    pub plan_id: String,
    pub ref_: String,
    pub kind: PriorityKind,
    pub title: String,
    pub recommendation: Option<String>,
    pub description: Option<String>,
    pub position: i32,
    pub working_group_id: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = priorities, treat_none_as_null = true)]
pub struct PriorityFields {
    pub ref_: String,
    pub kind: PriorityKind,
    pub title: String,
    pub recommendation: Option<String>,
    pub description: Option<String>,
    pub position: i32,
    pub working_group_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Priority {
    pub row: PriorityRow,
    pub sros: Vec<String>,
    /// The senior responsible owners named, in order.
    pub sro_names: Vec<Named>,
    pub working_group: Option<Named>,
}

#[derive(Debug, Clone)]
pub struct PriorityWrite {
    pub fields: PriorityFields,
    pub sros: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct PriorityFilter {
    pub plan_id: Option<String>,
    /// A plan's id or ref.
    pub plan: Option<String>,
    /// Any of these; all when empty.
    pub kind: Vec<PriorityKind>,
    pub working_group_id: Option<String>,
    pub ref_: Option<String>,
    /// Only what belongs to published plans (anonymous readers).
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &PriorityFilter,
    page: &PageRequest,
) -> Result<Page<Priority>, StoreError> {
    let mut query = priorities::table
        .select(PriorityRow::as_select())
        .order(priorities::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(priorities::id.gt(after.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        query = query.filter(priorities::plan_id.eq(plan.clone()));
    }
    if let Some(plan) = &filter.plan {
        let id = keys::plan_key(conn, plan, filter.published_only)?;
        query = query.filter(priorities::plan_id.eq(id));
    }
    if !filter.kind.is_empty() {
        query = query.filter(priorities::kind.eq_any(filter.kind.clone()));
    }
    if let Some(body) = &filter.working_group_id {
        query = query.filter(priorities::working_group_id.eq(body.clone()));
    }
    if let Some(r) = &filter.ref_ {
        query = query.filter(priorities::ref_.eq(r.clone()));
    }
    if filter.published_only {
        let published = plans::table
            .filter(plans::published.eq(true))
            .select(plans::id);
        query = query.filter(priorities::plan_id.eq_any(published));
    }
    let rows = query.load(conn)?;
    let items = attach(conn, rows)?;
    Ok(Page::from_rows(items, page, |p| &p.row.id))
}

pub fn attach(
    conn: &mut DbConnection,
    rows: Vec<PriorityRow>,
) -> Result<Vec<Priority>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut sros = links::load(conn, Relation::PrioritySro, &ids)?;
    let owners = names::owners(conn, sros.values().flatten().map(String::as_str))?;
    let bodies = names::bodies(
        conn,
        rows.iter().filter_map(|r| r.working_group_id.as_deref()),
    )?;
    Ok(rows
        .into_iter()
        .map(|row| Priority {
            sro_names: names::in_order(sros.get(&row.id).map_or(&[], Vec::as_slice), &owners),
            working_group: row
                .working_group_id
                .as_ref()
                .and_then(|b| bodies.get(b).cloned()),
            sros: sros.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Priority, StoreError> {
    let row = priorities::table
        .find(id)
        .select(PriorityRow::as_select())
        .first(conn)?;
    Ok(attach(conn, vec![row])?.remove(0))
}

/// The plan a priority belongs to, checked to be `plan` when one is given.
pub fn plan_of(
    conn: &mut DbConnection,
    id: &str,
    field: &str,
    plan: Option<&str>,
) -> Result<String, StoreError> {
    let found: Option<String> = priorities::table
        .find(id)
        .select(priorities::plan_id)
        .first(conn)
        .optional()?;
    match (found, plan) {
        (None, _) => Err(StoreError::UnknownReference {
            field: field.into(),
            id: id.into(),
        }),
        (Some(p), Some(expected)) if p != expected => Err(StoreError::Invalid {
            field: field.into(),
            code: "other_plan",
            message: "belongs to another plan".into(),
        }),
        (Some(p), _) => Ok(p),
    }
}

/// Fails with `Duplicate` when another item of the same kind in the plan has `r`.
pub fn check_ref_free(
    conn: &mut DbConnection,
    target: RefTarget,
    plan: &str,
    r: &str,
    except: Option<&str>,
) -> Result<(), StoreError> {
    let except = except.unwrap_or("").to_string();
    let taken: Option<String> = match target {
        RefTarget::Priority => priorities::table
            .filter(
                priorities::plan_id
                    .eq(plan)
                    .and(priorities::ref_.eq(r))
                    .and(priorities::id.ne(except)),
            )
            .select(priorities::id)
            .first(conn)
            .optional()?,
        RefTarget::Outcome => outcomes::table
            .filter(
                outcomes::plan_id
                    .eq(plan)
                    .and(outcomes::ref_.eq(r))
                    .and(outcomes::id.ne(except)),
            )
            .select(outcomes::id)
            .first(conn)
            .optional()?,
        RefTarget::Action => actions::table
            .filter(
                actions::plan_id
                    .eq(plan)
                    .and(actions::ref_.eq(r))
                    .and(actions::id.ne(except)),
            )
            .select(actions::id)
            .first(conn)
            .optional()?,
    };
    match taken {
        Some(_) => Err(StoreError::Duplicate {
            field: "ref",
            value: r.to_string(),
        }),
        None => Ok(()),
    }
}

fn plan_exists(conn: &mut DbConnection, plan: &str) -> Result<(), StoreError> {
    let found: bool =
        diesel::select(diesel::dsl::exists(plans::table.find(plan))).get_result(conn)?;
    if found {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    plan: &str,
    write: PriorityWrite,
) -> Result<Priority, StoreError> {
    plan_exists(tx.conn, plan)?;
    check_ref_free(tx.conn, RefTarget::Priority, plan, &write.fields.ref_, None)?;
    bodies::check(
        tx.conn,
        write.fields.working_group_id.as_deref(),
        "working_group_id",
    )?;
    let id = super::new_id();
    diesel::insert_into(priorities::table)
        .values((
            priorities::id.eq(&id),
            priorities::plan_id.eq(plan),
            &write.fields,
            audit::created!(priorities, tx),
        ))
        .execute(tx.conn)?;
    links::replace(
        tx.conn,
        Relation::PrioritySro,
        &id,
        &write.sros,
        "senior_responsible_owner_ids",
    )?;
    get(tx.conn, &id)
}

pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    plan: &str,
    write: PriorityWrite,
) -> Result<Priority, StoreError> {
    check_ref_free(
        tx.conn,
        RefTarget::Priority,
        plan,
        &write.fields.ref_,
        Some(id),
    )?;
    bodies::check(
        tx.conn,
        write.fields.working_group_id.as_deref(),
        "working_group_id",
    )?;
    diesel::update(priorities::table.find(id))
        .set((&write.fields, audit::updated!(priorities, tx)))
        .execute(tx.conn)?;
    links::replace(
        tx.conn,
        Relation::PrioritySro,
        id,
        &write.sros,
        "senior_responsible_owner_ids",
    )?;
    get(tx.conn, id)
}

pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let counts = [
        (
            "outcomes",
            outcomes::table
                .filter(outcomes::priority_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "actions",
            actions::table
                .filter(actions::priority_id.eq(id))
                .count()
                .get_result::<i64>(tx.conn)?,
        ),
        (
            "measures",
            measures::table
                .filter(measures::priority_id.eq(id))
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
    ];
    super::refuse_if_referenced(counts)?;
    links::remove_parent(tx.conn, id)?;
    super::removed(diesel::delete(priorities::table.find(id)).execute(tx.conn)?)
}

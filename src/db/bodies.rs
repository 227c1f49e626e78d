//! Queries for governance bodies, their chairs, members and reporting lines.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    audit, links,
    schema::{governance_bodies, plans, priorities, reporting_lines},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{
    governance::{would_cycle, BodyKind, Cadence, LineKind},
    links::Relation,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = governance_bodies)]
pub struct BodyRow {
    pub id: String,
    pub name: String,
    pub kind: BodyKind,
    pub cadence: Option<Cadence>,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = governance_bodies, treat_none_as_null = true)]
pub struct BodyFields {
    pub name: String,
    pub kind: BodyKind,
    pub cadence: Option<Cadence>,
    pub description: Option<String>,
}

/// A body with its links.
#[derive(Debug, Clone)]
pub struct Body {
    pub row: BodyRow,
    pub chairs: Vec<String>,
    pub members: Vec<String>,
    pub reports_to: Vec<(String, LineKind)>,
}

/// Everything written for a body.
#[derive(Debug, Clone)]
pub struct BodyWrite {
    pub fields: BodyFields,
    pub chairs: Vec<String>,
    pub members: Vec<String>,
    pub reports_to: Vec<(String, LineKind)>,
}

#[derive(Debug, Default, Clone)]
pub struct BodyFilter {
    /// Any of these; all when empty.
    pub kind: Vec<BodyKind>,
    pub reports_to: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &BodyFilter,
    page: &PageRequest,
) -> Result<Page<Body>, StoreError> {
    let mut query = governance_bodies::table
        .select(BodyRow::as_select())
        .order(governance_bodies::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(governance_bodies::id.gt(after.clone()));
    }
    if !filter.kind.is_empty() {
        query = query.filter(governance_bodies::kind.eq_any(filter.kind.clone()));
    }
    if let Some(parent) = &filter.reports_to {
        let children = reporting_lines::table
            .filter(reporting_lines::parent_body_id.eq(parent.clone()))
            .select(reporting_lines::body_id);
        query = query.filter(governance_bodies::id.eq_any(children));
    }
    let rows = query.load(conn)?;
    let bodies = attach(conn, rows)?;
    Ok(Page::from_rows(bodies, page, |b| &b.row.id))
}

fn attach(conn: &mut DbConnection, rows: Vec<BodyRow>) -> Result<Vec<Body>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut chairs = links::load(conn, Relation::BodyChair, &ids)?;
    let mut members = links::load(conn, Relation::BodyMember, &ids)?;
    let mut lines = lines_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| Body {
            chairs: chairs.remove(&row.id).unwrap_or_default(),
            members: members.remove(&row.id).unwrap_or_default(),
            reports_to: lines.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

fn lines_of(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<HashMap<String, Vec<(String, LineKind)>>, StoreError> {
    let rows: Vec<(String, String, LineKind)> = reporting_lines::table
        .filter(reporting_lines::body_id.eq_any(ids))
        .order((reporting_lines::body_id, reporting_lines::position))
        .select((
            reporting_lines::body_id,
            reporting_lines::parent_body_id,
            reporting_lines::line,
        ))
        .load(conn)?;
    let mut grouped: HashMap<String, Vec<(String, LineKind)>> = HashMap::new();
    for (body, parent, line) in rows {
        grouped.entry(body).or_default().push((parent, line));
    }
    Ok(grouped)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Body, StoreError> {
    let row = governance_bodies::table
        .find(id)
        .select(BodyRow::as_select())
        .first(conn)?;
    Ok(attach(conn, vec![row])?.remove(0))
}

pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(governance_bodies::table.find(id))).get_result(conn)?)
}

/// Fails with the field's name when `id` is given but names no body.
pub fn check(conn: &mut DbConnection, id: Option<&str>, field: &str) -> Result<(), StoreError> {
    match id {
        Some(id) if !exists(conn, id)? => Err(StoreError::UnknownReference {
            field: field.into(),
            id: id.into(),
        }),
        _ => Ok(()),
    }
}

fn name_taken(
    conn: &mut DbConnection,
    name: &str,
    except: Option<&str>,
) -> Result<bool, StoreError> {
    let mut query = governance_bodies::table
        .filter(governance_bodies::name.eq(name))
        .select(governance_bodies::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(governance_bodies::id.ne(id.to_string()));
    }
    Ok(query.first::<String>(conn).optional()?.is_some())
}

pub fn insert(tx: &mut WriteTx<'_>, write: BodyWrite) -> Result<Body, StoreError> {
    if name_taken(tx.conn, &write.fields.name, None)? {
        return Err(StoreError::Duplicate {
            field: "name",
            value: write.fields.name,
        });
    }
    let id = super::new_id();
    diesel::insert_into(governance_bodies::table)
        .values((
            governance_bodies::id.eq(&id),
            &write.fields,
            audit::created!(governance_bodies, tx),
        ))
        .execute(tx.conn)?;
    write_links(tx.conn, &id, &write)?;
    get(tx.conn, &id)
}

pub fn update(tx: &mut WriteTx<'_>, id: &str, write: BodyWrite) -> Result<Body, StoreError> {
    if name_taken(tx.conn, &write.fields.name, Some(id))? {
        return Err(StoreError::Duplicate {
            field: "name",
            value: write.fields.name,
        });
    }
    let changed = diesel::update(governance_bodies::table.find(id))
        .set((&write.fields, audit::updated!(governance_bodies, tx)))
        .execute(tx.conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    write_links(tx.conn, id, &write)?;
    get(tx.conn, id)
}

fn write_links(conn: &mut DbConnection, id: &str, write: &BodyWrite) -> Result<(), StoreError> {
    links::replace(conn, Relation::BodyChair, id, &write.chairs, "chair_ids")?;
    links::replace(
        conn,
        Relation::BodyMember,
        id,
        &write.members,
        "member_organisation_ids",
    )?;
    for (i, (parent, _)) in write.reports_to.iter().enumerate() {
        check(conn, Some(parent), &format!("reports_to[{i}].body_id"))?;
    }
    let parents: Vec<String> = write.reports_to.iter().map(|(p, _)| p.clone()).collect();
    let others: Vec<(String, String)> = reporting_lines::table
        .filter(reporting_lines::body_id.ne(id))
        .select((reporting_lines::body_id, reporting_lines::parent_body_id))
        .load(conn)?;
    let mut graph: HashMap<String, Vec<String>> = HashMap::new();
    for (child, parent) in others {
        graph.entry(child).or_default().push(parent);
    }
    if would_cycle(id, &parents, &graph) {
        return Err(StoreError::Invalid {
            field: "reports_to".into(),
            code: "cycle",
            message: "this reporting line would make a body report to itself".into(),
        });
    }
    diesel::delete(reporting_lines::table.filter(reporting_lines::body_id.eq(id))).execute(conn)?;
    for (position, (parent, line)) in (0..).zip(&write.reports_to) {
        diesel::insert_into(reporting_lines::table)
            .values((
                reporting_lines::body_id.eq(id),
                reporting_lines::parent_body_id.eq(parent),
                reporting_lines::line.eq(*line),
                reporting_lines::position.eq::<i32>(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let reporting: i64 = reporting_lines::table
        .filter(reporting_lines::parent_body_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    let led: i64 = plans::table
        .filter(plans::lead_body_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    let groups: i64 = priorities::table
        .filter(priorities::working_group_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    let meetings: i64 = super::schema::meetings::table
        .filter(super::schema::meetings::body_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    super::refuse_if_referenced([
        ("bodies reporting to it", reporting),
        ("meetings", meetings),
        ("plans it leads", led),
        ("priorities it works on", groups),
    ])?;
    links::remove_parent(tx.conn, id)?;
    super::removed(diesel::delete(governance_bodies::table.find(id)).execute(tx.conn)?)
}

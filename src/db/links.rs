//! Ordered many-to-many links (chairs, members, senior responsible owners, leads,
//! partners, measure-outcome links) in one table. Integrity is kept here: targets
//! must exist when linked, and a target still linked cannot be deleted.

use std::collections::HashMap;

use diesel::prelude::*;

use super::{
    schema::{links, organisations, outcomes, owners},
    DbConnection, StoreError,
};
use crate::domain::links::{Relation, Target};

/// The ids of the actions led by an owner of `organisation`, as a subquery: one
/// range of the `links_organisation` index.
#[diesel::dsl::auto_type]
pub fn actions_led_by_organisation(organisation: String) -> _ {
    let lead: &'static str = Relation::ActionLead.as_str();
    links::table
        .filter(links::relation.eq(lead))
        .filter(links::organisation_id.eq(organisation))
        .select(links::parent_id)
}

/// Keeps the organisation beside every link to `owner` when the owner moves to
/// another (or to none).
pub fn owner_moved(
    conn: &mut DbConnection,
    owner: &str,
    organisation: Option<&str>,
) -> Result<(), StoreError> {
    diesel::update(links::table.filter(links::target_id.eq(owner)))
        .set(links::organisation_id.eq(organisation))
        .execute(conn)?;
    Ok(())
}

/// Replaces the links of `parent` in `relation` with `targets`, in order. `field`
/// names the input field, for the error when a target does not exist.
pub fn replace(
    conn: &mut DbConnection,
    relation: Relation,
    parent: &str,
    targets: &[String],
    field: &str,
) -> Result<(), StoreError> {
    let organisations = match relation.target() {
        Target::Owner => organisations_of_owners(conn, targets)?,
        _ => HashMap::new(),
    };
    for (i, target) in targets.iter().enumerate() {
        let found = match relation.target() {
            Target::Owner => organisations.contains_key(target),
            other => exists(conn, other, target)?,
        };
        if !found {
            return Err(StoreError::UnknownReference {
                field: format!("{field}[{i}]"),
                id: target.clone(),
            });
        }
    }
    diesel::delete(
        links::table
            .filter(links::relation.eq(relation.as_str()))
            .filter(links::parent_id.eq(parent)),
    )
    .execute(conn)?;
    for (position, target) in (0..).zip(targets) {
        diesel::insert_into(links::table)
            .values((
                links::relation.eq(relation.as_str()),
                links::parent_id.eq(parent),
                links::target_id.eq(target),
                links::position.eq::<i32>(position),
                links::organisation_id.eq(organisations.get(target).cloned().flatten()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Owner id → its organisation, for the owners of `ids` that exist.
pub(super) fn organisations_of_owners(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<HashMap<String, Option<String>>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let owners = owners::table
        .filter(owners::id.eq_any(ids))
        .select((owners::id, owners::organisation_id));
    // On PostgreSQL the owners stay as read until the write commits: an owner
    // moved to another organisation at the same time (`owner_moved`) waits, and
    // then moves the links written here too.
    let rows: Vec<(String, Option<String>)> = match conn {
        DbConnection::Postgres(pg) => owners.for_share().load(pg)?,
        DbConnection::Sqlite(lite) => owners.load(lite)?,
    };
    Ok(rows.into_iter().collect())
}

/// The targets of each parent in `relation`, in order.
pub fn load(
    conn: &mut DbConnection,
    relation: Relation,
    parents: &[&str],
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let query = links::table
        .filter(links::relation.eq(relation.as_str()))
        .order((links::parent_id, links::position))
        .select((links::parent_id, links::target_id))
        .into_boxed();
    // One parent by `=`: SQLite can keep that statement prepared, not an IN list.
    let rows: Vec<(String, String)> = match parents {
        [one] => query.filter(links::parent_id.eq(*one)).load(conn)?,
        many => query.filter(links::parent_id.eq_any(many)).load(conn)?,
    };
    let mut grouped: HashMap<String, Vec<String>> = HashMap::new();
    for (parent, target) in rows {
        grouped.entry(parent).or_default().push(target);
    }
    Ok(grouped)
}

/// The targets of one parent in `relation`.
pub fn of(
    conn: &mut DbConnection,
    relation: Relation,
    parent: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(load(conn, relation, &[parent])?
        .remove(parent)
        .unwrap_or_default())
}

/// How many links of each relation point at `target`.
pub fn referrers(
    conn: &mut DbConnection,
    target: &str,
) -> Result<Vec<(&'static str, i64)>, StoreError> {
    let rows: Vec<(String, i64)> = links::table
        .filter(links::target_id.eq(target))
        .group_by(links::relation)
        .select((links::relation, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(relation, n)| Relation::parse(&relation).map(|r| (r.referrer(), n)))
        .collect())
}

/// Removes every link a deleted parent had.
pub fn remove_parent(conn: &mut DbConnection, parent: &str) -> Result<(), StoreError> {
    diesel::delete(links::table.filter(links::parent_id.eq(parent))).execute(conn)?;
    Ok(())
}

fn exists(conn: &mut DbConnection, target: Target, id: &str) -> Result<bool, StoreError> {
    use diesel::dsl::exists;
    let found = match target {
        Target::Owner => diesel::select(exists(owners::table.find(id))).get_result(conn)?,
        Target::Organisation => {
            diesel::select(exists(organisations::table.find(id))).get_result(conn)?
        }
        Target::Outcome => diesel::select(exists(outcomes::table.find(id))).get_result(conn)?,
    };
    Ok(found)
}

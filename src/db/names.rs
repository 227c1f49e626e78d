//! Names beside ids, loaded for many rows at once: who an owner is and its
//! organisation's code, a plan's ref, a priority's ref and title, an action's
//! latest status narrative, a measure's latest reading. One query per kind, not
//! one per row.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{
        governance_bodies, links, organisations, owners, plans, priorities, readings,
        status_updates,
    },
    DbConnection, StoreError,
};
use crate::domain::{links::Relation, plan::Brag};

/// What an id names, as a reader needs it beside the id.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub id: String,
    pub name: String,
    /// The organisation's code: an owner's organisation, or the organisation itself.
    pub organisation: Option<String>,
}

/// The named items of `ids`, in their order, skipping any that is gone.
pub fn in_order(ids: &[String], named: &HashMap<String, Named>) -> Vec<Named> {
    ids.iter().filter_map(|id| named.get(id).cloned()).collect()
}

/// Ids in chunks a query's `IN (...)` takes on both databases.
const CHUNK: usize = 500;

fn unique<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The rows `load` gives for the distinct `ids`, asked a chunk at a time.
fn in_chunks<'a, T>(
    ids: impl IntoIterator<Item = &'a str>,
    mut load: impl FnMut(&[&'a str]) -> Result<Vec<T>, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut rows = Vec::new();
    for chunk in unique(ids).chunks(CHUNK) {
        rows.extend(load(chunk)?);
    }
    Ok(rows)
}

fn named(rows: Vec<(String, String, Option<String>)>) -> impl Iterator<Item = (String, Named)> {
    rows.into_iter().map(|(id, name, organisation)| {
        (
            id.clone(),
            Named {
                id,
                name,
                organisation,
            },
        )
    })
}

/// Owners with their organisation's code.
pub fn owners<'a>(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Named>, StoreError> {
    let rows = in_chunks(ids, |chunk| {
        let query = owners::table
            .left_join(organisations::table)
            .select((owners::id, owners::name, organisations::code.nullable()))
            .into_boxed();
        Ok(match chunk {
            [one] => query.filter(owners::id.eq(*one)).load(conn)?,
            many => query.filter(owners::id.eq_any(many)).load(conn)?,
        })
    })?;
    Ok(named(rows).collect())
}

/// One parent's links in `relation` in order, each with its owner named when
/// the owner exists: a lead's names read with its links in one query.
pub fn linked_owners(
    conn: &mut DbConnection,
    relation: Relation,
    parent: &str,
) -> Result<(Vec<String>, HashMap<String, Named>), StoreError> {
    let rows: Vec<(String, Option<String>, Option<String>)> = links::table
        .left_join(owners::table.on(owners::id.eq(links::target_id)))
        .left_join(
            organisations::table.on(organisations::id.nullable().eq(owners::organisation_id)),
        )
        .filter(links::relation.eq(relation.as_str()))
        .filter(links::parent_id.eq(parent))
        .order(links::position)
        .select((
            links::target_id,
            owners::name.nullable(),
            organisations::code.nullable(),
        ))
        .load(conn)?;
    let targets = rows.iter().map(|(id, _, _)| id.clone()).collect();
    let named = rows
        .into_iter()
        .filter_map(|(id, name, organisation)| Some((id, name?, organisation)));
    Ok((targets, self::named(named.collect()).collect()))
}

/// Organisations with their own code.
pub fn organisations<'a>(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Named>, StoreError> {
    let rows = in_chunks(ids, |chunk| {
        Ok(organisations::table
            .filter(organisations::id.eq_any(chunk))
            .select((
                organisations::id,
                organisations::name,
                organisations::code.nullable(),
            ))
            .load(conn)?)
    })?;
    Ok(named(rows).collect())
}

/// Governance bodies (no organisation of their own).
pub fn bodies<'a>(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Named>, StoreError> {
    let rows: Vec<(String, String)> = in_chunks(ids, |chunk| {
        Ok(governance_bodies::table
            .filter(governance_bodies::id.eq_any(chunk))
            .select((governance_bodies::id, governance_bodies::name))
            .load(conn)?)
    })?;
    Ok(named(
        rows.into_iter()
            .map(|(id, name)| (id, name, None))
            .collect(),
    )
    .collect())
}

/// Plan id → ref.
pub fn plan_refs<'a>(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> = in_chunks(ids, |chunk| {
        Ok(plans::table
            .filter(plans::id.eq_any(chunk))
            .select((plans::id, plans::ref_))
            .load(conn)?)
    })?;
    Ok(rows.into_iter().collect())
}

/// Priority id → (ref, title).
pub fn priorities<'a>(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, (String, String)>, StoreError> {
    let rows: Vec<(String, String, String)> = in_chunks(ids, |chunk| {
        Ok(priorities::table
            .filter(priorities::id.eq_any(chunk))
            .select((priorities::id, priorities::ref_, priorities::title))
            .load(conn)?)
    })?;
    Ok(rows.into_iter().map(|(id, r, t)| (id, (r, t))).collect())
}

/// An action's newest status update, as a board reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestUpdate {
    pub id: String,
    pub brag: Brag,
    pub narrative: Option<String>,
    pub at: NaiveDateTime,
    pub by: String,
    pub by_organisation: Option<String>,
}

/// The columns of a status update its action shows as its latest.
#[derive(Queryable, Selectable)]
#[diesel(table_name = status_updates)]
struct LatestUpdateRow {
    action_id: String,
    id: String,
    brag: Brag,
    narrative: Option<String>,
    created_at: NaiveDateTime,
    created_by: String,
    created_by_organisation: Option<String>,
}

/// Action id → its newest status update, for actions that have one. Ids are
/// time-ordered (UUIDv7), so an action's newest update has its greatest id.
pub fn latest_updates<'a>(
    conn: &mut DbConnection,
    action_ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, LatestUpdate>, StoreError> {
    use diesel::dsl::max;
    let mut found = HashMap::new();
    let ids = unique(action_ids);
    if let [one] = ids.as_slice() {
        // One action's newest by its index, in a statement SQLite keeps prepared.
        let row: Option<LatestUpdateRow> = status_updates::table
            .filter(status_updates::action_id.eq(*one))
            .order(status_updates::id.desc())
            .select(LatestUpdateRow::as_select())
            .first(conn)
            .optional()?;
        found.extend(row.map(latest_update));
        return Ok(found);
    }
    for chunk in ids.chunks(CHUNK) {
        // One round trip: the newest ids as a subquery, not a list sent back.
        let newest = diesel::alias!(status_updates as newest);
        let newest = newest
            .filter(newest.field(status_updates::action_id).eq_any(chunk))
            .group_by(newest.field(status_updates::action_id))
            .select(max(newest.field(status_updates::id)));
        let rows: Vec<LatestUpdateRow> = status_updates::table
            .filter(status_updates::id.nullable().eq_any(newest))
            .select(LatestUpdateRow::as_select())
            .load(conn)?;
        found.extend(rows.into_iter().map(latest_update));
    }
    Ok(found)
}

/// An action's id and its newest update.
fn latest_update(row: LatestUpdateRow) -> (String, LatestUpdate) {
    (
        row.action_id,
        LatestUpdate {
            id: row.id,
            brag: row.brag,
            narrative: row.narrative,
            at: row.created_at,
            by: row.created_by,
            by_organisation: row.created_by_organisation,
        },
    )
}

/// A measure's newest reading of one cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestReading {
    pub period: String,
    pub cohort: String,
    pub value: Option<f64>,
    pub text_value: Option<String>,
}

/// A reading's period, cohort, value and text value.
type ReadingValue = (String, String, Option<f64>, Option<String>);

/// Measure id → its newest reading of the `All` cohort, or of any cohort when
/// it has none for `All`.
pub fn latest_readings<'a>(
    conn: &mut DbConnection,
    measure_ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, LatestReading>, StoreError> {
    let mut found: HashMap<String, LatestReading> = HashMap::new();
    for chunk in unique(measure_ids).chunks(CHUNK) {
        let rows: Vec<(String, ReadingValue)> = readings::table
            .filter(readings::measure_id.eq_any(chunk))
            .order(readings::id)
            .select((
                readings::measure_id,
                (
                    readings::period,
                    readings::cohort,
                    readings::value,
                    readings::text_value,
                ),
            ))
            .load(conn)?;
        for (measure, (period, cohort, value, text_value)) in rows {
            let keeps_all = found.get(&measure).is_some_and(|r| r.cohort == "All");
            if cohort == "All" || !keeps_all {
                found.insert(
                    measure,
                    LatestReading {
                        period,
                        cohort,
                        value,
                        text_value,
                    },
                );
            }
        }
    }
    Ok(found)
}

//! Many new actions of one plan at once, as a bundle import creates them: their
//! references resolved against the plan read once, and their rows, leads and
//! external refs written in multi-row statements. Inserted one by one, each
//! new action cost about fifteen round trips, and a 12,000-action import took
//! 90 s on PostgreSQL.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    actions::{attach_known, resolve, Action, ActionRow, ActionWrite, PlanItems, TYPE},
    audit, links, on_backend, outcomes, priorities,
    schema::priorities as priority_table,
    schema::{actions, external_refs as refs, links as link_table, outcomes as outcome_table},
    DbConnection, StoreError, WriteTx,
};
use crate::domain::{links::Relation, plan::RefTarget};

/// Rows per multi-row INSERT: an action row binds 24 values, well under
/// SQLite's 32,766.
const ROWS_PER_INSERT: usize = 500;

/// Why a batch failed: the item at `index` (in the order given), or the
/// database itself when `index` is `None`.
#[derive(Debug)]
pub struct BatchError {
    pub index: Option<usize>,
    pub error: StoreError,
}

impl From<StoreError> for BatchError {
    fn from(error: StoreError) -> Self {
        BatchError { index: None, error }
    }
}

impl From<diesel::result::Error> for BatchError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

fn at(index: usize) -> impl Fn(StoreError) -> BatchError {
    move |error| BatchError {
        index: Some(index),
        error,
    }
}

/// The plan's items, read once, for `actions::resolve`: by ref, and which
/// outcomes and priorities are the plan's.
struct PlanRefs {
    plan: String,
    /// Outcome id → its priority.
    outcome_priorities: HashMap<String, String>,
    priority_ids: HashSet<String>,
    outcomes: HashMap<String, String>,
    actions: HashMap<String, String>,
    priorities: HashMap<String, String>,
}

impl PlanRefs {
    fn load(tx: &mut WriteTx<'_>, plan: &str) -> Result<Self, StoreError> {
        let outcome_rows: Vec<(String, String, String)> = outcome_table::table
            .filter(outcome_table::plan_id.eq(plan))
            .select((
                outcome_table::id,
                outcome_table::ref_,
                outcome_table::priority_id,
            ))
            .load(tx.conn)?;
        let priority_rows: Vec<(String, String)> = priority_table::table
            .filter(priority_table::plan_id.eq(plan))
            .select((priority_table::id, priority_table::ref_))
            .load(tx.conn)?;
        let action_rows: Vec<(String, String)> = actions::table
            .filter(actions::plan_id.eq(plan))
            .select((actions::ref_, actions::id))
            .load(tx.conn)?;
        Ok(PlanRefs {
            plan: plan.to_string(),
            outcome_priorities: outcome_rows
                .iter()
                .map(|(id, _, priority)| (id.clone(), priority.clone()))
                .collect(),
            priority_ids: priority_rows.iter().map(|(id, _)| id.clone()).collect(),
            outcomes: outcome_rows.into_iter().map(|(id, r, _)| (r, id)).collect(),
            priorities: priority_rows.into_iter().map(|(id, r)| (r, id)).collect(),
            actions: action_rows.into_iter().collect(),
        })
    }
}

impl PlanItems for PlanRefs {
    fn priority_of(
        &mut self,
        conn: &mut DbConnection,
        outcome: &str,
        field: &str,
    ) -> Result<String, StoreError> {
        match self.outcome_priorities.get(outcome) {
            Some(priority) => Ok(priority.clone()),
            // Not in the plan: the query says why.
            None => Ok(outcomes::place_of(conn, outcome, field, Some(&self.plan))?.1),
        }
    }

    fn check_priority(
        &mut self,
        conn: &mut DbConnection,
        priority: &str,
        field: &str,
    ) -> Result<(), StoreError> {
        if self.priority_ids.contains(priority) {
            return Ok(());
        }
        priorities::plan_of(conn, priority, field, Some(&self.plan)).map(drop)
    }

    fn find(
        &mut self,
        _: &mut DbConnection,
        r: &str,
    ) -> Result<Option<(RefTarget, String)>, StoreError> {
        let found = |map: &HashMap<String, String>, kind| map.get(r).map(|id| (kind, id.clone()));
        Ok(found(&self.outcomes, RefTarget::Outcome)
            .or_else(|| found(&self.actions, RefTarget::Action))
            .or_else(|| found(&self.priorities, RefTarget::Priority)))
    }

    /// `insert_many` has checked the new refs as it gave out their ids.
    fn check_ref_free(
        &mut self,
        _: &mut DbConnection,
        _: &str,
        _: Option<&str>,
    ) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Stores `writes` as new actions of `plan`, checked as `actions::insert`
/// checks one; returns them as stored, in the order given.
pub fn insert_many(
    tx: &mut WriteTx<'_>,
    plan: &str,
    writes: &[ActionWrite],
) -> Result<Vec<Action>, BatchError> {
    if writes.is_empty() {
        return Ok(Vec::new());
    }
    if !super::plans::exists(tx.conn, plan)? {
        return Err(StoreError::NotFound.into());
    }
    let mut known = PlanRefs::load(tx, plan)?;
    let mut ids = Vec::with_capacity(writes.len());
    for (i, write) in writes.iter().enumerate() {
        let id = super::new_id();
        if known
            .actions
            .insert(write.fields.ref_.clone(), id.clone())
            .is_some()
        {
            return Err(at(i)(StoreError::Duplicate {
                field: "ref",
                value: write.fields.ref_.clone(),
            }));
        }
        ids.push(id);
    }
    let mut placements = Vec::with_capacity(writes.len());
    for (i, (write, id)) in writes.iter().zip(&ids).enumerate() {
        placements.push(resolve(tx.conn, &mut known, write, Some(id)).map_err(at(i))?);
    }
    let leads = lead_rows(tx, writes, &ids)?;
    let external = external_rows(tx, writes, &ids)?;

    struct By<'a> {
        now: NaiveDateTime,
        actor: &'a str,
    }
    let by = By {
        now: tx.now,
        actor: tx.actor,
    };
    let rows: Vec<_> = writes.iter().zip(&ids).zip(&placements).collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values = || -> Vec<_> {
            chunk
                .iter()
                .map(|((write, id), placement)| {
                    (
                        actions::id.eq(*id),
                        actions::plan_id.eq(plan),
                        &write.fields,
                        *placement,
                        audit::created!(actions, by),
                    )
                })
                .collect()
        };
        on_backend!(&mut *tx.conn, |c| diesel::insert_into(actions::table)
            .values(values())
            .execute(c))?;
    }
    for chunk in leads.chunks(ROWS_PER_INSERT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(parent, target, position, organisation)| {
                (
                    link_table::relation.eq(Relation::ActionLead.as_str()),
                    link_table::parent_id.eq(parent),
                    link_table::target_id.eq(target),
                    link_table::position.eq(position),
                    link_table::organisation_id.eq(organisation),
                )
            })
            .collect();
        on_backend!(&mut *tx.conn, |c| diesel::insert_into(link_table::table)
            .values(rows.clone())
            .execute(c))?;
    }
    for chunk in external.chunks(ROWS_PER_INSERT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(resource, system, external_id, position)| {
                (
                    refs::resource_type.eq(TYPE),
                    refs::system.eq(system),
                    refs::external_id.eq(external_id),
                    refs::resource_id.eq(resource),
                    refs::position.eq(position),
                )
            })
            .collect();
        on_backend!(&mut *tx.conn, |c| diesel::insert_into(refs::table)
            .values(rows.clone())
            .execute(c))?;
    }
    stored(tx, &ids, writes)
}

type LeadRow = (String, String, i32, Option<String>);

/// The lead links of the new actions, each with its owner's organisation;
/// `UnknownReference` at the first lead that is no owner.
fn lead_rows(
    tx: &mut WriteTx<'_>,
    writes: &[ActionWrite],
    ids: &[String],
) -> Result<Vec<LeadRow>, BatchError> {
    let mut owners: Vec<String> = writes.iter().flat_map(|w| w.leads.clone()).collect();
    owners.sort_unstable();
    owners.dedup();
    let mut organisations = HashMap::new();
    for chunk in owners.chunks(ROWS_PER_INSERT) {
        organisations.extend(links::organisations_of_owners(tx.conn, chunk)?);
    }
    let mut rows = Vec::new();
    for (i, (write, id)) in writes.iter().zip(ids).enumerate() {
        for (position, target) in (0..).zip(&write.leads) {
            let Some(organisation) = organisations.get(target) else {
                return Err(at(i)(StoreError::UnknownReference {
                    field: format!("lead_ids[{position}]"),
                    id: target.clone(),
                }));
            };
            rows.push((id.clone(), target.clone(), position, organisation.clone()));
        }
    }
    Ok(rows)
}

type ExternalRow = (String, String, String, i32);

/// The external refs of the new actions; `Duplicate` at the first one another
/// action holds already, or an earlier new one.
fn external_rows(
    tx: &mut WriteTx<'_>,
    writes: &[ActionWrite],
    ids: &[String],
) -> Result<Vec<ExternalRow>, BatchError> {
    let mut named: Vec<&str> = writes
        .iter()
        .flat_map(|w| w.external_refs.iter().map(|r| r.id.as_str()))
        .collect();
    named.sort_unstable();
    named.dedup();
    let mut held: HashSet<(String, String)> = HashSet::new();
    for chunk in named.chunks(ROWS_PER_INSERT) {
        held.extend(
            refs::table
                .filter(refs::resource_type.eq(TYPE))
                .filter(refs::external_id.eq_any(chunk))
                .select((refs::system, refs::external_id))
                .load::<(String, String)>(tx.conn)?,
        );
    }
    let mut rows = Vec::new();
    for (i, (write, id)) in writes.iter().zip(ids).enumerate() {
        for (position, reference) in (0..).zip(&write.external_refs) {
            if !held.insert((reference.system.clone(), reference.id.clone())) {
                return Err(at(i)(StoreError::Duplicate {
                    field: "external_refs",
                    value: format!("{}:{}", reference.system, reference.id),
                }));
            }
            rows.push((
                id.clone(),
                reference.system.clone(),
                reference.id.clone(),
                position,
            ));
        }
    }
    Ok(rows)
}

/// The actions `ids` as stored, in that order, with the leads and external
/// refs just written for them. (Read back, the links of thousands of rows
/// written in the same transaction took PostgreSQL 270 ms a page of 500: it
/// planned for the table as it was before.)
fn stored(
    tx: &mut WriteTx<'_>,
    ids: &[String],
    writes: &[ActionWrite],
) -> Result<Vec<Action>, BatchError> {
    let mut by_id = HashMap::with_capacity(ids.len());
    let mut written: HashMap<&str, &ActionWrite> =
        ids.iter().map(String::as_str).zip(writes).collect();
    for chunk in ids.chunks(ROWS_PER_INSERT) {
        let rows: Vec<ActionRow> = actions::table
            .filter(actions::id.eq_any(chunk))
            .select(ActionRow::as_select())
            .load(tx.conn)?;
        let (mut leads, mut external) = (HashMap::new(), HashMap::new());
        for id in chunk {
            if let Some(write) = written.remove(id.as_str()) {
                leads.insert(id.clone(), write.leads.clone());
                external.insert(id.clone(), write.external_refs.clone());
            }
        }
        by_id.extend(
            attach_known(tx.conn, rows, leads, external)?
                .into_iter()
                .map(|a| (a.row.id.clone(), a)),
        );
    }
    ids.iter()
        .map(|id| {
            by_id.remove(id).ok_or_else(|| {
                StoreError::Internal(format!("action {id} was not found after its insert")).into()
            })
        })
        .collect()
}

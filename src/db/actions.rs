//! Queries for actions: the numbered steps of a plan, with BRAG status.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::domain::ResourceType;

use super::names::{self, Named};

use super::{
    audit, external_refs, keys, links, outcomes,
    prepared::Prepared,
    priorities,
    schema::{actions, links as link_table, plans, priorities as priority_table},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{
    external_ref::ExternalRef,
    links::Relation,
    plan::{Brag, RefTarget},
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actions)]
pub struct ActionRow {
    pub id: String,
    pub plan_id: String,
    pub priority_id: String,
    pub outcome_id: Option<String>,
    pub ref_: String,
    pub description: String,
    pub start_text: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due_text: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub recurring: bool,
    pub brag: Option<Brag>,
    pub monitored_in_type: Option<RefTarget>,
    pub monitored_in_id: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub previous_refs: String,
    pub position: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
    pub details_in_type: Option<RefTarget>,
    pub details_in_id: Option<String>,
}

/// The fields a client writes, as stored. Where the action sits and what it
/// points at are references the store resolves (`Placement`).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = actions, treat_none_as_null = true)]
pub struct ActionFields {
    pub ref_: String,
    pub description: String,
    pub start_text: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due_text: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub recurring: bool,
    pub brag: Option<Brag>,
    pub completed_on: Option<NaiveDate>,
    pub previous_refs: String,
    pub position: i32,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub row: ActionRow,
    pub leads: Vec<String>,
    /// The leads named, in order.
    pub lead_names: Vec<Named>,
    /// The ref of what it is monitored in, looked up now so a renamed target shows.
    pub monitored_in_ref: Option<String>,
    /// The ref of the outcome or priority its wording sends the reader to.
    pub details_in_ref: Option<String>,
    pub external_refs: Vec<ExternalRef>,
    /// Its newest status update, if it has one.
    pub latest_update: Option<names::LatestUpdate>,
}

/// The resource type of actions in revisions, the feed and external refs.
pub const TYPE: ResourceType = ResourceType::Action;

/// Where an action sits and what it points at, resolved within its plan from
/// the references a client wrote.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = actions, treat_none_as_null = true)]
pub(super) struct Placement {
    priority_id: String,
    outcome_id: Option<String>,
    monitored_in_type: Option<RefTarget>,
    monitored_in_id: Option<String>,
    details_in_type: Option<RefTarget>,
    details_in_id: Option<String>,
}

/// What a client wrote, before the store resolves its references.
#[derive(Debug, Clone)]
pub struct ActionWrite {
    pub priority_id: Option<String>,
    pub outcome_id: Option<String>,
    pub monitored_in: Option<String>,
    pub details_in: Option<String>,
    pub fields: ActionFields,
    pub leads: Vec<String>,
    pub external_refs: Vec<ExternalRef>,
}

#[derive(Debug, Default, Clone)]
pub struct ActionFilter {
    pub plan_id: Option<String>,
    /// A plan's id or ref.
    pub plan: Option<String>,
    pub priority_id: Option<String>,
    pub outcome_id: Option<String>,
    /// Any of these; all when empty.
    pub brag: Vec<Brag>,
    pub lead_id: Option<String>,
    pub organisation_id: Option<String>,
    /// An organisation's id or code.
    pub organisation: Option<String>,
    pub body_id: Option<String>,
    /// Overdue as of this day: due before it and not blue or green.
    pub overdue_on: Option<NaiveDate>,
    /// Whether the action has no due date and does not repeat.
    pub undated: Option<bool>,
    pub due_before: Option<NaiveDate>,
    pub due_after: Option<NaiveDate>,
    pub updated_since: Option<NaiveDateTime>,
    pub ref_: Option<String>,
    pub external_ref: Option<ExternalRef>,
    /// Only what belongs to published plans (anonymous readers).
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ActionFilter,
    page: &PageRequest,
) -> Result<Page<Action>, StoreError> {
    let mut query = actions::table
        .select(ActionRow::as_select())
        .order(actions::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(actions::id.gt(after.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        query = query.filter(actions::plan_id.eq(plan.clone()));
    }
    if let Some(priority) = &filter.priority_id {
        query = query.filter(actions::priority_id.eq(priority.clone()));
    }
    if let Some(outcome) = &filter.outcome_id {
        query = query.filter(actions::outcome_id.eq(outcome.clone()));
    }
    if let Some(plan) = &filter.plan {
        let id = keys::plan_key(conn, plan, filter.published_only)?;
        query = query.filter(actions::plan_id.eq(id));
    }
    if !filter.brag.is_empty() {
        query = query.filter(actions::brag.eq_any(filter.brag.clone()));
    }
    if let Some(r) = &filter.ref_ {
        query = query.filter(actions::ref_.eq(r.clone()));
    }
    if let Some(reference) = &filter.external_ref {
        let named = external_refs::find(conn, TYPE, reference)?.unwrap_or_default();
        query = query.filter(actions::id.eq(named));
    }
    if let Some(owner) = &filter.lead_id {
        let led = link_table::table
            .filter(link_table::relation.eq(Relation::ActionLead.as_str()))
            .filter(link_table::target_id.eq(owner.clone()))
            .select(link_table::parent_id);
        query = query.filter(actions::id.eq_any(led));
    }
    let organisation = match &filter.organisation {
        Some(key) => Some(keys::organisation_key(conn, key)?),
        None => None,
    };
    for org in filter.organisation_id.iter().chain(organisation.iter()) {
        query = query.filter(actions::id.eq_any(links::actions_led_by_organisation(org.clone())));
    }
    if let Some(body) = &filter.body_id {
        let led_plans = plans::table
            .filter(plans::lead_body_id.eq(body.clone()))
            .select(plans::id);
        let worked = priority_table::table
            .filter(priority_table::working_group_id.eq(body.clone()))
            .select(priority_table::id);
        query = query.filter(
            actions::plan_id
                .eq_any(led_plans)
                .or(actions::priority_id.eq_any(worked)),
        );
    }
    query = when_filters(query, filter);
    if filter.published_only {
        let published = plans::table
            .filter(plans::published.eq(true))
            .select(plans::id);
        query = query.filter(actions::plan_id.eq_any(published));
    }
    let rows = query.load(conn)?;
    let items = attach(conn, rows)?;
    Ok(Page::from_rows(items, page, |a| &a.row.id))
}

type Backend = <DbConnection as diesel::Connection>::Backend;
type ActionQuery<'a> = actions::BoxedQuery<
    'a,
    Backend,
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<ActionRow, Backend>>,
>;

/// The filters on dates: overdue on a day, undated, due before or after a day,
/// updated since a time.
fn when_filters<'a>(mut query: ActionQuery<'a>, filter: &ActionFilter) -> ActionQuery<'a> {
    if let Some(day) = filter.overdue_on {
        query = query.filter(actions::due_date.lt(day)).filter(
            actions::brag
                .is_null()
                .or(actions::brag.ne_all([Brag::Blue, Brag::Green])),
        );
    }
    match filter.undated {
        Some(true) => {
            query = query
                .filter(actions::due_date.is_null())
                .filter(actions::recurring.eq(false));
        }
        Some(false) => {
            query = query.filter(
                actions::due_date
                    .is_not_null()
                    .or(actions::recurring.eq(true)),
            );
        }
        None => {}
    }
    if let Some(day) = filter.due_before {
        query = query.filter(actions::due_date.lt(day));
    }
    if let Some(day) = filter.due_after {
        query = query.filter(actions::due_date.gt(day));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(actions::updated_at.ge(since));
    }
    query
}

pub fn attach(conn: &mut DbConnection, rows: Vec<ActionRow>) -> Result<Vec<Action>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let external = external_refs::load(conn, TYPE, &ids)?;
    if let [_] = rows.as_slice() {
        let row = rows.into_iter().next().ok_or(StoreError::NotFound)?;
        return Ok(vec![attach_one(conn, row, external, Newest::Read)?]);
    }
    let leads = links::load(conn, Relation::ActionLead, &ids)?;
    attach_known(conn, rows, leads, external)
}

/// Whether an action is read with its newest status update.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Newest {
    Read,
    /// A status update being written is the action's newest: the one before
    /// it is not read only to be replaced.
    Replaced,
}

/// One action (a GET, a write's read before and after): its leads and their
/// names in one query.
fn attach_one(
    conn: &mut DbConnection,
    row: ActionRow,
    external: HashMap<String, Vec<ExternalRef>>,
    newest: Newest,
) -> Result<Action, StoreError> {
    let (targets, owners) = names::linked_owners(conn, Relation::ActionLead, &row.id)?;
    let leads = HashMap::from([(row.id.clone(), targets)]);
    with_owners(conn, vec![row], leads, &owners, external, newest)?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// `attach`, given the actions' leads and external refs by action id.
pub(super) fn attach_known(
    conn: &mut DbConnection,
    rows: Vec<ActionRow>,
    leads: HashMap<String, Vec<String>>,
    external: HashMap<String, Vec<ExternalRef>>,
) -> Result<Vec<Action>, StoreError> {
    let owners = names::owners(conn, leads.values().flatten().map(String::as_str))?;
    with_owners(conn, rows, leads, &owners, external, Newest::Read)
}

/// `attach_known`, given the leads' names too.
fn with_owners(
    conn: &mut DbConnection,
    rows: Vec<ActionRow>,
    mut leads: HashMap<String, Vec<String>>,
    owners: &HashMap<String, Named>,
    mut external: HashMap<String, Vec<ExternalRef>>,
    newest: Newest,
) -> Result<Vec<Action>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let refs = monitored_refs(conn, &rows)?;
    let mut updates = match newest {
        Newest::Read => names::latest_updates(conn, ids.iter().copied())?,
        Newest::Replaced => HashMap::new(),
    };
    Ok(rows
        .into_iter()
        .map(|row| Action {
            lead_names: names::in_order(leads.get(&row.id).map_or(&[], Vec::as_slice), owners),
            leads: leads.remove(&row.id).unwrap_or_default(),
            external_refs: external.remove(&row.id).unwrap_or_default(),
            latest_update: updates.remove(&row.id),
            monitored_in_ref: row
                .monitored_in_id
                .as_ref()
                .and_then(|id| refs.get(id).cloned()),
            details_in_ref: row
                .details_in_id
                .as_ref()
                .and_then(|id| refs.get(id).cloned()),
            row,
        })
        .collect())
}

/// The refs of the items these actions are monitored in, by id.
fn monitored_refs(
    conn: &mut DbConnection,
    rows: &[ActionRow],
) -> Result<HashMap<String, String>, StoreError> {
    use super::schema::outcomes as outcome_table;
    let of = |t: RefTarget| -> Vec<String> {
        rows.iter()
            .flat_map(|r| {
                [
                    (r.monitored_in_type, &r.monitored_in_id),
                    (r.details_in_type, &r.details_in_id),
                ]
            })
            .filter(|(kind, _)| *kind == Some(t))
            .filter_map(|(_, id)| id.clone())
            .collect()
    };
    let mut refs: Vec<(String, String)> = Vec::new();
    let (p, o, a) = (
        of(RefTarget::Priority),
        of(RefTarget::Outcome),
        of(RefTarget::Action),
    );
    if !p.is_empty() {
        refs.extend(
            priority_table::table
                .filter(priority_table::id.eq_any(p))
                .select((priority_table::id, priority_table::ref_))
                .load::<(String, String)>(conn)?,
        );
    }
    if !o.is_empty() {
        refs.extend(
            outcome_table::table
                .filter(outcome_table::id.eq_any(o))
                .select((outcome_table::id, outcome_table::ref_))
                .load::<(String, String)>(conn)?,
        );
    }
    if !a.is_empty() {
        refs.extend(
            actions::table
                .filter(actions::id.eq_any(a))
                .select((actions::id, actions::ref_))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(refs.into_iter().collect())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Action, StoreError> {
    let row = actions::table
        .find(id)
        .select(ActionRow::as_select())
        .first(conn)?;
    Ok(attach(conn, vec![row])?.remove(0))
}

/// An action about to get a status update: its row locked until the
/// transaction ends, taken in the read (on SQLite the write lock already holds
/// it), and without its newest status update, which the new one replaces.
pub fn get_to_report(conn: &mut DbConnection, id: &str) -> Result<Action, StoreError> {
    let row = actions::table.find(id);
    let row = match conn {
        DbConnection::Postgres(pg) => row.select(ActionRow::as_select()).for_update().first(pg)?,
        DbConnection::Sqlite(lite) => row.select(ActionRow::as_select()).first(lite)?,
    };
    let external = external_refs::load(conn, TYPE, &[id])?;
    attach_one(conn, row, external, Newest::Replaced)
}

/// How `resolve` finds a plan's items: a query each (`InDatabase`), or in
/// what a batch of new actions read once (`action_batch`).
pub(super) trait PlanItems {
    /// The priority of `outcome`; `field` names it for the error when it is
    /// not an outcome of the plan.
    fn priority_of(
        &mut self,
        conn: &mut DbConnection,
        outcome: &str,
        field: &str,
    ) -> Result<String, StoreError>;
    /// Fails unless `priority` is a priority of the plan.
    fn check_priority(
        &mut self,
        conn: &mut DbConnection,
        priority: &str,
        field: &str,
    ) -> Result<(), StoreError>;
    /// What a "monitored in" ref names in the plan: an outcome, an action or a
    /// priority, in that order.
    fn find(
        &mut self,
        conn: &mut DbConnection,
        r: &str,
    ) -> Result<Option<(RefTarget, String)>, StoreError>;
    /// Fails with `Duplicate` when another action of the plan has `r`.
    fn check_ref_free(
        &mut self,
        conn: &mut DbConnection,
        r: &str,
        own_id: Option<&str>,
    ) -> Result<(), StoreError>;
}

/// A plan's items, looked up in the database one at a time.
struct InDatabase<'a>(&'a str);

impl PlanItems for InDatabase<'_> {
    fn priority_of(
        &mut self,
        conn: &mut DbConnection,
        outcome: &str,
        field: &str,
    ) -> Result<String, StoreError> {
        Ok(outcomes::place_of(conn, outcome, field, Some(self.0))?.1)
    }

    fn check_priority(
        &mut self,
        conn: &mut DbConnection,
        priority: &str,
        field: &str,
    ) -> Result<(), StoreError> {
        priorities::plan_of(conn, priority, field, Some(self.0)).map(drop)
    }

    fn find(
        &mut self,
        conn: &mut DbConnection,
        r: &str,
    ) -> Result<Option<(RefTarget, String)>, StoreError> {
        use super::schema::outcomes as outcome_table;
        let plan = self.0;
        let outcome: Option<String> = outcome_table::table
            .filter(
                outcome_table::plan_id
                    .eq(plan)
                    .and(outcome_table::ref_.eq(r)),
            )
            .select(outcome_table::id)
            .first(conn)
            .optional()?;
        if let Some(id) = outcome {
            return Ok(Some((RefTarget::Outcome, id)));
        }
        let action: Option<String> = actions::table
            .filter(actions::plan_id.eq(plan).and(actions::ref_.eq(r)))
            .select(actions::id)
            .first(conn)
            .optional()?;
        if let Some(id) = action {
            return Ok(Some((RefTarget::Action, id)));
        }
        let priority: Option<String> = priority_table::table
            .filter(
                priority_table::plan_id
                    .eq(plan)
                    .and(priority_table::ref_.eq(r)),
            )
            .select(priority_table::id)
            .first(conn)
            .optional()?;
        Ok(priority.map(|id| (RefTarget::Priority, id)))
    }

    fn check_ref_free(
        &mut self,
        conn: &mut DbConnection,
        r: &str,
        own_id: Option<&str>,
    ) -> Result<(), StoreError> {
        priorities::check_ref_free(conn, RefTarget::Action, self.0, r, own_id)
    }
}

/// Resolves the client's references within the plan into where the action
/// with `own_id` (none for a new one) sits.
pub(super) fn resolve(
    conn: &mut DbConnection,
    items: &mut impl PlanItems,
    write: &ActionWrite,
    own_id: Option<&str>,
) -> Result<Placement, StoreError> {
    let priority = match (&write.outcome_id, &write.priority_id) {
        (Some(outcome), given) => {
            let priority = items.priority_of(conn, outcome, "outcome_id")?;
            if given.as_ref().is_some_and(|g| g != &priority) {
                return Err(StoreError::Invalid {
                    field: "priority_id".into(),
                    code: "mismatch",
                    message: "is not the priority of the outcome".into(),
                });
            }
            priority
        }
        (None, Some(priority)) => {
            items.check_priority(conn, priority, "priority_id")?;
            priority.clone()
        }
        (None, None) => {
            return Err(StoreError::Invalid {
                field: "priority_id".into(),
                code: "required",
                message: "give priority_id or outcome_id".into(),
            })
        }
    };
    let (monitored_in_type, monitored_in_id) = match &write.monitored_in {
        Some(r) => match items.find(conn, r)? {
            Some((_, id)) if Some(id.as_str()) == own_id => {
                return Err(StoreError::Invalid {
                    field: "monitored_in".into(),
                    code: "self_reference",
                    message: "an action cannot be monitored in itself".into(),
                })
            }
            Some((kind, id)) => (Some(kind), Some(id)),
            None => {
                return Err(StoreError::UnknownReference {
                    field: "monitored_in".into(),
                    id: r.clone(),
                })
            }
        },
        None => (None, None),
    };
    let (details_in_type, details_in_id) = match &write.details_in {
        Some(r) => match items.find(conn, r)? {
            Some((RefTarget::Action, _)) => {
                return Err(StoreError::Invalid {
                    field: "details_in".into(),
                    code: "not_outcome_or_priority",
                    message: format!(
                        "{r:?} is an action; details_in names an outcome or a priority"
                    ),
                })
            }
            Some((kind, id)) => (Some(kind), Some(id)),
            None => {
                return Err(StoreError::UnknownReference {
                    field: "details_in".into(),
                    id: r.clone(),
                })
            }
        },
        None => (None, None),
    };
    items.check_ref_free(conn, &write.fields.ref_, own_id)?;
    Ok(Placement {
        priority_id: priority,
        outcome_id: write.outcome_id.clone(),
        monitored_in_type,
        monitored_in_id,
        details_in_type,
        details_in_id,
    })
}

pub fn insert(tx: &mut WriteTx<'_>, plan: &str, write: ActionWrite) -> Result<Action, StoreError> {
    if !super::plans::exists(tx.conn, plan)? {
        return Err(StoreError::NotFound);
    }
    let placement = resolve(tx.conn, &mut InDatabase(plan), &write, None)?;
    let id = super::new_id();
    diesel::insert_into(actions::table)
        .values((
            actions::id.eq(&id),
            actions::plan_id.eq(plan),
            &write.fields,
            &placement,
            audit::created!(actions, tx),
        ))
        .execute(tx.conn)?;
    links::replace(tx.conn, Relation::ActionLead, &id, &write.leads, "lead_ids")?;
    external_refs::replace(tx.conn, TYPE, &id, &write.external_refs)?;
    get(tx.conn, &id)
}

/// Writes `write` over `current`, read in the same transaction. A write that
/// leaves the action where it was, with the same leads and external refs (a
/// status update, a BRAG or due-date change), is one UPDATE and a read of
/// the row: nothing it points at is resolved or rewritten again, and its
/// latest status update stays `current`'s (a status update sets its own).
pub fn update(
    tx: &mut WriteTx<'_>,
    current: &Action,
    write: ActionWrite,
) -> Result<Action, StoreError> {
    if stays_in_place(current, &write) {
        return update_in_place(tx, current, write.fields);
    }
    let (id, plan) = (current.row.id.as_str(), current.row.plan_id.as_str());
    let placement = resolve(tx.conn, &mut InDatabase(plan), &write, Some(id))?;
    diesel::update(actions::table.find(id))
        .set((&write.fields, &placement, audit::updated!(actions, tx)))
        .execute(tx.conn)?;
    links::replace(tx.conn, Relation::ActionLead, id, &write.leads, "lead_ids")?;
    external_refs::replace(tx.conn, TYPE, id, &write.external_refs)?;
    get(tx.conn, id)
}

/// Whether `write` keeps `current`'s place, references, leads and external
/// refs exactly, so none of them needs resolving or writing again.
fn stays_in_place(current: &Action, write: &ActionWrite) -> bool {
    let row = &current.row;
    let same_priority = match (&write.outcome_id, &write.priority_id) {
        (Some(_), None) => true,
        (_, Some(priority)) => priority == &row.priority_id,
        (None, None) => false,
    };
    same_priority
        && write.outcome_id == row.outcome_id
        && write.fields.ref_ == row.ref_
        && write.monitored_in == current.monitored_in_ref
        && write.details_in == current.details_in_ref
        && write.monitored_in.is_some() == row.monitored_in_id.is_some()
        && write.details_in.is_some() == row.details_in_id.is_some()
        && write.leads == current.leads
        && write.external_refs == current.external_refs
}

fn update_in_place(
    tx: &mut WriteTx<'_>,
    current: &Action,
    fields: ActionFields,
) -> Result<Action, StoreError> {
    let id = current.row.id.as_str();
    let update =
        diesel::update(actions::table.find(id)).set((&fields, audit::updated!(actions, tx)));
    let row = match &mut *tx.conn {
        DbConnection::Postgres(pg) => {
            Prepared(update.returning(ActionRow::as_returning())).get_result(pg)?
        }
        DbConnection::Sqlite(lite) => {
            Prepared(update).execute(lite)?;
            actions::table
                .find(id)
                .select(ActionRow::as_select())
                .get_result(lite)?
        }
    };
    Ok(Action {
        row,
        ..current.clone()
    })
}

pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let monitored: i64 = actions::table
        .filter(actions::monitored_in_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    let updates = super::status_updates::count_for_action(tx.conn, id)?;
    super::refuse_if_referenced([
        ("actions monitored in it", monitored),
        ("status updates", updates),
    ])?;
    links::remove_parent(tx.conn, id)?;
    external_refs::remove(tx.conn, TYPE, id)?;
    super::removed(diesel::delete(actions::table.find(id)).execute(tx.conn)?)
}

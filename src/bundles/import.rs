//! Storing a checked bundle in one transaction. Organisations, owners and bodies
//! are matched by key and created when missing (never changed). The plan is
//! matched by ref; each of its items by ref within the plan (a risk without a ref
//! by title, a reading by period and cohort) and written only when it differs, so
//! importing the same bundle twice makes no new versions. Items of the plan the
//! bundle no longer holds are deleted, leaving their history. Every write records
//! its revision and change-feed event, as any other write does.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::{
    convert::{self, Keys},
    model::{BodyEntry, Bundle},
    parse::{all_actions, at, position, PlacedAction},
};
use crate::{
    api::{
        actions::Actions,
        crud::{record, record_in_plan, remove, Child, Resource, TopLevel},
        governance_bodies::GovernanceBodies,
        measures::Measures,
        organisations::Organisations,
        outcomes::Outcomes,
        owners::Owners,
        plans::Plans,
        priorities::Priorities,
        readings::Readings,
        risks::Risks,
    },
    auth::{scope, Principal},
    db::{action_batch, actions::ActionWrite, keys, locks, reading_batch::Batch, tree, WriteTx},
    domain::change::Operation,
    error::ApiError,
};

/// What an import did to one kind of resource.
#[derive(Debug, Default, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[schema(example = json!({"created": 12, "updated": 1, "unchanged": 30, "deleted": 0}))]
pub struct Counts {
    pub created: u32,
    /// Stored again as a new version because a field differed.
    pub updated: u32,
    /// Already stored as the bundle has it (for organisations, owners and bodies:
    /// found by key and left as stored).
    pub unchanged: u32,
    /// Held by the plan but not by the bundle: deleted, history kept.
    pub deleted: u32,
}

/// The result of an import, per kind of resource.
#[derive(Debug, Default, Serialize, ToSchema)]
#[schema(example = json!({
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "plan_ref": "SEND-LAIAP-2025",
    "plan_version": 1,
    "organisations": {"created": 4, "updated": 0, "unchanged": 0, "deleted": 0},
    "owners": {"created": 21, "updated": 0, "unchanged": 0, "deleted": 0},
    "governance_bodies": {"created": 6, "updated": 0, "unchanged": 0, "deleted": 0},
    "plan": {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0},
    "priorities": {"created": 5, "updated": 0, "unchanged": 0, "deleted": 0},
    "outcomes": {"created": 19, "updated": 0, "unchanged": 0, "deleted": 0},
    "actions": {"created": 76, "updated": 0, "unchanged": 0, "deleted": 0},
    "measures": {"created": 14, "updated": 0, "unchanged": 0, "deleted": 0},
    "readings": {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0},
    "risks": {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
}))]
pub struct ImportReport {
    pub plan_id: String,
    pub plan_ref: String,
    /// The plan's version after the import.
    pub plan_version: i64,
    pub organisations: Counts,
    pub owners: Counts,
    pub governance_bodies: Counts,
    pub plan: Counts,
    pub priorities: Counts,
    pub outcomes: Counts,
    pub actions: Counts,
    pub measures: Counts,
    pub readings: Counts,
    pub risks: Counts,
}

/// Stores `bundle`, already checked by `parse`, as `who`.
pub fn import(
    tx: &mut WriteTx<'_>,
    who: &Principal,
    bundle: &Bundle,
) -> Result<ImportReport, ApiError> {
    // Imports queue behind one another (not behind other writes): each finds
    // or creates organisations, owners, bodies and its plan by their keys,
    // which two imports at once could both find missing.
    locks::named(tx.conn, "bundle import")?;
    let mut report = ImportReport::default();
    let mut keys = Keys::default();
    reference_data(tx, who, bundle, &mut keys, &mut report)?;
    let plan_id = plan(tx, who, bundle, &keys, &mut report)?;
    let existing = Existing::load(tx, &plan_id)?;
    contents(tx, bundle, &plan_id, existing, &mut keys, &mut report)?;
    report.plan_version = Plans::version(&Plans::get(tx.conn, &plan_id)?);
    report.plan_ref = bundle.plan.r#ref.clone();
    report.plan_id = plan_id;
    Ok(report)
}

/// Writes `input` over `current` when it differs, or creates it with `create`;
/// returns the id.
fn upsert<R: Resource>(
    tx: &mut WriteTx<'_>,
    current: Option<R::Record>,
    input: R::Input,
    counts: &mut Counts,
    create: impl FnOnce(&mut WriteTx<'_>, R::Input) -> Result<R::Record, crate::db::StoreError>,
) -> Result<String, ApiError> {
    let (stored, operation) = match current {
        Some(current) if same(&R::input_of(&current), &input) => {
            counts.unchanged += 1;
            return Ok(R::id(&current).to_string());
        }
        Some(current) => {
            counts.updated += 1;
            (R::update(tx, &current, input)?, Operation::Update)
        }
        None => {
            counts.created += 1;
            (create(tx, input)?, Operation::Create)
        }
    };
    let id = R::id(&stored).to_string();
    record::<R>(tx, stored, operation)?;
    Ok(id)
}

fn same<T: Serialize>(a: &T, b: &T) -> bool {
    matches!(
        (serde_json::to_value(a), serde_json::to_value(b)),
        (Ok(a), Ok(b)) if a == b
    )
}

/// Finds or creates what the bundle refers to; creating needs an admin.
fn reference_data(
    tx: &mut WriteTx<'_>,
    who: &Principal,
    bundle: &Bundle,
    keys: &mut Keys,
    report: &mut ImportReport,
) -> Result<(), ApiError> {
    for (i, entry) in bundle.organisations.iter().enumerate() {
        let path = format!("organisations[{i}]");
        let id = match keys::organisation_by_code(tx.conn, &entry.code)? {
            Some(id) => {
                report.organisations.unchanged += 1;
                id
            }
            None => {
                creating(who, &path)?;
                let input = convert::organisation_input(entry);
                create::<Organisations>(tx, input, &mut report.organisations).map_err(at(&path))?
            }
        };
        keys.organisations.insert(entry.code.clone(), id);
    }
    for (i, entry) in bundle.owners.iter().enumerate() {
        let path = format!("owners[{i}]");
        let input = convert::owner_input(entry, keys);
        let found = keys::owner_by_name(tx.conn, &input.name, input.organisation_id.as_deref())?;
        let id = match found {
            Some(id) => {
                report.owners.unchanged += 1;
                id
            }
            None => {
                creating(who, &path)?;
                create::<Owners>(tx, input, &mut report.owners).map_err(at(&path))?
            }
        };
        keys.owners.insert(entry.name.clone(), id);
    }
    for (i, entry) in bodies_in_order(&bundle.governance_bodies) {
        let path = format!("governance_bodies[{i}]");
        let id = match keys::body_by_name(tx.conn, &entry.name)? {
            Some(id) => {
                report.governance_bodies.unchanged += 1;
                id
            }
            None => {
                creating(who, &path)?;
                let input = convert::body_input(entry, keys);
                create::<GovernanceBodies>(tx, input, &mut report.governance_bodies)
                    .map_err(at(&path))?
            }
        };
        keys.bodies.insert(entry.name.clone(), id);
    }
    Ok(())
}

/// Only admins create organisations, owners and bodies.
fn creating(who: &Principal, path: &str) -> Result<(), ApiError> {
    scope::admin(who).map_err(|_| ApiError::Forbidden {
        code: "insufficient_role",
        detail: format!(
            "{path} does not exist yet and only an admin may create it; ask an admin to import the bundle or to create it first"
        ),
    })
}

fn create<R: TopLevel>(
    tx: &mut WriteTx<'_>,
    input: R::Input,
    counts: &mut Counts,
) -> Result<String, ApiError> {
    upsert::<R>(tx, None, input, counts, R::insert)
}

/// Bodies a body reports to come before it, so its lines can name them.
fn bodies_in_order(bodies: &[BodyEntry]) -> Vec<(usize, &BodyEntry)> {
    let index: HashMap<&str, usize> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| (b.name.as_str(), i))
        .collect();
    let mut order = Vec::new();
    let mut placed = HashSet::new();
    fn visit<'a>(
        i: usize,
        bodies: &'a [BodyEntry],
        index: &HashMap<&str, usize>,
        placed: &mut HashSet<usize>,
        order: &mut Vec<(usize, &'a BodyEntry)>,
    ) {
        if !placed.insert(i) {
            return;
        }
        for line in &bodies[i].reports_to {
            if let Some(&parent) = index.get(line.body.as_str()) {
                visit(parent, bodies, index, placed, order);
            }
        }
        order.push((i, &bodies[i]));
    }
    for i in 0..bodies.len() {
        visit(i, bodies, &index, &mut placed, &mut order);
    }
    order
}

/// Creates or updates the plan; editors must partner it before and after,
/// decided before it is written.
fn plan(
    tx: &mut WriteTx<'_>,
    who: &Principal,
    bundle: &Bundle,
    keys: &Keys,
    report: &mut ImportReport,
) -> Result<String, ApiError> {
    let input = convert::plan_input(&bundle.plan, keys);
    let current = match keys::plan_by_ref(tx.conn, &input.r#ref)? {
        Some(id) => {
            scope::edit_plan(tx.conn, who, &id)?;
            locks::plan_contents(tx.conn, &id)?;
            let current = Plans::get(tx.conn, &id)?;
            scope::change_partners(
                tx.conn,
                who,
                &current.partners,
                &input.partner_organisation_ids,
            )?;
            Some(current)
        }
        None => {
            scope::create_plan(tx.conn, who, &input.partner_organisation_ids)?;
            None
        }
    };
    upsert::<Plans>(tx, current, input, &mut report.plan, Plans::insert).map_err(at("plan"))
}

/// What the plan holds before the import, by key.
struct Existing {
    priorities: HashMap<String, <Priorities as Resource>::Record>,
    outcomes: HashMap<String, <Outcomes as Resource>::Record>,
    actions: HashMap<String, <Actions as Resource>::Record>,
    measures: HashMap<String, <Measures as Resource>::Record>,
    readings: HashMap<(String, String, String), <Readings as Resource>::Record>,
    risks: HashMap<String, <Risks as Resource>::Record>,
}

impl Existing {
    fn load(tx: &mut WriteTx<'_>, plan: &str) -> Result<Self, ApiError> {
        let c = tree::load(tx.conn, plan)?;
        Ok(Existing {
            priorities: keyed::<Priorities>(c.priorities, |i| i.r#ref),
            outcomes: keyed::<Outcomes>(c.outcomes, |i| i.r#ref),
            actions: keyed::<Actions>(c.actions, |i| i.r#ref),
            measures: keyed::<Measures>(c.measures, |i| i.r#ref),
            risks: keyed::<Risks>(c.risks, |i| i.r#ref.unwrap_or(i.title)),
            readings: keys::readings_of_plan(tx.conn, plan)?
                .into_iter()
                .map(|r| {
                    (
                        (r.measure_id.clone(), r.period.clone(), r.cohort.clone()),
                        r,
                    )
                })
                .collect(),
        })
    }
}

fn keyed<R: Resource>(
    records: Vec<R::Record>,
    key: impl Fn(R::Input) -> String,
) -> HashMap<String, R::Record> {
    records
        .into_iter()
        .map(|r| (key(R::input_of(&r)), r))
        .collect()
}

/// `upsert` for a resource stored inside `parent`.
fn upsert_in<R: Child>(
    tx: &mut WriteTx<'_>,
    current: Option<R::Record>,
    input: R::Input,
    counts: &mut Counts,
    parent: &str,
) -> Result<String, ApiError> {
    upsert::<R>(tx, current, input, counts, |tx, input| {
        R::insert_in(tx, parent, input)
    })
}

fn contents(
    tx: &mut WriteTx<'_>,
    bundle: &Bundle,
    plan: &str,
    mut old: Existing,
    keys: &mut Keys,
    report: &mut ImportReport,
) -> Result<(), ApiError> {
    for (i, p) in bundle.priorities.iter().enumerate() {
        let input = convert::priority_input(p, position(i), keys);
        let current = old.priorities.remove(&p.r#ref);
        let id = upsert_in::<Priorities>(tx, current, input, &mut report.priorities, plan)
            .map_err(at(&format!("priorities[{i}]")))?;
        keys.priorities.insert(p.r#ref.clone(), id);
    }
    for (i, p) in bundle.priorities.iter().enumerate() {
        for (o, outcome) in p.outcomes.iter().enumerate() {
            let input = convert::outcome_input(outcome, &p.r#ref, position(o), keys);
            let current = old.outcomes.remove(&outcome.r#ref);
            let id = upsert_in::<Outcomes>(tx, current, input, &mut report.outcomes, plan)
                .map_err(at(&format!("priorities[{i}].outcomes[{o}]")))?;
            keys.outcomes.insert(outcome.r#ref.clone(), id);
        }
    }
    let mut changed = Vec::new();
    let mut added = Vec::new();
    for PlacedAction {
        path,
        action,
        parent,
        index,
    } in actions_in_order(bundle)
    {
        let input = convert::action_input(action, &parent, position(index), keys);
        match old.actions.remove(&action.r#ref) {
            Some(current) => changed.push((path, current, input)),
            None => added.push((path, ActionWrite::from(input))),
        }
    }
    // The new ones first, all at once: one the bundle changes may now be
    // monitored in one it adds.
    add_actions(tx, plan, added, report)?;
    for (path, current, input) in changed {
        upsert_in::<Actions>(tx, Some(current), input, &mut report.actions, plan)
            .map_err(at(&path))?;
    }
    let mut measure_ids = Vec::with_capacity(bundle.measures.len());
    for (i, m) in bundle.measures.iter().enumerate() {
        let input = convert::measure_input(m, position(i), keys);
        let current = old.measures.remove(&m.r#ref);
        let id = upsert_in::<Measures>(tx, current, input, &mut report.measures, plan)
            .map_err(at(&format!("measures[{i}]")))?;
        measure_ids.push(id);
    }
    readings(tx, bundle, plan, &measure_ids, &mut old, report)?;
    for (i, r) in bundle.risks.iter().enumerate() {
        let input = convert::risk_input(r, keys);
        let current = old.risks.remove(r.r#ref.as_deref().unwrap_or(&r.title));
        upsert_in::<Risks>(tx, current, input, &mut report.risks, plan)
            .map_err(at(&format!("risks[{i}]")))?;
    }
    leftovers(tx, old, report)
}

/// Stores the bundle's new actions, given with their paths, in a few
/// multi-row statements.
fn add_actions(
    tx: &mut WriteTx<'_>,
    plan: &str,
    added: Vec<(String, ActionWrite)>,
    report: &mut ImportReport,
) -> Result<(), ApiError> {
    let (paths, writes): (Vec<String>, Vec<ActionWrite>) = added.into_iter().unzip();
    let stored = action_batch::insert_many(tx, plan, &writes).map_err(|e| {
        let error = ApiError::from(e.error);
        match e.index.and_then(|i| paths.get(i)) {
            Some(path) => at(path)(error),
            None => error,
        }
    })?;
    for action in stored {
        report.actions.created += 1;
        record_in_plan::<Actions>(tx, action, Operation::Create, Some(plan))?;
    }
    Ok(())
}

/// The measures' readings, as one batch: thousands of them are common (a
/// measure a month per cohort over years), and one by one each cost a score of
/// round trips. `measure_ids` are the bundle's measures' ids, in its order.
fn readings(
    tx: &mut WriteTx<'_>,
    bundle: &Bundle,
    plan: &str,
    measure_ids: &[String],
    old: &mut Existing,
    report: &mut ImportReport,
) -> Result<(), ApiError> {
    let keys: Vec<(&str, &str, &str)> = bundle
        .measures
        .iter()
        .zip(measure_ids)
        .flat_map(|(m, id)| {
            m.readings
                .iter()
                .map(move |r| (id.as_str(), r.period.as_str(), r.cohort.as_str()))
        })
        .collect();
    let mut batch = Batch::load(tx.conn, &keys)?;
    for (i, (m, id)) in bundle.measures.iter().zip(measure_ids).enumerate() {
        for (r, input) in m.readings.iter().enumerate() {
            old.readings
                .remove(&(id.clone(), input.period.clone(), input.cohort.clone()));
            let (stored, operation) = match batch.find(id, &input.period, &input.cohort) {
                Some(current) if Readings::input_of(current) == *input => {
                    report.readings.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    report.readings.updated += 1;
                    (
                        batch.update(tx, id, input.clone().into()),
                        Operation::Update,
                    )
                }
                None => {
                    report.readings.created += 1;
                    (
                        batch.insert(tx, id, input.clone().into()),
                        Operation::Create,
                    )
                }
            };
            let stored = stored
                .map_err(ApiError::from)
                .map_err(at(&format!("measures[{i}].readings[{r}]")))?;
            record_in_plan::<Readings>(tx, stored, operation, Some(plan))?;
        }
    }
    for moved in batch.judge_measures(tx)? {
        record_in_plan::<Measures>(tx, moved, Operation::Update, Some(plan))?;
    }
    batch.store(tx.conn)?;
    Ok(())
}

/// Actions in an order where one monitored in another comes after it.
fn actions_in_order(bundle: &Bundle) -> Vec<PlacedAction<'_>> {
    let items = all_actions(bundle);
    let at: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, p)| (p.action.r#ref.as_str(), i))
        .collect();
    // Depth in the monitored-in chain; parse has refused rings.
    let depths: Vec<usize> = (0..items.len())
        .map(|start| {
            let (mut depth, mut i) = (0, start);
            while let Some(&next) = items[i]
                .action
                .monitored_in
                .as_deref()
                .and_then(|r| at.get(r))
            {
                depth += 1;
                i = next;
                if depth > items.len() {
                    break;
                }
            }
            depth
        })
        .collect();
    let mut ranked: Vec<_> = depths.into_iter().zip(items).collect();
    ranked.sort_by_key(|(depth, _)| *depth);
    ranked.into_iter().map(|(_, placed)| placed).collect()
}

/// Deletes what the plan holds and the bundle does not, children first.
fn leftovers(
    tx: &mut WriteTx<'_>,
    old: Existing,
    report: &mut ImportReport,
) -> Result<(), ApiError> {
    for (_, r) in old.readings {
        remove::<Readings>(tx, r)?;
        report.readings.deleted += 1;
    }
    for (_, r) in old.risks {
        remove::<Risks>(tx, r)?;
        report.risks.deleted += 1;
    }
    for (_, m) in old.measures {
        remove::<Measures>(tx, m)?;
        report.measures.deleted += 1;
    }
    // An action some other leftover is monitored in goes after it.
    let mut actions: Vec<_> = old.actions.into_values().collect();
    while !actions.is_empty() {
        let targets: HashSet<String> = actions
            .iter()
            .filter_map(|a| Actions::input_of(a).monitored_in)
            .collect();
        let (now, later): (Vec<_>, Vec<_>) = actions
            .into_iter()
            .partition(|a| !targets.contains(&Actions::input_of(a).r#ref));
        if now.is_empty() {
            return Err(ApiError::Internal(
                "leftover actions monitor each other".into(),
            ));
        }
        for a in now {
            remove::<Actions>(tx, a)?;
            report.actions.deleted += 1;
        }
        actions = later;
    }
    for (_, o) in old.outcomes {
        remove::<Outcomes>(tx, o)?;
        report.outcomes.deleted += 1;
    }
    for (_, p) in old.priorities {
        remove::<Priorities>(tx, p)?;
        report.priorities.deleted += 1;
    }
    Ok(())
}

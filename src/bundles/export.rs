//! A stored plan as a bundle: the mirror of import. Items come in plan order;
//! the organisations, owners and bodies the plan refers to (and the bodies those
//! bodies report to) follow, sorted by key.

use std::collections::{BTreeMap, HashMap};

use super::{
    convert::{self, Keys},
    model::{ActionEntry, Bundle, MeasureEntry, PriorityEntry, FORMAT},
};
use crate::{
    api::{
        actions::{ActionInput, Actions},
        crud::Resource,
        governance_bodies::GovernanceBodies,
        measures::{MeasureInput, Measures},
        organisations::Organisations,
        outcomes::{OutcomeInput, Outcomes},
        owners::Owners,
        plans::{PlanInput, Plans},
        priorities::{Priorities, PriorityInput},
        readings::{ReadingInput, Readings},
        risks::{RiskInput, Risks},
    },
    db::{
        keys,
        tree::{self, PlanContents},
        DbConnection, StoreError,
    },
};

pub fn export(conn: &mut DbConnection, plan_id: &str) -> Result<Bundle, StoreError> {
    let contents = tree::load(conn, plan_id)?;
    let readings = keys::readings_of_plan(conn, plan_id)?;
    let inputs = Inputs::of(&contents);

    let mut keys = Keys::default();
    for (p, input) in contents.priorities.iter().zip(&inputs.priorities) {
        keys.priorities
            .insert(Priorities::id(p).to_string(), input.r#ref.clone());
    }
    for (o, input) in contents.outcomes.iter().zip(&inputs.outcomes) {
        keys.outcomes
            .insert(Outcomes::id(o).to_string(), input.r#ref.clone());
    }
    // What the plan refers to, gathered before anything is named.
    let mut refs = Referred::by(&inputs);
    let bodies = refs.load_bodies(conn)?;
    let owners = refs.load_owners(conn)?;
    let organisations = refs.load_organisations(conn)?;
    for (id, body) in &bodies {
        keys.bodies.insert(id.clone(), body.name.clone());
    }
    for (id, owner) in &owners {
        keys.owners.insert(id.clone(), owner.name.clone());
    }
    for (id, org) in &organisations {
        keys.organisations.insert(id.clone(), org.code.clone());
    }

    let Inputs {
        plan,
        priorities,
        outcomes,
        actions,
        measures,
        risks,
    } = inputs;
    let priorities = priority_entries(&contents, priorities, outcomes, actions, &keys);
    let measures = measure_entries(&contents.measures, measures, &readings, &keys);
    Ok(Bundle {
        format: FORMAT.to_string(),
        plan: convert::plan_entry(plan, &keys),
        priorities,
        measures,
        risks: risks
            .into_iter()
            .map(|r| convert::risk_entry(r, &keys))
            .collect(),
        organisations: organisations
            .into_values()
            .map(convert::organisation_entry)
            .collect(),
        owners: owners
            .into_values()
            .map(|o| convert::owner_entry(o, &keys))
            .collect(),
        governance_bodies: bodies
            .into_values()
            .map(|b| convert::body_entry(b, &keys))
            .collect(),
    }
    .canonical())
}

/// The plan and its items as the fields a client writes, with ids.
struct Inputs {
    plan: PlanInput,
    priorities: Vec<PriorityInput>,
    outcomes: Vec<OutcomeInput>,
    actions: Vec<ActionInput>,
    measures: Vec<MeasureInput>,
    risks: Vec<RiskInput>,
}

impl Inputs {
    fn of(contents: &PlanContents) -> Self {
        Inputs {
            plan: Plans::input_of(&contents.plan),
            priorities: contents
                .priorities
                .iter()
                .map(Priorities::input_of)
                .collect(),
            outcomes: contents.outcomes.iter().map(Outcomes::input_of).collect(),
            actions: contents.actions.iter().map(Actions::input_of).collect(),
            measures: contents.measures.iter().map(Measures::input_of).collect(),
            risks: contents.risks.iter().map(Risks::input_of).collect(),
        }
    }
}

/// The priorities in plan order, each holding its outcomes (holding their
/// actions) and the actions that serve it directly.
fn priority_entries(
    contents: &PlanContents,
    priorities: Vec<PriorityInput>,
    outcomes: Vec<OutcomeInput>,
    actions: Vec<ActionInput>,
    keys: &Keys,
) -> Vec<PriorityEntry> {
    let mut by_outcome: HashMap<String, Vec<ActionEntry>> = HashMap::new();
    let mut by_priority: HashMap<String, Vec<ActionEntry>> = HashMap::new();
    for a in actions {
        let (outcome, priority) = (a.outcome_id.clone(), a.priority_id.clone());
        let entry = convert::action_entry(a, keys);
        match (outcome, priority) {
            (Some(o), _) => by_outcome.entry(o).or_default().push(entry),
            (None, Some(p)) => by_priority.entry(p).or_default().push(entry),
            (None, None) => {}
        }
    }
    let mut outcomes_by_priority: HashMap<String, Vec<_>> = HashMap::new();
    for (o, input) in contents.outcomes.iter().zip(outcomes) {
        let priority = input.priority_id.clone();
        let mut entry = convert::outcome_entry(input, keys);
        entry.actions = by_outcome.remove(Outcomes::id(o)).unwrap_or_default();
        outcomes_by_priority
            .entry(priority)
            .or_default()
            .push(entry);
    }
    contents
        .priorities
        .iter()
        .zip(priorities)
        .map(|(p, input)| {
            let id = Priorities::id(p);
            let mut entry = convert::priority_entry(input, keys);
            entry.outcomes = outcomes_by_priority.remove(id).unwrap_or_default();
            entry.actions = by_priority.remove(id).unwrap_or_default();
            entry
        })
        .collect()
}

/// The measures in plan order, each holding its readings.
fn measure_entries(
    stored: &[<Measures as Resource>::Record],
    measures: Vec<MeasureInput>,
    readings: &[<Readings as Resource>::Record],
    keys: &Keys,
) -> Vec<MeasureEntry> {
    let mut readings_by_measure: HashMap<String, Vec<ReadingInput>> = HashMap::new();
    for r in readings {
        readings_by_measure
            .entry(r.measure_id.clone())
            .or_default()
            .push(Readings::input_of(r));
    }
    stored
        .iter()
        .zip(measures)
        .map(|(m, input)| {
            let mut entry = convert::measure_entry(input, keys);
            entry.readings = readings_by_measure
                .remove(Measures::id(m))
                .unwrap_or_default();
            entry
        })
        .collect()
}

/// Ids of what a plan refers to.
#[derive(Default)]
struct Referred {
    bodies: Vec<String>,
    owners: Vec<String>,
    organisations: Vec<String>,
}

type Loaded<T> = BTreeMap<String, T>;

impl Referred {
    /// Everything the plan and its items name.
    fn by(inputs: &Inputs) -> Self {
        let mut refs = Referred::default();
        let plan = &inputs.plan;
        refs.bodies.extend(plan.lead_body_id.clone());
        refs.owners
            .extend(plan.senior_responsible_owner_ids.iter().cloned());
        refs.organisations
            .extend(plan.partner_organisation_ids.iter().cloned());
        for p in &inputs.priorities {
            refs.bodies.extend(p.working_group_id.clone());
            refs.owners
                .extend(p.senior_responsible_owner_ids.iter().cloned());
        }
        for o in &inputs.outcomes {
            refs.owners.extend(o.lead_ids.iter().cloned());
        }
        for a in &inputs.actions {
            refs.owners.extend(a.lead_ids.iter().cloned());
        }
        for m in &inputs.measures {
            refs.owners.extend(m.team_responsible_id.clone());
        }
        for r in &inputs.risks {
            refs.owners.extend(r.owner_id.clone());
        }
        refs
    }

    /// The bodies named, those they report to, and so on up; notes their chairs
    /// and member organisations.
    fn load_bodies(
        &mut self,
        conn: &mut DbConnection,
    ) -> Result<Loaded<crate::api::governance_bodies::GovernanceBodyInput>, StoreError> {
        let mut loaded = BTreeMap::new();
        let mut queue = std::mem::take(&mut self.bodies);
        while let Some(id) = queue.pop() {
            if loaded.contains_key(&id) {
                continue;
            }
            let body = GovernanceBodies::input_of(&GovernanceBodies::get(conn, &id)?);
            queue.extend(body.reports_to.iter().map(|l| l.body_id.clone()));
            self.owners.extend(body.chair_ids.iter().cloned());
            self.organisations
                .extend(body.member_organisation_ids.iter().cloned());
            loaded.insert(id, body);
        }
        Ok(loaded)
    }

    fn load_owners(
        &mut self,
        conn: &mut DbConnection,
    ) -> Result<Loaded<crate::api::owners::OwnerInput>, StoreError> {
        let mut loaded = BTreeMap::new();
        for id in std::mem::take(&mut self.owners) {
            if loaded.contains_key(&id) {
                continue;
            }
            let owner = Owners::input_of(&Owners::get(conn, &id)?);
            self.organisations.extend(owner.organisation_id.clone());
            loaded.insert(id, owner);
        }
        Ok(loaded)
    }

    fn load_organisations(
        &mut self,
        conn: &mut DbConnection,
    ) -> Result<Loaded<crate::api::organisations::OrganisationInput>, StoreError> {
        let mut loaded = BTreeMap::new();
        for id in std::mem::take(&mut self.organisations) {
            if loaded.contains_key(&id) {
                continue;
            }
            let org = Organisations::input_of(&Organisations::get(conn, &id)?);
            loaded.insert(id, org);
        }
        Ok(loaded)
    }
}

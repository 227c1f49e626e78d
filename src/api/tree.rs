//! The whole of a plan in one response: priorities holding their outcomes, each
//! outcome holding its actions, then the plan's measures and risks.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::{
    actions::Action, measures::Measure, outcomes::Outcome, priorities::Priority, risks::Risk,
};
use crate::{db::tree::PlanContents, domain::ResourceType};

/// A priority with what sits under it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriorityNode {
    #[serde(flatten)]
    pub priority: Priority,
    pub outcomes: Vec<OutcomeNode>,
    /// Actions that serve the priority directly, without an outcome.
    pub actions: Vec<Action>,
}

/// An outcome with its actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeNode {
    #[serde(flatten)]
    pub outcome: Outcome,
    pub actions: Vec<Action>,
}

/// Everything in a plan, in plan order.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanTree {
    pub priorities: Vec<PriorityNode>,
    pub measures: Vec<Measure>,
    pub risks: Vec<Risk>,
}

impl PlanTree {
    pub fn build(contents: PlanContents) -> Self {
        let mut by_outcome: HashMap<String, Vec<Action>> = HashMap::new();
        let mut by_priority: HashMap<String, Vec<Action>> = HashMap::new();
        for action in contents.actions {
            let action = Action::from(action);
            match &action.outcome_id {
                Some(outcome) => by_outcome.entry(outcome.clone()).or_default().push(action),
                None => by_priority
                    .entry(action.priority_id.clone())
                    .or_default()
                    .push(action),
            }
        }
        let mut outcomes: HashMap<String, Vec<OutcomeNode>> = HashMap::new();
        for outcome in contents.outcomes {
            let outcome = Outcome::from(outcome);
            let node = OutcomeNode {
                actions: by_outcome.remove(&outcome.id).unwrap_or_default(),
                outcome,
            };
            outcomes
                .entry(node.outcome.priority_id.clone())
                .or_default()
                .push(node);
        }
        let priorities = contents
            .priorities
            .into_iter()
            .map(Priority::from)
            .map(|priority| PriorityNode {
                outcomes: outcomes.remove(&priority.id).unwrap_or_default(),
                actions: by_priority.remove(&priority.id).unwrap_or_default(),
                priority,
            })
            .collect();
        PlanTree {
            priorities,
            measures: contents.measures.into_iter().map(Measure::from).collect(),
            risks: contents.risks.into_iter().map(Risk::from).collect(),
        }
    }
}

/// The tree of a plan as it stood, from its items' snapshots (each in the
/// version it had then): the shape of `PlanTree`, in the same plan order.
pub fn from_snapshots(items: Vec<(ResourceType, Value)>) -> Value {
    let mut of: HashMap<ResourceType, Vec<Value>> = HashMap::new();
    for (kind, item) in items {
        of.entry(kind).or_default().push(item);
    }
    let mut take = |kind: ResourceType| {
        let mut list = of.remove(&kind).unwrap_or_default();
        list.sort_by(|a, b| plan_order(a).cmp(&plan_order(b)));
        list
    };
    let (priorities, outcomes, actions) = (
        take(ResourceType::Priority),
        take(ResourceType::Outcome),
        take(ResourceType::Action),
    );
    let (measures, mut risks) = (take(ResourceType::Measure), take(ResourceType::Risk));
    risks.sort_by(|a, b| text(a, "id").cmp(&text(b, "id")));
    let mut readings: HashMap<String, Vec<Value>> = HashMap::new();
    for reading in of.remove(&ResourceType::Reading).unwrap_or_default() {
        let measure = text(&reading, "measure_id").unwrap_or("").to_string();
        readings.entry(measure).or_default().push(reading);
    }
    let measures: Vec<Value> = measures
        .into_iter()
        .map(|mut measure| {
            let id = text(&measure, "id").unwrap_or("").to_string();
            let mut known = readings.remove(&id).unwrap_or_default();
            known.sort_by_key(time_order);
            measure["readings"] = Value::Array(known);
            measure
        })
        .collect();

    let mut under_outcome: HashMap<String, Vec<Value>> = HashMap::new();
    let mut under_priority: HashMap<String, Vec<Value>> = HashMap::new();
    for action in actions {
        match text(&action, "outcome_id") {
            Some(outcome) => under_outcome.entry(outcome.to_string()),
            None => under_priority.entry(text(&action, "priority_id").unwrap_or("").to_string()),
        }
        .or_default()
        .push(action);
    }
    let mut outcome_nodes: HashMap<String, Vec<Value>> = HashMap::new();
    for mut outcome in outcomes {
        let id = text(&outcome, "id").unwrap_or("").to_string();
        let priority = text(&outcome, "priority_id").unwrap_or("").to_string();
        outcome["actions"] = Value::Array(under_outcome.remove(&id).unwrap_or_default());
        outcome_nodes.entry(priority).or_default().push(outcome);
    }
    let priorities: Vec<Value> = priorities
        .into_iter()
        .map(|mut priority| {
            let id = text(&priority, "id").unwrap_or("").to_string();
            priority["outcomes"] = Value::Array(outcome_nodes.remove(&id).unwrap_or_default());
            priority["actions"] = Value::Array(under_priority.remove(&id).unwrap_or_default());
            priority
        })
        .collect();
    json!({"priorities": priorities, "measures": measures, "risks": risks})
}

/// Readings in time order: by the last day of their period, a period without a
/// date by when it was recorded, as a measure's headline reads them.
fn time_order(reading: &Value) -> (Option<chrono::NaiveDate>, String) {
    let recorded = text(reading, "created_at").unwrap_or("").to_string();
    let day = text(reading, "period")
        .and_then(crate::domain::period::end_of)
        .or_else(|| recorded.get(..10).and_then(|d| d.parse().ok()));
    (day, recorded)
}

/// A text field of a snapshot.
pub(super) fn text<'a>(item: &'a Value, field: &str) -> Option<&'a str> {
    item.get(field).and_then(Value::as_str)
}

/// Position, then id (ids sort by creation): the order the store lists them in.
fn plan_order(item: &Value) -> (i64, &str) {
    let position = item.get("position").and_then(Value::as_i64).unwrap_or(0);
    (position, text(item, "id").unwrap_or(""))
}

//! The whole of a plan in one response: priorities holding their outcomes, each
//! outcome holding its actions, then the plan's measures and risks.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::{
    actions::Action, measures::Measure, outcomes::Outcome, priorities::Priority, risks::Risk,
};
use crate::db::tree::PlanContents;

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

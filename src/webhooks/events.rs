//! What a webhook delivers: change-feed events named `<resource>.<created|updated|deleted>`
//! (and `highlight_report.published`),
//! matched against a subscription's event types and filters, as the JSON body
//! Standard Webhooks describes (`type`, `timestamp`, `data`).

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::{
    api::changes::Event,
    db::{history::EventRow, webhooks::SubscriptionRow},
    domain::{change::Operation, ResourceType},
};

const OPERATIONS: &[&str] = &["created", "updated", "deleted", "published"];

/// `action.updated` for an update of an action.
pub fn event_type(resource_type: &str, operation: Operation) -> String {
    let done = match operation {
        Operation::Create => "created",
        Operation::Update => "updated",
        Operation::Delete => "deleted",
        Operation::Publish => "published",
    };
    format!("{resource_type}.{done}")
}

/// Refuses a pattern that can never match: `action.updated`, `action.*` and
/// `*.deleted` are patterns, `actions.changed` is not.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let Some((resource, operation)) = pattern.split_once('.') else {
        return Err(format!(
            "{pattern:?} is not <resource>.<created|updated|deleted|published>"
        ));
    };
    if resource != "*" && ResourceType::parse(resource).is_none() {
        let known: Vec<&str> = ResourceType::ALL.iter().map(|t| t.as_str()).collect();
        return Err(format!("{resource:?} is not one of {}", known.join(", ")));
    }
    if operation != "*" && !OPERATIONS.contains(&operation) {
        return Err(format!(
            "{operation:?} is not created, updated, deleted, published or *"
        ));
    }
    Ok(())
}

fn pattern_matches(pattern: &str, event_type: &str) -> bool {
    match (pattern.split_once('.'), event_type.split_once('.')) {
        (Some((pr, po)), Some((er, eo))) => (pr == "*" || pr == er) && (po == "*" || po == eo),
        _ => false,
    }
}

/// What a subscription asks for, ready to test events against.
pub struct Interest {
    patterns: Vec<String>,
    plan_id: Option<String>,
    organisation: Option<(String, String, HashSet<String>)>,
}

impl Interest {
    /// `organisation`: the subscription's organisation as (id, code, the plans it
    /// is a partner in), when it filters by one.
    pub fn new(
        subscription: &SubscriptionRow,
        organisation: Option<(String, String, HashSet<String>)>,
    ) -> Self {
        Interest {
            patterns: serde_json::from_str(&subscription.event_types).unwrap_or_default(),
            plan_id: subscription.plan_id.clone(),
            organisation,
        }
    }

    /// Whether the event goes to this subscription: its type matches one pattern
    /// (or there are none), it belongs to the plan filtered on, and it concerns the
    /// organisation filtered on: a plan it is a partner in, a write by it, or the
    /// organisation itself.
    pub fn wants(&self, event: &EventRow) -> bool {
        let kind = event_type(&event.resource_type, event.operation);
        if !self.patterns.is_empty() && !self.patterns.iter().any(|p| pattern_matches(p, &kind)) {
            return false;
        }
        if let Some(plan) = &self.plan_id {
            if event.plan_id.as_ref() != Some(plan) {
                return false;
            }
        }
        match &self.organisation {
            None => true,
            Some((id, code, plans)) => {
                event.plan_id.as_ref().is_some_and(|p| plans.contains(p))
                    || event.actor_organisation.as_ref() == Some(code)
                    || (event.resource_type == "organisation" && &event.resource_id == id)
            }
        }
    }
}

/// The body sent for one event: the change-feed event with the resource as that
/// version stored it.
pub fn payload(event: EventRow, resource: Option<Value>) -> Value {
    let kind = event_type(&event.resource_type, event.operation);
    let timestamp = event.at.and_utc();
    let mut data = serde_json::to_value(Event::from(event)).unwrap_or_else(|_| json!({}));
    if let (Some(fields), Some(resource)) = (data.as_object_mut(), resource) {
        fields.insert("resource".into(), resource);
    }
    json!({"type": kind, "timestamp": timestamp, "data": data})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_name_resources_and_past_tense_operations() {
        assert!(check_pattern("action.updated").is_ok());
        assert!(check_pattern("action.*").is_ok());
        assert!(check_pattern("*.deleted").is_ok());
        assert!(check_pattern("actions.updated").is_err());
        assert!(check_pattern("action.update").is_err());
        assert!(check_pattern("action").is_err());
        assert!(pattern_matches("action.*", "action.deleted"));
        assert!(pattern_matches("*.created", "reading.created"));
        assert!(!pattern_matches("action.updated", "action.created"));
        assert!(!pattern_matches("plan.*", "priority.created"));
    }

    fn event(resource_type: &str, plan: Option<&str>, by: Option<&str>) -> EventRow {
        EventRow {
            seq: 1,
            resource_type: resource_type.into(),
            resource_id: "r1".into(),
            version: 1,
            operation: Operation::Update,
            actor: "someone".into(),
            at: chrono::NaiveDateTime::default(),
            plan_id: plan.map(str::to_string),
            actor_organisation: by.map(str::to_string),
        }
    }

    fn subscription(types: &str, plan: Option<&str>) -> SubscriptionRow {
        let t = chrono::NaiveDateTime::default();
        SubscriptionRow {
            id: "s".into(),
            url: "https://hooks.example/".into(),
            description: None,
            event_types: types.into(),
            plan_id: plan.map(str::to_string),
            organisation_id: None,
            secret: "whsec_".into(),
            enabled: true,
            disabled_reason: None,
            last_seq: 0,
            version: 1,
            created_at: t,
            created_by: "a".into(),
            updated_at: t,
            updated_by: "a".into(),
        }
    }

    #[test]
    fn filters_pick_events_by_type_plan_and_organisation() {
        let all = Interest::new(&subscription("[]", None), None);
        assert!(all.wants(&event("organisation", None, None)));

        let actions = Interest::new(&subscription(r#"["action.*"]"#, None), None);
        assert!(actions.wants(&event("action", Some("p1"), None)));
        assert!(!actions.wants(&event("measure", Some("p1"), None)));

        let plan = Interest::new(&subscription("[]", Some("p1")), None);
        assert!(plan.wants(&event("action", Some("p1"), None)));
        assert!(!plan.wants(&event("action", Some("p2"), None)));
        assert!(!plan.wants(&event("organisation", None, None)));

        let partner_plans = ["p1".to_string()].into_iter().collect();
        let cnwl = Some(("o1".to_string(), "CNWL".to_string(), partner_plans));
        let ours = Interest::new(&subscription("[]", None), cnwl);
        assert!(
            ours.wants(&event("action", Some("p1"), None)),
            "a partner plan"
        );
        assert!(
            ours.wants(&event("owner", None, Some("CNWL"))),
            "its own write"
        );
        assert!(!ours.wants(&event("action", Some("p2"), Some("MKCC"))));
        let mut itself = event("organisation", None, Some("MKCC"));
        itself.resource_id = "o1".into();
        assert!(ours.wants(&itself), "the organisation itself");
    }
}

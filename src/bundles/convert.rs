//! Bundle entries to the API's inputs and back. Entries name things by business
//! key; inputs by id. Turning one into the other both ways keeps a single set of
//! field rules (the inputs') and makes export the mirror of import.

use std::collections::HashMap;

use super::model::{
    ActionEntry, BodyEntry, LineEntry, MeasureEntry, OrganisationEntry, OutcomeEntry, OwnerEntry,
    PlanEntry, PriorityEntry, RiskEntry,
};
use crate::api::{
    actions::ActionInput,
    governance_bodies::{GovernanceBodyInput, ReportingLine},
    measures::MeasureInput,
    organisations::OrganisationInput,
    outcomes::OutcomeInput,
    owners::OwnerInput,
    plans::PlanInput,
    priorities::PriorityInput,
    risks::RiskInput,
};

/// A map from one kind of key to another (business key to id on import, id to
/// business key on export). An unknown key maps to itself, so that with empty
/// maps an entry converts with its keys standing in for ids, which is how a
/// bundle's field rules are checked before anything is looked up.
#[derive(Debug, Default)]
pub struct Keys {
    pub organisations: HashMap<String, String>,
    pub owners: HashMap<String, String>,
    pub bodies: HashMap<String, String>,
    pub priorities: HashMap<String, String>,
    pub outcomes: HashMap<String, String>,
}

fn map(map: &HashMap<String, String>, key: &str) -> String {
    map.get(key).cloned().unwrap_or_else(|| key.to_string())
}

fn map_all(m: &HashMap<String, String>, keys: &[String]) -> Vec<String> {
    keys.iter().map(|k| map(m, k)).collect()
}

fn map_opt(m: &HashMap<String, String>, key: &Option<String>) -> Option<String> {
    key.as_deref().map(|k| map(m, k))
}

impl Keys {
    pub fn body(&self, key: &str) -> String {
        map(&self.bodies, key)
    }
    pub fn priority(&self, key: &str) -> String {
        map(&self.priorities, key)
    }
    pub fn outcome(&self, key: &str) -> String {
        map(&self.outcomes, key)
    }
}

/// The parent an action is stored under.
pub enum ActionParent {
    Outcome(String),
    Priority(String),
}

pub fn plan_input(e: &PlanEntry, k: &Keys) -> PlanInput {
    PlanInput {
        r#ref: e.r#ref.clone(),
        title: e.title.clone(),
        kind: e.kind,
        summary: e.summary.clone(),
        vision: e.vision.clone(),
        period: e.period.clone(),
        status: e.status,
        lead_body_id: map_opt(&k.bodies, &e.lead_body),
        senior_responsible_owner_ids: map_all(&k.owners, &e.senior_responsible_owners),
        partner_organisation_ids: map_all(&k.organisations, &e.partner_organisations),
        published: e.published,
        source_document: e.source_document.clone(),
        external_refs: e.external_refs.clone(),
        reporting: e.reporting.clone(),
    }
}

pub fn plan_entry(i: PlanInput, k: &Keys) -> PlanEntry {
    PlanEntry {
        lead_body: map_opt(&k.bodies, &i.lead_body_id),
        senior_responsible_owners: map_all(&k.owners, &i.senior_responsible_owner_ids),
        partner_organisations: map_all(&k.organisations, &i.partner_organisation_ids),
        r#ref: i.r#ref,
        title: i.title,
        kind: i.kind,
        summary: i.summary,
        vision: i.vision,
        period: i.period,
        status: i.status,
        published: i.published,
        source_document: i.source_document,
        external_refs: i.external_refs,
        reporting: i.reporting,
    }
}

pub fn priority_input(e: &PriorityEntry, position: i32, k: &Keys) -> PriorityInput {
    PriorityInput {
        r#ref: e.r#ref.clone(),
        kind: e.kind,
        title: e.title.clone(),
        recommendation: e.recommendation.clone(),
        description: e.description.clone(),
        position,
        working_group_id: map_opt(&k.bodies, &e.working_group),
        senior_responsible_owner_ids: map_all(&k.owners, &e.senior_responsible_owners),
    }
}

pub fn priority_entry(i: PriorityInput, k: &Keys) -> PriorityEntry {
    PriorityEntry {
        working_group: map_opt(&k.bodies, &i.working_group_id),
        senior_responsible_owners: map_all(&k.owners, &i.senior_responsible_owner_ids),
        r#ref: i.r#ref,
        kind: i.kind,
        title: i.title,
        recommendation: i.recommendation,
        description: i.description,
        outcomes: Vec::new(),
        actions: Vec::new(),
    }
}

pub fn outcome_input(e: &OutcomeEntry, priority: &str, position: i32, k: &Keys) -> OutcomeInput {
    OutcomeInput {
        priority_id: k.priority(priority),
        r#ref: e.r#ref.clone(),
        statement: e.statement.clone(),
        workstream: e.workstream.clone(),
        previous_refs: e.previous_refs.clone(),
        lead_ids: map_all(&k.owners, &e.leads),
        position,
    }
}

pub fn outcome_entry(i: OutcomeInput, k: &Keys) -> OutcomeEntry {
    OutcomeEntry {
        leads: map_all(&k.owners, &i.lead_ids),
        r#ref: i.r#ref,
        statement: i.statement,
        workstream: i.workstream,
        previous_refs: i.previous_refs,
        actions: Vec::new(),
    }
}

pub fn action_input(
    e: &ActionEntry,
    parent: &ActionParent,
    position: i32,
    k: &Keys,
) -> ActionInput {
    let (outcome_id, priority_id) = match parent {
        ActionParent::Outcome(r) => (Some(k.outcome(r)), None),
        ActionParent::Priority(r) => (None, Some(k.priority(r))),
    };
    ActionInput {
        outcome_id,
        priority_id,
        r#ref: e.r#ref.clone(),
        description: e.description.clone(),
        lead_ids: map_all(&k.owners, &e.leads),
        start: e.start.clone(),
        due: e.due.clone(),
        brag: e.brag,
        monitored_in: e.monitored_in.clone(),
        details_in: e.details_in.clone(),
        completed_on: e.completed_on,
        previous_refs: e.previous_refs.clone(),
        external_refs: e.external_refs.clone(),
        position,
    }
}

pub fn action_entry(i: ActionInput, k: &Keys) -> ActionEntry {
    ActionEntry {
        leads: map_all(&k.owners, &i.lead_ids),
        r#ref: i.r#ref,
        description: i.description,
        start: i.start,
        due: i.due,
        brag: i.brag,
        monitored_in: i.monitored_in,
        details_in: i.details_in,
        completed_on: i.completed_on,
        previous_refs: i.previous_refs,
        external_refs: i.external_refs,
    }
}

pub fn measure_input(e: &MeasureEntry, position: i32, k: &Keys) -> MeasureInput {
    MeasureInput {
        priority_id: map_opt(&k.priorities, &e.priority),
        r#ref: e.r#ref.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        kind: e.kind,
        unit: e.unit,
        direction: e.direction,
        tolerance: e.tolerance,
        baselines: e.baselines.clone(),
        targets: e.targets.clone(),
        frequency: e.frequency.clone(),
        approach: e.approach.clone(),
        data_source: e.data_source.clone(),
        national_indicator: e.national_indicator.clone(),
        team_responsible_id: map_opt(&k.owners, &e.team_responsible),
        outcome_ids: map_all(&k.outcomes, &e.outcomes),
        corporate_dashboard: e.corporate_dashboard,
        external_refs: e.external_refs.clone(),
        position,
    }
}

pub fn measure_entry(i: MeasureInput, k: &Keys) -> MeasureEntry {
    MeasureEntry {
        priority: map_opt(&k.priorities, &i.priority_id),
        team_responsible: map_opt(&k.owners, &i.team_responsible_id),
        outcomes: map_all(&k.outcomes, &i.outcome_ids),
        r#ref: i.r#ref,
        title: i.title,
        description: i.description,
        kind: i.kind,
        unit: i.unit,
        direction: i.direction,
        tolerance: i.tolerance,
        baselines: i.baselines,
        targets: i.targets,
        frequency: i.frequency,
        approach: i.approach,
        data_source: i.data_source,
        national_indicator: i.national_indicator,
        corporate_dashboard: i.corporate_dashboard,
        external_refs: i.external_refs,
        readings: Vec::new(),
    }
}

pub fn risk_input(e: &RiskEntry, k: &Keys) -> RiskInput {
    RiskInput {
        r#ref: e.r#ref.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        likelihood: e.likelihood,
        impact: e.impact,
        owner_id: map_opt(&k.owners, &e.owner),
        mitigation: e.mitigation.clone(),
        status: e.status,
        review_date: e.review_date,
    }
}

pub fn risk_entry(i: RiskInput, k: &Keys) -> RiskEntry {
    RiskEntry {
        owner: map_opt(&k.owners, &i.owner_id),
        r#ref: i.r#ref,
        title: i.title,
        description: i.description,
        likelihood: i.likelihood,
        impact: i.impact,
        mitigation: i.mitigation,
        status: i.status,
        review_date: i.review_date,
    }
}

pub fn organisation_input(e: &OrganisationEntry) -> OrganisationInput {
    OrganisationInput {
        code: e.code.clone(),
        name: e.name.clone(),
        kind: e.kind,
        website: e.website.clone(),
    }
}

pub fn organisation_entry(i: OrganisationInput) -> OrganisationEntry {
    OrganisationEntry {
        code: i.code,
        name: i.name,
        kind: i.kind,
        website: i.website,
    }
}

pub fn owner_input(e: &OwnerEntry, k: &Keys) -> OwnerInput {
    OwnerInput {
        kind: e.kind,
        name: e.name.clone(),
        organisation_id: map_opt(&k.organisations, &e.organisation),
        email: e.email.clone(),
        description: e.description.clone(),
        holders: e.holders.clone(),
        external_refs: e.external_refs.clone(),
    }
}

pub fn owner_entry(i: OwnerInput, k: &Keys) -> OwnerEntry {
    OwnerEntry {
        organisation: map_opt(&k.organisations, &i.organisation_id),
        name: i.name,
        kind: i.kind,
        email: i.email,
        description: i.description,
        holders: i.holders,
        external_refs: i.external_refs,
    }
}

pub fn body_input(e: &BodyEntry, k: &Keys) -> GovernanceBodyInput {
    GovernanceBodyInput {
        name: e.name.clone(),
        kind: e.kind,
        cadence: e.cadence,
        description: e.description.clone(),
        chair_ids: map_all(&k.owners, &e.chairs),
        member_organisation_ids: map_all(&k.organisations, &e.member_organisations),
        reports_to: e
            .reports_to
            .iter()
            .map(|l| ReportingLine {
                body_id: k.body(&l.body),
                line: l.line,
            })
            .collect(),
    }
}

pub fn body_entry(i: GovernanceBodyInput, k: &Keys) -> BodyEntry {
    BodyEntry {
        chairs: map_all(&k.owners, &i.chair_ids),
        member_organisations: map_all(&k.organisations, &i.member_organisation_ids),
        reports_to: i
            .reports_to
            .into_iter()
            .map(|l| LineEntry {
                body: k.body(&l.body_id),
                line: l.line,
            })
            .collect(),
        name: i.name,
        kind: i.kind,
        cadence: i.cadence,
        description: i.description,
    }
}

/// The name a bundle gives an input's field, for error paths: `lead_ids[2]` is
/// `leads[2]`, `reports_to[0].body_id` is `reports_to[0].body`.
pub fn entry_field(field: &str) -> String {
    let split = field.find(['.', '[']).unwrap_or(field.len());
    let (head, rest) = field.split_at(split);
    let head = match head {
        "lead_ids" => "leads",
        "senior_responsible_owner_ids" => "senior_responsible_owners",
        "partner_organisation_ids" => "partner_organisations",
        "lead_body_id" => "lead_body",
        "working_group_id" => "working_group",
        "team_responsible_id" => "team_responsible",
        "outcome_ids" => "outcomes",
        "priority_id" => "priority",
        "owner_id" => "owner",
        "organisation_id" => "organisation",
        "chair_ids" => "chairs",
        "member_organisation_ids" => "member_organisations",
        other => other,
    };
    let rest = if head == "reports_to" {
        rest.replace(".body_id", ".body")
    } else {
        rest.to_string()
    };
    format!("{head}{rest}")
}

#[cfg(test)]
mod tests {
    use super::entry_field;

    #[test]
    fn input_fields_are_named_as_the_bundle_names_them() {
        assert_eq!(entry_field("lead_ids[2]"), "leads[2]");
        assert_eq!(entry_field("reports_to[0].body_id"), "reports_to[0].body");
        assert_eq!(entry_field("period.end"), "period.end");
        assert_eq!(entry_field("due"), "due");
    }
}

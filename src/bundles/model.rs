//! A plan bundle: one JSON document holding a plan whole, with the organisations,
//! owners and governance bodies it refers to. Inside a bundle things refer to each
//! other by business keys (an organisation's code, an owner's or a body's name, a
//! ref within the plan), never by database ids, so a bundle moves between
//! deployments and can be written by hand.
//!
//! Order in the arrays is the plan's order. Fields at their default are left out
//! when a bundle is exported, so an exported bundle is in one canonical form.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{
    measures::CohortValue,
    owners::Holder,
    plans::{Period, Reporting},
    readings::ReadingInput,
};
use crate::domain::{
    external_ref::ExternalRef,
    governance::{BodyKind, Cadence, LineKind},
    organisation::OrganisationKind,
    owner::OwnerKind,
    plan::{Brag, Direction, MeasureKind, PlanKind, PlanStatus, PriorityKind, RiskStatus, Unit},
};

/// The format a bundle is written in; the only one so far.
pub const FORMAT: &str = "waymark.plan-bundle/1";

fn is_false(b: &bool) -> bool {
    !*b
}

/// A plan with everything in it and everything it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "format": "waymark.plan-bundle/1",
    "plan": {
        "ref": "SEND-LAIAP-2025",
        "title": "SEND Local Area Inspection Action Plan",
        "kind": "inspection_action_plan",
        "period": {"label": "January 2025"},
        "status": "active",
        "lead_body": "SEND Executive Board",
        "senior_responsible_owners": ["Director of Children's Services"],
        "partner_organisations": ["MKCC", "BLMK ICB"],
        "published": true
    },
    "priorities": [{
        "ref": "Afl3",
        "kind": "area_for_improvement",
        "title": "Area for improvement 3",
        "working_group": "SEND Executive Board",
        "outcomes": [{
            "ref": "Afl3.3",
            "statement": "Reduce waiting time for assessment and treatment in MK-Child and Adolescent Mental Health Services (CAMHS) in line with contracted targets",
            "leads": ["CAMHS Transformation lead"],
            "actions": [{
                "ref": "Afl3.3/6",
                "description": "Procurement for longer term \"MK Wellbeing Service\" following successful pilot (action 2 on this plan).",
                "leads": ["CAMHS Transformation lead"],
                "start": "July 2025",
                "due": "TBD",
                "brag": "grey"
            }]
        }]
    }],
    "organisations": [
        {"code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority"},
        {"code": "BLMK ICB", "name": "Bedfordshire, Luton and Milton Keynes Integrated Care Board", "kind": "integrated_care_board"},
        {"code": "CNWL", "name": "Central and North West London NHS Foundation Trust", "kind": "nhs_trust"}
    ],
    "owners": [
        {"name": "Director of Children's Services", "kind": "post", "organisation": "MKCC"},
        {"name": "CAMHS Transformation lead", "kind": "post", "organisation": "CNWL"}
    ],
    "governance_bodies": [
        {"name": "SEND Executive Board", "kind": "executive", "cadence": "quarterly", "member_organisations": ["MKCC", "BLMK ICB", "CNWL"]}
    ]
}))]
pub struct Bundle {
    /// Always `waymark.plan-bundle/1`.
    #[schema(example = "waymark.plan-bundle/1")]
    pub format: String,
    pub plan: PlanEntry,
    /// The plan's sections, in order, each holding its outcomes and actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priorities: Vec<PriorityEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<MeasureEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<RiskEntry>,
    /// Every organisation the bundle names. Matched by `code` on import; created
    /// when missing, left as stored when present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<OrganisationEntry>,
    /// Every owner the bundle names. Matched by `name` and organisation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<OwnerEntry>,
    /// Every governance body the bundle names. Matched by `name`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub governance_bodies: Vec<BodyEntry>,
}

/// The plan itself; owners, bodies and organisations named as in the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "SEND-LAIAP-2025", "title": "SEND Local Area Inspection Action Plan", "kind": "inspection_action_plan", "period": {"label": "January 2025"}, "status": "active", "lead_body": "SEND Strategic Partnership Board", "senior_responsible_owners": ["Director of Children's Services", "Deputy Chief Nurse"], "partner_organisations": ["MKCC", "BLMK ICB", "CNWL", "PACA MK"], "published": true}))]
pub struct PlanEntry {
    /// Matched on import: a plan with this ref is updated in place.
    pub r#ref: String,
    pub title: String,
    pub kind: PlanKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<String>,
    #[serde(default, skip_serializing_if = "Period::is_empty")]
    pub period: Period,
    pub status: PlanStatus,
    /// The name of a governance body in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_body: Option<String>,
    /// Names of owners in the bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub senior_responsible_owners: Vec<String>,
    /// Codes of organisations in the bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partner_organisations: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub published: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_document: Option<String>,
    /// Partner systems' ids for the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_refs: Vec<ExternalRef>,
    /// The plan's reporting cycle.
    #[serde(default, skip_serializing_if = "Reporting::is_empty")]
    pub reporting: Reporting,
}

/// A section of the plan with its outcomes, and the actions that serve it directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "Afl3", "kind": "area_for_improvement", "title": "Area for improvement 3", "recommendation": "Health leaders should further address gaps and delays in some health services to improve early identification and support for children and young people with SEND.", "working_group": "Joint Commissioning Group", "senior_responsible_owners": ["Associate Director for Childrens and Maternity Commissioning"], "outcomes": [{"ref": "Afl3.3", "statement": "Reduce waiting time for assessment and treatment in MK-Child and Adolescent Mental Health Services (CAMHS) in line with contracted targets", "leads": ["CAMHS Transformation lead"]}]}))]
pub struct PriorityEntry {
    pub r#ref: String,
    pub kind: PriorityKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The name of a governance body in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_group: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub senior_responsible_owners: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<OutcomeEntry>,
    /// Actions without an outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "Afl3.3", "statement": "Reduce waiting time for assessment and treatment in MK-Child and Adolescent Mental Health Services (CAMHS) in line with contracted targets", "workstream": "Emotional Wellbeing and Mental Health", "previous_refs": ["EWMH3.1", "EWMH4.1", "EWMH4.2"], "leads": ["CAMHS Transformation lead"], "actions": [{"ref": "Afl3.3/7", "description": "QI project relating to ADHD pathway improvements to reduce waiting times", "leads": ["CAMHS Transformation lead"], "start": "Jan 2025", "due": "Dec 2025", "brag": "amber"}]}))]
pub struct OutcomeEntry {
    pub r#ref: String,
    pub statement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workstream: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leads: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "Afl4.2/1", "description": "Actions as per Afl4.1", "leads": ["SEND Area Partnership Manager"], "monitored_in": "Afl4.1", "details_in": "Afl4.1"}))]
pub struct ActionEntry {
    pub r#ref: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leads: Vec<String>,
    /// The start as the plan words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The due date as the plan words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brag: Option<Brag>,
    /// The ref of a priority, outcome or action of the plan that monitors this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitored_in: Option<String>,
    /// The ref of an outcome or priority of the plan the wording sends the reader
    /// to for details; the wording itself stays as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_refs: Vec<String>,
    /// Partner systems' ids for the action.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_refs: Vec<ExternalRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "GLD", "title": "Good Level of Development", "kind": "quantitative", "unit": "percent", "direction": "higher_is_better", "baselines": [{"period": "2024/25", "cohort": "All", "value": 73.0}, {"period": "2024/25", "cohort": "FSM", "value": 54.0}], "targets": [{"period": "2028", "cohort": "All", "value": 77.4}, {"period": "2028", "cohort": "FSM", "value": 59.7}], "readings": [{"period": "2024/25", "cohort": "All", "value": 73.0, "status": "final"}]}))]
pub struct MeasureEntry {
    pub r#ref: String,
    /// The ref of the priority it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub kind: MeasureKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baselines: Vec<CohortValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<CohortValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approach: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_indicator: Option<String>,
    /// The name of an owner in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_responsible: Option<String>,
    /// Refs of the outcomes it evidences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub corporate_dashboard: bool,
    /// Partner systems' ids for the measure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_refs: Vec<ExternalRef>,
    /// Actual values, one per period and cohort.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<ReadingInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "R1", "title": "Health visiting capacity", "likelihood": 3, "impact": 4, "owner": "Head of Public Health", "mitigation": "Continuous recruitment campaign", "status": "open", "review_date": "2025-06-30"}))]
pub struct RiskEntry {
    /// Matched on import by ref, or by title when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub likelihood: i32,
    pub impact: i32,
    /// The name of an owner in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "PACA MK", "name": "Parents and Carers Alliance Milton Keynes", "kind": "parent_carer_forum"}))]
pub struct OrganisationEntry {
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Director of Children's Services", "kind": "post", "organisation": "MKCC", "holders": [{"name": "Mac Heath"}]}))]
pub struct OwnerEntry {
    /// Unique within the bundle: how the rest of the bundle names this owner.
    pub name: String,
    pub kind: OwnerKind,
    /// The code of an organisation in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<Holder>,
    /// Partner systems' ids for the owner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_refs: Vec<ExternalRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Best Start delivery group", "kind": "working_group", "reports_to": [{"body": "Child First, Family Led Programme Board", "line": "direct"}, {"body": "Education Performance Board", "line": "dotted"}]}))]
pub struct BodyEntry {
    pub name: String,
    pub kind: BodyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Names of owners in the bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chairs: Vec<String>,
    /// Codes of organisations in the bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_organisations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports_to: Vec<LineEntry>,
}

/// A reporting line to another body of the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Education Performance Board", "line": "dotted"}))]
pub struct LineEntry {
    /// The name of a governance body in the bundle.
    pub body: String,
    pub line: LineKind,
}

impl Bundle {
    /// Reference data sorted by key, the order export writes.
    pub fn canonical(mut self) -> Self {
        self.organisations.sort_by(|a, b| a.code.cmp(&b.code));
        self.owners.sort_by(|a, b| a.name.cmp(&b.name));
        self.governance_bodies.sort_by(|a, b| a.name.cmp(&b.name));
        self
    }
}

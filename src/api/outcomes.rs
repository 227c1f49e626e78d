//! `/api/v1/outcomes` and `/api/v1/plans/{id}/outcomes`: what each section of a
//! plan means to achieve, with accountable leads.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{Child, Resource, Writers},
    endpoints::{change_endpoints, child_collection_endpoints, find_endpoint, history_endpoints},
    pagination::Paginated,
    request_body::Input,
    rules,
    summary::{self, Summary},
};
use crate::{
    db::{
        outcomes::{
            self as query, Outcome as OutcomeRecord, OutcomeFields, OutcomeFilter, OutcomeWrite,
        },
        DbConnection, StoreError, WriteTx,
    },
    domain::ResourceType,
    error::FieldError,
};

/// An outcome a plan's section aims for.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-0000000000f3",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "priority_id": "019ab3c4-5e6f-7a00-8b00-0000000000e3",
    "ref": "Afl3.3",
    "statement": "Reduce waiting time for assessment and treatment in MK-Child and Adolescent Mental Health Services (CAMHS)",
    "previous_refs": ["EWMH3.1"],
    "lead_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000b7"],
    "leads": [{"id": "019ab3c4-5e6f-7a00-8b00-0000000000b7", "name": "CAMHS Transformation lead", "organisation": "CNWL"}],
    "position": 3,
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Outcome {
    pub id: String,
    pub plan_id: String,
    pub priority_id: String,
    /// Unique among the plan's outcomes.
    pub r#ref: String,
    pub statement: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workstream: Option<String>,
    /// Refs this outcome had in earlier plans.
    pub previous_refs: Vec<String>,
    /// Accountable leads (owners), in order.
    pub lead_ids: Vec<String>,
    /// The leads named, with their organisations' codes, in the same order.
    pub leads: Vec<Summary>,
    pub position: i32,
    #[serde(flatten)]
    pub audit: Audit,
}

/// Reads the JSON list of previous refs stored in a text column.
pub fn refs_from_text(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Stores a list of refs as JSON text.
pub fn refs_to_text(refs: &[String]) -> String {
    serde_json::Value::from(refs.to_vec()).to_string()
}

impl From<OutcomeRecord> for Outcome {
    fn from(o: OutcomeRecord) -> Self {
        let row = o.row;
        Outcome {
            id: row.id.clone(),
            plan_id: row.plan_id.clone(),
            priority_id: row.priority_id.clone(),
            r#ref: row.ref_.clone(),
            statement: row.statement.clone(),
            workstream: row.workstream.clone(),
            previous_refs: refs_from_text(&row.previous_refs),
            lead_ids: o.leads,
            leads: summary::all(o.lead_names),
            position: row.position,
            audit: audit_of!(row),
        }
    }
}

/// The fields a client sets on an outcome.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "priority_id": "019ab3c4-5e6f-7a00-8b00-0000000000e3",
    "ref": "Afl3.3",
    "statement": "Reduce waiting time for assessment and treatment in MK-CAMHS",
    "previous_refs": ["EWMH3.1"],
    "lead_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000b7"]
}))]
pub struct OutcomeInput {
    /// A priority of the same plan.
    pub priority_id: String,
    #[validate(custom(function = rules::reference))]
    #[schema(min_length = 1, max_length = 64, example = "Afl3.3")]
    pub r#ref: String,
    #[validate(length(min = 1, max = 4000), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 4000)]
    pub statement: String,
    #[validate(length(max = 200))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub workstream: Option<String>,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub previous_refs: Vec<String>,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub lead_ids: Vec<String>,
    #[validate(range(min = 0, max = 10000))]
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: i32,
}

impl Input for OutcomeInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = rules::repeated("lead_ids", &self.lead_ids)
            .into_iter()
            .collect();
        errors.extend(rules::each_reference("previous_refs", &self.previous_refs));
        errors
    }
}

impl From<OutcomeInput> for OutcomeWrite {
    fn from(input: OutcomeInput) -> Self {
        OutcomeWrite {
            fields: OutcomeFields {
                priority_id: input.priority_id,
                ref_: input.r#ref,
                statement: input.statement.trim().to_string(),
                workstream: input.workstream,
                previous_refs: refs_to_text(&input.previous_refs),
                position: input.position,
            },
            leads: input.lead_ids,
        }
    }
}

/// How outcomes are loaded and stored, for the shared operations in `crud`.
pub struct Outcomes;

impl Resource for Outcomes {
    const TYPE: ResourceType = ResourceType::Outcome;
    const COLLECTION: &'static str = "/api/v1/outcomes";
    type Record = OutcomeRecord;
    type Input = OutcomeInput;
    type View = Outcome;

    fn id(record: &OutcomeRecord) -> &str {
        &record.row.id
    }

    fn version(record: &Self::Record) -> i64 {
        record.row.version
    }

    fn plan_id(
        _conn: &mut DbConnection,
        record: &Self::Record,
    ) -> Result<Option<String>, StoreError> {
        Ok(Some(record.row.plan_id.clone()))
    }

    fn input_of(o: &OutcomeRecord) -> OutcomeInput {
        let row = &o.row;
        OutcomeInput {
            priority_id: row.priority_id.clone(),
            r#ref: row.ref_.clone(),
            statement: row.statement.clone(),
            workstream: row.workstream.clone(),
            previous_refs: refs_from_text(&row.previous_refs),
            lead_ids: o.leads.clone(),
            position: row.position,
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<OutcomeRecord, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &OutcomeRecord,
        input: Self::Input,
    ) -> Result<OutcomeRecord, StoreError> {
        query::update(tx, &current.row.id, &current.row.plan_id, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &OutcomeRecord) -> Result<(), StoreError> {
        query::delete(tx, &current.row.id)
    }

    const WRITERS: Writers<Self> = Writers::PlanEditors;
}

impl Child for Outcomes {
    const PARENT: &'static str = "plan";

    fn insert_in(
        tx: &mut WriteTx<'_>,
        plan: &str,
        input: OutcomeInput,
    ) -> Result<OutcomeRecord, StoreError> {
        query::insert(tx, plan, input.into())
    }
}

/// Filters of the outcome list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutcomeQuery {
    pub plan_id: Option<String>,
    /// Only those of this plan, named by its id or its ref (`SEND-LAIAP-2025`).
    pub plan: Option<String>,
    pub priority_id: Option<String>,
    /// Only outcomes this owner leads.
    pub lead_id: Option<String>,
    /// Only the outcome with this business reference, e.g. `Afl3.3`.
    pub r#ref: Option<String>,
}

impl OutcomeQuery {
    fn into_filter(self) -> OutcomeFilter {
        OutcomeFilter {
            plan_id: self.plan_id,
            plan: self.plan,
            priority_id: self.priority_id,
            lead_id: self.lead_id,
            ref_: self.r#ref,
            published_only: false,
        }
    }
}

child_collection_endpoints! {
    resource: Outcomes,
    view: Outcome,
    input: OutcomeInput,
    query: OutcomeQuery,
    list_fn: query::list,
    tag: "outcomes",
    parent: {
        filter: plan_id,
        id: "Plan id",
    },
    list: {
        handler: list_outcomes,
        path: "/api/v1/outcomes",
        operation_id: "outcome_list",
        summary: "List outcomes across plans",
        description: "A page of outcomes, oldest first",
    },
    nested: {
        handler: list_plan_outcomes,
        path: "/api/v1/plans/{id}/outcomes",
        operation_id: "plan_outcome_list",
        summary: "List a plan's outcomes",
        description: "A page of the plan's outcomes, oldest first",
    },
    create: {
        handler: create_outcome,
        operation_id: "plan_outcome_create",
        summary: "Add an outcome to a plan",
        location: "URL of the new outcome",
    },
}

find_endpoint! {
    resource: Outcomes,
    view: Outcome,
    handler: find_outcome,
    path: "/api/v1/outcomes/{id}",
    operation_id: "outcome_view",
    tag: "outcomes",
    id: "Outcome id",
    summary: "Get one outcome",
    found: "The outcome",
}

change_endpoints! {
    resource: Outcomes,
    view: Outcome,
    input: OutcomeInput,
    path: "/api/v1/outcomes/{id}",
    tag: "outcomes",
    id: "Outcome id",
    stored: "The outcome as stored",
    replace: {
        handler: replace_outcome,
        operation_id: "outcome_replace",
        summary: "Replace an outcome's fields",
    },
    update: {
        handler: update_outcome,
        operation_id: "outcome_update",
        summary: "Change some of an outcome's fields (JSON Merge Patch)",
        example: json!({"previous_refs": ["EWMH3.1", "EWMH3.2"]}),
    },
    delete: {
        handler: delete_outcome,
        operation_id: "outcome_delete",
        summary: "Delete an outcome nothing refers to",
    },
}

history_endpoints! {
    resource: Outcomes,
    list: outcome_versions,
    one: outcome_version,
    list_path: "/api/v1/outcomes/{id}/versions",
    one_path: "/api/v1/outcomes/{id}/versions/{version}",
    list_operation_id: "outcome_version_list",
    one_operation_id: "outcome_version_view",
    tag: "outcomes",
    list_summary: "List the versions of an outcome",
    one_summary: "Get one version of an outcome",
}

//! `/api/v1/priorities` and `/api/v1/plans/{id}/priorities`: a plan's sections —
//! areas for improvement, aims, workstreams, enablers.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{Child, Resource, Writers},
    endpoints::{change_endpoints, child_collection_endpoints, find_endpoint, history_endpoints},
    filters::Many,
    pagination::Paginated,
    request_body::Input,
    rules,
    summary::{self, Summary},
};
use crate::{
    db::{
        priorities::{
            self as query, Priority as PriorityRecord, PriorityFields, PriorityFilter,
            PriorityWrite,
        },
        DbConnection, StoreError, WriteTx,
    },
    domain::plan::PriorityKind,
    domain::ResourceType,
    error::FieldError,
};

/// A section of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-0000000000e3",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "ref": "Afl3",
    "kind": "area_for_improvement",
    "title": "Area for improvement 3",
    "recommendation": "Health leaders should further address gaps and delays in some health services to improve early identification and support for children and young people with SEND.",
    "position": 3,
    "working_group_id": "019ab3c4-5e6f-7a00-8b00-0000000000c4",
    "working_group": {"id": "019ab3c4-5e6f-7a00-8b00-0000000000c4", "name": "Joint Commissioning Group"},
    "senior_responsible_owner_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000b5"],
    "senior_responsible_owners": [{"id": "019ab3c4-5e6f-7a00-8b00-0000000000b5", "name": "Director of Children's Services", "organisation": "MKCC"}],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Priority {
    pub id: String,
    pub plan_id: String,
    /// Unique among the plan's priorities.
    pub r#ref: String,
    pub kind: PriorityKind,
    pub title: String,
    /// The recommendation this section answers, quoted as the plan quotes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Order within the plan.
    pub position: i32,
    /// The governance body that works on this section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_group_id: Option<String>,
    /// The working group named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_group: Option<Summary>,
    pub senior_responsible_owner_ids: Vec<String>,
    /// The senior responsible owners named, with their organisations' codes, in the same order.
    pub senior_responsible_owners: Vec<Summary>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<PriorityRecord> for Priority {
    fn from(p: PriorityRecord) -> Self {
        let row = p.row;
        Priority {
            id: row.id.clone(),
            plan_id: row.plan_id.clone(),
            r#ref: row.ref_.clone(),
            kind: row.kind,
            title: row.title.clone(),
            recommendation: row.recommendation.clone(),
            description: row.description.clone(),
            position: row.position,
            working_group_id: row.working_group_id.clone(),
            working_group: p.working_group.map(Summary::from),
            senior_responsible_owner_ids: p.sros,
            senior_responsible_owners: summary::all(p.sro_names),
            audit: audit_of!(row),
        }
    }
}

/// The fields a client sets on a priority.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "ref": "Afl3",
    "kind": "area_for_improvement",
    "title": "Area for improvement 3",
    "recommendation": "Health leaders should further address gaps and delays in some health services.",
    "position": 3
}))]
pub struct PriorityInput {
    #[validate(custom(function = rules::reference))]
    #[schema(min_length = 1, max_length = 64, example = "Afl3")]
    pub r#ref: String,
    pub kind: PriorityKind,
    #[validate(length(min = 1, max = 500), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub recommendation: Option<String>,
    #[validate(length(max = 20000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Order within the plan; 0 when left out.
    #[validate(range(min = 0, max = 10000))]
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_group_id: Option<String>,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub senior_responsible_owner_ids: Vec<String>,
}

impl Input for PriorityInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        rules::repeated(
            "senior_responsible_owner_ids",
            &self.senior_responsible_owner_ids,
        )
        .into_iter()
        .collect()
    }
}

impl From<PriorityInput> for PriorityWrite {
    fn from(input: PriorityInput) -> Self {
        PriorityWrite {
            fields: PriorityFields {
                ref_: input.r#ref,
                kind: input.kind,
                title: input.title.trim().to_string(),
                recommendation: input.recommendation,
                description: input.description,
                position: input.position,
                working_group_id: input.working_group_id,
            },
            sros: input.senior_responsible_owner_ids,
        }
    }
}

/// How priorities are loaded and stored, for the shared operations in `crud`.
pub struct Priorities;

impl Resource for Priorities {
    const TYPE: ResourceType = ResourceType::Priority;
    const COLLECTION: &'static str = "/api/v1/priorities";
    type Record = PriorityRecord;
    type Input = PriorityInput;
    type View = Priority;

    fn id(record: &PriorityRecord) -> &str {
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

    fn input_of(p: &PriorityRecord) -> PriorityInput {
        let row = &p.row;
        PriorityInput {
            r#ref: row.ref_.clone(),
            kind: row.kind,
            title: row.title.clone(),
            recommendation: row.recommendation.clone(),
            description: row.description.clone(),
            position: row.position,
            working_group_id: row.working_group_id.clone(),
            senior_responsible_owner_ids: p.sros.clone(),
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<PriorityRecord, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &PriorityRecord,
        input: Self::Input,
    ) -> Result<PriorityRecord, StoreError> {
        query::update(tx, &current.row.id, &current.row.plan_id, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &PriorityRecord) -> Result<(), StoreError> {
        query::delete(tx, &current.row.id)
    }

    const WRITERS: Writers<Self> = Writers::PlanEditors;
}

impl Child for Priorities {
    const PARENT: &'static str = "plan";

    fn insert_in(
        tx: &mut WriteTx<'_>,
        plan: &str,
        input: PriorityInput,
    ) -> Result<PriorityRecord, StoreError> {
        query::insert(tx, plan, input.into())
    }
}

/// Filters of the priority list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriorityQuery {
    pub plan_id: Option<String>,
    /// Only those of this plan, named by its id or its ref (`SEND-LAIAP-2025`).
    pub plan: Option<String>,
    /// One kind or several, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<PriorityKind>>, style = Form, explode = false, max_items = 20)]
    pub kind: Many<PriorityKind>,
    /// Only priorities this governance body works on.
    pub working_group_id: Option<String>,
    /// Only the priority with this business reference.
    pub r#ref: Option<String>,
}

impl PriorityQuery {
    fn into_filter(self) -> PriorityFilter {
        PriorityFilter {
            plan_id: self.plan_id,
            plan: self.plan,
            kind: self.kind.0,
            working_group_id: self.working_group_id,
            ref_: self.r#ref,
            published_only: false,
        }
    }
}

child_collection_endpoints! {
    resource: Priorities,
    view: Priority,
    input: PriorityInput,
    query: PriorityQuery,
    list_fn: query::list,
    tag: "priorities",
    parent: {
        filter: plan_id,
        id: "Plan id",
    },
    list: {
        handler: list_priorities,
        path: "/api/v1/priorities",
        operation_id: "priority_list",
        summary: "List priorities across plans",
        description: "A page of priorities, oldest first",
    },
    nested: {
        handler: list_plan_priorities,
        path: "/api/v1/plans/{id}/priorities",
        operation_id: "plan_priority_list",
        summary: "List a plan's priorities",
        description: "A page of the plan's priorities, oldest first",
    },
    create: {
        handler: create_priority,
        operation_id: "plan_priority_create",
        summary: "Add a priority to a plan",
        location: "URL of the new priority",
    },
}

find_endpoint! {
    resource: Priorities,
    view: Priority,
    handler: find_priority,
    path: "/api/v1/priorities/{id}",
    operation_id: "priority_view",
    tag: "priorities",
    id: "Priority id",
    summary: "Get one priority",
    found: "The priority",
}

change_endpoints! {
    resource: Priorities,
    view: Priority,
    input: PriorityInput,
    path: "/api/v1/priorities/{id}",
    tag: "priorities",
    id: "Priority id",
    stored: "The priority as stored",
    replace: {
        handler: replace_priority,
        operation_id: "priority_replace",
        summary: "Replace a priority's fields",
    },
    update: {
        handler: update_priority,
        operation_id: "priority_update",
        summary: "Change some of a priority's fields (JSON Merge Patch)",
        example: json!({"position": 2}),
    },
    delete: {
        handler: delete_priority,
        operation_id: "priority_delete",
        summary: "Delete a priority nothing refers to",
    },
}

history_endpoints! {
    resource: Priorities,
    list: priority_versions,
    one: priority_version,
    list_path: "/api/v1/priorities/{id}/versions",
    one_path: "/api/v1/priorities/{id}/versions/{version}",
    list_operation_id: "priority_version_list",
    one_operation_id: "priority_version_view",
    tag: "priorities",
    list_summary: "List the versions of a priority",
    one_summary: "Get one version of a priority",
}

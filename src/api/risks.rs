//! `/api/v1/risks` and `/api/v1/plans/{id}/risks`: a plan's risk register.

use chrono::NaiveDate;
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
};
use crate::{
    db::{
        risks::{self as query, RiskFields, RiskFilter, RiskRow},
        DbConnection, StoreError, WriteTx,
    },
    domain::plan::RiskStatus,
    domain::ResourceType,
};

/// A risk to a plan's delivery.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000401",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "ref": "R1",
    "title": "Speech and language therapy workforce shortfall",
    "likelihood": 4,
    "impact": 4,
    "score": 16,
    "owner_id": "019ab3c4-5e6f-7a00-8b00-0000000000b5",
    "mitigation": "Joint recruitment campaign; interim agency cover",
    "status": "open",
    "review_date": "2026-01-31",
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Risk {
    pub id: String,
    pub plan_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: i32,
    /// 1 (negligible) to 5 (severe).
    pub impact: i32,
    /// Likelihood times impact, 1 to 25.
    pub score: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<RiskRow> for Risk {
    fn from(row: RiskRow) -> Self {
        Risk {
            id: row.id.clone(),
            plan_id: row.plan_id.clone(),
            r#ref: row.ref_.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            likelihood: row.likelihood,
            impact: row.impact,
            score: row.likelihood * row.impact,
            owner_id: row.owner_id.clone(),
            mitigation: row.mitigation.clone(),
            status: row.status,
            review_date: row.review_date,
            audit: audit_of!(row),
        }
    }
}

/// The fields a client sets on a risk.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "R1", "title": "Speech and language therapy workforce shortfall", "likelihood": 4, "impact": 4, "status": "open", "review_date": "2026-01-31"}))]
pub struct RiskInput {
    #[validate(custom(function = rules::reference))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 64)]
    pub r#ref: Option<String>,
    #[validate(length(min = 1, max = 500), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub likelihood: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub impact: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub mitigation: Option<String>,
    /// `open` when left out.
    #[serde(default = "open")]
    pub status: RiskStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
}

fn open() -> RiskStatus {
    RiskStatus::Open
}

impl Input for RiskInput {}

impl From<RiskInput> for RiskFields {
    fn from(input: RiskInput) -> Self {
        RiskFields {
            ref_: input.r#ref,
            title: input.title.trim().to_string(),
            description: input.description,
            likelihood: input.likelihood,
            impact: input.impact,
            owner_id: input.owner_id,
            mitigation: input.mitigation,
            status: input.status,
            review_date: input.review_date,
        }
    }
}

/// How risks are loaded and stored, for the shared operations in `crud`.
pub struct Risks;

impl Resource for Risks {
    const TYPE: ResourceType = ResourceType::Risk;
    const COLLECTION: &'static str = "/api/v1/risks";
    type Record = RiskRow;
    type Input = RiskInput;
    type View = Risk;

    fn id(record: &RiskRow) -> &str {
        &record.id
    }

    fn version(record: &Self::Record) -> i64 {
        record.version
    }

    fn plan_id(
        _conn: &mut DbConnection,
        record: &Self::Record,
    ) -> Result<Option<String>, StoreError> {
        Ok(Some(record.plan_id.clone()))
    }

    fn input_of(row: &RiskRow) -> RiskInput {
        RiskInput {
            r#ref: row.ref_.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            likelihood: row.likelihood,
            impact: row.impact,
            owner_id: row.owner_id.clone(),
            mitigation: row.mitigation.clone(),
            status: row.status,
            review_date: row.review_date,
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<RiskRow, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &RiskRow,
        input: Self::Input,
    ) -> Result<RiskRow, StoreError> {
        query::update(tx, &current.id, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &RiskRow) -> Result<(), StoreError> {
        query::delete(tx, &current.id)
    }

    const WRITERS: Writers<Self> = Writers::PlanEditors;
}

impl Child for Risks {
    const PARENT: &'static str = "plan";

    fn insert_in(
        tx: &mut WriteTx<'_>,
        plan: &str,
        input: RiskInput,
    ) -> Result<RiskRow, StoreError> {
        query::insert(tx, plan, input.into())
    }
}

/// Filters of the risk list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    pub plan_id: Option<String>,
    /// Only those of this plan, named by its id or its ref (`SEND-LAIAP-2025`).
    pub plan: Option<String>,
    pub owner_id: Option<String>,
    /// One status or several, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<RiskStatus>>, style = Form, explode = false, max_items = 20)]
    pub status: Many<RiskStatus>,
    /// Only risks due for review before this day.
    pub review_before: Option<NaiveDate>,
}

impl RiskQuery {
    fn into_filter(self) -> RiskFilter {
        RiskFilter {
            plan_id: self.plan_id,
            plan: self.plan,
            owner_id: self.owner_id,
            status: self.status.0,
            review_before: self.review_before,
            published_only: false,
        }
    }
}

child_collection_endpoints! {
    resource: Risks,
    view: Risk,
    input: RiskInput,
    query: RiskQuery,
    list_fn: query::list,
    tag: "risks",
    parent: {
        filter: plan_id,
        id: "Plan id",
    },
    list: {
        handler: list_risks,
        path: "/api/v1/risks",
        operation_id: "risk_list",
        summary: "List risks across plans, filtered",
        description: "A page of risks, oldest first",
    },
    nested: {
        handler: list_plan_risks,
        path: "/api/v1/plans/{id}/risks",
        operation_id: "plan_risk_list",
        summary: "List a plan's risks",
        description: "A page of the plan's risks, oldest first",
    },
    create: {
        handler: create_risk,
        operation_id: "plan_risk_create",
        summary: "Add a risk to a plan's register",
        location: "URL of the new risk",
    },
}

find_endpoint! {
    resource: Risks,
    view: Risk,
    handler: find_risk,
    path: "/api/v1/risks/{id}",
    operation_id: "risk_view",
    tag: "risks",
    id: "Risk id",
    summary: "Get one risk",
    found: "The risk",
}

change_endpoints! {
    resource: Risks,
    view: Risk,
    input: RiskInput,
    path: "/api/v1/risks/{id}",
    tag: "risks",
    id: "Risk id",
    stored: "The risk as stored",
    replace: {
        handler: replace_risk,
        operation_id: "risk_replace",
        summary: "Replace a risk's fields",
    },
    update: {
        handler: update_risk,
        operation_id: "risk_update",
        summary: "Change some of a risk's fields (JSON Merge Patch)",
        example: json!({"likelihood": 2, "status": "mitigated"}),
    },
    delete: {
        handler: delete_risk,
        operation_id: "risk_delete",
        summary: "Delete a risk",
    },
}

history_endpoints! {
    resource: Risks,
    list: risk_versions,
    one: risk_version,
    list_path: "/api/v1/risks/{id}/versions",
    one_path: "/api/v1/risks/{id}/versions/{version}",
    list_operation_id: "risk_version_list",
    one_operation_id: "risk_version_view",
    tag: "risks",
    list_summary: "List the versions of a risk",
    one_summary: "Get one version of a risk",
}

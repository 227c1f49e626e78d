//! `/api/v1/governance-bodies`: boards, executives and groups, their chairs,
//! member organisations and reporting lines.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    crud::{self, Resource, TopLevel, Writers},
    endpoints::{change_endpoints, find_endpoint, history_endpoints},
    filters::Many,
    pagination::{self, PageQuery, Paginated},
    problems::{CreateErrors, ListErrors},
    request_body::{Input, Valid},
    rules,
};
use crate::{
    auth::Caller,
    db::{
        bodies::{self as query, Body as BodyRecord, BodyFields, BodyFilter, BodyWrite},
        DbConnection, Store, StoreError, WriteTx,
    },
    domain::governance::{BodyKind, Cadence, LineKind},
    domain::ResourceType,
    error::{ApiError, FieldError},
};

/// A line from this body up to one it reports to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c1", "line": "direct"}))]
pub struct ReportingLine {
    pub body_id: String,
    pub line: LineKind,
}

/// A board, executive or group that governs plans.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-0000000000c2",
    "name": "Best Start in Life Delivery Group",
    "kind": "working_group",
    "cadence": "monthly",
    "chair_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000b2"],
    "member_organisation_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000a1"],
    "reports_to": [
        {"body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c1", "line": "direct"},
        {"body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c3", "line": "dotted"}
    ],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct GovernanceBody {
    pub id: String,
    pub name: String,
    pub kind: BodyKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Owners who chair it, in order.
    pub chair_ids: Vec<String>,
    /// Organisations that sit on it.
    pub member_organisation_ids: Vec<String>,
    /// Bodies it reports to: `direct` for accountability, `dotted` to keep informed.
    pub reports_to: Vec<ReportingLine>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl From<BodyRecord> for GovernanceBody {
    fn from(body: BodyRecord) -> Self {
        let row = body.row;
        GovernanceBody {
            id: row.id,
            name: row.name,
            kind: row.kind,
            cadence: row.cadence,
            description: row.description,
            chair_ids: body.chairs,
            member_organisation_ids: body.members,
            reports_to: body
                .reports_to
                .into_iter()
                .map(|(body_id, line)| ReportingLine { body_id, line })
                .collect(),
            version: row.version,
            created_at: row.created_at.and_utc(),
            created_by: row.created_by,
            updated_at: row.updated_at.and_utc(),
            updated_by: row.updated_by,
        }
    }
}

/// The fields a client sets on a governance body.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "SEND Executive Board",
    "kind": "executive",
    "cadence": "quarterly",
    "description": "Leads from the ICB, provider trust, parent carer forum, school leaders and the City Council",
    "reports_to": [{"body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c1", "line": "direct"}]
}))]
pub struct GovernanceBodyInput {
    /// Unique.
    #[validate(length(min = 1, max = 200), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub kind: BodyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub chair_ids: Vec<String>,
    #[validate(length(max = 100))]
    #[serde(default)]
    #[schema(max_items = 100)]
    pub member_organisation_ids: Vec<String>,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub reports_to: Vec<ReportingLine>,
}

impl Input for GovernanceBodyInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        let parents: Vec<String> = self.reports_to.iter().map(|l| l.body_id.clone()).collect();
        [
            rules::repeated("chair_ids", &self.chair_ids),
            rules::repeated("member_organisation_ids", &self.member_organisation_ids),
            rules::repeated("reports_to", &parents),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl From<GovernanceBodyInput> for BodyWrite {
    fn from(input: GovernanceBodyInput) -> Self {
        BodyWrite {
            fields: BodyFields {
                name: input.name.trim().to_string(),
                kind: input.kind,
                cadence: input.cadence,
                description: input.description,
            },
            chairs: input.chair_ids,
            members: input.member_organisation_ids,
            reports_to: input
                .reports_to
                .into_iter()
                .map(|l| (l.body_id, l.line))
                .collect(),
        }
    }
}

/// How governance bodies are loaded and stored, for the shared operations in `crud`.
pub struct GovernanceBodies;

impl Resource for GovernanceBodies {
    const TYPE: ResourceType = ResourceType::GovernanceBody;
    const COLLECTION: &'static str = "/api/v1/governance-bodies";
    type Record = BodyRecord;
    type Input = GovernanceBodyInput;
    type View = GovernanceBody;

    fn id(record: &BodyRecord) -> &str {
        &record.row.id
    }

    fn version(record: &Self::Record) -> i64 {
        record.row.version
    }

    fn plan_id(
        _conn: &mut DbConnection,
        _record: &Self::Record,
    ) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn input_of(body: &BodyRecord) -> GovernanceBodyInput {
        GovernanceBodyInput {
            name: body.row.name.clone(),
            kind: body.row.kind,
            cadence: body.row.cadence,
            description: body.row.description.clone(),
            chair_ids: body.chairs.clone(),
            member_organisation_ids: body.members.clone(),
            reports_to: body
                .reports_to
                .iter()
                .map(|(body_id, line)| ReportingLine {
                    body_id: body_id.clone(),
                    line: *line,
                })
                .collect(),
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<BodyRecord, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &BodyRecord,
        input: Self::Input,
    ) -> Result<BodyRecord, StoreError> {
        query::update(tx, &current.row.id, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &BodyRecord) -> Result<(), StoreError> {
        query::delete(tx, &current.row.id)
    }

    const WRITERS: Writers<Self> = Writers::Admins;
}

impl TopLevel for GovernanceBodies {
    fn insert(tx: &mut WriteTx<'_>, input: GovernanceBodyInput) -> Result<BodyRecord, StoreError> {
        query::insert(tx, input.into())
    }
}

/// Filters of the governance body list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GovernanceBodyQuery {
    /// Only bodies of this kind, or of these, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<BodyKind>>, style = Form, explode = false, max_items = 20)]
    pub kind: Many<BodyKind>,
    /// Only bodies with a reporting line (direct or dotted) to this body.
    pub reports_to: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/governance-bodies",
    operation_id = "governance_body_list",
    tag = "governance-bodies",
    summary = "List governance bodies",
    params(PageQuery, GovernanceBodyQuery),
    responses((status = 200, description = "A page of governance bodies, oldest first", body = Paginated<GovernanceBody>), ListErrors)
)]
pub async fn list_bodies(
    req: HttpRequest,
    store: web::Data<Store>,
    page: web::Query<PageQuery>,
    filter: web::Query<GovernanceBodyQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let filter = BodyFilter {
        kind: filter.kind.0.clone(),
        reports_to: filter.reports_to.clone(),
    };
    let bodies = store
        .read(move |conn| query::list(conn, &filter, &page))
        .await?;
    Ok(pagination::respond(&req, bodies, GovernanceBody::from))
}

find_endpoint! {
    resource: GovernanceBodies,
    view: GovernanceBody,
    handler: find_body,
    path: "/api/v1/governance-bodies/{id}",
    operation_id: "governance_body_view",
    tag: "governance-bodies",
    id: "Governance body id",
    summary: "Get one governance body",
    found: "The governance body",
}

change_endpoints! {
    resource: GovernanceBodies,
    view: GovernanceBody,
    input: GovernanceBodyInput,
    path: "/api/v1/governance-bodies/{id}",
    tag: "governance-bodies",
    id: "Governance body id",
    stored: "The body as stored",
    replace: {
        handler: replace_body,
        operation_id: "governance_body_replace",
        summary: "Replace a governance body's fields and links",
    },
    update: {
        handler: update_body,
        operation_id: "governance_body_update",
        summary: "Change some of a governance body's fields (JSON Merge Patch)",
        example: json!({"cadence": "monthly"}),
    },
    delete: {
        handler: delete_body,
        operation_id: "governance_body_delete",
        summary: "Delete a governance body nothing refers to",
    },
}

#[utoipa::path(
    post,
    path = "/api/v1/governance-bodies",
    operation_id = "governance_body_create",
    tag = "governance-bodies",
    summary = "Create a governance body",
    description = "A reporting line that would make a body report to itself, directly or through others, is refused with 422 `cycle`.",
    request_body = GovernanceBodyInput,
    responses(
        (status = 201, description = "Created; `Location` names the new body", body = GovernanceBody,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "URL of the new body"))),
        CreateErrors
    )
)]
pub async fn create_body(
    store: web::Data<Store>,
    caller: Caller,
    body: Valid<GovernanceBodyInput>,
) -> Result<HttpResponse, ApiError> {
    crud::create::<GovernanceBodies>(&store, caller, body.0).await
}

history_endpoints! {
    resource: GovernanceBodies,
    list: governance_body_versions,
    one: governance_body_version,
    list_path: "/api/v1/governance-bodies/{id}/versions",
    one_path: "/api/v1/governance-bodies/{id}/versions/{version}",
    list_operation_id: "governance_body_version_list",
    one_operation_id: "governance_body_version_view",
    tag: "governance-bodies",
    list_summary: "List the versions of a governance body",
    one_summary: "Get one version of a governance body",
}

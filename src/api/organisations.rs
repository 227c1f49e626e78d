//! `/api/v1/organisations`: the partner bodies.

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
        organisations::{self as query, OrganisationFields, OrganisationFilter, OrganisationRow},
        DbConnection, Store, StoreError, WriteTx,
    },
    domain::organisation::OrganisationKind,
    domain::ResourceType,
    error::ApiError,
};

/// How organisations are loaded and stored, for the shared operations in `crud`.
pub struct Organisations;

impl Resource for Organisations {
    const TYPE: ResourceType = ResourceType::Organisation;
    const COLLECTION: &'static str = "/api/v1/organisations";
    type Record = OrganisationRow;
    type Input = OrganisationInput;
    type View = Organisation;

    fn id(record: &OrganisationRow) -> &str {
        &record.id
    }

    fn version(record: &Self::Record) -> i64 {
        record.version
    }

    fn plan_id(
        _conn: &mut DbConnection,
        _record: &Self::Record,
    ) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn input_of(record: &OrganisationRow) -> OrganisationInput {
        OrganisationInput::from(record)
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<OrganisationRow, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &OrganisationRow,
        input: Self::Input,
    ) -> Result<OrganisationRow, StoreError> {
        query::update(tx, &current.id, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &OrganisationRow) -> Result<(), StoreError> {
        query::delete(tx, &current.id)
    }

    const WRITERS: Writers<Self> = Writers::Admins;
}

impl TopLevel for Organisations {
    fn insert(
        tx: &mut WriteTx<'_>,
        input: OrganisationInput,
    ) -> Result<OrganisationRow, StoreError> {
        query::insert(tx, input.into())
    }
}

/// A partner body of the partnership.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-0000000000a1",
    "code": "MKCC",
    "name": "Milton Keynes City Council",
    "kind": "local_authority",
    "website": "https://www.milton-keynes.gov.uk",
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Organisation {
    /// Opaque id.
    pub id: String,
    /// Short code, unique: `MKCC`, `BLMK ICB`, `CNWL`, `PACA MK`.
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Starts at 1 and goes up by one with every change.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl From<OrganisationRow> for Organisation {
    fn from(row: OrganisationRow) -> Self {
        Organisation {
            id: row.id,
            code: row.code,
            name: row.name,
            kind: row.kind,
            website: row.website,
            version: row.version,
            created_at: row.created_at.and_utc(),
            created_by: row.created_by,
            updated_at: row.updated_at.and_utc(),
            updated_by: row.updated_by,
        }
    }
}

/// The fields a client sets on an organisation (POST and PUT; PATCH merges into them).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "CNWL",
    "name": "Central and North West London NHS Foundation Trust",
    "kind": "nhs_trust"
}))]
pub struct OrganisationInput {
    /// 1 to 32 letters, digits, spaces or `& - . '`; unique.
    #[validate(custom(function = rules::code))]
    #[schema(min_length = 1, max_length = 32, example = "CNWL")]
    pub code: String,
    #[validate(length(min = 1, max = 200), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub kind: OrganisationKind,
    #[validate(url, length(max = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Uri, max_length = 500)]
    pub website: Option<String>,
}

impl Input for OrganisationInput {}

impl From<OrganisationInput> for OrganisationFields {
    fn from(input: OrganisationInput) -> Self {
        OrganisationFields {
            code: input.code,
            name: input.name.trim().to_string(),
            kind: input.kind,
            website: input.website,
        }
    }
}

impl From<&OrganisationRow> for OrganisationInput {
    fn from(row: &OrganisationRow) -> Self {
        OrganisationInput {
            code: row.code.clone(),
            name: row.name.clone(),
            kind: row.kind,
            website: row.website.clone(),
        }
    }
}

/// Filters of the organisation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Only organisations of this kind, or of these, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<OrganisationKind>>, style = Form, explode = false, max_items = 20)]
    pub kind: Many<OrganisationKind>,
    /// Only the organisation with this code, e.g. `MKCC`.
    pub code: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    operation_id = "organisation_list",
    tag = "organisations",
    summary = "List organisations",
    params(PageQuery, OrganisationQuery),
    responses((status = 200, description = "A page of organisations, oldest first", body = Paginated<Organisation>), ListErrors)
)]
pub async fn list_organisations(
    req: HttpRequest,
    store: web::Data<Store>,
    page: web::Query<PageQuery>,
    filter: web::Query<OrganisationQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let filter = OrganisationFilter {
        kind: filter.kind.0.clone(),
        code: filter.code.clone(),
    };
    let rows = store
        .read(move |conn| query::list(conn, &filter, &page))
        .await?;
    Ok(pagination::respond(&req, rows, Organisation::from))
}

find_endpoint! {
    resource: Organisations,
    view: Organisation,
    handler: find_organisation,
    path: "/api/v1/organisations/{id}",
    operation_id: "organisation_view",
    tag: "organisations",
    id: "Organisation id",
    summary: "Get one organisation",
    found: "The organisation",
}

change_endpoints! {
    resource: Organisations,
    view: Organisation,
    input: OrganisationInput,
    path: "/api/v1/organisations/{id}",
    tag: "organisations",
    id: "Organisation id",
    stored: "The organisation as stored",
    replace: {
        handler: replace_organisation,
        operation_id: "organisation_replace",
        summary: "Replace an organisation's fields",
    },
    update: {
        handler: update_organisation,
        operation_id: "organisation_update",
        summary: "Change some of an organisation's fields (JSON Merge Patch)",
        example: json!({"website": "https://www.cnwl.nhs.uk"}),
    },
    delete: {
        handler: delete_organisation,
        operation_id: "organisation_delete",
        summary: "Delete an organisation nothing refers to",
    },
}

#[utoipa::path(
    post,
    path = "/api/v1/organisations",
    operation_id = "organisation_create",
    tag = "organisations",
    summary = "Create an organisation",
    request_body = OrganisationInput,
    responses(
        (status = 201, description = "Created; `Location` names the new organisation", body = Organisation,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "URL of the new organisation"))),
        CreateErrors
    )
)]
pub async fn create_organisation(
    store: web::Data<Store>,
    caller: Caller,
    body: Valid<OrganisationInput>,
) -> Result<HttpResponse, ApiError> {
    crud::create::<Organisations>(&store, caller, body.0).await
}

history_endpoints! {
    resource: Organisations,
    list: organisation_versions,
    one: organisation_version,
    list_path: "/api/v1/organisations/{id}/versions",
    one_path: "/api/v1/organisations/{id}/versions/{version}",
    list_operation_id: "organisation_version_list",
    one_operation_id: "organisation_version_view",
    tag: "organisations",
    list_summary: "List the versions of an organisation",
    one_summary: "Get one version of an organisation",
}

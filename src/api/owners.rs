//! `/api/v1/owners`: posts, teams and people who own plans, actions and measures.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
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
        owners::{
            self as query, HolderFields, HolderRow, Owner as OwnerRecord, OwnerFields, OwnerFilter,
        },
        DbConnection, Store, StoreError, WriteTx,
    },
    domain::ResourceType,
    domain::{external_ref::ExternalRef, owner::OwnerKind},
    error::{ApiError, FieldError},
};

/// How owners are loaded and stored, for the shared operations in `crud`.
pub struct Owners;

impl Resource for Owners {
    const TYPE: ResourceType = ResourceType::Owner;
    const COLLECTION: &'static str = "/api/v1/owners";
    type Record = OwnerRecord;
    type Input = OwnerInput;
    type View = Owner;

    fn id(record: &OwnerRecord) -> &str {
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

    fn input_of(record: &OwnerRecord) -> OwnerInput {
        OwnerInput::from(record)
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<OwnerRecord, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &OwnerRecord,
        input: Self::Input,
    ) -> Result<OwnerRecord, StoreError> {
        let (fields, holders, refs) = input.into_fields();
        query::update(tx, &current.row.id, fields, &holders, &refs)
    }

    fn delete(tx: &mut WriteTx<'_>, current: &OwnerRecord) -> Result<(), StoreError> {
        query::delete(tx, &current.row.id)
    }

    const WRITERS: Writers<Self> = Writers::Admins;
}

impl TopLevel for Owners {
    fn insert(tx: &mut WriteTx<'_>, input: OwnerInput) -> Result<OwnerRecord, StoreError> {
        let (fields, holders, refs) = input.into_fields();
        query::insert(tx, fields, &holders, &refs)
    }
}

/// A post, team or person that owns things in the plans.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-0000000000b2",
    "kind": "post",
    "name": "Director of Children's Services",
    "organisation_id": "019ab3c4-5e6f-7a00-8b00-0000000000a1",
    "holders": [{"name": "Michael Bracey", "from": "2015-04-01", "to": "2016-03-31"}, {"name": "Mac Heath", "from": "2021-04-01"}],
    "current_holder": {"name": "Mac Heath", "from": "2021-04-01"},
    "external_refs": [],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Owner {
    pub id: String,
    pub kind: OwnerKind,
    /// The post's title, the team's name or the person's name.
    pub name: String,
    /// The organisation it belongs to; absent for a partnership-wide team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who has held the post, oldest first (posts only), with the dates they held it.
    pub holders: Vec<Holder>,
    /// Who holds the post now: the holder without an end date (the latest listed
    /// when several have none); absent when every holder has left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_holder: Option<Holder>,
    /// Partner systems' ids for this owner.
    pub external_refs: Vec<ExternalRef>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// A person holding a post for a period; no `to` means they still hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mac Heath", "from": "2021-04-01"}))]
pub struct Holder {
    #[validate(length(min = 1, max = 200), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(email)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Email)]
    pub email: Option<String>,
    /// First day in the post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day in the post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl From<OwnerRecord> for Owner {
    fn from(owner: OwnerRecord) -> Self {
        let row = owner.row;
        Owner {
            id: row.id,
            kind: row.kind,
            name: row.name,
            organisation_id: row.organisation_id,
            email: row.email,
            description: row.description,
            current_holder: owner
                .holders
                .iter()
                .rev()
                .find(|h| h.ended_on.is_none())
                .cloned()
                .map(Holder::from),
            holders: owner.holders.into_iter().map(Holder::from).collect(),
            external_refs: owner.external_refs,
            version: row.version,
            created_at: row.created_at.and_utc(),
            created_by: row.created_by,
            updated_at: row.updated_at.and_utc(),
            updated_by: row.updated_by,
        }
    }
}

impl From<HolderRow> for Holder {
    fn from(row: HolderRow) -> Self {
        Holder {
            name: row.name,
            email: row.email,
            from: row.started_on,
            to: row.ended_on,
        }
    }
}

/// The fields a client sets on an owner (POST and PUT; PATCH merges into them).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "post",
    "name": "CAMHS Transformation lead",
    "organisation_id": "019ab3c4-5e6f-7a00-8b00-0000000000a3",
    "holders": [{"name": "Jo Bloggs", "from": "2024-03-01"}]
}))]
pub struct OwnerInput {
    pub kind: OwnerKind,
    #[validate(length(min = 1, max = 200), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Id of an existing organisation; leave out for a partnership-wide team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<String>,
    #[validate(email)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Email)]
    pub email: Option<String>,
    #[validate(length(max = 2000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Posts only: who held the post and when.
    #[validate(length(max = 100), nested)]
    #[serde(default)]
    #[schema(max_items = 100)]
    pub holders: Vec<Holder>,
    /// Partner systems' ids for this owner, each unique within its system.
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub external_refs: Vec<ExternalRef>,
}

impl Input for OwnerInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.kind != OwnerKind::Post && !self.holders.is_empty() {
            errors.push(FieldError {
                field: "holders".into(),
                code: "not_allowed".into(),
                message: format!("only a post has holders, not a {}", self.kind),
            });
        }
        for (i, holder) in self.holders.iter().enumerate() {
            if let (Some(from), Some(to)) = (holder.from, holder.to) {
                if to < from {
                    errors.push(FieldError {
                        field: format!("holders[{i}].to"),
                        code: "date_order".into(),
                        message: "must not be before from".into(),
                    });
                }
            }
        }
        errors.extend(rules::repeated_refs("external_refs", &self.external_refs));
        errors
    }
}

impl OwnerInput {
    fn into_fields(self) -> (OwnerFields, Vec<HolderFields>, Vec<ExternalRef>) {
        let holders = self
            .holders
            .into_iter()
            .map(|h| HolderFields {
                name: h.name.trim().to_string(),
                email: h.email,
                started_on: h.from,
                ended_on: h.to,
            })
            .collect();
        let fields = OwnerFields {
            kind: self.kind,
            name: self.name.trim().to_string(),
            organisation_id: self.organisation_id,
            email: self.email,
            description: self.description,
        };
        (fields, holders, self.external_refs)
    }
}

impl From<&OwnerRecord> for OwnerInput {
    fn from(owner: &OwnerRecord) -> Self {
        OwnerInput {
            kind: owner.row.kind,
            name: owner.row.name.clone(),
            organisation_id: owner.row.organisation_id.clone(),
            email: owner.row.email.clone(),
            description: owner.row.description.clone(),
            holders: owner.holders.iter().cloned().map(Holder::from).collect(),
            external_refs: owner.external_refs.clone(),
        }
    }
}

/// Filters of the owner list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerQuery {
    /// Only owners of this kind, or of these, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<OwnerKind>>, style = Form, explode = false, max_items = 20)]
    pub kind: Many<OwnerKind>,
    /// Only owners belonging to this organisation.
    pub organisation_id: Option<String>,
    /// The same, naming the organisation by its id or its code (`CNWL`).
    pub organisation: Option<String>,
    /// Only the owner a partner system knows by this id, written `system:id`, e.g. `cnwl-esr:POST-1187`.
    pub external_ref: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/owners",
    operation_id = "owner_list",
    tag = "owners",
    summary = "List owners",
    params(PageQuery, OwnerQuery),
    responses((status = 200, description = "A page of owners, oldest first", body = Paginated<Owner>), ListErrors)
)]
pub async fn list_owners(
    req: HttpRequest,
    store: web::Data<Store>,
    page: web::Query<PageQuery>,
    filter: web::Query<OwnerQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let filter = OwnerFilter {
        kind: filter.kind.0.clone(),
        organisation_id: filter.organisation_id.clone(),
        organisation: filter.organisation.clone(),
        external_ref: filter.external_ref.as_deref().map(rules::external_filter),
    };
    let owners = store
        .read(move |conn| query::list(conn, &filter, &page))
        .await?;
    Ok(pagination::respond(&req, owners, Owner::from))
}

find_endpoint! {
    resource: Owners,
    view: Owner,
    handler: find_owner,
    path: "/api/v1/owners/{id}",
    operation_id: "owner_view",
    tag: "owners",
    id: "Owner id",
    summary: "Get one owner",
    found: "The owner",
}

change_endpoints! {
    resource: Owners,
    view: Owner,
    input: OwnerInput,
    path: "/api/v1/owners/{id}",
    tag: "owners",
    id: "Owner id",
    stored: "The owner as stored",
    replace: {
        handler: replace_owner,
        operation_id: "owner_replace",
        summary: "Replace an owner's fields and holders",
    },
    update: {
        handler: update_owner,
        operation_id: "owner_update",
        summary: "Change some of an owner's fields (JSON Merge Patch)",
        example: json!({"holders": [{"name": "Mac Heath", "from": "2021-04-01", "to": "2026-08-31"}, {"name": "Ann Other", "from": "2026-09-01"}]}),
    },
    delete: {
        handler: delete_owner,
        operation_id: "owner_delete",
        summary: "Delete an owner",
    },
}

#[utoipa::path(
    post,
    path = "/api/v1/owners",
    operation_id = "owner_create",
    tag = "owners",
    summary = "Create an owner",
    request_body = OwnerInput,
    responses(
        (status = 201, description = "Created; `Location` names the new owner", body = Owner,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "URL of the new owner"))),
        CreateErrors
    )
)]
pub async fn create_owner(
    store: web::Data<Store>,
    caller: Caller,
    body: Valid<OwnerInput>,
) -> Result<HttpResponse, ApiError> {
    crud::create::<Owners>(&store, caller, body.0).await
}

history_endpoints! {
    resource: Owners,
    list: owner_versions,
    one: owner_version,
    list_path: "/api/v1/owners/{id}/versions",
    one_path: "/api/v1/owners/{id}/versions/{version}",
    list_operation_id: "owner_version_list",
    one_operation_id: "owner_version_view",
    tag: "owners",
    list_summary: "List the versions of an owner",
    one_summary: "Get one version of an owner",
}

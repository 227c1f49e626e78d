//! `…/{id}/versions` for every stored resource: the revisions each write stored,
//! readable after the resource itself is deleted.

use actix_web::{web, HttpRequest, HttpResponse};

use super::{
    actions::Actions,
    crud::{self, Revision, RevisionPage, VersionPageQuery},
    governance_bodies::GovernanceBodies,
    measures::Measures,
    organisations::Organisations,
    outcomes::Outcomes,
    owners::Owners,
    plans::Plans,
    priorities::Priorities,
    problems::{ListErrors, ViewErrors},
    readings::Readings,
    risks::Risks,
};
use crate::{db::Store, error::ApiError};

/// Declares the two history handlers of one resource with their OpenAPI
/// annotations (utoipa needs a function per path).
macro_rules! history {
    (resource: $resource:ty, list: $list:ident, one: $one:ident, list_path: $list_path:literal,
     one_path: $one_path:literal, list_operation_id: $list_op:literal,
     one_operation_id: $one_op:literal, tag: $tag:literal, list_summary: $list_summary:literal,
     one_summary: $one_summary:literal $(,)?) => {
        #[utoipa::path(
            get,
            path = $list_path,
            operation_id = $list_op,
            tag = $tag,
            summary = $list_summary,
            params(("id" = String, Path, description = "Resource id"), VersionPageQuery),
            responses(
                (status = 200, description = "Its versions, oldest first; `next` and `Link` lead on", body = RevisionPage),
                ListErrors, ViewErrors
            )
        )]
        pub async fn $list(
            req: HttpRequest,
            store: web::Data<Store>,
            id: web::Path<String>,
            page: web::Query<VersionPageQuery>,
        ) -> Result<HttpResponse, ApiError> {
            crud::versions::<$resource>(&req, &store, id.into_inner(), page.into_inner()).await
        }

        #[utoipa::path(
            get,
            path = $one_path,
            operation_id = $one_op,
            tag = $tag,
            summary = $one_summary,
            params(("id" = String, Path, description = "Resource id"), ("version" = i64, Path, description = "Version number, from 1")),
            responses(
                (status = 200, description = "The version as written", body = Revision,
                    headers(("ETag" = String, description = "The version, quoted"))),
                ViewErrors
            )
        )]
        pub async fn $one(store: web::Data<Store>, path: web::Path<(String, i64)>) -> Result<HttpResponse, ApiError> {
            let (id, version) = path.into_inner();
            crud::version::<$resource>(&store, id, version).await
        }
    };
}

history! {
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

history! {
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

history! {
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

history! {
    resource: Plans,
    list: plan_versions,
    one: plan_version,
    list_path: "/api/v1/plans/{id}/versions",
    one_path: "/api/v1/plans/{id}/versions/{version}",
    list_operation_id: "plan_version_list",
    one_operation_id: "plan_version_view",
    tag: "plans",
    list_summary: "List the versions of a plan",
    one_summary: "Get one version of a plan",
}

history! {
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

history! {
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

history! {
    resource: Actions,
    list: action_versions,
    one: action_version,
    list_path: "/api/v1/actions/{id}/versions",
    one_path: "/api/v1/actions/{id}/versions/{version}",
    list_operation_id: "action_version_list",
    one_operation_id: "action_version_view",
    tag: "actions",
    list_summary: "List the versions of an action",
    one_summary: "Get one version of an action",
}

history! {
    resource: Measures,
    list: measure_versions,
    one: measure_version,
    list_path: "/api/v1/measures/{id}/versions",
    one_path: "/api/v1/measures/{id}/versions/{version}",
    list_operation_id: "measure_version_list",
    one_operation_id: "measure_version_view",
    tag: "measures",
    list_summary: "List the versions of a measure",
    one_summary: "Get one version of a measure",
}

history! {
    resource: Readings,
    list: reading_versions,
    one: reading_version,
    list_path: "/api/v1/readings/{id}/versions",
    one_path: "/api/v1/readings/{id}/versions/{version}",
    list_operation_id: "reading_version_list",
    one_operation_id: "reading_version_view",
    tag: "readings",
    list_summary: "List the versions of a reading",
    one_summary: "Get one version of a reading",
}

history! {
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

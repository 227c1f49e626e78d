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
    ($resource:ty, $list:ident, $one:ident, $list_path:literal, $one_path:literal,
     $list_op:literal, $one_op:literal, $tag:literal, $list_summary:literal, $one_summary:literal) => {
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

history!(
    Organisations,
    organisation_versions,
    organisation_version,
    "/api/v1/organisations/{id}/versions",
    "/api/v1/organisations/{id}/versions/{version}",
    "organisation_version_list",
    "organisation_version_view",
    "organisations",
    "List the versions of an organisation",
    "Get one version of an organisation"
);

history!(
    Owners,
    owner_versions,
    owner_version,
    "/api/v1/owners/{id}/versions",
    "/api/v1/owners/{id}/versions/{version}",
    "owner_version_list",
    "owner_version_view",
    "owners",
    "List the versions of an owner",
    "Get one version of an owner"
);

history!(
    GovernanceBodies,
    governance_body_versions,
    governance_body_version,
    "/api/v1/governance-bodies/{id}/versions",
    "/api/v1/governance-bodies/{id}/versions/{version}",
    "governance_body_version_list",
    "governance_body_version_view",
    "governance-bodies",
    "List the versions of a governance body",
    "Get one version of a governance body"
);

history!(
    Plans,
    plan_versions,
    plan_version,
    "/api/v1/plans/{id}/versions",
    "/api/v1/plans/{id}/versions/{version}",
    "plan_version_list",
    "plan_version_view",
    "plans",
    "List the versions of a plan",
    "Get one version of a plan"
);

history!(
    Priorities,
    priority_versions,
    priority_version,
    "/api/v1/priorities/{id}/versions",
    "/api/v1/priorities/{id}/versions/{version}",
    "priority_version_list",
    "priority_version_view",
    "priorities",
    "List the versions of a priority",
    "Get one version of a priority"
);

history!(
    Outcomes,
    outcome_versions,
    outcome_version,
    "/api/v1/outcomes/{id}/versions",
    "/api/v1/outcomes/{id}/versions/{version}",
    "outcome_version_list",
    "outcome_version_view",
    "outcomes",
    "List the versions of an outcome",
    "Get one version of an outcome"
);

history!(
    Actions,
    action_versions,
    action_version,
    "/api/v1/actions/{id}/versions",
    "/api/v1/actions/{id}/versions/{version}",
    "action_version_list",
    "action_version_view",
    "actions",
    "List the versions of an action",
    "Get one version of an action"
);

history!(
    Measures,
    measure_versions,
    measure_version,
    "/api/v1/measures/{id}/versions",
    "/api/v1/measures/{id}/versions/{version}",
    "measure_version_list",
    "measure_version_view",
    "measures",
    "List the versions of a measure",
    "Get one version of a measure"
);

history!(
    Readings,
    reading_versions,
    reading_version,
    "/api/v1/readings/{id}/versions",
    "/api/v1/readings/{id}/versions/{version}",
    "reading_version_list",
    "reading_version_view",
    "readings",
    "List the versions of a reading",
    "Get one version of a reading"
);

history!(
    Risks,
    risk_versions,
    risk_version,
    "/api/v1/risks/{id}/versions",
    "/api/v1/risks/{id}/versions/{version}",
    "risk_version_list",
    "risk_version_view",
    "risks",
    "List the versions of a risk",
    "Get one version of a risk"
);

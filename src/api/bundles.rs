//! `POST /api/v1/plan-bundles` and `GET /api/v1/plans/{id}/bundle`: a plan whole,
//! in and out, as one JSON document (the format and its import and export are in
//! `crate::bundles`).

use actix_web::{
    http::{header, StatusCode},
    web, HttpResponse,
};

use super::{
    idempotency,
    problems::{CreateErrors, ViewErrors},
    request_body::JsonBody,
};
use crate::{
    auth::{scope, Caller},
    bundles::{export, import, parse, Bundle, EntryLimit, ImportReport},
    db::{idempotency::Answer, Store},
    error::ApiError,
};

#[utoipa::path(
    post,
    path = "/api/v1/plan-bundles",
    operation_id = "plan_bundle_import",
    tag = "plans",
    summary = "Import a plan whole: create it, or update it in place by ref",
    description = "Stores the bundle in one transaction: all of it or, on any error, none. \
        Organisations, owners and governance bodies are matched by code or name and created \
        when missing (creating them needs an admin). The plan is matched by `ref`; its items by \
        ref (risks without one by title, readings by period and cohort). Only what differs gets \
        a new version, so importing the same bundle again changes nothing; items the plan holds \
        and the bundle does not are deleted, their history kept. A 422 names the path of every \
        bad element, e.g. `priorities[2].outcomes[0].actions[5].due`.",
    request_body = Bundle,
    responses(
        (status = 201, description = "The plan was created; `Location` names it", body = ImportReport,
            headers(("Location" = String, description = "URL of the plan"))),
        (status = 200, description = "The plan existed and was brought up to date", body = ImportReport,
            headers(("Location" = String, description = "URL of the plan"))),
        CreateErrors
    )
)]
pub async fn import_bundle(
    store: web::Data<Store>,
    limit: web::Data<EntryLimit>,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    limit.check(&body.0)?;
    let bundle = parse(body.0)?;
    let who = caller.principal()?.clone();
    idempotency::write(
        &store,
        caller.actor(),
        move |tx| import(tx, &who, &bundle),
        |report| {
            let status = match report.plan.created > 0 {
                true => StatusCode::CREATED,
                false => StatusCode::OK,
            };
            let location = format!("/api/v1/plans/{}", report.plan_id);
            Answer::json(status, &[(header::LOCATION, location)], &report)
        },
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/bundle",
    operation_id = "plan_bundle_export",
    tag = "plans",
    summary = "Export a plan whole, as a bundle that imports back to the same plan",
    params(("id" = String, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan with everything in it and everything it refers to", body = Bundle),
        ViewErrors
    )
)]
pub async fn export_bundle(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let only_published = caller.sees_only_published();
    let bundle = store
        .read(move |conn| {
            scope::readable(conn, only_published, Some(&id), "plan", &id)?;
            export(conn, &id).map_err(ApiError::from_store("plan", &id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(bundle))
}

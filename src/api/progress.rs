//! `GET /api/v1/plans/{id}/progress`: a plan's progress page, for people — its
//! priorities, actions with BRAG and latest narrative, measures with their
//! charts, and the highlight reports published to its boards.

use std::collections::HashMap;

use actix_web::{http::header, web, HttpResponse};
use chrono::Utc;

use super::{highlight_reports::content_tag, problems::ViewErrors};
use crate::{
    auth::{scope, Caller},
    db::{bodies, highlight_reports, keys, DbConnection, Store, StoreError},
    error::ApiError,
    reports::{
        draft,
        html::render_progress,
        progress::{ProgressArea, ProgressPage, PublishedReportLink},
    },
};

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/progress",
    operation_id = "plan_progress_view",
    tag = "plans",
    summary = "A plan's progress page (HTML, for people)",
    description = "The plan as it stands: its headline counts, each priority with its actions' \
        BRAG and latest narrative, each measure with a chart of its readings against target, and \
        links to the highlight reports published to its boards. Rendered on the server, needs \
        no JavaScript, meets WCAG 2.1 AA and prints as A4. Without a token (where the \
        deployment allows public reading) only for a published plan.",
    params(("id" = String, Path, description = "Plan id, or its ref (`SEND-LAIAP-2025`)")),
    responses(
        (status = 200, description = "The page", content((String = "text/html")),
            headers(("ETag" = String, description = "The SHA-256 of the page, quoted"))),
        ViewErrors
    )
)]
pub async fn plan_progress(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let only_published = caller.sees_only_published();
    let page = store
        .read(move |conn| {
            // A ref no (visible) plan has is a page that is not there.
            let plan = keys::plan_key(conn, &id, only_published).map_err(|e| match e {
                StoreError::UnknownKey { .. } => ApiError::not_found("plan", id.clone()),
                other => other.into(),
            })?;
            scope::readable(conn, only_published, Some(&plan), "plan", &plan)?;
            progress(conn, &plan)
        })
        .await?;
    let html = render_progress(&page)
        .map_err(|e| ApiError::Internal(format!("rendering a progress page: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::ETAG,
            format!("\"{}\"", content_tag(html.as_bytes())),
        ))
        .content_type("text/html; charset=utf-8")
        .body(html))
}

fn progress(conn: &mut DbConnection, plan: &str) -> Result<ProgressPage, ApiError> {
    let as_at = Utc::now();
    let reading = draft::read(conn, plan, as_at, None, None)?;
    let mut names: HashMap<String, String> = HashMap::new();
    let mut reports = Vec::new();
    for (id, meeting_date, body) in highlight_reports::published_of(conn, plan)? {
        if !names.contains_key(&body) {
            let name = bodies::get(conn, &body)
                .map(|b| b.row.name)
                .unwrap_or_default();
            names.insert(body.clone(), name);
        }
        reports.push(PublishedReportLink {
            meeting_date,
            body: names.get(&body).cloned().unwrap_or_default(),
            href: format!("/api/v1/highlight-reports/{id}?format=html"),
        });
    }
    Ok(ProgressPage {
        plan: reading.plan,
        summary: reading.summary,
        as_at,
        actions: reading.actions,
        measures: reading.measures,
        areas: reading
            .areas
            .into_iter()
            .map(|(area, actions)| ProgressArea {
                r#ref: area.r#ref,
                title: area.title,
                actions,
            })
            .collect(),
        measure_lines: reading.measure_lines,
        reports,
    })
}

//! Comments on a draft highlight report, and publishing it: the plan is read
//! once more as it stood at the papers' cut-off, and the report is frozen as
//! presented.

use actix_web::{http::header, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{
    conditional::{with_etag, IfMatch},
    crud::{self, record},
    highlight_reports::{
        content_tag, drafted, reading_instant, still_draft, HighlightReport, HighlightReports,
    },
    problems::UpdateErrors,
    request_body::{Input, Valid},
    rules,
};
use crate::{
    auth::{scope, Caller},
    db::{
        highlight_reports::{self as query, DraftFields, ReportRow},
        locks, meetings, Store,
    },
    domain::{change::Operation, ResourceType},
    error::ApiError,
    reports::model::Comment,
};

/// A comment on a draft.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Please add the EHCP timeliness figures for October."}))]
pub struct CommentInput {
    #[validate(length(min = 1, max = 4000), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
}

impl Input for CommentInput {}

#[utoipa::path(
    post,
    path = "/api/v1/highlight-reports/{id}/comments",
    operation_id = "highlight_report_comment_create",
    tag = "meetings",
    summary = "Comment on a draft highlight report",
    description = "Adds a comment, signed with the token's subject and organisation, to a draft. \
        Editors of the plan's partner organisations comment; a published report takes no more \
        comments (409 `report_published`).",
    params(
        ("id" = String, Path, description = "Highlight report id"),
        ("If-Match" = Option<String>, Header, description = "The draft's ETag, when the comment must be on that version")
    ),
    request_body = CommentInput,
    responses(
        (status = 200, description = "The draft with the comment", body = HighlightReport,
            headers(("ETag" = String, description = "The version, quoted"))),
        UpdateErrors
    )
)]
pub async fn comment_on_report(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    precondition: IfMatch,
    body: Valid<CommentInput>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    let id = id.into_inner();
    let text = body.0.text.trim().to_string();
    let (version, view) = store
        .write(caller.actor(), move |tx| {
            locks::row(tx.conn, ResourceType::HighlightReport, &id)?;
            let current = crud::load::<HighlightReports>(tx.conn, &id)?;
            scope::edit_plan(tx.conn, &who, &current.plan_id)?;
            still_draft(&current)?;
            precondition.check_if_given(current.version)?;
            let mut comments: Vec<Comment> =
                serde_json::from_str(&current.comments).unwrap_or_default();
            comments.push(Comment {
                text,
                by: who.subject.clone(),
                by_organisation: who.organisation.clone(),
                at: tx.now.and_utc(),
            });
            let fields = DraftFields {
                sections: current.sections.clone(),
                comments: crate::db::json_text(&comments)?,
                content: current.content.clone(),
            };
            let updated = query::update(tx, &current.id, fields)?;
            record::<HighlightReports>(tx, updated, Operation::Update)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), version, &view))
}

#[utoipa::path(
    post,
    path = "/api/v1/highlight-reports/{id}/publish",
    operation_id = "highlight_report_publish",
    tag = "meetings",
    summary = "Publish a highlight report: freeze it as presented",
    description = "Drafts the content a last time from the plan as it stood at the papers' \
        cut-off (or now, if papers have not closed yet), and freezes the report: from then on \
        `GET /highlight-reports/{id}` serves exactly these bytes, whose SHA-256 is their ETag, \
        whatever happens to the plan. The change feed records a `publish` (webhook event \
        `highlight_report.published`). A published report takes no more writes (409 \
        `report_published`).",
    params(
        ("id" = String, Path, description = "Highlight report id"),
        ("If-Match" = String, Header, description = "The draft's ETag, e.g. `\"3\"`")
    ),
    responses(
        (status = 200, description = "The report as published", body = HighlightReport,
            headers(("ETag" = String, description = "`sha256-` and the hex SHA-256 of the body, quoted"))),
        UpdateErrors
    )
)]
pub async fn publish_report(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    precondition: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    let id = id.into_inner();
    let (tag, frozen) = store
        .write(caller.actor(), move |tx| {
            locks::row(tx.conn, ResourceType::HighlightReport, &id)?;
            let current = crud::load::<HighlightReports>(tx.conn, &id)?;
            scope::edit_plan(tx.conn, &who, &current.plan_id)?;
            still_draft(&current)?;
            precondition.check(current.version)?;
            let meeting = meetings::get(tx.conn, &current.meeting_id)?;
            let at = reading_instant(&meeting, tx.now);
            let content = drafted(tx.conn, &meeting, &current.plan_id, at)?;
            let published = query::publish(tx, &current.id, crate::db::json_text(&content)?)?;
            let frozen = serde_json::to_string(&HighlightReport::from(published.clone()))
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let tag = content_tag(frozen.as_bytes());
            query::freeze(tx, &current.id, &frozen, &tag)?;
            // The feed and the webhook carry the hash, which the frozen bytes cannot.
            let published = ReportRow {
                content_hash: Some(tag.clone()),
                ..published
            };
            record::<HighlightReports>(tx, published, Operation::Publish)?;
            Ok::<_, ApiError>((tag, frozen))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{tag}\"")))
        .content_type("application/json")
        .body(frozen))
}

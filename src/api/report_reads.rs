//! Reading a highlight report in the format its reader wants (JSON for
//! programs, HTML for people, CSV and Excel for spreadsheets), and drafting a
//! report again from history to show it comes out the same.

use actix_web::{
    http::header::{self, HeaderValue},
    web, HttpRequest, HttpResponse,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    conditional::current,
    crud,
    highlight_reports::{content_tag, heading, HighlightReport, HighlightReports},
    problems::{HistoryErrors, ViewErrors},
};
use crate::{
    auth::Caller,
    db::{meetings, Store},
    domain::meeting::ReportStatus,
    error::ApiError,
    reports::{
        draft::{draft, Previous},
        formats::{negotiate, render, Format},
        model::ReportContent,
    },
};

/// Query of a highlight report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportFormatQuery {
    /// `json`, `html`, `csv` or `xlsx`; overrides `Accept`, for links people click.
    pub format: Option<Format>,
}

/// What a read found: a published report's bytes, or a draft.
enum Found {
    Frozen(String),
    Draft(i64, Box<HighlightReport>),
}

#[utoipa::path(
    get,
    path = "/api/v1/highlight-reports/{id}",
    operation_id = "highlight_report_view",
    tag = "meetings",
    summary = "Get one highlight report, as JSON, HTML, CSV or an Excel workbook",
    description = "A published report is served exactly as it was presented, whatever has \
        happened to the plan since: its JSON is the bytes frozen at publication and its ETag \
        their SHA-256 (`content_hash`). HTML (a page that needs no JavaScript and prints as an \
        A4 board paper), CSV and Excel are rendered from those bytes. A draft is served as \
        stored, ETag its version. The format follows `format`, else `Accept` (`text/html`, \
        `text/csv`, the Excel type), else JSON. Without a token (where the deployment allows \
        it), only published reports of published plans.",
    params(
        ("id" = String, Path, description = "Highlight report id"),
        ReportFormatQuery,
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold; 304 when it is still current")
    ),
    responses(
        (status = 200, description = "The report", content(
            (HighlightReport = "application/json"),
            (String = "text/html"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ), headers(("ETag" = String, description = "A draft's version, or the SHA-256 of the bytes served, quoted"))),
        ViewErrors,
        (status = 304, description = "Not modified: the ETag given is current")
    )
)]
pub async fn find_report(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<ReportFormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let format = query.format.unwrap_or_else(|| negotiate(&req));
    let anonymous = caller.sees_only_published();
    let found = store
        .read(move |conn| {
            let row = crud::load_visible::<HighlightReports>(conn, &caller, &id)?;
            match (row.status, row.frozen.clone()) {
                (ReportStatus::Published, Some(frozen)) => Ok(Found::Frozen(frozen)),
                // Drafts are for token holders: to others they do not exist.
                _ if anonymous => Err(ApiError::not_found("highlight report", id)),
                _ => Ok(Found::Draft(
                    row.version,
                    Box::new(HighlightReport::from(row)),
                )),
            }
        })
        .await?;
    let (report, bytes) = match found {
        Found::Draft(version, report) if format == Format::Json => {
            return Ok(current(&req, version, &report));
        }
        Found::Draft(_, report) => (*report, None),
        Found::Frozen(frozen) => {
            let report: HighlightReport = serde_json::from_str(&frozen)
                .map_err(|e| ApiError::Internal(format!("a frozen report: {e}")))?;
            (report, Some(frozen))
        }
    };
    let body = match (format, bytes) {
        (Format::Json, Some(frozen)) => frozen.into_bytes(),
        (format, _) => render(format, &report)?,
    };
    Ok(tagged(&req, format, body))
}

/// The bytes with their hash as ETag, or 304 when the reader holds them.
fn tagged(req: &HttpRequest, format: Format, body: Vec<u8>) -> HttpResponse {
    let tag = format!("\"{}\"", content_tag(&body));
    let held = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == tag)
        });
    if held {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .finish();
    }
    let mut response = HttpResponse::Ok();
    response.insert_header((header::ETAG, tag)).insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    ));
    if let Some(name) = format.attachment() {
        response.insert_header((header::CONTENT_DISPOSITION, name));
    }
    response.body(body)
}

#[utoipa::path(
    get,
    path = "/api/v1/highlight-reports/{id}/regenerated",
    operation_id = "highlight_report_regenerated_view",
    tag = "meetings",
    summary = "Draft a report's content again from history",
    description = "The report's content drafted once more, now, from the plan's history as it \
        stood at the instant the report read it (`content.as_of`). History is only appended \
        to, so for a published report this equals the frozen `content`: a check anyone can \
        run that the paper presented is what the plan said then.",
    params(("id" = String, Path, description = "Highlight report id")),
    responses(
        (status = 200, description = "The content, drafted again", body = ReportContent),
        HistoryErrors
    )
)]
pub async fn regenerated_report(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.principal()?;
    let id = id.into_inner();
    let content = store
        .read(move |conn| {
            let row = crud::load::<HighlightReports>(conn, &id)?;
            let report = HighlightReport::from(row);
            let meeting = meetings::get(conn, &report.meeting_id)?;
            // The report it counted changes from, as it recorded it: a report
            // published later for an earlier meeting does not change this one.
            let previous = report.content.since_last.map(|s| Previous {
                id: s.previous_report_id,
                meeting_date: s.previous_meeting_date,
                as_of: s.from,
            });
            let heading = heading(conn, &meeting)?;
            draft(
                conn,
                heading,
                &report.plan_id,
                report.content.as_of,
                previous,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(content))
}

//! The formats a highlight report is served in, chosen by `?format=` or by
//! `Accept`, each rendered from the same report.

use actix_web::{http::header, HttpRequest};

use super::{csv, document::Document, html, xlsx};
use crate::{
    api::highlight_reports::HighlightReport, domain::meeting::ReportStatus, error::ApiError,
};

pub use crate::domain::meeting::ReportFormat as Format;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => XLSX,
        }
    }

    /// Spreadsheets are saved, not shown: a file name for them.
    pub fn attachment(self) -> Option<&'static str> {
        match self {
            Format::Csv => Some("attachment; filename=\"highlight-report.csv\""),
            Format::Xlsx => Some("attachment; filename=\"highlight-report.xlsx\""),
            Format::Json | Format::Html => None,
        }
    }
}

/// The format `Accept` prefers: the highest quality among those served, the
/// first listed on a tie; JSON when none is named. A browser's `text/html`
/// gets the page.
pub fn negotiate(req: &HttpRequest) -> Format {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Format::Json;
    };
    let mut best: Option<(f32, Format)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let format = match parts.next().unwrap_or("").to_ascii_lowercase().as_str() {
            "application/json" | "application/*" | "*/*" => Format::Json,
            "text/html" | "application/xhtml+xml" => Format::Html,
            "text/csv" => Format::Csv,
            XLSX => Format::Xlsx,
            _ => continue,
        };
        let quality = parts
            .find_map(|p| p.strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, format));
        }
    }
    best.map_or(Format::Json, |(_, format)| format)
}

/// The report's bytes in `format`.
pub fn render(format: Format, report: &HighlightReport) -> Result<Vec<u8>, ApiError> {
    let failed = |e: &dyn std::fmt::Display| ApiError::Internal(format!("rendering a report: {e}"));
    let document = Document {
        id: &report.id,
        published: report.status == ReportStatus::Published,
        published_at: report.published_at,
        sections: &report.sections,
        comments: &report.comments,
        content: &report.content,
    };
    match format {
        Format::Json => serde_json::to_vec(report).map_err(|e| failed(&e)),
        Format::Html => html::render(&document)
            .map(String::into_bytes)
            .map_err(|e| failed(&e)),
        Format::Csv => Ok(csv::render(&document).into_bytes()),
        Format::Xlsx => xlsx::render(&document).map_err(|e| failed(&e)),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn asked(accept: &str) -> Format {
        negotiate(
            &TestRequest::default()
                .insert_header(("Accept", accept))
                .to_http_request(),
        )
    }

    #[test]
    fn a_browser_gets_the_page_and_a_program_json() {
        assert_eq!(
            asked("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            Format::Html
        );
        assert_eq!(asked("application/json"), Format::Json);
        assert_eq!(asked("*/*"), Format::Json);
        assert_eq!(asked("text/csv, application/json;q=0.5"), Format::Csv);
        assert_eq!(asked(XLSX), Format::Xlsx);
        assert_eq!(asked("image/png"), Format::Json);
        assert_eq!(asked("text/html;q=0, text/csv;q=0.1"), Format::Csv);
    }
}

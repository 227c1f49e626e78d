//! Highlight reports for boards: drafted from a plan's history, rendered for
//! people (HTML, Excel, CSV) as well as programs (JSON).

/// Inline SVG charts for the HTML pages.
pub mod charts;
/// Comma-separated values: every listed item of a report, one row each.
pub mod csv;
/// What a renderer reads.
pub mod document;
/// Drafting a report's content from a plan's history.
pub mod draft;
/// Choosing and rendering a report's format.
pub mod formats;
/// The report page and the plan's public progress page, as HTML.
pub mod html;
/// The report's data.
pub mod model;
/// A plan's public progress page: what it shows.
pub mod progress;
/// Realistic data for the renderers' tests.
#[cfg(test)]
pub(crate) mod sample;
/// The words and number formats the formats share.
pub mod words;
/// The report as an Excel workbook.
pub mod xlsx;

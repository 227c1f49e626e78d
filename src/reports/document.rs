//! What every renderer of a highlight report reads: the report's content with
//! its written sections, its state and, on drafts, the comments on it.

use chrono::{DateTime, Utc};

use super::model::{Comment, ReportContent, Sections};

/// A report as one renderer call sees it; borrowed, so a handler can render
/// several formats from one read without cloning.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub id: &'a str,
    /// `false` for a draft.
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub sections: &'a Sections,
    /// Shown only on drafts: a published report is the board's paper, not a thread.
    pub comments: &'a [Comment],
    pub content: &'a ReportContent,
}

//! A plan's public progress page: where it stands now, area by area, with its
//! measures and links to the reports published to its board.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{ActionLine, AreaCounts, BragCounts, JudgementCounts, MeasureLine, PlanHeading};
use crate::domain::plan::Brag;

/// What the progress page shows; the caller reads it from the plan as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressPage {
    pub plan: PlanHeading,
    /// The plan's own summary, plain text; paragraphs split on blank lines.
    pub summary: Option<String>,
    /// The instant the figures were read at.
    pub as_at: DateTime<Utc>,
    pub actions: BragCounts,
    pub measures: JudgementCounts,
    /// In plan order.
    pub areas: Vec<ProgressArea>,
    pub measure_lines: Vec<MeasureLine>,
    /// Newest first.
    pub reports: Vec<PublishedReportLink>,
}

/// An area (priority) of the plan with its actions in plan order.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressArea {
    pub r#ref: String,
    pub title: String,
    pub actions: Vec<ActionLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublishedReportLink {
    pub meeting_date: NaiveDate,
    pub body: String,
    /// Where the published report's HTML is served; relative or absolute.
    pub href: String,
}

impl ProgressArea {
    /// The area's actions counted by BRAG, for the same chart a report draws.
    /// Only the BRAG figures are known here; overdue, completed and updated
    /// stay zero.
    pub fn counts(&self) -> AreaCounts {
        let mut counts = BragCounts::default();
        for action in &self.actions {
            counts.total += 1;
            match action.brag {
                Some(Brag::Blue) => counts.blue += 1,
                Some(Brag::Green) => counts.green += 1,
                Some(Brag::Amber) => counts.amber += 1,
                Some(Brag::Red) => counts.red += 1,
                Some(Brag::Grey) => counts.grey += 1,
                None => counts.no_status += 1,
            }
        }
        AreaCounts {
            r#ref: self.r#ref.clone(),
            title: self.title.clone(),
            actions: counts,
        }
    }
}

//! A highlight report's data, as drafted from a plan's history: what every
//! format (JSON, HTML, CSV, Excel) is rendered from. Once published it is frozen
//! as it was, so it holds the words and figures themselves, not references to
//! things that may change.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::plan::{Brag, TargetStatus, Trend};

/// The meeting a report goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeetingHeading {
    pub id: String,
    pub body_id: String,
    /// The governance body's name: `SEND Strategic Partnership Board`.
    pub body: String,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When papers close: the plan is read as it stood then.
    pub papers_cutoff: DateTime<Utc>,
}

/// The plan reported on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanHeading {
    pub id: String,
    pub r#ref: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_body: Option<String>,
}

/// Actions by BRAG and the other counts a board reads first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BragCounts {
    pub total: u32,
    pub blue: u32,
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub grey: u32,
    /// No BRAG given ("N/A (monitored in Afl4.1)").
    pub no_status: u32,
    pub overdue: u32,
    pub completed: u32,
    /// With a status update in the reporting period (or since the previous
    /// report when the plan declares no cycle).
    pub updated: u32,
}

/// Measures by their judgement against target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JudgementCounts {
    pub total: u32,
    pub on_track: u32,
    pub within_tolerance: u32,
    pub off_track: u32,
    pub no_target: u32,
}

/// One area of the plan (a priority) and its actions' counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AreaCounts {
    pub r#ref: String,
    pub title: String,
    pub actions: BragCounts,
}

/// An action as a report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionLine {
    pub r#ref: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brag: Option<Brag>,
    /// The due date as the plan words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Leads by name, with their organisation's code: `CAMHS Transformation lead (CNWL)`.
    #[schema(max_items = 10000)]
    pub leads: Vec<String>,
    /// The newest status update's narrative at the instant read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A value for a period and cohort: a reading or a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Point {
    pub period: String,
    pub value: f64,
    /// The last day of the period, where one can be read (`2024/25` ends on 31 August 2025).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<NaiveDate>,
}

/// A measure against its target, for the main cohort (`All`, or the first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeasureLine {
    pub r#ref: String,
    pub title: String,
    pub cohort: String,
    /// `percent`, `count`, `days` …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `higher_is_better` or `lower_is_better`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    pub target_status: TargetStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    /// The latest reading's value, as a board reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<Point>,
    /// Readings in time order.
    #[schema(max_items = 10000)]
    pub readings: Vec<Point>,
    /// Targets in time order.
    #[schema(max_items = 10000)]
    pub targets: Vec<Point>,
}

/// A risk as a report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RiskLine {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    pub title: String,
    pub likelihood: i32,
    pub impact: i32,
    pub score: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
}

/// An action whose BRAG moved since the previous report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BragMove {
    pub r#ref: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Brag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Brag>,
}

/// A measure whose judgement moved since the previous report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JudgementMove {
    pub r#ref: String,
    pub title: String,
    pub before: TargetStatus,
    pub after: TargetStatus,
}

/// What changed since the previous meeting's report of this plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SinceLast {
    /// The previous report and the instant it read the plan at.
    pub previous_report_id: String,
    pub previous_meeting_date: NaiveDate,
    pub from: DateTime<Utc>,
    pub added: u32,
    pub removed: u32,
    pub changed: u32,
    pub status_updates: u32,
    pub readings: u32,
    #[schema(max_items = 10000)]
    pub brag_moves: Vec<BragMove>,
    #[schema(max_items = 10000)]
    pub judgement_moves: Vec<JudgementMove>,
    /// Actions that became blue or green.
    #[schema(max_items = 10000)]
    pub completed: Vec<String>,
}

/// A highlight report's drafted content: the plan as it stood at `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportContent {
    pub meeting: MeetingHeading,
    pub plan: PlanHeading,
    /// The instant the plan is read at: the papers' cut-off, or when drafted if
    /// that was earlier.
    pub as_of: DateTime<Utc>,
    /// The plan's reporting period holding `as_of` (`2026-Q4`), when it declares a cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_period: Option<String>,
    pub actions: BragCounts,
    pub measures: JudgementCounts,
    /// Per priority, in plan order.
    #[schema(max_items = 10000)]
    pub areas: Vec<AreaCounts>,
    /// Red, then amber actions, with their latest narrative.
    #[schema(max_items = 10000)]
    pub exceptions: Vec<ActionLine>,
    /// Due date passed and neither blue nor green.
    #[schema(max_items = 10000)]
    pub overdue: Vec<ActionLine>,
    /// Actions with no status update in the period: who to chase.
    #[schema(max_items = 10000)]
    pub not_updated: Vec<ActionLine>,
    #[schema(max_items = 10000)]
    pub measure_lines: Vec<MeasureLine>,
    /// Open risks, highest score first (at most ten).
    #[schema(max_items = 10000)]
    pub top_risks: Vec<RiskLine>,
    /// Absent for a plan's first report to this body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_last: Option<SinceLast>,
}

/// The sections people write.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Sections {
    /// The lead officer's summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievements: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risks_and_issues: Option<String>,
    /// Decisions or escalations asked of the board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asks: Option<String>,
}

/// A comment on a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Comment {
    pub text: String,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_organisation: Option<String>,
    pub at: DateTime<Utc>,
}

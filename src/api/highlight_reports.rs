//! `/api/v1/highlight-reports` and `/api/v1/meetings/{id}/highlight-reports`:
//! one report per plan per meeting. A draft is drafted from the plan as it stood
//! at the papers' cut-off, written and commented on by the plan's editors, then
//! published: frozen as presented, its ETag the SHA-256 of its bytes.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{Child, Resource, Write, Writers},
    endpoints::{change_endpoints, child_collection_endpoints, history_endpoints},
    pagination::Paginated,
    request_body::Input,
};
use crate::{
    auth::{scope, Principal},
    db::{
        bodies,
        highlight_reports::{self as query, DraftFields, ReportFilter, ReportRow},
        meetings::{self, MeetingRow},
        DbConnection, StoreError, WriteTx,
    },
    domain::{meeting::ReportStatus, ResourceType},
    error::ApiError,
    reports::{
        draft::{draft, Previous},
        model::{Comment, MeetingHeading, ReportContent, Sections},
    },
};

/// A highlight report: drafted content, written sections and comments.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000601",
    "meeting_id": "019ab3c4-5e6f-7a00-8b00-000000000501",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "status": "draft",
    "sections": {"summary": "Good progress on the CAMHS pathway; EHCP timeliness remains off track."},
    "comments": [],
    "content": {
        "meeting": {"id": "019ab3c4-5e6f-7a00-8b00-000000000501", "body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c1",
            "body": "SEND Strategic Partnership Board", "date": "2026-12-10", "papers_cutoff": "2026-12-03T00:00:00Z"},
        "plan": {"id": "019ab3c4-5e6f-7a00-8b00-0000000000d1", "ref": "SEND-LAIAP-2025",
            "title": "SEND Local Area Inspection Action Plan", "lead_body": "SEND Strategic Partnership Board"},
        "as_of": "2026-12-03T00:00:00Z",
        "reporting_period": "2026-Q4",
        "actions": {"total": 72, "blue": 12, "green": 7, "amber": 32, "red": 1, "grey": 8, "no_status": 12,
            "overdue": 9, "completed": 19, "updated": 41},
        "measures": {"total": 14, "on_track": 2, "within_tolerance": 1, "off_track": 3, "no_target": 8},
        "areas": [], "exceptions": [], "overdue": [], "not_updated": [], "measure_lines": [], "top_risks": []
    },
    "version": 1,
    "created_at": "2026-12-01T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-12-01T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct HighlightReport {
    pub id: String,
    pub meeting_id: String,
    pub plan_id: String,
    pub status: ReportStatus,
    pub sections: Sections,
    /// Comments on the draft, oldest first.
    #[schema(max_items = 10000)]
    pub comments: Vec<Comment>,
    /// Drafted from the plan's history: the plan as it stood at `content.as_of`.
    pub content: ReportContent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
    /// Once published: `sha256-` and the hex SHA-256 of the report's bytes as
    /// `GET /highlight-reports/{id}` serves them, which is also their ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<ReportRow> for HighlightReport {
    fn from(row: ReportRow) -> Self {
        HighlightReport {
            id: row.id.clone(),
            meeting_id: row.meeting_id.clone(),
            plan_id: row.plan_id.clone(),
            status: row.status,
            sections: serde_json::from_str(&row.sections).unwrap_or_default(),
            comments: serde_json::from_str(&row.comments).unwrap_or_default(),
            content: serde_json::from_str(&row.content).unwrap_or_else(|_| blank(&row)),
            published_at: row.published_at.map(|t| t.and_utc()),
            published_by: row.published_by.clone(),
            content_hash: row.content_hash.clone(),
            audit: audit_of!(row),
        }
    }
}

/// Content that cannot be read back (never written so by this service): the
/// report still answers, with nothing counted, and the log says which.
fn blank(row: &ReportRow) -> ReportContent {
    log::error!(
        "highlight report {}: its stored content does not parse; answering it with nothing counted",
        row.id
    );
    let epoch = DateTime::<Utc>::default();
    ReportContent {
        meeting: MeetingHeading {
            id: row.meeting_id.clone(),
            body_id: String::new(),
            body: String::new(),
            date: epoch.date_naive(),
            title: None,
            papers_cutoff: epoch,
        },
        plan: crate::reports::model::PlanHeading {
            id: row.plan_id.clone(),
            r#ref: String::new(),
            title: String::new(),
            lead_body: None,
        },
        as_of: epoch,
        reporting_period: None,
        actions: Default::default(),
        measures: Default::default(),
        areas: Vec::new(),
        exceptions: Vec::new(),
        overdue: Vec::new(),
        not_updated: Vec::new(),
        measure_lines: Vec::new(),
        top_risks: Vec::new(),
        since_last: None,
    }
}

/// The report on a plan for a meeting, and its written sections.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1", "summary": "Good progress on the CAMHS pathway; EHCP timeliness remains off track.", "asks": "The board is asked to escalate EHCP timeliness to the ICB board."}))]
pub struct HighlightReportInput {
    /// The plan reported on: one of the meeting's agenda. Fixed once drafted.
    pub plan_id: String,
    /// The lead officer's summary.
    #[validate(length(max = 20000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20000)]
    pub summary: Option<String>,
    #[validate(length(max = 20000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20000)]
    pub achievements: Option<String>,
    #[validate(length(max = 20000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20000)]
    pub risks_and_issues: Option<String>,
    /// Decisions or escalations asked of the board.
    #[validate(length(max = 20000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20000)]
    pub asks: Option<String>,
}

impl Input for HighlightReportInput {}

impl HighlightReportInput {
    fn sections(&self) -> Sections {
        let text = |t: &Option<String>| {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        Sections {
            summary: text(&self.summary),
            achievements: text(&self.achievements),
            risks_and_issues: text(&self.risks_and_issues),
            asks: text(&self.asks),
        }
    }
}

/// The meeting's heading, with its body named.
pub fn heading(
    conn: &mut DbConnection,
    meeting: &MeetingRow,
) -> Result<MeetingHeading, StoreError> {
    let body = bodies::get(conn, &meeting.body_id)?;
    Ok(MeetingHeading {
        id: meeting.id.clone(),
        body_id: meeting.body_id.clone(),
        body: body.row.name,
        date: meeting.date,
        title: meeting.title.clone(),
        papers_cutoff: meeting.papers_cutoff.and_utc(),
    })
}

/// The content of the report on `plan` for `meeting` as it stood at `as_of`.
pub fn drafted(
    conn: &mut DbConnection,
    meeting: &MeetingRow,
    plan: &str,
    as_of: DateTime<Utc>,
) -> Result<ReportContent, ApiError> {
    let previous =
        query::previous(conn, plan, &meeting.body_id, meeting.date)?.map(|(row, date)| Previous {
            id: row.id.clone(),
            meeting_date: date,
            as_of: HighlightReport::from(row).content.as_of,
        });
    let heading = heading(conn, meeting)?;
    draft(conn, heading, plan, as_of, previous)
}

/// The instant a draft written at `now` reads its plan at: the cut-off, or now
/// when papers have not closed yet.
pub fn reading_instant(meeting: &MeetingRow, now: NaiveDateTime) -> DateTime<Utc> {
    meeting.papers_cutoff.min(now).and_utc()
}

/// Drafting inside a store operation, whose faults are the store's: a plan
/// that did not exist at the instant read is a fault of the `plan_id` given.
fn content_json(
    tx: &mut WriteTx<'_>,
    meeting: &MeetingRow,
    plan: &str,
) -> Result<String, StoreError> {
    let at = reading_instant(meeting, tx.now);
    let content = drafted(tx.conn, meeting, plan, at).map_err(|e| match e {
        ApiError::NotFound { .. } | ApiError::Gone { .. } => StoreError::Invalid {
            field: "plan_id".into(),
            code: "no_such_plan_then",
            message: format!("the plan did not exist at {}", at.to_rfc3339()),
        },
        other => StoreError::Internal(other.to_string()),
    })?;
    crate::db::json_text(&content)
}

/// How highlight reports are loaded and stored, for the shared operations in `crud`.
pub struct HighlightReports;

impl Resource for HighlightReports {
    const TYPE: ResourceType = ResourceType::HighlightReport;
    const COLLECTION: &'static str = "/api/v1/highlight-reports";
    type Record = ReportRow;
    type Input = HighlightReportInput;
    type View = HighlightReport;

    fn id(record: &ReportRow) -> &str {
        &record.id
    }

    fn version(record: &ReportRow) -> i64 {
        record.version
    }

    fn plan_id(_conn: &mut DbConnection, record: &ReportRow) -> Result<Option<String>, StoreError> {
        Ok(Some(record.plan_id.clone()))
    }

    fn input_of(row: &ReportRow) -> HighlightReportInput {
        let sections: Sections = serde_json::from_str(&row.sections).unwrap_or_default();
        HighlightReportInput {
            plan_id: row.plan_id.clone(),
            summary: sections.summary,
            achievements: sections.achievements,
            risks_and_issues: sections.risks_and_issues,
            asks: sections.asks,
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<ReportRow, StoreError> {
        query::get(conn, id)
    }

    /// Every change drafts the content again, so a draft written before the
    /// cut-off reads the plan as it stands when last written.
    fn update(
        tx: &mut WriteTx<'_>,
        current: &ReportRow,
        input: HighlightReportInput,
    ) -> Result<ReportRow, StoreError> {
        let meeting = meetings::get(tx.conn, &current.meeting_id)?;
        let fields = DraftFields {
            sections: crate::db::json_text(&input.sections())?,
            comments: current.comments.clone(),
            content: content_json(tx, &meeting, &current.plan_id)?,
        };
        query::update(tx, &current.id, fields)
    }

    fn delete(tx: &mut WriteTx<'_>, current: &ReportRow) -> Result<(), StoreError> {
        query::delete(tx, &current.id)
    }

    const WRITERS: Writers<Self> = Writers::Rule(plan_editors_of_drafts);

    fn writable(
        conn: &mut DbConnection,
        who: &Principal,
        record: &ReportRow,
    ) -> Result<(), ApiError> {
        scope::edit_plan(conn, who, &record.plan_id)?;
        still_draft(record)
    }
}

/// Editors of the plan's partner organisations (and admins) write drafts; a
/// published report is never written again.
fn plan_editors_of_drafts(
    conn: &mut DbConnection,
    who: &Principal,
    write: Write<'_, HighlightReports>,
) -> Result<(), ApiError> {
    match write {
        Write::Create { input, .. } => scope::edit_plan(conn, who, &input.plan_id),
        Write::Change { current, input } => {
            scope::edit_plan(conn, who, &current.plan_id)?;
            still_draft(current)?;
            if input.plan_id != current.plan_id {
                return Err(ApiError::invalid(
                    "plan_id",
                    "fixed",
                    "a report stays on the plan it was drafted for: draft another for that plan",
                ));
            }
            Ok(())
        }
        Write::Delete { current } => {
            scope::edit_plan(conn, who, &current.plan_id)?;
            still_draft(current)
        }
    }
}

/// 409 `report_published` for a published report.
pub fn still_draft(report: &ReportRow) -> Result<(), ApiError> {
    match report.status {
        ReportStatus::Draft => Ok(()),
        ReportStatus::Published => Err(ApiError::Conflict {
            code: "report_published",
            detail: "the report is published: it stays exactly as it was presented".into(),
            references: Vec::new(),
        }),
    }
}

impl Child for HighlightReports {
    const PARENT: &'static str = "meeting";

    fn parent_plan(conn: &mut DbConnection, parent: &str) -> Result<Option<String>, StoreError> {
        // Reports are listed by token holders only: the meeting stands in for
        // the plan a child usually lives in.
        match meetings::get(conn, parent) {
            Ok(_) => Ok(Some(parent.to_string())),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn insert_in(
        tx: &mut WriteTx<'_>,
        meeting: &str,
        input: HighlightReportInput,
    ) -> Result<ReportRow, StoreError> {
        let meeting = meetings::get(tx.conn, meeting)?;
        let agenda: Vec<String> = serde_json::from_str(&meeting.plan_ids).unwrap_or_default();
        if !agenda.contains(&input.plan_id) {
            return Err(StoreError::Invalid {
                field: "plan_id".into(),
                code: "not_on_agenda",
                message: "the plan is not on the meeting's agenda: add it to the meeting's plan_ids first".into(),
            });
        }
        if query::taken(tx.conn, &meeting.id, &input.plan_id)? {
            return Err(StoreError::Duplicate {
                field: "plan_id",
                value: input.plan_id,
            });
        }
        let fields = DraftFields {
            sections: crate::db::json_text(&input.sections())?,
            comments: "[]".into(),
            content: content_json(tx, &meeting, &input.plan_id)?,
        };
        query::insert(tx, &meeting.id, &input.plan_id, fields)
    }
}

/// Filters of the report list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    pub meeting_id: Option<String>,
    pub plan_id: Option<String>,
    pub status: Option<ReportStatus>,
}

impl ReportQuery {
    fn into_filter(self) -> ReportFilter {
        ReportFilter {
            meeting_id: self.meeting_id,
            plan_id: self.plan_id,
            status: self.status,
            published_only: false,
        }
    }
}

/// A frozen report's entity tag: the SHA-256 of its bytes.
pub fn content_tag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256-{hex}")
}

child_collection_endpoints! {
    resource: HighlightReports,
    view: HighlightReport,
    input: HighlightReportInput,
    query: ReportQuery,
    list_fn: query::list,
    tag: "meetings",
    parent: {
        filter: meeting_id,
        id: "Meeting id",
    },
    list: {
        handler: list_reports,
        path: "/api/v1/highlight-reports",
        operation_id: "highlight_report_list",
        summary: "List highlight reports across meetings, filtered",
        description: "A page of highlight reports, oldest first",
    },
    nested: {
        handler: list_meeting_reports,
        path: "/api/v1/meetings/{id}/highlight-reports",
        operation_id: "meeting_highlight_report_list",
        summary: "List a meeting's highlight reports",
        description: "A page of the meeting's reports, oldest first",
    },
    create: {
        handler: create_report,
        operation_id: "meeting_highlight_report_create",
        summary: "Draft the highlight report of a plan on the meeting's agenda",
        location: "URL of the new report",
    },
}

change_endpoints! {
    resource: HighlightReports,
    view: HighlightReport,
    input: HighlightReportInput,
    path: "/api/v1/highlight-reports/{id}",
    tag: "meetings",
    id: "Highlight report id",
    stored: "The draft as stored, drafted again from the plan",
    replace: {
        handler: replace_report,
        operation_id: "highlight_report_replace",
        summary: "Rewrite a draft's sections (409 once published)",
    },
    update: {
        handler: update_report,
        operation_id: "highlight_report_update",
        summary: "Change some of a draft's sections (JSON Merge Patch; 409 once published)",
        example: json!({"achievements": "Neurodevelopmental pathway redesigned with PACA MK."}),
    },
    delete: {
        handler: delete_report,
        operation_id: "highlight_report_delete",
        summary: "Delete a draft (409 once published)",
    },
}

history_endpoints! {
    resource: HighlightReports,
    list: highlight_report_versions,
    one: highlight_report_version,
    list_path: "/api/v1/highlight-reports/{id}/versions",
    one_path: "/api/v1/highlight-reports/{id}/versions/{version}",
    list_operation_id: "highlight_report_version_list",
    one_operation_id: "highlight_report_version_view",
    tag: "meetings",
    list_summary: "List the versions of a highlight report",
    one_summary: "Get one version of a highlight report",
}

//! `/api/v1/meetings` and `/api/v1/governance-bodies/{id}/meetings`: a body's
//! meetings, the plans on each agenda, and what the board decided.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{Child, Resource, Write, Writers},
    endpoints::{change_endpoints, child_collection_endpoints, find_endpoint, history_endpoints},
    filters::Many,
    pagination::Paginated,
    request_body::Input,
    rules,
};
use crate::{
    auth::{scope, Principal},
    db::{
        meetings::{self as query, MeetingFields, MeetingFilter, MeetingRow, Named},
        DbConnection, StoreError, WriteTx,
    },
    domain::{
        meeting::{DecisionKind, MeetingStatus},
        ResourceType,
    },
    error::{ApiError, FieldError},
};

/// What the board decided, asked for, or escalated, with who follows it up by when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "action", "text": "CNWL to bring a recovery plan for the neurodevelopmental pathway", "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1", "owner_id": "019ab3c4-5e6f-7a00-8b00-0000000000b7", "due_date": "2027-03-01"}))]
pub struct Decision {
    /// `decision` when left out.
    #[serde(default = "decision")]
    pub kind: DecisionKind,
    #[validate(length(min = 1, max = 4000), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
    /// The plan it concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// Who follows it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
}

fn decision() -> DecisionKind {
    DecisionKind::Decision
}

/// A meeting of a governance body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000501",
    "body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c1",
    "title": "SEND Strategic Partnership Board, December 2026",
    "date": "2026-12-10",
    "papers_cutoff": "2026-12-03T00:00:00Z",
    "status": "planned",
    "plan_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000d1"],
    "decisions": [],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Meeting {
    pub id: String,
    pub body_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub date: NaiveDate,
    /// When papers close: each report reads its plan as it stood then.
    pub papers_cutoff: DateTime<Utc>,
    pub status: MeetingStatus,
    /// The plans on the agenda, each with a highlight report.
    #[schema(max_items = 10000)]
    pub plan_ids: Vec<String>,
    /// What the board decided, in the order recorded.
    #[schema(max_items = 10000)]
    pub decisions: Vec<Decision>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<MeetingRow> for Meeting {
    fn from(row: MeetingRow) -> Self {
        Meeting {
            plan_ids: serde_json::from_str(&row.plan_ids).unwrap_or_default(),
            decisions: serde_json::from_str(&row.decisions).unwrap_or_default(),
            id: row.id.clone(),
            body_id: row.body_id.clone(),
            title: row.title.clone(),
            date: row.date,
            papers_cutoff: row.papers_cutoff.and_utc(),
            status: row.status,
            audit: audit_of!(row),
        }
    }
}

/// The fields a client sets on a meeting.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "SEND Strategic Partnership Board, December 2026", "date": "2026-12-10", "papers_cutoff": "2026-12-03T00:00:00Z"}))]
pub struct MeetingInput {
    #[validate(length(min = 1, max = 300), custom(function = rules::not_blank))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    pub date: NaiveDate,
    /// When papers close; no later than the meeting's day. A week before the
    /// meeting, at midnight UTC, when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub papers_cutoff: Option<DateTime<Utc>>,
    /// `planned` when left out.
    #[serde(default = "planned")]
    pub status: MeetingStatus,
    /// The plans on the agenda. When left out: the plans the body leads and those
    /// led by bodies that report to it, unless closed or archived.
    #[validate(length(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100)]
    pub plan_ids: Option<Vec<String>>,
    #[validate(length(max = 200), nested)]
    #[serde(default)]
    #[schema(max_items = 200)]
    pub decisions: Vec<Decision>,
}

fn planned() -> MeetingStatus {
    MeetingStatus::Planned
}

impl MeetingInput {
    fn cutoff(&self) -> DateTime<Utc> {
        self.papers_cutoff.unwrap_or_else(|| {
            self.date
                .checked_sub_days(Days::new(7))
                .unwrap_or(self.date)
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
        })
    }

    fn fields(&self, plan_ids: &[String]) -> Result<MeetingFields, StoreError> {
        Ok(MeetingFields {
            title: self.title.as_ref().map(|t| t.trim().to_string()),
            date: self.date,
            papers_cutoff: self.cutoff().naive_utc(),
            status: self.status,
            plan_ids: crate::db::json_text(&plan_ids)?,
            decisions: crate::db::json_text(&self.decisions)?,
        })
    }

    fn named(&self, plan_ids: &[String]) -> Named<'static> {
        let mut plans: Vec<(&str, String)> =
            plan_ids.iter().map(|p| ("plan_ids", p.clone())).collect();
        let mut owners = Vec::new();
        for d in &self.decisions {
            plans.extend(d.plan_id.clone().map(|p| ("decisions.plan_id", p)));
            owners.extend(d.owner_id.clone().map(|o| ("decisions.owner_id", o)));
        }
        Named { plans, owners }
    }
}

impl Input for MeetingInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        let mut faults = Vec::new();
        if self.cutoff().date_naive() > self.date {
            faults.push(FieldError::new(
                "papers_cutoff",
                "after_meeting",
                "papers cannot close after the meeting's day",
            ));
        }
        if let Some(plans) = &self.plan_ids {
            faults.extend(rules::repeated("plan_ids", plans));
        }
        faults
    }
}

/// The agenda as given, or the body's default.
fn agenda(
    conn: &mut DbConnection,
    body: &str,
    input: &MeetingInput,
) -> Result<Vec<String>, StoreError> {
    match &input.plan_ids {
        Some(plans) => Ok(plans.clone()),
        None => query::default_agenda(conn, body),
    }
}

/// How meetings are loaded and stored, for the shared operations in `crud`.
pub struct Meetings;

impl Resource for Meetings {
    const TYPE: ResourceType = ResourceType::Meeting;
    const COLLECTION: &'static str = "/api/v1/meetings";
    type Record = MeetingRow;
    type Input = MeetingInput;
    type View = Meeting;

    fn id(record: &MeetingRow) -> &str {
        &record.id
    }

    fn version(record: &MeetingRow) -> i64 {
        record.version
    }

    fn plan_id(
        _conn: &mut DbConnection,
        _record: &MeetingRow,
    ) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn input_of(row: &MeetingRow) -> MeetingInput {
        let view = Meeting::from(row.clone());
        MeetingInput {
            title: view.title,
            date: view.date,
            papers_cutoff: Some(view.papers_cutoff),
            status: view.status,
            plan_ids: Some(view.plan_ids),
            decisions: view.decisions,
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<MeetingRow, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &MeetingRow,
        input: MeetingInput,
    ) -> Result<MeetingRow, StoreError> {
        let plans = agenda(tx.conn, &current.body_id, &input)?;
        query::update(tx, &current.id, input.fields(&plans)?, &input.named(&plans))
    }

    fn delete(tx: &mut WriteTx<'_>, current: &MeetingRow) -> Result<(), StoreError> {
        query::delete(tx, &current.id)
    }

    const WRITERS: Writers<Self> = Writers::Rule(body_members);
}

/// Admins, and editors of an organisation that sits on the meeting's body.
fn body_members(
    conn: &mut DbConnection,
    who: &Principal,
    write: Write<'_, Meetings>,
) -> Result<(), ApiError> {
    let body = match write {
        Write::Create { parent, .. } => parent.unwrap_or_default().to_string(),
        Write::Change { current, .. } | Write::Delete { current } => current.body_id.clone(),
    };
    scope::edit_meeting(conn, who, &body)
}

impl Child for Meetings {
    const PARENT: &'static str = "governance body";

    fn parent_plan(conn: &mut DbConnection, parent: &str) -> Result<Option<String>, StoreError> {
        // Meetings are read by token holders only, so the body stands in for
        // the plan a child usually lives in.
        Ok(crate::db::bodies::exists(conn, parent)?.then(|| parent.to_string()))
    }

    fn insert_in(
        tx: &mut WriteTx<'_>,
        body: &str,
        input: MeetingInput,
    ) -> Result<MeetingRow, StoreError> {
        let plans = agenda(tx.conn, body, &input)?;
        query::insert(tx, body, input.fields(&plans)?, &input.named(&plans))
    }
}

/// Filters of the meeting list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    pub body_id: Option<String>,
    /// Meetings on or after this day.
    pub from: Option<NaiveDate>,
    /// Meetings on or before this day.
    pub to: Option<NaiveDate>,
    /// One status or several, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<MeetingStatus>>, style = Form, explode = false, max_items = 3)]
    pub status: Many<MeetingStatus>,
    /// Meetings with this plan on the agenda.
    pub plan_id: Option<String>,
}

impl MeetingQuery {
    fn into_filter(self) -> MeetingFilter {
        MeetingFilter {
            body_id: self.body_id,
            from: self.from,
            to: self.to,
            status: self.status.0,
            plan_id: self.plan_id,
            published_only: false,
        }
    }
}

child_collection_endpoints! {
    resource: Meetings,
    view: Meeting,
    input: MeetingInput,
    query: MeetingQuery,
    list_fn: query::list,
    tag: "meetings",
    parent: {
        filter: body_id,
        id: "Governance body id",
    },
    list: {
        handler: list_meetings,
        path: "/api/v1/meetings",
        operation_id: "meeting_list",
        summary: "List meetings across bodies, filtered",
        description: "A page of meetings, oldest first",
    },
    nested: {
        handler: list_body_meetings,
        path: "/api/v1/governance-bodies/{id}/meetings",
        operation_id: "governance_body_meeting_list",
        summary: "List a governance body's meetings",
        description: "A page of the body's meetings, oldest first",
    },
    create: {
        handler: create_meeting,
        operation_id: "governance_body_meeting_create",
        summary: "Plan a meeting of a governance body",
        location: "URL of the new meeting",
    },
}

find_endpoint! {
    resource: Meetings,
    view: Meeting,
    handler: find_meeting,
    path: "/api/v1/meetings/{id}",
    operation_id: "meeting_view",
    tag: "meetings",
    id: "Meeting id",
    summary: "Get one meeting",
    found: "The meeting",
}

change_endpoints! {
    resource: Meetings,
    view: Meeting,
    input: MeetingInput,
    path: "/api/v1/meetings/{id}",
    tag: "meetings",
    id: "Meeting id",
    stored: "The meeting as stored",
    replace: {
        handler: replace_meeting,
        operation_id: "meeting_replace",
        summary: "Replace a meeting's fields",
    },
    update: {
        handler: update_meeting,
        operation_id: "meeting_update",
        summary: "Change some of a meeting's fields (JSON Merge Patch): hold it, record decisions",
        example: json!({"status": "held", "decisions": [{"kind": "escalation", "text": "Escalate CAMHS waiting times to the ICB board"}]}),
    },
    delete: {
        handler: delete_meeting,
        operation_id: "meeting_delete",
        summary: "Delete a meeting without highlight reports",
    },
}

history_endpoints! {
    resource: Meetings,
    list: meeting_versions,
    one: meeting_version,
    list_path: "/api/v1/meetings/{id}/versions",
    one_path: "/api/v1/meetings/{id}/versions/{version}",
    list_operation_id: "meeting_version_list",
    one_operation_id: "meeting_version_view",
    tag: "meetings",
    list_summary: "List the versions of a meeting",
    one_summary: "Get one version of a meeting",
}

//! `GET /api/v1/plans/{id}/summary`: the counts a board paper opens with — BRAG,
//! overdue, undated and completed actions, measures against target — for the
//! whole plan and per priority, outcome, lead organisation or lead owner.
//! Counted from the plan's tree as a reader gets it, so the figures always agree
//! with the lists they summarise.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    filters::Since,
    plans::{plan_as_it_stood, Plan, Reporting},
    problems::ViewErrors,
    report_cache::{answer, instant, keep, settled, ReportCache},
    tree::PlanTree,
};
use crate::{
    auth::{scope, Caller},
    db::{history, tree, Store},
    domain::{plan::SummaryGrouping, reporting::Period},
    error::ApiError,
};

mod counting;
use counting::{summarise, TreeFacts};

/// Query of a plan's summary.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// What to count by: `priority` (the default), `outcome`, `organisation` (of the
    /// leads), `owner` (the leads) or `plan` (the totals alone).
    pub group_by: Option<SummaryGrouping>,
    /// Also count the actions whose latest status update was posted at or after
    /// this time: a date-time (`2026-11-30T09:00:00Z`), or a date (`2026-11-30`,
    /// from its start, UTC).
    #[param(value_type = Option<String>)]
    pub updated_since: Option<Since>,
    /// Count the plan as it stood at this time (RFC 3339), from its history;
    /// overdue is then judged on that day.
    pub as_of: Option<DateTime<Utc>>,
}

/// The actions counted.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct ActionCounts {
    pub total: u32,
    pub blue: u32,
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub grey: u32,
    /// No BRAG given ("N/A (monitored in Afl4.1)").
    pub no_status: u32,
    /// Due date passed and neither blue nor green.
    pub overdue: u32,
    /// No due date and not repeating ("TBD").
    pub undated: u32,
    /// Blue or green.
    pub completed: u32,
    /// With a status update at or after `updated_since`; absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_since: Option<u32>,
    /// With a status update in the plan's reporting period that holds the
    /// instant counted; absent when the plan declares no reporting cycle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_in_period: Option<u32>,
}

/// The measures counted, by their status against target.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct MeasureCounts {
    pub total: u32,
    pub on_track: u32,
    pub within_tolerance: u32,
    pub off_track: u32,
    /// No target set.
    pub no_target: u32,
    /// Targets set, but no reading judged against one yet.
    pub no_reading: u32,
}

/// Actions and measures counted together.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct SummaryCounts {
    pub actions: ActionCounts,
    pub measures: MeasureCounts,
}

/// One group of a summary: a priority, outcome, organisation or owner, or what
/// has none (every label absent: actions without an outcome or without leads,
/// measures of no priority).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryGroup {
    /// The priority's, outcome's or owner's id; absent for an organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A priority's or outcome's ref, an organisation's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    /// A priority's title, an outcome's statement, an owner's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub counts: SummaryCounts,
}

/// A plan's counts, in total and per group.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "plan_ref": "SEND-LAIAP-2025",
    "at": "2026-12-01T09:00:00Z",
    "reporting_period": "2026-Q4",
    "group_by": "priority",
    "totals": {
        "actions": {"total": 72, "blue": 12, "green": 7, "amber": 32, "red": 0, "grey": 8,
            "no_status": 12, "overdue": 9, "undated": 6, "completed": 19, "reported_in_period": 41},
        "measures": {"total": 14, "on_track": 2, "within_tolerance": 1, "off_track": 3,
            "no_target": 6, "no_reading": 2}
    },
    "groups": [{
        "id": "019ab3c4-5e6f-7a00-8b00-0000000000e3",
        "ref": "Afl3",
        "name": "Area for improvement 3",
        "actions": {"total": 20, "blue": 4, "green": 3, "amber": 10, "red": 0, "grey": 2,
            "no_status": 1, "overdue": 3, "undated": 2, "completed": 7},
        "measures": {"total": 3, "on_track": 1, "within_tolerance": 0, "off_track": 1,
            "no_target": 1, "no_reading": 0}
    }]
}))]
pub struct PlanSummary {
    pub plan_id: String,
    pub plan_ref: String,
    /// The instant counted: `as_of`, or now; overdue is judged on this day.
    /// Counts are kept for the next reader until anything is written: a kept
    /// answer says when it was counted.
    pub at: DateTime<Utc>,
    /// The key of the reporting period holding `at` (`2026-Q4`), when the plan
    /// declares a cycle: `reported_in_period` counts within it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_period: Option<String>,
    pub group_by: SummaryGrouping,
    /// Every action and measure once, however many groups it is in.
    pub totals: SummaryCounts,
    /// In plan order (priorities, outcomes) or by name (organisations, owners);
    /// an action with joint leads counts in each of its leads' groups.
    #[schema(max_items = 10000)]
    pub groups: Vec<SummaryGroup>,
}

/// The reporting period holding `at`, from the plan (as it stood) when it
/// declares a cycle.
pub(crate) fn reporting_period(plan: &serde_json::Value, at: DateTime<Utc>) -> Option<Period> {
    let reporting: Reporting = serde_json::from_value(plan.get("reporting")?.clone()).ok()?;
    let start = plan["period"]["start"]
        .as_str()
        .and_then(|s| s.parse().ok());
    reporting.cycle(start)?.period_of(at.date_naive())
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/summary",
    operation_id = "plan_summary_view",
    tag = "plans",
    summary = "Count a plan's actions and measures, in total and by group",
    description = "What a board paper opens with: actions by BRAG, overdue, undated and \
        completed; measures by their status against target; for the whole plan and per \
        priority, outcome, lead organisation or lead owner. An action with joint leads counts \
        once under each of its leads' organisations (or leads) and once in `totals`, so groups \
        may add up to more than the totals; a measure counts under its team responsible, and \
        under each outcome it serves. With `as_of`, the plan is counted as it stood then, from \
        its history. When the plan declares a reporting cycle, `reported_in_period` counts the \
        actions with a status update in the period holding the instant counted.",
    params(("id" = String, Path, description = "Plan id"), SummaryQuery),
    responses(
        (status = 200, description = "The plan's counts", body = PlanSummary),
        ViewErrors
    )
)]
pub async fn plan_summary(
    store: web::Data<Store>,
    cache: web::Data<ReportCache>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let query = query.into_inner();
    let only_published = caller.sees_only_published();
    if query.as_of.is_some() {
        // History is for token holders, as a plan's other versions are.
        caller.principal()?;
    }
    let at = query.as_of.unwrap_or_else(Utc::now);
    let as_of = query.as_of;
    let grouping = query.group_by.unwrap_or(SummaryGrouping::Priority);
    let since = query.updated_since.map(|s| s.naive_utc().and_utc());
    let asked = format!(
        "{}|{}",
        grouping.as_str(),
        since.map(instant).unwrap_or_default()
    );
    let shared = cache.clone();
    let found = store
        .read(move |conn| -> Result<Found, ApiError> {
            let key = match as_of {
                Some(at) => settled(at).then(|| format!("summary|{id}|at {}|{asked}", instant(at))),
                None => {
                    scope::readable(conn, only_published, Some(&id), "plan", &id)?;
                    // Any write, or a new day (overdue), makes a new key.
                    let last = history::last_seq(conn)?;
                    let day = Utc::now().date_naive();
                    Some(format!("summary|{id}|seq {last} on {day}|{asked}"))
                }
            };
            if let Some(body) = key.as_deref().and_then(|k| shared.get(k)) {
                return Ok(Found::Kept(body));
            }
            let plan = match as_of {
                Some(at) => plan_as_it_stood(conn, &id, at.naive_utc())?,
                None => {
                    let contents =
                        tree::load(conn, &id).map_err(ApiError::from_store("plan", &id))?;
                    let mut plan = serde_json::to_value(Plan::from(contents.plan.clone()))
                        .map_err(|e| ApiError::Internal(e.to_string()))?;
                    plan["tree"] = serde_json::to_value(PlanTree::build(contents))
                        .map_err(|e| ApiError::Internal(e.to_string()))?;
                    plan
                }
            };
            Ok(Found::Plan(key, plan))
        })
        .await?;
    let (key, mut plan) = match found {
        Found::Kept(body) => return Ok(answer(&body)),
        Found::Plan(key, plan) => (key, plan),
    };
    let text = |field: &str| plan[field].as_str().unwrap_or_default().to_string();
    let (plan_id, plan_ref) = (text("id"), text("ref"));
    let tree: TreeFacts = serde_json::from_value(plan["tree"].take())
        .map_err(|e| ApiError::Internal(format!("a plan's tree: {e}")))?;
    let period = reporting_period(&plan, at);
    let period_start = period
        .as_ref()
        .and_then(|p| p.start.and_hms_opt(0, 0, 0))
        .map(|start| start.and_utc());
    let (totals, groups) = summarise(&tree, grouping, at, since, period_start);
    let summary = PlanSummary {
        plan_id,
        plan_ref,
        at,
        reporting_period: period.map(|p| p.key),
        group_by: grouping,
        totals,
        groups,
    };
    keep(&cache, key, &summary)
}

/// A summary kept from an earlier request, or the plan to count.
enum Found {
    Kept(std::sync::Arc<Vec<u8>>),
    Plan(Option<String>, serde_json::Value),
}

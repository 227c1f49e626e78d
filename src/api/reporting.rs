//! A plan's reporting cycle, as an officer works it: the periods leads report
//! in (`GET /plans/{id}/reporting-periods`) and, for one period, the actions no
//! lead has reported on yet, by organisation and owner
//! (`GET /plans/{id}/outstanding`): the list that is sent round before a board.

use std::collections::{BTreeMap, HashSet};

use actix_web::{web, HttpResponse};
use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    actions::Action,
    owners::Holder,
    plans::{Plan, Reporting},
    problems::{PeriodErrors, ReportingErrors},
};
use crate::{
    auth::{scope, Caller},
    db::{owners, schema::status_updates, tree, DbConnection, Store},
    domain::reporting::{Cycle, Period},
    error::ApiError,
};

/// The most periods one answer lists.
const MAX_PERIODS: usize = 400;

/// One reporting period of a plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"key": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31", "cutoff": "2026-12-15", "current": true}))]
pub struct ReportingPeriod {
    /// What `outstanding?period=` takes: `2026-11`, `2026-Q4`, `2026-autumn`,
    /// or the period's last day for listed dates.
    pub key: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The day its updates are due by.
    pub cutoff: NaiveDate,
    /// Today falls in it (UTC).
    pub current: bool,
}

impl ReportingPeriod {
    fn of(period: Period, today: NaiveDate) -> Self {
        ReportingPeriod {
            current: period.start <= today && today <= period.end,
            key: period.key,
            start: period.start,
            end: period.end,
            cutoff: period.cutoff,
        }
    }
}

/// Which periods to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodsQuery {
    /// From this day (the plan's start when it has one, else a year ago).
    pub from: Option<NaiveDate>,
    /// To this day (the plan's end when it has one, else three months ahead).
    pub to: Option<NaiveDate>,
}

/// A plan's reporting cycle and its periods.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "plan_ref": "SEND-LAIAP-2025",
    "reporting": {"cadence": "quarterly", "cutoff_day": 15, "narrative_required": true},
    "current": "2026-Q4",
    "periods": [
        {"key": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30", "cutoff": "2026-09-15", "current": false},
        {"key": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31", "cutoff": "2026-12-15", "current": true}
    ]
}))]
pub struct ReportingPeriods {
    pub plan_id: String,
    pub plan_ref: String,
    pub reporting: Reporting,
    /// The key of the period today falls in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Oldest first; none when the plan declares no cycle.
    #[schema(max_items = 400)]
    pub periods: Vec<ReportingPeriod>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/reporting-periods",
    operation_id = "plan_reporting_period_list",
    tag = "plans",
    summary = "List a plan's reporting periods",
    description = "The periods the plan's leads report in, from its reporting cycle \
        (`reporting` on the plan: monthly, quarterly, termly or listed dates, and a cut-off day), \
        each with its key, first and last day and the day its updates are due by. Periods follow \
        one another without gaps. A plan that declares no cycle has none.",
    params(("id" = String, Path, description = "Plan id"), PeriodsQuery),
    responses(
        (status = 200, description = "The plan's periods", body = ReportingPeriods),
        PeriodErrors
    )
)]
pub async fn reporting_periods(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<PeriodsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let query = query.into_inner();
    let only_published = caller.sees_only_published();
    let plan = store
        .read(move |conn| plan_of(conn, only_published, &id))
        .await?;
    let today = Utc::now().date_naive();
    let from = query
        .from
        .or(plan.period.start)
        .unwrap_or(today - Duration::days(365));
    let to = query
        .to
        .or(plan.period.end)
        .unwrap_or(today + Duration::days(92));
    if from > to {
        return Err(ApiError::bad_request(
            "invalid_query",
            "from must not be later than to",
        ));
    }
    let cycle = plan.reporting.cycle(plan.period.start);
    let periods: Vec<ReportingPeriod> = cycle
        .iter()
        .flat_map(|c| c.periods_between(from, to, MAX_PERIODS + 1))
        .map(|p| ReportingPeriod::of(p, today))
        .collect();
    if periods.len() > MAX_PERIODS {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("from..to spans more than {MAX_PERIODS} periods; ask for a shorter span"),
        ));
    }
    let current = cycle.and_then(|c| c.period_of(today)).map(|p| p.key);
    Ok(HttpResponse::Ok().json(ReportingPeriods {
        plan_id: plan.id,
        plan_ref: plan.reference,
        reporting: plan.reporting,
        current,
        periods,
    }))
}

/// Which period to check.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutstandingQuery {
    /// A period's key (`2026-Q4`); the current period when left out.
    pub period: Option<String>,
}

/// An action still to be reported on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutstandingAction {
    pub id: String,
    pub r#ref: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brag: Option<crate::domain::plan::Brag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    pub overdue: bool,
    /// Its newest status update, from an earlier period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_update: Option<super::actions::LatestStatusUpdate>,
}

/// A lead with the actions it has not reported on.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutstandingOwner {
    pub id: String,
    /// The post, team or person.
    pub name: String,
    /// Who holds the post now, to address the reminder to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_holder: Option<Holder>,
    #[schema(max_items = 10000)]
    pub actions: Vec<OutstandingAction>,
}

/// An organisation's leads with actions outstanding.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutstandingOrganisation {
    /// Its code; absent for leads of no organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[schema(max_items = 1000)]
    pub owners: Vec<OutstandingOwner>,
}

/// Who has not reported in a period.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "plan_ref": "SEND-LAIAP-2025",
    "period": {"key": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31", "cutoff": "2026-12-15", "current": true},
    "total": 1,
    "organisations": [{
        "code": "CNWL",
        "owners": [{
            "id": "019ab3c4-5e6f-7a00-8b00-0000000000b7",
            "name": "CAMHS Transformation lead",
            "current_holder": {"name": "Sam Patel", "from": "2025-04-01"},
            "actions": [{
                "id": "019ab3c4-5e6f-7a00-8b00-000000000107",
                "ref": "Afl3.3/7",
                "description": "Reduce waiting times for the neurodevelopmental pathway",
                "brag": "amber",
                "overdue": false
            }]
        }]
    }],
    "unassigned": []
}))]
pub struct Outstanding {
    pub plan_id: String,
    pub plan_ref: String,
    pub period: ReportingPeriod,
    /// Actions outstanding, each once however many leads it has.
    pub total: u32,
    /// By organisation code, then owner name; an action with joint leads is
    /// listed under each of them.
    #[schema(max_items = 1000)]
    pub organisations: Vec<OutstandingOrganisation>,
    /// Outstanding actions with no lead.
    #[schema(max_items = 10000)]
    pub unassigned: Vec<OutstandingAction>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/outstanding",
    operation_id = "plan_outstanding_view",
    tag = "plans",
    summary = "Who has not reported in a period",
    description = "The plan's actions that no status update has reported on in the period, \
        by lead organisation and lead (with the post's current holder): the list an officer \
        sends round before the cut-off. An action is expected to report when it existed by the \
        period's end, is not complete (blue or green) and is not monitored in another item; its \
        latest earlier update is shown. 409 `no_reporting_cycle` when the plan declares no \
        reporting cycle; 400 for a key that is not one of its periods.",
    params(("id" = String, Path, description = "Plan id"), OutstandingQuery),
    responses(
        (status = 200, description = "The actions outstanding, by lead", body = Outstanding),
        ReportingErrors
    )
)]
pub async fn outstanding(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<OutstandingQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let key = query.into_inner().period;
    let only_published = caller.sees_only_published();
    let today = Utc::now().date_naive();
    let body = store
        .read(move |conn| {
            let plan = plan_of(conn, only_published, &id)?;
            let cycle = cycle_of(&plan)?;
            let period = match &key {
                Some(key) => cycle.period_named(key).ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_query",
                        format!(
                            "period {key:?} is not one of this plan's {} periods, e.g. {}",
                            cycle.cadence.as_str(),
                            cycle
                                .period_of(today)
                                .map_or_else(|| "its first listed date".to_string(), |p| p.key)
                        ),
                    )
                })?,
                None => cycle.period_of(today).ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_query",
                        "today falls in none of this plan's listed periods: name one with period=",
                    )
                })?,
            };
            outstanding_in(conn, plan, period, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

fn plan_of(conn: &mut DbConnection, only_published: bool, id: &str) -> Result<Plan, ApiError> {
    scope::readable(conn, only_published, Some(id), "plan", id)?;
    let plan = crate::db::plans::get(conn, id).map_err(ApiError::from_store("plan", id))?;
    Ok(Plan::from(plan))
}

fn cycle_of(plan: &Plan) -> Result<Cycle, ApiError> {
    plan.reporting
        .cycle(plan.period.start)
        .ok_or_else(|| ApiError::Conflict {
            code: "no_reporting_cycle",
            detail: format!(
                "plan {} declares no reporting cycle: set `reporting.cadence` on it",
                plan.reference
            ),
            references: Vec::new(),
        })
}

fn outstanding_in(
    conn: &mut DbConnection,
    plan: Plan,
    period: Period,
    today: NaiveDate,
) -> Result<Outstanding, ApiError> {
    use diesel::prelude::*;

    let (start, after) = (
        period.start.and_hms_opt(0, 0, 0).unwrap_or_default(),
        (period.end + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let reported: HashSet<String> = status_updates::table
        .filter(status_updates::plan_id.eq(&plan.id))
        .filter(status_updates::created_at.ge(start))
        .filter(status_updates::created_at.lt(after))
        .select(status_updates::action_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let due: Vec<Action> = tree::actions_of(conn, &plan.id)?
        .into_iter()
        .map(Action::from)
        .filter(|a| a.audit.created_at.date_naive() <= period.end)
        .filter(|a| !a.brag.is_some_and(|b| b.is_complete()))
        .filter(|a| a.monitored_in.is_none())
        .filter(|a| !reported.contains(&a.id))
        .collect();

    let mut by_owner: BTreeMap<String, Vec<OutstandingAction>> = BTreeMap::new();
    let mut unassigned = Vec::new();
    for action in &due {
        let item = OutstandingAction {
            id: action.id.clone(),
            r#ref: action.r#ref.clone(),
            description: action.description.clone(),
            brag: action.brag,
            due_date: action.due_date,
            overdue: action.overdue,
            latest_update: action.latest_update.clone(),
        };
        if action.lead_ids.is_empty() {
            unassigned.push(item);
            continue;
        }
        for lead in &action.lead_ids {
            by_owner.entry(lead.clone()).or_default().push(item.clone());
        }
    }
    let mut organisations: BTreeMap<Option<String>, Vec<OutstandingOwner>> = BTreeMap::new();
    for (owner, actions) in by_owner {
        let record = owners::get(conn, &owner).map_err(ApiError::from_store("owner", &owner))?;
        let view = super::owners::Owner::from(record);
        let code = due
            .iter()
            .flat_map(|a| &a.leads)
            .find(|lead| lead.id == owner)
            .and_then(|lead| lead.organisation.clone());
        organisations
            .entry(code)
            .or_default()
            .push(OutstandingOwner {
                id: view.id,
                name: view.name,
                current_holder: view.current_holder,
                actions,
            });
    }
    let organisations = organisations
        .into_iter()
        .map(|(code, mut owners)| {
            owners.sort_by(|a, b| a.name.cmp(&b.name));
            OutstandingOrganisation { code, owners }
        })
        .collect();
    Ok(Outstanding {
        plan_id: plan.id,
        plan_ref: plan.reference,
        period: ReportingPeriod::of(period, today),
        total: u32::try_from(due.len()).unwrap_or(u32::MAX),
        organisations,
        unassigned,
    })
}

//! `text/csv` for the lists across plans (`/api/v1/actions`, `/api/v1/measures`):
//! one row per item with what a reader would otherwise look up, namely the plan's
//! ref, the priority, the leads' names and organisations, whether it is overdue
//! and the latest status narrative (for actions), the latest reading and how it
//! stands against target (for measures).

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::{
    actions::{self, ActionQuery},
    csv::{brag_cell, csv_response, every, push_row, wants_csv},
    measures::{self, MeasureQuery},
    pagination::PageQuery,
};
use crate::{
    auth::Caller,
    db::{
        actions as action_rows, measures as measure_rows,
        names::{self, Named},
        DbConnection, StoreError,
    },
    domain::action::is_overdue,
    error::ApiError,
};

pub const ACTION_COLUMNS: &[&str] = &[
    "Plan",
    "Priority",
    "Priority title",
    "Ref",
    "Action",
    "Leads",
    "Lead organisations",
    "Start",
    "Due",
    "Due date",
    "BRAG",
    "Overdue",
    "Latest update",
    "Latest update at",
    "Latest update by",
];

pub const MEASURE_COLUMNS: &[&str] = &[
    "Plan",
    "Priority",
    "Ref",
    "Measure",
    "Unit",
    "Direction",
    "Latest target",
    "Latest reading period",
    "Latest reading cohort",
    "Latest reading",
    "Against target",
    "Team responsible",
    "Team organisation",
    "Data source",
];

/// The leads' names and their organisations' codes, each `; `-separated.
fn leads_cells(named: &[Named]) -> (String, String) {
    let names = named.iter().map(|o| o.name.as_str()).collect::<Vec<_>>();
    let mut codes: Vec<&str> = named
        .iter()
        .filter_map(|o| o.organisation.as_deref())
        .collect();
    codes.dedup();
    (names.join("; "), codes.join("; "))
}

fn actions_table(
    conn: &mut DbConnection,
    filter: action_rows::ActionFilter,
) -> Result<String, StoreError> {
    let rows = every(|page| action_rows::list(conn, &filter, page))?;
    let plans = names::plan_refs(conn, rows.iter().map(|a| a.row.plan_id.as_str()))?;
    let priorities = names::priorities(conn, rows.iter().map(|a| a.row.priority_id.as_str()))?;
    let today = Utc::now().date_naive();
    let mut out = String::new();
    push_row(&mut out, ACTION_COLUMNS);
    for action in &rows {
        let row = &action.row;
        let (leads, organisations) = leads_cells(&action.lead_names);
        let priority = priorities.get(&row.priority_id);
        let update = action.latest_update.as_ref();
        push_row(
            &mut out,
            &[
                plans.get(&row.plan_id).map_or("", String::as_str),
                priority.map_or("", |p| p.0.as_str()),
                priority.map_or("", |p| p.1.as_str()),
                &row.ref_,
                &row.description,
                &leads,
                &organisations,
                row.start_text.as_deref().unwrap_or(""),
                row.due_text.as_deref().unwrap_or(""),
                &row.due_date.map(|d| d.to_string()).unwrap_or_default(),
                &brag_cell(row.brag, action.monitored_in_ref.as_deref()),
                if is_overdue(row.due_date, row.brag, today) {
                    "yes"
                } else {
                    "no"
                },
                update.and_then(|u| u.narrative.as_deref()).unwrap_or(""),
                &update
                    .map(|u| u.at.and_utc().to_rfc3339())
                    .unwrap_or_default(),
                update
                    .and_then(|u| u.by_organisation.as_deref())
                    .unwrap_or(""),
            ],
        );
    }
    Ok(out)
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn measures_table(
    conn: &mut DbConnection,
    filter: measure_rows::MeasureFilter,
) -> Result<String, StoreError> {
    let rows = every(|page| measure_rows::list(conn, &filter, page))?;
    let plans = names::plan_refs(conn, rows.iter().map(|m| m.row.plan_id.as_str()))?;
    let priorities = names::priorities(
        conn,
        rows.iter().filter_map(|m| m.row.priority_id.as_deref()),
    )?;
    let readings = names::latest_readings(conn, rows.iter().map(|m| m.row.id.as_str()))?;
    let mut out = String::new();
    push_row(&mut out, MEASURE_COLUMNS);
    for measure in &rows {
        let row = &measure.row;
        let team = measure.team.as_ref();
        // The All cohort's newest target, as the measure's own status follows it.
        let target = measure
            .targets
            .iter()
            .rev()
            .find(|t| t.cohort == "All")
            .or(measure.targets.last())
            .map(|t| format!("{} by {} ({})", number(t.value), t.period, t.cohort))
            .unwrap_or_default();
        let reading = readings.get(&row.id);
        push_row(
            &mut out,
            &[
                plans.get(&row.plan_id).map_or("", String::as_str),
                row.priority_id
                    .as_ref()
                    .and_then(|p| priorities.get(p))
                    .map_or("", |p| p.0.as_str()),
                &row.ref_,
                &row.title,
                row.unit.map_or("", |u| u.as_str()),
                row.direction.map_or("", |d| d.as_str()),
                &target,
                reading.map_or("", |r| r.period.as_str()),
                reading.map_or("", |r| r.cohort.as_str()),
                &reading
                    .map(|r| match &r.text_value {
                        Some(text) => text.clone(),
                        None => number(r.value),
                    })
                    .unwrap_or_default(),
                row.target_status.as_str(),
                team.map_or("", |t| t.name.as_str()),
                team.and_then(|t| t.organisation.as_deref()).unwrap_or(""),
                row.data_source.as_deref().unwrap_or(""),
            ],
        );
    }
    Ok(out)
}

/// `GET /api/v1/actions`: JSON pages, or every matching action as CSV.
pub async fn list_actions(
    req: HttpRequest,
    store: web::Data<crate::db::Store>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    if !wants_csv(&req) {
        return actions::list_actions(req, store, caller, page, filter).await;
    }
    let mut filter = filter.into_inner().into_filter();
    filter.published_only = caller.sees_only_published();
    let table = store.read(move |conn| actions_table(conn, filter)).await?;
    Ok(csv_response(table, "actions"))
}

/// `GET /api/v1/measures`: JSON pages, or every matching measure as CSV.
pub async fn list_measures(
    req: HttpRequest,
    store: web::Data<crate::db::Store>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<MeasureQuery>,
) -> Result<HttpResponse, ApiError> {
    if !wants_csv(&req) {
        return measures::list_measures(req, store, caller, page, filter).await;
    }
    let mut filter = filter.into_inner().into_filter();
    filter.published_only = caller.sees_only_published();
    let table = store.read(move |conn| measures_table(conn, filter)).await?;
    Ok(csv_response(table, "measures"))
}

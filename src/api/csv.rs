//! `text/csv` for the people who keep plans in Excel: a plan's actions with the
//! columns of the plans' own tables, and a measure's readings. Asked for with
//! `Accept: text/csv` on the same URLs that list them as JSON; the CSV holds every
//! matching item in plan order, not a page.

use std::collections::HashMap;

use actix_web::{http::header, web, HttpRequest, HttpResponse};

use super::{
    actions::{self, ActionQuery, Actions},
    crud,
    pagination::PageQuery,
    readings::{self, ReadingQuery, Readings},
};
use crate::{
    auth::Caller,
    db::{
        actions as action_rows, owners, readings as reading_rows, tree, DbConnection, Page,
        PageRequest, StoreError,
    },
    domain::plan::Brag,
    error::ApiError,
};

pub const CSV: &str = "text/csv; charset=utf-8";

/// Whether the request prefers CSV to JSON: `text/csv` is listed with a higher
/// quality, or first when the qualities tie.
pub fn wants_csv(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut best: Option<(f32, bool)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let essence = parts.next().unwrap_or("").to_ascii_lowercase();
        let is_csv = match essence.as_str() {
            "text/csv" => true,
            "application/json" | "application/*" | "*/*" => false,
            _ => continue,
        };
        let quality = parts
            .find_map(|p| p.strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, is_csv));
        }
    }
    best.is_some_and(|(_, csv)| csv)
}

/// One CSV record, quoted as RFC 4180 says. Text that a spreadsheet would run as
/// a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
pub(crate) fn push_row(out: &mut String, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let guarded;
        let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            guarded = format!("'{cell}");
            guarded.as_str()
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

pub(super) fn csv_response(body: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, CSV))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(body)
}

/// Every item a paged list query returns, page after page.
pub(super) fn every<T>(
    mut page: impl FnMut(&PageRequest) -> Result<Page<T>, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut items = Vec::new();
    let mut request = PageRequest {
        limit: 1000,
        after: None,
    };
    loop {
        let Page {
            items: more,
            next_after,
        } = page(&request)?;
        items.extend(more);
        match next_after {
            Some(after) => request.after = Some(after),
            None => return Ok(items),
        }
    }
}

/// How a plan's table words BRAG: `Amber`, or `N/A (monitored in Afl4.1)`.
pub(super) fn brag_cell(brag: Option<Brag>, monitored_in: Option<&str>) -> String {
    match (brag, monitored_in) {
        (Some(b), _) => {
            let word = b.as_str();
            word[..1].to_uppercase() + &word[1..]
        }
        (None, Some(target)) => format!("N/A (monitored in {target})"),
        (None, None) => String::new(),
    }
}

/// The plan's actions matching `filter`, in plan order, as the plan's table.
fn actions_table(
    conn: &mut DbConnection,
    plan: &str,
    mut filter: action_rows::ActionFilter,
) -> Result<String, StoreError> {
    filter.plan_id = Some(plan.to_string());
    let mut rows = every(|page| action_rows::list(conn, &filter, page))?;
    let places = tree::places(conn, plan)?;
    let priority_order: HashMap<&str, (i32, &str)> = places
        .priorities
        .iter()
        .map(|(id, position, r)| (id.as_str(), (*position, r.as_str())))
        .collect();
    let outcome_order: HashMap<&str, (i32, &str)> = places
        .outcomes
        .iter()
        .map(|(id, position, r)| (id.as_str(), (*position, r.as_str())))
        .collect();
    rows.sort_by_key(|a| {
        let priority = priority_order.get(a.row.priority_id.as_str());
        let outcome = a
            .row
            .outcome_id
            .as_deref()
            .and_then(|o| outcome_order.get(o));
        // Refs break ties between equal positions; the list is in id order already.
        (priority.copied(), outcome.copied(), a.row.position)
    });
    let mut names: HashMap<String, String> = HashMap::new();
    let mut out = String::new();
    push_row(
        &mut out,
        &["Ref", "Outcome", "Lead", "Action", "Start", "Due", "BRAG"],
    );
    for action in &rows {
        let mut leads = Vec::new();
        for id in &action.leads {
            if !names.contains_key(id) {
                let owner = owners::get(conn, id)?;
                names.insert(id.clone(), owner.row.name);
            }
            leads.push(names[id].clone());
        }
        let parent = match &action.row.outcome_id {
            Some(o) => outcome_order.get(o.as_str()).map(|o| o.1),
            None => priority_order
                .get(action.row.priority_id.as_str())
                .map(|p| p.1),
        };
        push_row(
            &mut out,
            &[
                &action.row.ref_,
                parent.unwrap_or(""),
                &leads.join("; "),
                &action.row.description,
                action.row.start_text.as_deref().unwrap_or(""),
                action.row.due_text.as_deref().unwrap_or(""),
                &brag_cell(action.row.brag, action.monitored_in_ref.as_deref()),
            ],
        );
    }
    Ok(out)
}

/// A measure's readings matching `filter`, oldest first.
fn readings_table(
    conn: &mut DbConnection,
    measure: &str,
    mut filter: reading_rows::ReadingFilter,
) -> Result<String, StoreError> {
    filter.measure_id = Some(measure.to_string());
    let readings = every(|page| reading_rows::list(conn, &filter, page))?;
    let mut out = String::new();
    push_row(
        &mut out,
        &[
            "Period",
            "Cohort",
            "Value",
            "Text value",
            "Status",
            "Against target",
            "Comment",
            "Source system",
            "Updated at",
        ],
    );
    for r in readings {
        push_row(
            &mut out,
            &[
                &r.period,
                &r.cohort,
                &r.value.map(|v| v.to_string()).unwrap_or_default(),
                r.text_value.as_deref().unwrap_or(""),
                r.status.as_str(),
                r.target_status.as_str(),
                r.comment.as_deref().unwrap_or(""),
                r.source_system.as_deref().unwrap_or(""),
                &r.updated_at.and_utc().to_rfc3339(),
            ],
        );
    }
    Ok(out)
}

/// `GET /api/v1/plans/{id}/actions`: JSON pages, or the whole table as CSV.
pub async fn plan_actions(
    req: HttpRequest,
    store: web::Data<crate::db::Store>,
    caller: Caller,
    parent: web::Path<String>,
    page: web::Query<PageQuery>,
    filter: web::Query<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    if !wants_csv(&req) {
        return actions::list_plan_actions(req, store, caller, parent, page, filter).await;
    }
    let plan = parent.into_inner();
    let filter = filter.into_inner().into_filter();
    let name = format!("plan-{plan}-actions");
    let table = crud::in_parent::<Actions, _, _>(&store, &caller, plan.clone(), move |conn| {
        actions_table(conn, &plan, filter)
    })
    .await?;
    Ok(csv_response(table, &name))
}

/// `GET /api/v1/measures/{id}/readings`: JSON pages, or every reading as CSV.
pub async fn measure_readings(
    req: HttpRequest,
    store: web::Data<crate::db::Store>,
    caller: Caller,
    parent: web::Path<String>,
    page: web::Query<PageQuery>,
    filter: web::Query<ReadingQuery>,
) -> Result<HttpResponse, ApiError> {
    if !wants_csv(&req) {
        return readings::list_measure_readings(req, store, caller, parent, page, filter).await;
    }
    let measure = parent.into_inner();
    let filter = filter.into_inner().into_filter();
    let name = format!("measure-{measure}-readings");
    let table = crud::in_parent::<Readings, _, _>(&store, &caller, measure.clone(), move |conn| {
        readings_table(conn, &measure, filter)
    })
    .await?;
    Ok(csv_response(table, &name))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn accepts(value: &str) -> bool {
        wants_csv(
            &TestRequest::default()
                .insert_header(("Accept", value))
                .to_http_request(),
        )
    }

    #[test]
    fn csv_is_chosen_only_when_preferred() {
        assert!(accepts("text/csv"));
        assert!(accepts("text/csv, application/json;q=0.5"));
        assert!(accepts("application/json;q=0.2, text/csv"));
        assert!(!accepts("application/json, text/csv"));
        assert!(!accepts("application/json"));
        assert!(!accepts("*/*"));
        assert!(!accepts("text/csv;q=0, application/json;q=0.1"));
        assert!(!wants_csv(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        push_row(
            &mut out,
            &["Afl1.1/1", "a, b", "say \"hi\"", "=SUM(A1)", "line\nbreak"],
        );
        assert_eq!(
            out,
            "Afl1.1/1,\"a, b\",\"say \"\"hi\"\"\",'=SUM(A1),\"line\nbreak\"\r\n"
        );
    }

    #[test]
    fn brag_is_worded_as_the_plans_word_it() {
        assert_eq!(brag_cell(Some(Brag::Amber), None), "Amber");
        assert_eq!(brag_cell(None, Some("Afl4.1")), "N/A (monitored in Afl4.1)");
        assert_eq!(brag_cell(None, None), "");
    }
}

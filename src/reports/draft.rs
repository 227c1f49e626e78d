//! Drafting a highlight report from a plan's history: the plan as it stood at
//! an instant, and what changed since the previous report. Everything is read
//! from revisions and the change feed, which are only ever appended to, so
//! drafting the same instant again gives the same content.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::model::{
    ActionLine, AreaCounts, BragCounts, BragMove, JudgementCounts, JudgementMove, MeasureLine,
    MeetingHeading, PlanHeading, Point, ReportContent, RiskLine, SinceLast,
};
use crate::{
    api::{plan_changes, plan_summary::reporting_period, plans::plan_as_it_stood},
    db::{bodies, DbConnection},
    domain::{
        action::is_overdue,
        period::end_of,
        plan::{Brag, TargetStatus, Trend},
    },
    error::ApiError,
};

/// At most this many risks are listed, highest score first.
const TOP_RISKS: usize = 10;

/// The report the next one counts changes from.
pub struct Previous {
    pub id: String,
    pub meeting_date: NaiveDate,
    pub as_of: DateTime<Utc>,
}

/// A plan as it stood at an instant, counted and listed as reports show it.
pub struct Reading {
    pub plan: PlanHeading,
    /// The plan's own summary.
    pub summary: Option<String>,
    pub reporting_period: Option<String>,
    pub actions: BragCounts,
    pub measures: JudgementCounts,
    /// Each priority, in plan order, with its actions in plan order.
    pub areas: Vec<(AreaCounts, Vec<ActionLine>)>,
    /// Red, then amber.
    pub exceptions: Vec<ActionLine>,
    pub overdue: Vec<ActionLine>,
    pub not_updated: Vec<ActionLine>,
    pub measure_lines: Vec<MeasureLine>,
    pub top_risks: Vec<RiskLine>,
}

/// Reads `plan` as it stood at `as_of`. Updates count from the reporting
/// period's start, else from `since`, else any update counts.
pub fn read(
    conn: &mut DbConnection,
    plan: &str,
    as_of: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
    meeting_body: Option<(&str, &str)>,
) -> Result<Reading, ApiError> {
    let stood = plan_as_it_stood(conn, plan, as_of.naive_utc())?;
    let lead_body = match (text(&stood, "lead_body_id"), meeting_body) {
        (Some(id), Some((body_id, name))) if id == body_id => Some(name.to_string()),
        (Some(id), _) => bodies::get(conn, id).ok().map(|b| b.row.name),
        (None, _) => None,
    };
    let heading = PlanHeading {
        id: plan.to_string(),
        r#ref: text(&stood, "ref").unwrap_or_default().to_string(),
        title: text(&stood, "title").unwrap_or_default().to_string(),
        lead_body,
    };
    let period = reporting_period(&stood, as_of);
    let window_start = period
        .as_ref()
        .and_then(|p| p.start.and_hms_opt(0, 0, 0))
        .map(|start| start.and_utc())
        .or(since);
    let today = as_of.date_naive();
    let tree = &stood["tree"];

    let mut totals = BragCounts::default();
    let mut areas = Vec::new();
    let (mut red, mut amber, mut overdue, mut not_updated) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for priority in list(tree, "priorities") {
        let mut counts = BragCounts::default();
        let mut lines = Vec::new();
        let outcome_actions = list(priority, "outcomes")
            .iter()
            .flat_map(|o| list(o, "actions").iter());
        for action in list(priority, "actions").iter().chain(outcome_actions) {
            let line = action_line(action);
            let is_late = is_overdue(line.due_date, line.brag, today);
            let updated = line
                .updated_at
                .is_some_and(|at| window_start.is_none_or(|start| at >= start));
            for c in [&mut counts, &mut totals] {
                count(c, line.brag, is_late, updated);
            }
            let complete = line.brag.is_some_and(Brag::is_complete);
            if !complete && line.brag.is_some() && !updated {
                not_updated.push(line.clone());
            }
            if is_late {
                overdue.push(line.clone());
            }
            match line.brag {
                Some(Brag::Red) => red.push(line.clone()),
                Some(Brag::Amber) => amber.push(line.clone()),
                _ => {}
            }
            lines.push(line);
        }
        let area = AreaCounts {
            r#ref: text(priority, "ref").unwrap_or_default().to_string(),
            title: text(priority, "title").unwrap_or_default().to_string(),
            actions: counts,
        };
        areas.push((area, lines));
    }
    red.extend(amber);

    let measure_lines: Vec<MeasureLine> = list(tree, "measures").iter().map(measure_line).collect();
    let mut measures = JudgementCounts::default();
    for line in &measure_lines {
        measures.total += 1;
        match line.target_status {
            TargetStatus::OnTrack => measures.on_track += 1,
            TargetStatus::WithinTolerance => measures.within_tolerance += 1,
            TargetStatus::OffTrack => measures.off_track += 1,
            TargetStatus::NoTarget => measures.no_target += 1,
        }
    }

    let mut risks: Vec<RiskLine> = list(tree, "risks")
        .iter()
        .filter(|r| text(r, "status") == Some("open"))
        .map(risk_line)
        .collect();
    risks.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.r#ref.cmp(&b.r#ref)));
    risks.truncate(TOP_RISKS);

    Ok(Reading {
        plan: heading,
        summary: text(&stood, "summary").map(str::to_string),
        reporting_period: period.map(|p| p.key),
        actions: totals,
        measures,
        areas,
        exceptions: red,
        overdue,
        not_updated,
        measure_lines,
        top_risks: risks,
    })
}

/// The content of the report on `plan` for `meeting`, read as it stood at `as_of`.
pub fn draft(
    conn: &mut DbConnection,
    meeting: MeetingHeading,
    plan: &str,
    as_of: DateTime<Utc>,
    previous: Option<Previous>,
) -> Result<ReportContent, ApiError> {
    let body = Some((meeting.body_id.as_str(), meeting.body.as_str()));
    let reading = read(conn, plan, as_of, previous.as_ref().map(|p| p.as_of), body)?;
    let since_last = match previous {
        Some(previous) => Some(since(conn, plan, previous, as_of)?),
        None => None,
    };
    Ok(ReportContent {
        meeting,
        plan: reading.plan,
        as_of,
        reporting_period: reading.reporting_period,
        actions: reading.actions,
        measures: reading.measures,
        areas: reading.areas.into_iter().map(|(area, _)| area).collect(),
        exceptions: reading.exceptions,
        overdue: reading.overdue,
        not_updated: reading.not_updated,
        measure_lines: reading.measure_lines,
        top_risks: reading.top_risks,
        since_last,
    })
}

fn count(counts: &mut BragCounts, brag: Option<Brag>, overdue: bool, updated: bool) {
    counts.total += 1;
    match brag {
        Some(Brag::Blue) => counts.blue += 1,
        Some(Brag::Green) => counts.green += 1,
        Some(Brag::Amber) => counts.amber += 1,
        Some(Brag::Red) => counts.red += 1,
        Some(Brag::Grey) => counts.grey += 1,
        None => counts.no_status += 1,
    }
    counts.overdue += u32::from(overdue);
    counts.completed += u32::from(brag.is_some_and(Brag::is_complete));
    counts.updated += u32::from(updated);
}

fn action_line(action: &Value) -> ActionLine {
    let update = action.get("latest_update").filter(|u| !u.is_null());
    ActionLine {
        r#ref: text(action, "ref").unwrap_or_default().to_string(),
        description: text(action, "description").unwrap_or_default().to_string(),
        brag: parsed(action, "brag"),
        due: text(action, "due").map(str::to_string),
        due_date: parsed(action, "due_date"),
        leads: list(action, "leads")
            .iter()
            .map(|lead| {
                let name = text(lead, "name").unwrap_or_default();
                match text(lead, "organisation") {
                    Some(org) => format!("{name} ({org})"),
                    None => name.to_string(),
                }
            })
            .collect(),
        narrative: update
            .and_then(|u| text(u, "narrative"))
            .map(str::to_string),
        updated_at: update.and_then(|u| parsed(u, "at")),
    }
}

fn measure_line(measure: &Value) -> MeasureLine {
    let readings = list(measure, "readings");
    let targets = list(measure, "targets");
    // The partnership reads the whole cohort first; a measure of one cohort
    // only (EHCP) is read in that one.
    let cohort = [readings, targets]
        .iter()
        .flat_map(|l| l.iter())
        .filter_map(|v| text(v, "cohort"))
        .find(|c| *c == "All")
        .or_else(|| {
            readings
                .iter()
                .chain(targets)
                .find_map(|v| text(v, "cohort"))
        })
        .unwrap_or("All")
        .to_string();
    let points = |items: &[Value]| -> Vec<Point> {
        let mut points: Vec<Point> = items
            .iter()
            .filter(|v| text(v, "cohort").unwrap_or("All") == cohort)
            .filter_map(|v| {
                let period = text(v, "period")?.to_string();
                Some(Point {
                    ends: end_of(&period),
                    value: v.get("value")?.as_f64()?,
                    period,
                })
            })
            .collect();
        // Undated periods keep their stored order, after the dated ones.
        points.sort_by_key(|p| p.ends.is_none());
        points
    };
    let readings = points(readings);
    let mut targets = points(targets);
    targets.sort_by(|a, b| a.ends.cmp(&b.ends).then_with(|| a.period.cmp(&b.period)));
    MeasureLine {
        r#ref: text(measure, "ref").unwrap_or_default().to_string(),
        title: text(measure, "title").unwrap_or_default().to_string(),
        cohort,
        unit: text(measure, "unit").map(str::to_string),
        direction: text(measure, "direction").map(str::to_string),
        target_status: parsed(measure, "target_status").unwrap_or(TargetStatus::NoTarget),
        trend: parsed::<Trend>(measure, "trend"),
        latest: readings.last().cloned(),
        readings,
        targets,
    }
}

fn risk_line(risk: &Value) -> RiskLine {
    let number = |field: &str| {
        risk.get(field)
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok())
            .unwrap_or(0)
    };
    RiskLine {
        r#ref: text(risk, "ref").map(str::to_string),
        title: text(risk, "title").unwrap_or_default().to_string(),
        likelihood: number("likelihood"),
        impact: number("impact"),
        score: number("likelihood") * number("impact"),
        mitigation: text(risk, "mitigation").map(str::to_string),
    }
}

/// What changed between the previous report's instant and this one's.
fn since(
    conn: &mut DbConnection,
    plan: &str,
    previous: Previous,
    as_of: DateTime<Utc>,
) -> Result<SinceLast, ApiError> {
    let from = previous.as_of.min(as_of);
    let changes = plan_changes::compare(conn, plan, from, as_of)?;
    let name = |c: &plan_changes::ItemChange| c.name.clone().unwrap_or_default();
    let reference = |c: &plan_changes::ItemChange| c.r#ref.clone().unwrap_or_default();
    Ok(SinceLast {
        previous_report_id: previous.id,
        previous_meeting_date: previous.meeting_date,
        from,
        added: changes.counts.added,
        removed: changes.counts.removed,
        changed: changes.counts.changed,
        status_updates: changes.counts.status_updates,
        readings: changes.counts.readings,
        brag_moves: changes
            .actions
            .iter()
            .filter_map(|c| {
                let brag = c.brag.as_ref()?;
                Some(BragMove {
                    r#ref: reference(c),
                    description: name(c),
                    before: brag.before,
                    after: brag.after,
                })
            })
            .collect(),
        judgement_moves: changes
            .measures
            .iter()
            .filter_map(|c| {
                let moved = c.target_status.as_ref()?;
                Some(JudgementMove {
                    r#ref: reference(c),
                    title: name(c),
                    before: moved.before.unwrap_or(TargetStatus::NoTarget),
                    after: moved.after.unwrap_or(TargetStatus::NoTarget),
                })
            })
            .collect(),
        completed: changes
            .actions
            .iter()
            .filter(|c| c.completed)
            .map(reference)
            .collect(),
    })
}

fn text<'a>(item: &'a Value, field: &str) -> Option<&'a str> {
    item.get(field).and_then(Value::as_str)
}

fn list<'a>(item: &'a Value, field: &str) -> &'a [Value] {
    item.get(field)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn parsed<T: serde::de::DeserializeOwned>(item: &Value, field: &str) -> Option<T> {
    item.get(field)
        .filter(|v| !v.is_null())
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

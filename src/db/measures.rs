//! Queries for measures: their baselines and targets per period and cohort, the
//! outcomes they evidence, and their standing against target.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::ResourceType;

use super::names::{self, Named};

use super::{
    audit, external_refs, keys, links, outcomes, priorities,
    schema::{links as link_table, measure_values, measures, plans, readings},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{
    external_ref::ExternalRef,
    links::Relation,
    period,
    plan::{target_status, trend, Direction, MeasureKind, TargetStatus, Trend, Unit, ValueRole},
};

/// The cohort a measure's headline status is judged on when it has one.
pub const MAIN_COHORT: &str = "All";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = measures)]
pub struct MeasureRow {
    pub id: String,
    pub plan_id: String,
    pub priority_id: Option<String>,
    pub ref_: String,
    pub title: String,
    pub description: Option<String>,
    pub kind: MeasureKind,
    pub unit: Option<Unit>,
    pub direction: Option<Direction>,
    pub tolerance: Option<f64>,
    pub frequency: Option<String>,
    pub approach: Option<String>,
    pub data_source: Option<String>,
    pub national_indicator: Option<String>,
    pub team_responsible_id: Option<String>,
    pub corporate_dashboard: bool,
    pub position: i32,
    pub target_status: TargetStatus,
    pub trend: Option<Trend>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = measures, treat_none_as_null = true)]
pub struct MeasureFields {
    pub priority_id: Option<String>,
    pub ref_: String,
    pub title: String,
    pub description: Option<String>,
    pub kind: MeasureKind,
    pub unit: Option<Unit>,
    pub direction: Option<Direction>,
    pub tolerance: Option<f64>,
    pub frequency: Option<String>,
    pub approach: Option<String>,
    pub data_source: Option<String>,
    pub national_indicator: Option<String>,
    pub team_responsible_id: Option<String>,
    pub corporate_dashboard: bool,
    pub position: i32,
}

/// A baseline or target: a value for a period and a cohort.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = measure_values)]
pub struct ValueRow {
    pub measure_id: String,
    pub role: ValueRole,
    pub period: String,
    pub cohort: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeriodValue {
    pub period: String,
    pub cohort: String,
    pub value: Option<f64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub row: MeasureRow,
    pub team: Option<Named>,
    pub baselines: Vec<PeriodValue>,
    pub targets: Vec<PeriodValue>,
    pub outcomes: Vec<String>,
    pub external_refs: Vec<ExternalRef>,
}

/// The resource type of measures in revisions, the feed and external refs.
pub const TYPE: ResourceType = ResourceType::Measure;

#[derive(Debug, Clone)]
pub struct MeasureWrite {
    pub fields: MeasureFields,
    pub baselines: Vec<PeriodValue>,
    pub targets: Vec<PeriodValue>,
    pub outcomes: Vec<String>,
    pub external_refs: Vec<ExternalRef>,
}

#[derive(Debug, Default, Clone)]
pub struct MeasureFilter {
    pub plan_id: Option<String>,
    /// A plan's id or ref.
    pub plan: Option<String>,
    pub priority_id: Option<String>,
    pub outcome_id: Option<String>,
    /// Any of these; all when empty.
    pub target_status: Vec<TargetStatus>,
    /// Any of these; all when empty.
    pub kind: Vec<MeasureKind>,
    pub corporate_dashboard: Option<bool>,
    pub team_responsible_id: Option<String>,
    pub ref_: Option<String>,
    pub external_ref: Option<ExternalRef>,
    /// Only what belongs to published plans (anonymous readers).
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &MeasureFilter,
    page: &PageRequest,
) -> Result<Page<Measure>, StoreError> {
    let mut query = measures::table
        .select(MeasureRow::as_select())
        .order(measures::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(measures::id.gt(after.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        query = query.filter(measures::plan_id.eq(plan.clone()));
    }
    if let Some(plan) = &filter.plan {
        let id = keys::plan_key(conn, plan, filter.published_only)?;
        query = query.filter(measures::plan_id.eq(id));
    }
    if let Some(priority) = &filter.priority_id {
        query = query.filter(measures::priority_id.eq(priority.clone()));
    }
    if !filter.target_status.is_empty() {
        query = query.filter(measures::target_status.eq_any(filter.target_status.clone()));
    }
    if !filter.kind.is_empty() {
        query = query.filter(measures::kind.eq_any(filter.kind.clone()));
    }
    if let Some(flag) = filter.corporate_dashboard {
        query = query.filter(measures::corporate_dashboard.eq(flag));
    }
    if let Some(team) = &filter.team_responsible_id {
        query = query.filter(measures::team_responsible_id.eq(team.clone()));
    }
    if let Some(reference) = &filter.external_ref {
        let named = external_refs::find(conn, TYPE, reference)?.unwrap_or_default();
        query = query.filter(measures::id.eq(named));
    }
    if let Some(r) = &filter.ref_ {
        query = query.filter(measures::ref_.eq(r.clone()));
    }
    if let Some(outcome) = &filter.outcome_id {
        let evidencing = link_table::table
            .filter(link_table::relation.eq(Relation::MeasureOutcome.as_str()))
            .filter(link_table::target_id.eq(outcome.clone()))
            .select(link_table::parent_id);
        query = query.filter(measures::id.eq_any(evidencing));
    }
    if filter.published_only {
        let published = plans::table
            .filter(plans::published.eq(true))
            .select(plans::id);
        query = query.filter(measures::plan_id.eq_any(published));
    }
    let rows = query.load(conn)?;
    let items = attach(conn, rows)?;
    Ok(Page::from_rows(items, page, |m| &m.row.id))
}

pub fn attach(conn: &mut DbConnection, rows: Vec<MeasureRow>) -> Result<Vec<Measure>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut outcome_links = links::load(conn, Relation::MeasureOutcome, &ids)?;
    let mut external = external_refs::load(conn, TYPE, &ids)?;
    let values: Vec<ValueRow> = measure_values::table
        .filter(measure_values::measure_id.eq_any(&ids))
        .order((measure_values::measure_id, measure_values::position))
        .select(ValueRow::as_select())
        .load(conn)?;
    let mut grouped: HashMap<String, (Vec<PeriodValue>, Vec<PeriodValue>)> = HashMap::new();
    for v in values {
        let entry = grouped.entry(v.measure_id.clone()).or_default();
        let value = PeriodValue {
            period: v.period,
            cohort: v.cohort,
            value: v.value,
            note: v.note,
        };
        match v.role {
            ValueRole::Baseline => entry.0.push(value),
            ValueRole::Target => entry.1.push(value),
        }
    }
    let teams = names::owners(
        conn,
        rows.iter().filter_map(|r| r.team_responsible_id.as_deref()),
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (baselines, targets) = grouped.remove(&row.id).unwrap_or_default();
            Measure {
                team: row
                    .team_responsible_id
                    .as_ref()
                    .and_then(|t| teams.get(t).cloned()),
                outcomes: outcome_links.remove(&row.id).unwrap_or_default(),
                external_refs: external.remove(&row.id).unwrap_or_default(),
                baselines,
                targets,
                row,
            }
        })
        .collect())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Measure, StoreError> {
    let row = measures::table
        .find(id)
        .select(MeasureRow::as_select())
        .first(conn)?;
    Ok(attach(conn, vec![row])?.remove(0))
}

/// The measures of these ids that exist, by id.
pub fn get_many(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<HashMap<String, Measure>, StoreError> {
    let rows = measures::table
        .filter(measures::id.eq_any(ids))
        .select(MeasureRow::as_select())
        .load(conn)?;
    Ok(attach(conn, rows)?
        .into_iter()
        .map(|m| (m.row.id.clone(), m))
        .collect())
}

pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(measures::table.find(id))).get_result(conn)?)
}

/// The plan a measure belongs to.
pub fn plan_of(conn: &mut DbConnection, id: &str) -> Result<String, StoreError> {
    Ok(measures::table
        .find(id)
        .select(measures::plan_id)
        .first(conn)?)
}

fn check_ref_free(
    conn: &mut DbConnection,
    plan: &str,
    r: &str,
    except: Option<&str>,
) -> Result<(), StoreError> {
    let taken: Option<String> = measures::table
        .filter(
            measures::plan_id
                .eq(plan)
                .and(measures::ref_.eq(r))
                .and(measures::id.ne(except.unwrap_or(""))),
        )
        .select(measures::id)
        .first(conn)
        .optional()?;
    match taken {
        Some(_) => Err(StoreError::Duplicate {
            field: "ref",
            value: r.to_string(),
        }),
        None => Ok(()),
    }
}

fn check(
    conn: &mut DbConnection,
    plan: &str,
    write: &MeasureWrite,
    except: Option<&str>,
) -> Result<(), StoreError> {
    check_ref_free(conn, plan, &write.fields.ref_, except)?;
    if let Some(priority) = &write.fields.priority_id {
        priorities::plan_of(conn, priority, "priority_id", Some(plan))?;
    }
    for (i, outcome) in write.outcomes.iter().enumerate() {
        outcomes::place_of(conn, outcome, &format!("outcome_ids[{i}]"), Some(plan))?;
    }
    if let Some(team) = &write.fields.team_responsible_id {
        let found: bool =
            diesel::select(diesel::dsl::exists(super::schema::owners::table.find(team)))
                .get_result(conn)?;
        if !found {
            return Err(StoreError::UnknownReference {
                field: "team_responsible_id".into(),
                id: team.clone(),
            });
        }
    }
    Ok(())
}

fn write_values(conn: &mut DbConnection, id: &str, write: &MeasureWrite) -> Result<(), StoreError> {
    links::replace(
        conn,
        Relation::MeasureOutcome,
        id,
        &write.outcomes,
        "outcome_ids",
    )?;
    diesel::delete(measure_values::table.filter(measure_values::measure_id.eq(id)))
        .execute(conn)?;
    let rows = write
        .baselines
        .iter()
        .map(|v| (ValueRole::Baseline, v))
        .chain(write.targets.iter().map(|v| (ValueRole::Target, v)));
    for (position, (role, v)) in (0..).zip(rows) {
        diesel::insert_into(measure_values::table)
            .values((
                measure_values::measure_id.eq(id),
                measure_values::role.eq(role),
                measure_values::period.eq(&v.period),
                measure_values::cohort.eq(&v.cohort),
                measure_values::value.eq(v.value),
                measure_values::note.eq(&v.note),
                measure_values::position.eq::<i32>(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert(
    tx: &mut WriteTx<'_>,
    plan: &str,
    write: MeasureWrite,
) -> Result<Measure, StoreError> {
    if !super::plans::exists(tx.conn, plan)? {
        return Err(StoreError::NotFound);
    }
    check(tx.conn, plan, &write, None)?;
    let id = super::new_id();
    diesel::insert_into(measures::table)
        .values((
            measures::id.eq(&id),
            measures::plan_id.eq(plan),
            &write.fields,
            measures::target_status.eq(TargetStatus::NoTarget),
            audit::created!(measures, tx),
        ))
        .execute(tx.conn)?;
    write_values(tx.conn, &id, &write)?;
    external_refs::replace(tx.conn, TYPE, &id, &write.external_refs)?;
    refresh_status(tx.conn, &id)?;
    get(tx.conn, &id)
}

pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    plan: &str,
    write: MeasureWrite,
) -> Result<Measure, StoreError> {
    check(tx.conn, plan, &write, Some(id))?;
    diesel::update(measures::table.find(id))
        .set((&write.fields, audit::updated!(measures, tx)))
        .execute(tx.conn)?;
    write_values(tx.conn, id, &write)?;
    external_refs::replace(tx.conn, TYPE, id, &write.external_refs)?;
    refresh_status(tx.conn, id)?;
    get(tx.conn, id)
}

pub fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError> {
    let count: i64 = readings::table
        .filter(readings::measure_id.eq(id))
        .count()
        .get_result(tx.conn)?;
    super::refuse_if_referenced([("readings", count)])?;
    links::remove_parent(tx.conn, id)?;
    external_refs::remove(tx.conn, TYPE, id)?;
    diesel::delete(measure_values::table.filter(measure_values::measure_id.eq(id)))
        .execute(tx.conn)?;
    super::removed(diesel::delete(measures::table.find(id)).execute(tx.conn)?)
}

/// The target a value of `cohort` for `period` is judged against: the cohort's
/// target for that period; else its next target, the first whose period ends on
/// or after the reading's; else (a period past every target, or one without a
/// date) its latest.
pub fn target_for(measure: &Measure, cohort: &str, period: &str) -> Option<f64> {
    let targets: Vec<&PeriodValue> = measure
        .targets
        .iter()
        .filter(|t| t.cohort == cohort)
        .collect();
    if let Some(same) = targets
        .iter()
        .find(|t| t.period.trim().eq_ignore_ascii_case(period.trim()))
    {
        return same.value;
    }
    let ends = |t: &&PeriodValue| period::end_of(&t.period);
    let next = period::end_of(period).and_then(|end| {
        targets
            .iter()
            .filter(|t| ends(t).is_some_and(|e| e >= end))
            .min_by_key(|t| ends(t))
    });
    next.or_else(|| {
        targets
            .iter()
            .max_by(|a, b| ends(a).cmp(&ends(b)).then(a.period.cmp(&b.period)))
    })
    .and_then(|t| t.value)
}

/// Where a value of `cohort` for `period` stands for this measure.
pub fn judge(measure: &Measure, cohort: &str, period: &str, value: Option<f64>) -> TargetStatus {
    if measure.row.kind == MeasureKind::Qualitative {
        return TargetStatus::NoTarget;
    }
    target_status(
        value,
        target_for(measure, cohort, period),
        measure.row.direction,
        measure.row.tolerance,
    )
}

/// How many of the latest readings the trend is read over.
const TREND_READINGS: usize = 4;

/// The cohort a measure's headline status follows: `All` when it has a target for
/// it, otherwise the cohort of its first target.
fn main_cohort(measure: &Measure) -> String {
    if measure.targets.iter().any(|t| t.cohort == MAIN_COHORT) {
        return MAIN_COHORT.to_string();
    }
    measure
        .targets
        .first()
        .map_or_else(|| MAIN_COHORT.to_string(), |t| t.cohort.clone())
}

/// One reading of a series: its period, value and when it was recorded.
type Point = (String, Option<f64>, NaiveDateTime);

/// The main cohort's readings of the measure, but for those `replaced`: the
/// stored readings a batch is changing (its new ones are not stored yet).
fn main_series(
    conn: &mut DbConnection,
    measure: &Measure,
    replaced: &[&str],
) -> Result<Vec<Point>, StoreError> {
    Ok(readings::table
        .filter(readings::measure_id.eq(&measure.row.id))
        .filter(readings::cohort.eq(main_cohort(measure)))
        .filter(readings::id.ne_all(replaced))
        .select((readings::period, readings::value, readings::created_at))
        .load(conn)?)
}

/// The measure's headline, from its main cohort's readings: the latest judged
/// against its target, and the trend over the last few. Readings are in time
/// order by the last day of their period; a period without a date counts from
/// when its reading was recorded ("Latest DfE termly scorecard").
fn headline(measure: &Measure, mut series: Vec<Point>) -> (TargetStatus, Option<Trend>) {
    // The key parses the period: once per reading, not once per comparison.
    series.sort_by_cached_key(|(period, _, recorded)| {
        (
            period::end_of(period).unwrap_or_else(|| recorded.date()),
            *recorded,
        )
    });
    let status = match series.last() {
        Some((period, value, _)) => judge(measure, &main_cohort(measure), period, *value),
        None => TargetStatus::NoTarget,
    };
    let values: Vec<f64> = series.iter().filter_map(|(_, value, _)| *value).collect();
    let recent = &values[values.len().saturating_sub(TREND_READINGS)..];
    (status, trend(recent, measure.row.direction))
}

/// The measure's headline (status against target, trend) from its readings
/// as stored, but for those in `written`, taken as given there instead: a
/// batch judges its measures before it writes. `stored` says which of them are
/// stored already, and so are left out of what is read.
pub fn headline_with(
    conn: &mut DbConnection,
    measure: &Measure,
    written: &[&super::readings::ReadingRow],
    stored: impl Fn(&str) -> bool,
) -> Result<(TargetStatus, Option<Trend>), StoreError> {
    let main = main_cohort(measure);
    let replaced: Vec<&str> = written
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| stored(id))
        .collect();
    let mut series = main_series(conn, measure, &replaced)?;
    series.extend(
        written
            .iter()
            .filter(|r| r.cohort == main)
            .map(|r| (r.period.clone(), r.value, r.created_at)),
    );
    Ok(headline(measure, series))
}

/// Stores the measure's headline; says whether it moved.
fn store_headline(
    conn: &mut DbConnection,
    measure: &Measure,
    series: Vec<Point>,
) -> Result<bool, StoreError> {
    let (status, trend) = headline(measure, series);
    if (status, trend) == (measure.row.target_status, measure.row.trend) {
        return Ok(false);
    }
    diesel::update(measures::table.find(&measure.row.id))
        .set((
            measures::target_status.eq(status),
            measures::trend.eq(trend),
        ))
        .execute(conn)?;
    Ok(true)
}

/// After one reading of the measure is written (`Some`) or deleted (`None`):
/// judges that reading, and the measure by its main cohort's readings. The other
/// readings keep their status, as the targets did not move. Says whether the
/// measure's headline (status or trend) moved: it is then a new version of it.
pub fn refresh_after_reading(
    conn: &mut DbConnection,
    id: &str,
    reading: Option<&str>,
) -> Result<bool, StoreError> {
    let measure = get(conn, id)?;
    if let Some(reading) = reading {
        let (cohort, period, value): (String, String, Option<f64>) = readings::table
            .find(reading)
            .select((readings::cohort, readings::period, readings::value))
            .first(conn)?;
        diesel::update(readings::table.find(reading))
            .set(readings::target_status.eq(judge(&measure, &cohort, &period, value)))
            .execute(conn)?;
    }
    let series = main_series(conn, &measure, &[])?;
    store_headline(conn, &measure, series)
}

/// Recomputes the stored status of a measure and of each of its readings, as
/// after its targets change.
pub fn refresh_status(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    let measure = get(conn, id)?;
    let rows: Vec<(String, String, String, Option<f64>, NaiveDateTime)> = readings::table
        .filter(readings::measure_id.eq(id))
        .select((
            readings::id,
            readings::period,
            readings::cohort,
            readings::value,
            readings::created_at,
        ))
        .load(conn)?;
    for (reading, period, cohort, value, _) in &rows {
        diesel::update(readings::table.find(reading))
            .set(readings::target_status.eq(judge(&measure, cohort, period, *value)))
            .execute(conn)?;
    }
    let main = main_cohort(&measure);
    let series = rows
        .into_iter()
        .filter(|(_, _, cohort, _, _)| *cohort == main)
        .map(|(_, period, _, value, recorded)| (period, value, recorded))
        .collect();
    store_headline(conn, &measure, series)?;
    Ok(())
}

/// A measure's version moved by a reading: its version and audit fields.
pub fn bump(tx: &mut WriteTx<'_>, id: &str) -> Result<Measure, StoreError> {
    diesel::update(measures::table.find(id))
        .set(audit::updated!(measures, tx))
        .execute(tx.conn)?;
    get(tx.conn, id)
}

//! Queries for readings: a measure's actual value for a period and a cohort.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    audit, keys, measures,
    schema::{measures as measure_table, plans, readings},
    DbConnection, Page, PageRequest, StoreError, WriteTx,
};
use crate::domain::{
    plan::{MeasureKind, ReadingStatus, TargetStatus},
    ResourceType,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = readings)]
pub struct ReadingRow {
    pub id: String,
    pub measure_id: String,
    pub period: String,
    pub cohort: String,
    pub value: Option<f64>,
    pub text_value: Option<String>,
    pub status: ReadingStatus,
    pub comment: Option<String>,
    pub source_system: Option<String>,
    pub target_status: TargetStatus,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = readings, treat_none_as_null = true)]
pub struct ReadingFields {
    pub period: String,
    pub cohort: String,
    pub value: Option<f64>,
    pub text_value: Option<String>,
    pub status: ReadingStatus,
    pub comment: Option<String>,
    pub source_system: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct ReadingFilter {
    pub measure_id: Option<String>,
    pub plan_id: Option<String>,
    /// A plan's id or ref.
    pub plan: Option<String>,
    pub period: Option<String>,
    pub cohort: Option<String>,
    /// Any of these; all when empty.
    pub target_status: Vec<TargetStatus>,
    pub updated_since: Option<NaiveDateTime>,
    /// Only readings of measures in published plans (anonymous readers).
    pub published_only: bool,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ReadingFilter,
    page: &PageRequest,
) -> Result<Page<ReadingRow>, StoreError> {
    let mut query = readings::table
        .select(ReadingRow::as_select())
        .order(readings::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(readings::id.gt(after.clone()));
    }
    if let Some(measure) = &filter.measure_id {
        query = query.filter(readings::measure_id.eq(measure.clone()));
    }
    if let Some(plan) = &filter.plan_id {
        let of_plan = measure_table::table
            .filter(measure_table::plan_id.eq(plan.clone()))
            .select(measure_table::id);
        query = query.filter(readings::measure_id.eq_any(of_plan));
    }
    if let Some(plan) = &filter.plan {
        let id = keys::plan_key(conn, plan, filter.published_only)?;
        let of_plan = measure_table::table
            .filter(measure_table::plan_id.eq(id))
            .select(measure_table::id);
        query = query.filter(readings::measure_id.eq_any(of_plan));
    }
    if let Some(period) = &filter.period {
        query = query.filter(readings::period.eq(period.clone()));
    }
    if let Some(cohort) = &filter.cohort {
        query = query.filter(readings::cohort.eq(cohort.clone()));
    }
    if !filter.target_status.is_empty() {
        query = query.filter(readings::target_status.eq_any(filter.target_status.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(readings::updated_at.ge(since));
    }
    if filter.published_only {
        let published = plans::table
            .filter(plans::published.eq(true))
            .select(plans::id);
        let of_published = measure_table::table
            .filter(measure_table::plan_id.eq_any(published))
            .select(measure_table::id);
        query = query.filter(readings::measure_id.eq_any(of_published));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<ReadingRow, StoreError> {
    Ok(readings::table
        .find(id)
        .select(ReadingRow::as_select())
        .first(conn)?)
}

fn check_free(
    conn: &mut DbConnection,
    measure: &str,
    fields: &ReadingFields,
    except: Option<&str>,
) -> Result<(), StoreError> {
    let taken: Option<String> = readings::table
        .filter(readings::measure_id.eq(measure))
        .filter(readings::period.eq(&fields.period))
        .filter(readings::cohort.eq(&fields.cohort))
        .filter(readings::id.ne(except.unwrap_or("")))
        .select(readings::id)
        .first(conn)
        .optional()?;
    match taken {
        Some(_) => Err(StoreError::Duplicate {
            field: "period",
            value: format!("{} ({})", fields.period, fields.cohort),
        }),
        None => Ok(()),
    }
}

/// A quantitative measure's reading needs a number; a qualitative one, text.
pub(super) fn check_value(kind: MeasureKind, fields: &ReadingFields) -> Result<(), StoreError> {
    let (field, missing) = match kind {
        MeasureKind::Quantitative => ("value", fields.value.is_none()),
        MeasureKind::Qualitative => ("text_value", fields.text_value.is_none()),
    };
    if missing {
        return Err(StoreError::Invalid {
            field: field.into(),
            code: "required",
            message: format!("a reading of a {kind} measure needs {field}"),
        });
    }
    Ok(())
}

/// Stores a new reading of `measure`; says too whether the measure's headline
/// (status against target, trend) moved.
pub fn insert(
    tx: &mut WriteTx<'_>,
    measure: &str,
    fields: ReadingFields,
) -> Result<(ReadingRow, bool), StoreError> {
    super::locks::row(tx.conn, ResourceType::Measure, measure)?;
    let kind: Option<MeasureKind> = measure_table::table
        .find(measure)
        .select(measure_table::kind)
        .first(tx.conn)
        .optional()?;
    let Some(kind) = kind else {
        return Err(StoreError::NotFound);
    };
    check_value(kind, &fields)?;
    check_free(tx.conn, measure, &fields, None)?;
    let id = super::new_id();
    diesel::insert_into(readings::table)
        .values((
            readings::id.eq(&id),
            readings::measure_id.eq(measure),
            &fields,
            readings::target_status.eq(TargetStatus::NoTarget),
            audit::created!(readings, tx),
        ))
        .execute(tx.conn)?;
    let moved = measures::refresh_after_reading(tx.conn, measure, Some(&id))?;
    Ok((get(tx.conn, &id)?, moved))
}

pub fn update(
    tx: &mut WriteTx<'_>,
    id: &str,
    measure: &str,
    fields: ReadingFields,
) -> Result<(ReadingRow, bool), StoreError> {
    super::locks::row(tx.conn, ResourceType::Measure, measure)?;
    let kind: MeasureKind = measure_table::table
        .find(&measure)
        .select(measure_table::kind)
        .first(tx.conn)?;
    check_value(kind, &fields)?;
    check_free(tx.conn, measure, &fields, Some(id))?;
    diesel::update(readings::table.find(id))
        .set((&fields, audit::updated!(readings, tx)))
        .execute(tx.conn)?;
    let moved = measures::refresh_after_reading(tx.conn, measure, Some(id))?;
    Ok((get(tx.conn, id)?, moved))
}

/// Deletes the reading; says whether its measure's headline moved.
pub fn delete(tx: &mut WriteTx<'_>, id: &str, measure: &str) -> Result<bool, StoreError> {
    super::locks::row(tx.conn, ResourceType::Measure, measure)?;
    diesel::delete(readings::table.find(id)).execute(tx.conn)?;
    measures::refresh_after_reading(tx.conn, measure, None)
}

/// The reading of a measure for a period and cohort, if there is one.
pub fn find_by_key(
    conn: &mut DbConnection,
    measure: &str,
    period: &str,
    cohort: &str,
) -> Result<Option<ReadingRow>, StoreError> {
    Ok(readings::table
        .filter(readings::measure_id.eq(measure))
        .filter(readings::period.eq(period))
        .filter(readings::cohort.eq(cohort))
        .select(ReadingRow::as_select())
        .first(conn)
        .optional()?)
}

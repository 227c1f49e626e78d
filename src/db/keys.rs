//! Lookups by the business keys people and plan bundles use: an organisation's
//! code, an owner's name within its organisation, a body's name, a plan's ref.

use diesel::prelude::*;

use super::{
    readings::ReadingRow,
    schema::{governance_bodies, measures, organisations, owners, plans, readings},
    DbConnection, StoreError,
};

pub fn organisation_by_code(
    conn: &mut DbConnection,
    code: &str,
) -> Result<Option<String>, StoreError> {
    Ok(organisations::table
        .filter(organisations::code.eq(code))
        .select(organisations::id)
        .first(conn)
        .optional()?)
}

/// The owner of this name in this organisation (or in none); the oldest when
/// several share both.
pub fn owner_by_name(
    conn: &mut DbConnection,
    name: &str,
    organisation: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let query = owners::table
        .filter(owners::name.eq(name))
        .order(owners::id)
        .select(owners::id);
    Ok(match organisation {
        Some(org) => query
            .filter(owners::organisation_id.eq(org))
            .first(conn)
            .optional()?,
        None => query
            .filter(owners::organisation_id.is_null())
            .first(conn)
            .optional()?,
    })
}

pub fn body_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(governance_bodies::table
        .filter(governance_bodies::name.eq(name))
        .select(governance_bodies::id)
        .first(conn)
        .optional()?)
}

pub fn plan_by_ref(conn: &mut DbConnection, r#ref: &str) -> Result<Option<String>, StoreError> {
    Ok(plans::table
        .filter(plans::ref_.eq(r#ref))
        .select(plans::id)
        .first(conn)
        .optional()?)
}

/// The plan a query names by its id or by its ref; `published_only` for
/// readers who may see only published plans (another plan's ref is unknown to them).
pub fn plan_key(
    conn: &mut DbConnection,
    text: &str,
    published_only: bool,
) -> Result<String, StoreError> {
    if uuid::Uuid::try_parse(text).is_ok() {
        return Ok(text.to_string());
    }
    let mut query = plans::table
        .filter(plans::ref_.eq(text))
        .select(plans::id)
        .into_boxed();
    if published_only {
        query = query.filter(plans::published.eq(true));
    }
    query
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::UnknownKey {
            parameter: "plan",
            message: format!("no plan has the ref {text:?}, nor is it a plan id"),
        })
}

/// The organisation a query names by its id or by its code.
pub fn organisation_key(conn: &mut DbConnection, text: &str) -> Result<String, StoreError> {
    if uuid::Uuid::try_parse(text).is_ok() {
        return Ok(text.to_string());
    }
    organisation_by_code(conn, text)?.ok_or_else(|| StoreError::UnknownKey {
        parameter: "organisation",
        message: format!("no organisation has the code {text:?}, nor is it an organisation id"),
    })
}

/// Every reading of a plan's measures, oldest first within each measure.
pub fn readings_of_plan(
    conn: &mut DbConnection,
    plan: &str,
) -> Result<Vec<ReadingRow>, StoreError> {
    Ok(readings::table
        .inner_join(measures::table.on(measures::id.eq(readings::measure_id)))
        .filter(measures::plan_id.eq(plan))
        .order((readings::measure_id, readings::id))
        .select(ReadingRow::as_select())
        .load(conn)?)
}

/// How many plans there are: the demo plans load only into an empty database.
pub fn plan_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(plans::table.count().get_result(conn)?)
}

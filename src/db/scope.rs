//! The facts access checks need about an object: which organisation a code
//! names, who is a partner in a plan, who leads an action or a measure, and
//! whether a plan is published.

use diesel::{dsl::exists, prelude::*, select};

use super::{
    schema::{links, measures, organisations, owners, plans},
    DbConnection, StoreError,
};
use crate::domain::links::Relation;

/// The id of the organisation with this code.
pub fn organisation_id(conn: &mut DbConnection, code: &str) -> Result<Option<String>, StoreError> {
    Ok(organisations::table
        .filter(organisations::code.eq(code))
        .select(organisations::id)
        .first(conn)
        .optional()?)
}

pub fn is_partner(
    conn: &mut DbConnection,
    plan: &str,
    organisation: &str,
) -> Result<bool, StoreError> {
    Ok(select(exists(
        links::table
            .filter(links::relation.eq(Relation::PlanPartner.as_str()))
            .filter(links::parent_id.eq(plan))
            .filter(links::target_id.eq(organisation)),
    ))
    .get_result(conn)?)
}

/// Whether `organisation` sits on the governance body.
pub fn is_member(
    conn: &mut DbConnection,
    body: &str,
    organisation: &str,
) -> Result<bool, StoreError> {
    Ok(select(exists(
        links::table
            .filter(links::relation.eq(Relation::BodyMember.as_str()))
            .filter(links::parent_id.eq(body))
            .filter(links::target_id.eq(organisation)),
    ))
    .get_result(conn)?)
}

/// Whether one of the action's leads is an owner of `organisation`.
pub fn leads_action(
    conn: &mut DbConnection,
    action: &str,
    organisation: &str,
) -> Result<bool, StoreError> {
    let members = owners::table
        .filter(owners::organisation_id.eq(organisation))
        .select(owners::id);
    Ok(select(exists(
        links::table
            .filter(links::relation.eq(Relation::ActionLead.as_str()))
            .filter(links::parent_id.eq(action))
            .filter(links::target_id.eq_any(members)),
    ))
    .get_result(conn)?)
}

/// Whether the measure's team responsible belongs to `organisation`.
pub fn leads_measure(
    conn: &mut DbConnection,
    measure: &str,
    organisation: &str,
) -> Result<bool, StoreError> {
    let members = owners::table
        .filter(owners::organisation_id.eq(organisation))
        .select(owners::id.nullable());
    Ok(select(exists(
        measures::table
            .filter(measures::id.eq(measure))
            .filter(measures::team_responsible_id.eq_any(members)),
    ))
    .get_result(conn)?)
}

pub fn is_published(conn: &mut DbConnection, plan: &str) -> Result<bool, StoreError> {
    Ok(plans::table
        .find(plan)
        .select(plans::published)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

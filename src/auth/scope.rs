//! Rules about the object itself, checked inside the write's transaction once
//! the object is loaded: an editor's organisation must be a partner in the plan,
//! a contributor's organisation must lead the action or measure and may change
//! only its progress, and anonymous readers see published plans only.

use super::{caller::Principal, role::Role};
use crate::{
    db::{scope as facts, DbConnection},
    error::ApiError,
};

fn outside(detail: String) -> ApiError {
    ApiError::Forbidden {
        code: "outside_organisation",
        detail,
    }
}

/// The id of the caller's organisation, if the token names one that exists.
fn organisation_id(conn: &mut DbConnection, who: &Principal) -> Result<Option<String>, ApiError> {
    match &who.organisation {
        Some(code) => Ok(facts::organisation_id(conn, code)?),
        None => Ok(None),
    }
}

fn organisation_name(who: &Principal) -> String {
    who.organisation
        .as_deref()
        .map_or("your token names no organisation".into(), |code| {
            format!("your organisation {code}")
        })
}

pub fn admin(who: &Principal) -> Result<(), ApiError> {
    if who.is(Role::Admin) {
        return Ok(());
    }
    Err(ApiError::Forbidden {
        code: "insufficient_role",
        detail: format!("this needs the admin role; the token grants {}", who.role),
    })
}

/// Whether the caller may edit the plan: an admin, or an editor of a partner.
fn edits_plan(conn: &mut DbConnection, who: &Principal, plan: &str) -> Result<bool, ApiError> {
    if who.is(Role::Admin) {
        return Ok(true);
    }
    if !who.is(Role::Editor) {
        return Ok(false);
    }
    match organisation_id(conn, who)? {
        Some(org) => Ok(facts::is_partner(conn, plan, &org)?),
        None => Ok(false),
    }
}

/// Editors change plans (and their contents) their organisation is a partner in.
pub fn edit_plan(conn: &mut DbConnection, who: &Principal, plan: &str) -> Result<(), ApiError> {
    if edits_plan(conn, who, plan)? {
        return Ok(());
    }
    if !who.is(Role::Editor) {
        return Err(ApiError::Forbidden {
            code: "insufficient_role",
            detail: format!("this needs the editor role; the token grants {}", who.role),
        });
    }
    Err(outside(format!(
        "{} is not a partner in this plan",
        organisation_name(who)
    )))
}

/// A new plan must name the editor's organisation among its partners.
pub fn create_plan(
    conn: &mut DbConnection,
    who: &Principal,
    partners: &[String],
) -> Result<(), ApiError> {
    if who.is(Role::Admin) {
        return Ok(());
    }
    match organisation_id(conn, who)? {
        Some(org) if partners.contains(&org) => Ok(()),
        _ => Err(outside(format!(
            "{} must be among the new plan's partner_organisation_ids",
            organisation_name(who)
        ))),
    }
}

/// What a contributor's organisation must lead.
pub enum Led<'a> {
    Action(&'a str),
    Measure(&'a str),
}

/// Progress on an action or a measure: editors of the plan may; so may
/// contributors whose organisation leads it, changing only `progress` fields
/// (`None`: every field of the object is progress, as with readings).
pub fn contribute(
    conn: &mut DbConnection,
    who: &Principal,
    plan: &str,
    led: Led<'_>,
    changed: Option<(&[String], &[&str])>,
) -> Result<(), ApiError> {
    if edits_plan(conn, who, plan)? {
        return Ok(());
    }
    let leads = match organisation_id(conn, who)? {
        Some(org) => match led {
            Led::Action(id) => facts::leads_action(conn, id, &org)?,
            Led::Measure(id) => facts::leads_measure(conn, id, &org)?,
        },
        None => false,
    };
    if !leads {
        let what = match led {
            Led::Action(_) => "this action",
            Led::Measure(_) => "this measure",
        };
        let also = if who.is(Role::Editor) {
            " nor a partner in its plan"
        } else {
            ""
        };
        return Err(outside(format!(
            "{} does not lead {what}{also}",
            organisation_name(who)
        )));
    }
    if let Some((changed, progress)) = changed {
        let other: Vec<&str> = changed
            .iter()
            .map(String::as_str)
            .filter(|f| !progress.contains(f))
            .collect();
        if !other.is_empty() {
            return Err(ApiError::Forbidden {
                code: "progress_fields_only",
                detail: format!(
                    "a contributor may change only {}; this also changes {}",
                    progress.join(", "),
                    other.join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// Whether a reader may see what belongs to `plan` (`None`: belongs to no plan).
pub fn visible(
    conn: &mut DbConnection,
    only_published: bool,
    plan: Option<&str>,
) -> Result<bool, ApiError> {
    if !only_published {
        return Ok(true);
    }
    match plan {
        Some(plan) => Ok(facts::is_published(conn, plan)?),
        None => Ok(false),
    }
}

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
    who.require(Role::Admin)
}

/// Whether the caller edits the plan: an admin, or an editor of a partner
/// organisation (`org`, already looked up).
fn edits_plan(
    conn: &mut DbConnection,
    who: &Principal,
    org: Option<&str>,
    plan: &str,
) -> Result<bool, ApiError> {
    if who.is(Role::Admin) {
        return Ok(true);
    }
    match org {
        Some(org) if who.is(Role::Editor) => Ok(facts::is_partner(conn, plan, org)?),
        _ => Ok(false),
    }
}

/// Editors change plans (and their contents) their organisation is a partner in.
pub fn edit_plan(conn: &mut DbConnection, who: &Principal, plan: &str) -> Result<(), ApiError> {
    who.require(Role::Editor)?;
    let org = organisation_id(conn, who)?;
    if edits_plan(conn, who, org.as_deref(), plan)? {
        return Ok(());
    }
    Err(outside(format!(
        "{} is not a partner in this plan",
        organisation_name(who)
    )))
}

/// Editors run the meetings of the bodies their organisation sits on.
pub fn edit_meeting(conn: &mut DbConnection, who: &Principal, body: &str) -> Result<(), ApiError> {
    who.require(Role::Editor)?;
    if who.is(Role::Admin) {
        return Ok(());
    }
    if let Some(org) = organisation_id(conn, who)? {
        if facts::is_member(conn, body, &org)? {
            return Ok(());
        }
    }
    Err(outside(format!(
        "{} does not sit on this governance body",
        organisation_name(who)
    )))
}

/// A change to a plan's partners, judged before it is written: an editor
/// (already a partner, `edit_plan`) must stay one, and only an admin removes a
/// partner, so that nobody moves a plan into or out of another's reach.
pub fn change_partners(
    conn: &mut DbConnection,
    who: &Principal,
    before: &[String],
    after: &[String],
) -> Result<(), ApiError> {
    if who.is(Role::Admin) {
        return Ok(());
    }
    let org = organisation_id(conn, who)?;
    if !org.as_ref().is_some_and(|org| after.contains(org)) {
        return Err(outside(format!(
            "{} must stay among the plan's partner_organisation_ids",
            organisation_name(who)
        )));
    }
    let removed: Vec<&str> = before
        .iter()
        .filter(|p| !after.contains(p))
        .map(String::as_str)
        .collect();
    if removed.is_empty() {
        return Ok(());
    }
    Err(ApiError::Forbidden {
        code: "partner_removal",
        detail: format!(
            "only an admin may remove a partner from a plan; this removes {}",
            removed.join(", ")
        ),
    })
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
    let org = organisation_id(conn, who)?;
    if edits_plan(conn, who, org.as_deref(), plan)? {
        return Ok(());
    }
    let leads = match (org, &led) {
        (Some(org), Led::Action(id)) => facts::leads_action(conn, id, &org)?,
        (Some(org), Led::Measure(id)) => facts::leads_measure(conn, id, &org)?,
        (None, _) => false,
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
    let Some((changed, progress)) = changed else {
        return Ok(());
    };
    let other: Vec<&str> = changed
        .iter()
        .map(String::as_str)
        .filter(|f| !progress.contains(f))
        .collect();
    if other.is_empty() {
        return Ok(());
    }
    Err(ApiError::Forbidden {
        code: "progress_fields_only",
        detail: format!(
            "a contributor may change only {}; this also changes {}",
            progress.join(", "),
            other.join(", ")
        ),
    })
}

/// `visible`, or 404 naming what was asked for: to a reader who may not see it,
/// it does not exist.
pub fn readable(
    conn: &mut DbConnection,
    only_published: bool,
    plan: Option<&str>,
    resource: &'static str,
    id: &str,
) -> Result<(), ApiError> {
    if visible(conn, only_published, plan)? {
        Ok(())
    } else {
        Err(ApiError::not_found(resource, id))
    }
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

//! A bundle's names and refs: each key defined once, every name resolving to
//! something the bundle defines, nothing carried that the plan does not refer
//! to, and no ring of actions monitored in each other.

use std::collections::{HashMap, HashSet};

use super::{
    model::{BodyEntry, Bundle},
    parse::{all_actions, priorities, Errors, PlacedAction},
};
use crate::error::join_path as join;

/// The keys a bundle defines, and the paths that define them.
pub(super) struct Defined<'a> {
    organisations: HashSet<&'a str>,
    owners: HashSet<&'a str>,
    bodies: HashSet<&'a str>,
    priorities: HashSet<&'a str>,
    outcomes: HashSet<&'a str>,
    /// Priority, outcome and action refs: what `monitored_in` may name.
    monitors: HashSet<&'a str>,
}

/// Records `key` at `path`, reporting a key defined twice.
fn define<'a>(set: &mut HashSet<&'a str>, key: &'a str, path: &str, errors: &mut Errors) {
    if !set.insert(key) {
        errors.add(
            path,
            "duplicate",
            format!("{key:?} appears twice in the bundle"),
        );
    }
}

pub(super) fn definitions<'a>(bundle: &'a Bundle, errors: &mut Errors) -> Defined<'a> {
    let mut d = Defined {
        organisations: HashSet::new(),
        owners: HashSet::new(),
        bodies: HashSet::new(),
        priorities: HashSet::new(),
        outcomes: HashSet::new(),
        monitors: HashSet::new(),
    };
    for (i, o) in bundle.organisations.iter().enumerate() {
        define(
            &mut d.organisations,
            &o.code,
            &format!("organisations[{i}].code"),
            errors,
        );
    }
    for (i, o) in bundle.owners.iter().enumerate() {
        define(&mut d.owners, &o.name, &format!("owners[{i}].name"), errors);
    }
    for (i, b) in bundle.governance_bodies.iter().enumerate() {
        define(
            &mut d.bodies,
            &b.name,
            &format!("governance_bodies[{i}].name"),
            errors,
        );
    }
    let mut actions = HashSet::new();
    for (_, path, priority) in priorities(bundle) {
        define(
            &mut d.priorities,
            &priority.r#ref,
            &join(&path, "ref"),
            errors,
        );
        d.monitors.insert(&priority.r#ref);
        for (o, outcome) in priority.outcomes.iter().enumerate() {
            let opath = format!("{path}.outcomes[{o}]");
            define(
                &mut d.outcomes,
                &outcome.r#ref,
                &join(&opath, "ref"),
                errors,
            );
            d.monitors.insert(&outcome.r#ref);
        }
    }
    for PlacedAction { path, action, .. } in all_actions(bundle) {
        define(&mut actions, &action.r#ref, &join(&path, "ref"), errors);
        d.monitors.insert(&action.r#ref);
    }
    let mut measures = HashSet::new();
    for (i, m) in bundle.measures.iter().enumerate() {
        let path = format!("measures[{i}]");
        define(&mut measures, &m.r#ref, &join(&path, "ref"), errors);
        let mut periods = HashSet::new();
        for (r, reading) in m.readings.iter().enumerate() {
            if !periods.insert((&reading.period, &reading.cohort)) {
                errors.add(
                    &format!("{path}.readings[{r}]"),
                    "duplicate",
                    format!(
                        "a reading for {} ({}) appears twice",
                        reading.period, reading.cohort
                    ),
                );
            }
        }
    }
    let mut risks = HashSet::new();
    for (i, r) in bundle.risks.iter().enumerate() {
        let key = r.r#ref.as_deref().unwrap_or(&r.title);
        define(&mut risks, key, &format!("risks[{i}]"), errors);
    }
    d
}

/// Reports `key` at `path` when `set` does not define it.
fn need(errors: &mut Errors, set: &HashSet<&str>, key: &str, path: String, what: &str) {
    if !set.contains(key) {
        errors.add(
            &path,
            "unknown_reference",
            format!("{key:?} names no {what} in the bundle"),
        );
    }
}

/// Reports each of `keys` (the list at `path`) that names no owner.
fn need_owners(errors: &mut Errors, d: &Defined<'_>, keys: &[String], path: &str) {
    for (i, key) in keys.iter().enumerate() {
        need(errors, &d.owners, key, format!("{path}[{i}]"), "owner");
    }
}

/// Checks that every name in the bundle is defined in it.
pub(super) fn resolve(bundle: &Bundle, d: &Defined<'_>, errors: &mut Errors) {
    plan_names(bundle, d, errors);
    action_names(bundle, d, errors);
    measure_and_risk_names(bundle, d, errors);
    reference_data_names(bundle, d, errors);
}

/// The plan's and its priorities' and outcomes' bodies, owners and partners.
fn plan_names(bundle: &Bundle, d: &Defined<'_>, errors: &mut Errors) {
    let plan = &bundle.plan;
    if let Some(body) = &plan.lead_body {
        need(
            errors,
            &d.bodies,
            body,
            "plan.lead_body".into(),
            "governance body",
        );
    }
    need_owners(
        errors,
        d,
        &plan.senior_responsible_owners,
        "plan.senior_responsible_owners",
    );
    for (i, o) in plan.partner_organisations.iter().enumerate() {
        let path = format!("plan.partner_organisations[{i}]");
        need(errors, &d.organisations, o, path, "organisation");
    }
    for (_, path, p) in priorities(bundle) {
        if let Some(body) = &p.working_group {
            let at = join(&path, "working_group");
            need(errors, &d.bodies, body, at, "governance body");
        }
        let sros = format!("{path}.senior_responsible_owners");
        need_owners(errors, d, &p.senior_responsible_owners, &sros);
        for (o, outcome) in p.outcomes.iter().enumerate() {
            need_owners(
                errors,
                d,
                &outcome.leads,
                &format!("{path}.outcomes[{o}].leads"),
            );
        }
    }
}

/// Each action's leads and the priorities, outcomes and actions it points at.
fn action_names(bundle: &Bundle, d: &Defined<'_>, errors: &mut Errors) {
    for PlacedAction { path, action, .. } in all_actions(bundle) {
        need_owners(errors, d, &action.leads, &format!("{path}.leads"));
        if let Some(target) = &action.monitored_in {
            let at = join(&path, "monitored_in");
            need(
                errors,
                &d.monitors,
                target,
                at,
                "priority, outcome or action",
            );
        }
        if let Some(target) = action
            .details_in
            .as_ref()
            .filter(|t| !d.outcomes.contains(t.as_str()))
        {
            let at = join(&path, "details_in");
            need(errors, &d.priorities, target, at, "outcome or priority");
        }
    }
}

/// Measures' priorities, teams and outcomes; risks' owners.
fn measure_and_risk_names(bundle: &Bundle, d: &Defined<'_>, errors: &mut Errors) {
    for (i, m) in bundle.measures.iter().enumerate() {
        let path = format!("measures[{i}]");
        if let Some(p) = &m.priority {
            need(
                errors,
                &d.priorities,
                p,
                join(&path, "priority"),
                "priority",
            );
        }
        if let Some(team) = &m.team_responsible {
            need(
                errors,
                &d.owners,
                team,
                join(&path, "team_responsible"),
                "owner",
            );
        }
        for (o, outcome) in m.outcomes.iter().enumerate() {
            let at = format!("{path}.outcomes[{o}]");
            need(errors, &d.outcomes, outcome, at, "outcome");
        }
    }
    for (i, r) in bundle.risks.iter().enumerate() {
        if let Some(owner) = &r.owner {
            need(
                errors,
                &d.owners,
                owner,
                format!("risks[{i}].owner"),
                "owner",
            );
        }
    }
}

/// Owners' organisations; governance bodies' chairs, members and reporting lines.
fn reference_data_names(bundle: &Bundle, d: &Defined<'_>, errors: &mut Errors) {
    for (i, o) in bundle.owners.iter().enumerate() {
        if let Some(org) = &o.organisation {
            let at = format!("owners[{i}].organisation");
            need(errors, &d.organisations, org, at, "organisation");
        }
    }
    for (i, b) in bundle.governance_bodies.iter().enumerate() {
        let path = format!("governance_bodies[{i}]");
        need_owners(errors, d, &b.chairs, &format!("{path}.chairs"));
        for (m, org) in b.member_organisations.iter().enumerate() {
            let at = format!("{path}.member_organisations[{m}]");
            need(errors, &d.organisations, org, at, "organisation");
        }
        for (l, line) in b.reports_to.iter().enumerate() {
            let at = format!("{path}.reports_to[{l}].body");
            need(errors, &d.bodies, &line.body, at, "governance body");
        }
    }
}

/// Reference data nothing in the plan leads to is refused: a bundle carries
/// what its plan refers to, no more, so that an export gives back the bundle.
/// What counts is what export gathers: the plan's bodies and the bodies they
/// report to, the owners the plan and those bodies name, and the organisations
/// of all of them.
pub(super) fn unreferenced(bundle: &Bundle, errors: &mut Errors) {
    let plan = &bundle.plan;
    let mut bodies: Vec<&str> = plan.lead_body.iter().map(String::as_str).collect();
    let mut owners: HashSet<&str> = plan
        .senior_responsible_owners
        .iter()
        .map(String::as_str)
        .collect();
    let mut organisations: HashSet<&str> = plan
        .partner_organisations
        .iter()
        .map(String::as_str)
        .collect();
    for (_, _, p) in priorities(bundle) {
        bodies.extend(p.working_group.as_deref());
        owners.extend(p.senior_responsible_owners.iter().map(String::as_str));
        for o in &p.outcomes {
            owners.extend(o.leads.iter().map(String::as_str));
        }
    }
    for PlacedAction { action: a, .. } in all_actions(bundle) {
        owners.extend(a.leads.iter().map(String::as_str));
    }
    owners.extend(
        bundle
            .measures
            .iter()
            .filter_map(|m| m.team_responsible.as_deref()),
    );
    owners.extend(bundle.risks.iter().filter_map(|r| r.owner.as_deref()));
    let by_name: HashMap<&str, &BodyEntry> = bundle
        .governance_bodies
        .iter()
        .map(|b| (b.name.as_str(), b))
        .collect();
    let mut reached: HashSet<&str> = HashSet::new();
    while let Some(name) = bodies.pop() {
        if !reached.insert(name) {
            continue;
        }
        if let Some(body) = by_name.get(name) {
            bodies.extend(body.reports_to.iter().map(|l| l.body.as_str()));
            owners.extend(body.chairs.iter().map(String::as_str));
            organisations.extend(body.member_organisations.iter().map(String::as_str));
        }
    }
    for o in &bundle.owners {
        if owners.contains(o.name.as_str()) {
            organisations.extend(o.organisation.as_deref());
        }
    }
    let mut refuse = |path: String| {
        errors.add(
            &path,
            "unreferenced",
            "nothing in the plan refers to it: a bundle carries only what its plan refers to",
        );
    };
    for (i, o) in bundle.organisations.iter().enumerate() {
        if !organisations.contains(o.code.as_str()) {
            refuse(format!("organisations[{i}]"));
        }
    }
    for (i, o) in bundle.owners.iter().enumerate() {
        if !owners.contains(o.name.as_str()) {
            refuse(format!("owners[{i}]"));
        }
    }
    for (i, b) in bundle.governance_bodies.iter().enumerate() {
        if !reached.contains(b.name.as_str()) {
            refuse(format!("governance_bodies[{i}]"));
        }
    }
}

/// Actions monitored in each other in a ring cannot be stored: each needs the
/// other to exist first.
pub(super) fn monitored_cycles(bundle: &Bundle, errors: &mut Errors) {
    let actions = all_actions(bundle);
    let target: HashMap<&str, &str> = actions
        .iter()
        .filter_map(|p| Some((p.action.r#ref.as_str(), p.action.monitored_in.as_deref()?)))
        .collect();
    for PlacedAction { path, action, .. } in &actions {
        let mut seen = HashSet::new();
        let mut at = action.r#ref.as_str();
        while let Some(next) = target.get(at) {
            if *next == action.r#ref {
                errors.add(
                    &join(path, "monitored_in"),
                    "cycle",
                    "actions cannot be monitored in each other in a ring",
                );
                break;
            }
            if !seen.insert(*next) {
                break;
            }
            at = next;
        }
    }
}

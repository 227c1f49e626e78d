//! Reading a bundle: every element is typed on its own, so one request names every
//! bad element (`priorities[2].outcomes[0].actions[5].due`) rather than the first;
//! then the field rules of the inputs the entries become, the uniqueness of keys,
//! and every name and ref resolving inside the bundle. Nothing here touches the
//! database.

use std::collections::{HashMap, HashSet};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    convert::{self, entry_field, ActionParent, Keys},
    model::{ActionEntry, Bundle, MeasureEntry, OutcomeEntry, PriorityEntry, FORMAT},
};
use crate::{
    api::request_body::{one_per_field, rule_errors, type_error},
    error::{join_path as join, ApiError, FieldError},
};

/// A bundle from a JSON body, or 422 naming every invalid element.
pub fn parse(value: Value) -> Result<Bundle, ApiError> {
    let mut errors = Errors::default();
    let bundle = read_bundle(value, &mut errors);
    if let Some(bundle) = &bundle {
        check(bundle, &mut errors);
    }
    match bundle {
        Some(bundle) if errors.0.is_empty() => Ok(bundle),
        _ => {
            one_per_field(&mut errors.0);
            Err(ApiError::Validation(errors.0))
        }
    }
}

#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, path: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: path.to_string(),
            code: code.into(),
            message: message.into(),
        });
    }

    /// Field errors of an element, placed under its path.
    fn under(&mut self, path: &str, errors: Vec<FieldError>) {
        for e in errors {
            let field = entry_field(&e.field);
            self.0.push(FieldError {
                field: join(path, &field),
                ..e
            });
        }
    }
}

/// Takes the array `name` out of an object, leaving the rest to be typed.
fn take_array(object: &mut Value, name: &str, path: &str, errors: &mut Errors) -> Vec<Value> {
    let Some(map) = object.as_object_mut() else {
        return Vec::new();
    };
    match map.remove(name) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.add(&join(path, name), "invalid_type", "must be an array");
            Vec::new()
        }
    }
}

fn typed<T: DeserializeOwned>(value: Value, path: &str, errors: &mut Errors) -> Option<T> {
    match serde_path_to_error::deserialize(value) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.under(path, vec![type_error(e)]);
            None
        }
    }
}

/// Types each item of an array with `read`, keeping the ones that type.
fn each<T>(
    items: Vec<Value>,
    path: &str,
    errors: &mut Errors,
    mut read: impl FnMut(Value, &str, &mut Errors) -> Option<T>,
) -> Vec<T> {
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| read(item, &format!("{path}[{i}]"), errors))
        .collect()
}

fn read_bundle(mut value: Value, errors: &mut Errors) -> Option<Bundle> {
    if !value.is_object() {
        errors.add("", "invalid_type", "a bundle is a JSON object");
        return None;
    }
    let priorities = take_array(&mut value, "priorities", "", errors);
    let priorities = each(priorities, "priorities", errors, read_priority);
    let measures = take_array(&mut value, "measures", "", errors);
    let measures = each(measures, "measures", errors, read_measure);
    let mut lists = HashMap::new();
    for name in ["risks", "organisations", "owners", "governance_bodies"] {
        lists.insert(name, take_array(&mut value, name, "", errors));
    }
    let mut list = |name: &str| lists.remove(name).unwrap_or_default();
    let risks = each(list("risks"), "risks", errors, typed);
    let organisations = each(list("organisations"), "organisations", errors, typed);
    let owners = each(list("owners"), "owners", errors, typed);
    let bodies = each(
        list("governance_bodies"),
        "governance_bodies",
        errors,
        typed,
    );
    let mut bundle: Bundle = typed(value, "", errors)?;
    bundle.priorities = priorities;
    bundle.measures = measures;
    bundle.risks = risks;
    bundle.organisations = organisations;
    bundle.owners = owners;
    bundle.governance_bodies = bodies;
    Some(bundle)
}

fn read_priority(mut value: Value, path: &str, errors: &mut Errors) -> Option<PriorityEntry> {
    let outcomes = take_array(&mut value, "outcomes", path, errors);
    let outcomes = each(outcomes, &join(path, "outcomes"), errors, read_outcome);
    let actions = take_array(&mut value, "actions", path, errors);
    let actions: Vec<ActionEntry> = each(actions, &join(path, "actions"), errors, typed);
    let mut priority: PriorityEntry = typed(value, path, errors)?;
    priority.outcomes = outcomes;
    priority.actions = actions;
    Some(priority)
}

fn read_outcome(mut value: Value, path: &str, errors: &mut Errors) -> Option<OutcomeEntry> {
    let actions = take_array(&mut value, "actions", path, errors);
    let actions = each(actions, &join(path, "actions"), errors, typed);
    let mut outcome: OutcomeEntry = typed(value, path, errors)?;
    outcome.actions = actions;
    Some(outcome)
}

fn read_measure(mut value: Value, path: &str, errors: &mut Errors) -> Option<MeasureEntry> {
    let readings = take_array(&mut value, "readings", path, errors);
    let readings = each(readings, &join(path, "readings"), errors, typed);
    let mut measure: MeasureEntry = typed(value, path, errors)?;
    measure.readings = readings;
    Some(measure)
}

/// The keys a bundle defines, and the paths that define them.
struct Defined<'a> {
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

fn check(bundle: &Bundle, errors: &mut Errors) {
    if bundle.format != FORMAT {
        errors.add(
            "format",
            "unsupported_format",
            format!("must be {FORMAT:?}"),
        );
    }
    let defined = definitions(bundle, errors);
    field_rules(bundle, errors);
    references(bundle, &defined, errors);
    unreferenced(bundle, errors);
    monitored_cycles(bundle, errors);
}

fn definitions<'a>(bundle: &'a Bundle, errors: &mut Errors) -> Defined<'a> {
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

fn priorities(bundle: &Bundle) -> impl Iterator<Item = (usize, String, &PriorityEntry)> {
    bundle
        .priorities
        .iter()
        .enumerate()
        .map(|(i, p)| (i, format!("priorities[{i}]"), p))
}

/// An action of a bundle with where it sits.
pub struct PlacedAction<'a> {
    pub path: String,
    pub action: &'a ActionEntry,
    pub parent: ActionParent,
    /// Its place among its parent's actions, from 0.
    pub index: usize,
}

/// Every action with its path and the parent it is stored under.
pub fn all_actions(bundle: &Bundle) -> Vec<PlacedAction<'_>> {
    let mut out = Vec::new();
    for (_, path, priority) in priorities(bundle) {
        for (o, outcome) in priority.outcomes.iter().enumerate() {
            for (index, action) in outcome.actions.iter().enumerate() {
                out.push(PlacedAction {
                    path: format!("{path}.outcomes[{o}].actions[{index}]"),
                    action,
                    parent: ActionParent::Outcome(outcome.r#ref.clone()),
                    index,
                });
            }
        }
        for (index, action) in priority.actions.iter().enumerate() {
            out.push(PlacedAction {
                path: format!("{path}.actions[{index}]"),
                action,
                parent: ActionParent::Priority(priority.r#ref.clone()),
                index,
            });
        }
    }
    out
}

/// The inputs' own rules (lengths, formats, ranges, repeated ids), with the
/// entries' keys standing in for ids.
fn field_rules(bundle: &Bundle, errors: &mut Errors) {
    let keys = Keys::default();
    let mut rules = |path: &str, errs: Vec<FieldError>| errors.under(path, errs);
    rules(
        "plan",
        rule_errors(&convert::plan_input(&bundle.plan, &keys)),
    );
    for (i, path, p) in priorities(bundle) {
        rules(
            &path,
            rule_errors(&convert::priority_input(p, position(i), &keys)),
        );
        for (o, outcome) in p.outcomes.iter().enumerate() {
            let input = convert::outcome_input(outcome, &p.r#ref, position(o), &keys);
            rules(&format!("{path}.outcomes[{o}]"), rule_errors(&input));
        }
    }
    for PlacedAction {
        path,
        action,
        parent,
        ..
    } in all_actions(bundle)
    {
        rules(
            &path,
            rule_errors(&convert::action_input(action, &parent, 1, &keys)),
        );
    }
    for (i, m) in bundle.measures.iter().enumerate() {
        let path = format!("measures[{i}]");
        rules(
            &path,
            rule_errors(&convert::measure_input(m, position(i), &keys)),
        );
        for (r, reading) in m.readings.iter().enumerate() {
            rules(&format!("{path}.readings[{r}]"), rule_errors(reading));
        }
    }
    for (i, r) in bundle.risks.iter().enumerate() {
        rules(
            &format!("risks[{i}]"),
            rule_errors(&convert::risk_input(r, &keys)),
        );
    }
    for (i, o) in bundle.organisations.iter().enumerate() {
        let input = convert::organisation_input(o);
        rules(&format!("organisations[{i}]"), rule_errors(&input));
    }
    for (i, o) in bundle.owners.iter().enumerate() {
        rules(
            &format!("owners[{i}]"),
            rule_errors(&convert::owner_input(o, &keys)),
        );
    }
    for (i, b) in bundle.governance_bodies.iter().enumerate() {
        let input = convert::body_input(b, &keys);
        rules(&format!("governance_bodies[{i}]"), rule_errors(&input));
    }
}

/// A 1-based position from an index in the bundle.
pub fn position(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}

/// Checks that every name in the bundle is defined in it.
fn references(bundle: &Bundle, d: &Defined<'_>, errors: &mut Errors) {
    let mut need = |set: &HashSet<&str>, key: &str, path: String, what: &str| {
        if !set.contains(key) {
            errors.add(
                &path,
                "unknown_reference",
                format!("{key:?} names no {what} in the bundle"),
            );
        }
    };
    let plan = &bundle.plan;
    if let Some(body) = &plan.lead_body {
        need(&d.bodies, body, "plan.lead_body".into(), "governance body");
    }
    for (i, o) in plan.senior_responsible_owners.iter().enumerate() {
        need(
            &d.owners,
            o,
            format!("plan.senior_responsible_owners[{i}]"),
            "owner",
        );
    }
    for (i, o) in plan.partner_organisations.iter().enumerate() {
        need(
            &d.organisations,
            o,
            format!("plan.partner_organisations[{i}]"),
            "organisation",
        );
    }
    for (_, path, p) in priorities(bundle) {
        if let Some(body) = &p.working_group {
            need(
                &d.bodies,
                body,
                join(&path, "working_group"),
                "governance body",
            );
        }
        for (i, o) in p.senior_responsible_owners.iter().enumerate() {
            need(
                &d.owners,
                o,
                format!("{path}.senior_responsible_owners[{i}]"),
                "owner",
            );
        }
        for (o, outcome) in p.outcomes.iter().enumerate() {
            for (i, lead) in outcome.leads.iter().enumerate() {
                need(
                    &d.owners,
                    lead,
                    format!("{path}.outcomes[{o}].leads[{i}]"),
                    "owner",
                );
            }
        }
    }
    for PlacedAction { path, action, .. } in all_actions(bundle) {
        for (i, lead) in action.leads.iter().enumerate() {
            need(&d.owners, lead, format!("{path}.leads[{i}]"), "owner");
        }
        if let Some(target) = &action.monitored_in {
            need(
                &d.monitors,
                target,
                join(&path, "monitored_in"),
                "priority, outcome or action",
            );
        }
        if let Some(target) = action
            .details_in
            .as_ref()
            .filter(|t| !d.outcomes.contains(t.as_str()))
        {
            need(
                &d.priorities,
                target,
                join(&path, "details_in"),
                "outcome or priority",
            );
        }
    }
    for (i, m) in bundle.measures.iter().enumerate() {
        let path = format!("measures[{i}]");
        if let Some(p) = &m.priority {
            need(&d.priorities, p, join(&path, "priority"), "priority");
        }
        if let Some(team) = &m.team_responsible {
            need(&d.owners, team, join(&path, "team_responsible"), "owner");
        }
        for (o, outcome) in m.outcomes.iter().enumerate() {
            need(
                &d.outcomes,
                outcome,
                format!("{path}.outcomes[{o}]"),
                "outcome",
            );
        }
    }
    for (i, r) in bundle.risks.iter().enumerate() {
        if let Some(owner) = &r.owner {
            need(&d.owners, owner, format!("risks[{i}].owner"), "owner");
        }
    }
    for (i, o) in bundle.owners.iter().enumerate() {
        if let Some(org) = &o.organisation {
            need(
                &d.organisations,
                org,
                format!("owners[{i}].organisation"),
                "organisation",
            );
        }
    }
    for (i, b) in bundle.governance_bodies.iter().enumerate() {
        let path = format!("governance_bodies[{i}]");
        for (c, chair) in b.chairs.iter().enumerate() {
            need(&d.owners, chair, format!("{path}.chairs[{c}]"), "owner");
        }
        for (m, org) in b.member_organisations.iter().enumerate() {
            let at = format!("{path}.member_organisations[{m}]");
            need(&d.organisations, org, at, "organisation");
        }
        for (l, line) in b.reports_to.iter().enumerate() {
            let at = format!("{path}.reports_to[{l}].body");
            need(&d.bodies, &line.body, at, "governance body");
        }
    }
}

/// Reference data nothing in the plan leads to is refused: a bundle carries
/// what its plan refers to, no more, so that an export gives back the bundle.
/// What counts is what export gathers: the plan's bodies and the bodies they
/// report to, the owners the plan and those bodies name, and the organisations
/// of all of them.
fn unreferenced(bundle: &Bundle, errors: &mut Errors) {
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
    let by_name: HashMap<&str, &super::model::BodyEntry> = bundle
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
fn monitored_cycles(bundle: &Bundle, errors: &mut Errors) {
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

/// Places an error from storing one element under that element's path.
pub fn at(path: &str) -> impl Fn(ApiError) -> ApiError + '_ {
    move |e| e.within(path, entry_field)
}

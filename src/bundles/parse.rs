//! Reading a bundle: every element is typed on its own, so one request names every
//! bad element (`priorities[2].outcomes[0].actions[5].due`) rather than the first;
//! then the field rules of the inputs the entries become and, in `references`,
//! the uniqueness of keys and every name and ref resolving inside the bundle.
//! Nothing here touches the database.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    convert::{self, entry_field, ActionParent, Keys},
    model::{ActionEntry, Bundle, MeasureEntry, OutcomeEntry, PriorityEntry, FORMAT},
    references,
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

/// Every field error found so far.
#[derive(Default)]
pub(super) struct Errors(Vec<FieldError>);

impl Errors {
    pub(super) fn add(&mut self, path: &str, code: &str, message: impl Into<String>) {
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

fn check(bundle: &Bundle, errors: &mut Errors) {
    if bundle.format != FORMAT {
        errors.add(
            "format",
            "unsupported_format",
            format!("must be {FORMAT:?}"),
        );
    }
    let defined = references::definitions(bundle, errors);
    field_rules(bundle, errors);
    references::resolve(bundle, &defined, errors);
    references::unreferenced(bundle, errors);
    references::monitored_cycles(bundle, errors);
}

pub(super) fn priorities(bundle: &Bundle) -> impl Iterator<Item = (usize, String, &PriorityEntry)> {
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

/// Places an error from storing one element under that element's path.
pub fn at(path: &str) -> impl Fn(ApiError) -> ApiError + '_ {
    move |e| e.within(path, entry_field)
}

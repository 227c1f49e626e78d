//! Plan bundles (`bundles::parse`): the partnership's plans (`seed::PLANS`,
//! which `seed`'s own tests read whole), each changed in a few places at random,
//! are read whole or refused as 422 naming where; never a panic, never an error
//! without its field.

use proptest::prelude::*;
use serde_json::Value;

use crate::{bundles::parse, error::ApiError, seed::PLANS};

/// Every place in the document, as a JSON pointer.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,12}".prop_map(Value::String),
        "(red|amber|Afl1.1|2025-01-01|July 2024|MKCC|post|board|[A-Z]{2,4}[0-9]?)"
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at `pointer`, or removes it when `replacement` is `None`.
fn change(doc: &mut Value, pointer: &str, replacement: Option<Value>) {
    if let Some(value) = replacement {
        if let Some(slot) = doc.pointer_mut(pointer) {
            *slot = value;
        }
        return;
    }
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Some(i) = key.parse::<usize>().ok().filter(|i| *i < items.len()) {
                items.remove(i);
            }
        }
        _ => {}
    }
}

proptest! {
    #[test]
    fn a_changed_plan_reads_whole_or_is_refused_naming_where(
        plan in 0usize..PLANS.len(),
        changes in proptest::collection::vec((any::<prop::sample::Index>(), proptest::option::weighted(0.8, any_json())), 1..4),
    ) {
        let mut doc: Value = serde_json::from_str(PLANS[plan].1).unwrap();
        for (place, replacement) in changes {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            if all.is_empty() {
                break;
            }
            change(&mut doc, &all[place.index(all.len())], replacement);
        }
        match parse(doc) {
            Ok(_) => {}
            Err(ApiError::Validation(errors)) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(!e.field.is_empty() && !e.code.is_empty(), "{:?}", e);
                }
            }
            Err(other) => prop_assert!(false, "refused as {:?}", other),
        }
    }
}

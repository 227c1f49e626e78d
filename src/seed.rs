//! The partnership's five plans as plan bundles, embedded in the binary: the demo
//! data a fresh development database starts with, and what `waymark seed` loads.

use std::time::{Duration, Instant};

use crate::{
    auth::{Principal, Role},
    bundles::{import, parse, Bundle, ImportReport},
    db::{keys, Actor, Store},
    error::ApiError,
};

/// File name and text of each plan, in the order they load.
pub const PLANS: &[(&str, &str)] = &[
    (
        "send-inspection-action-plan.json",
        include_str!("../seeds/send-inspection-action-plan.json"),
    ),
    (
        "best-start-in-life.json",
        include_str!("../seeds/best-start-in-life.json"),
    ),
    (
        "early-help-offer.json",
        include_str!("../seeds/early-help-offer.json"),
    ),
    (
        "send-strategy-summary.json",
        include_str!("../seeds/send-strategy-summary.json"),
    ),
    (
        "children-and-families-plan-2015-16.json",
        include_str!("../seeds/children-and-families-plan-2015-16.json"),
    ),
];

/// Who the demo plans are written by, in their history.
pub const SEED_SUBJECT: &str = "waymark-seed";

/// The embedded bundles, checked as any imported bundle is.
pub fn bundles() -> Result<Vec<Bundle>, String> {
    PLANS
        .iter()
        .map(|(name, text)| {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))?;
            parse(value).map_err(|e| match e {
                ApiError::Validation(errors) => format!("{name}: {errors:?}"),
                other => format!("{name}: {other}"),
            })
        })
        .collect()
}

/// What loading the plans did, and how long it took.
pub struct Loaded {
    pub reports: Vec<ImportReport>,
    pub took: Duration,
}

/// Imports all five plans in one transaction: afterwards the database holds
/// them as the documents have them, whatever it held before. Running it again
/// changes nothing.
pub fn load(store: &Store) -> Result<Loaded, String> {
    let started = Instant::now();
    let bundles = bundles()?;
    let who = Principal {
        subject: SEED_SUBJECT.into(),
        role: Role::Admin,
        organisation: None,
    };
    let actor = Actor {
        subject: SEED_SUBJECT.into(),
        organisation: None,
    };
    let reports = store
        .write_blocking(actor, |tx| {
            bundles
                .iter()
                .map(|bundle| import(tx, &who, bundle))
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .map_err(|e| format!("loading the demo plans failed: {e}"))?;
    Ok(Loaded {
        reports,
        took: started.elapsed(),
    })
}

/// Loads the plans when the database holds none; `None` when it held some.
pub fn load_if_empty(store: &Store) -> Result<Option<Loaded>, String> {
    let count = store
        .read_blocking(keys::plan_count)
        .map_err(|e| format!("cannot count plans: {e}"))?;
    if count > 0 {
        return Ok(None);
    }
    load(store).map(Some)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Serialize;

    use super::*;

    /// Export writes a bundle in one form; an embedded plan in any other form
    /// would not come back from a round trip as it went in.
    #[test]
    fn every_plan_is_a_valid_bundle_in_canonical_form() {
        let bundles = bundles().unwrap_or_else(|e| panic!("{e}"));
        for ((name, text), bundle) in PLANS.iter().zip(bundles) {
            let written: serde_json::Value = serde_json::from_str(text).unwrap();
            let canonical = serde_json::to_value(bundle.canonical()).unwrap();
            assert!(
                written == canonical,
                "{name} is not in canonical form; it should read:\n{}",
                serde_json::to_string_pretty(&canonical).unwrap()
            );
        }
    }

    fn agree<T: Serialize + PartialEq>(
        seen: &mut HashMap<String, (&'static str, T)>,
        plan: &'static str,
        key: String,
        entry: T,
    ) {
        match seen.get(&key) {
            Some((first, earlier)) => assert!(
                *earlier == entry,
                "{key:?} differs between {first} and {plan}: {} / {}",
                serde_json::to_string(earlier).unwrap(),
                serde_json::to_string(&entry).unwrap()
            ),
            None => {
                seen.insert(key, (plan, entry));
            }
        }
    }

    /// Plans share organisations, posts and boards; each must be written the
    /// same way wherever it appears, or the first plan loaded would decide.
    #[test]
    fn plans_that_share_reference_data_write_it_identically() {
        let bundles = bundles().unwrap_or_else(|e| panic!("{e}"));
        let (mut orgs, mut owners, mut bodies) = (HashMap::new(), HashMap::new(), HashMap::new());
        for ((name, _), bundle) in PLANS.iter().zip(bundles) {
            for o in bundle.organisations {
                agree(&mut orgs, name, o.code.clone(), o);
            }
            for o in bundle.owners {
                agree(&mut owners, name, o.name.clone(), o);
            }
            for b in bundle.governance_bodies {
                agree(&mut bodies, name, b.name.clone(), b);
            }
        }
        assert!(
            orgs.contains_key("MKCC") && owners.contains_key("Director of Children's Services")
        );
    }
}

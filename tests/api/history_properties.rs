//! Properties of a plan's history, for random sequences of writes: the summary
//! as of an instant is the summary that was read then, the tree as of an instant
//! is the tree that was read then, and the changes between two instants, applied
//! to the tree at the first, give the tree at the second.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};

use crate::{
    demo::Demo,
    plan_changes::{apply, changes, flatten, instant, tree_at},
};

const SEND: &str = "SEND-LAIAP-2025";

#[derive(Debug, Clone)]
enum Write {
    /// A status update on the nth action.
    Report { action: usize, brag: &'static str },
    /// A new description for the nth action.
    Describe { action: usize, words: String },
    /// A new action under the nth outcome.
    Add { outcome: usize },
    /// Deleting the nth action (refused, and then nothing, once it has reports).
    Delete { action: usize },
    /// A new title for the nth priority.
    Retitle { priority: usize, words: String },
    /// A reading of the nth quantitative measure (refused, and then nothing,
    /// when the measure has one for that period and cohort).
    Read {
        measure: usize,
        period: &'static str,
        value: u8,
    },
}

fn writes() -> impl Strategy<Value = Vec<Write>> {
    let brag = prop::sample::select(vec!["blue", "green", "amber", "red", "grey"]);
    let words = "[A-Za-z ]{1,24}";
    let period = prop::sample::select(vec!["2023/24", "2024/25", "2025/26", "Spring 2025", "2028"]);
    let write = prop_oneof![
        3 => (0..40usize, brag).prop_map(|(action, brag)| Write::Report { action, brag }),
        2 => (0..40usize, words).prop_map(|(action, words)| Write::Describe { action, words }),
        1 => (0..20usize).prop_map(|outcome| Write::Add { outcome }),
        1 => (0..40usize).prop_map(|action| Write::Delete { action }),
        1 => (0..10usize, words).prop_map(|(priority, words)| Write::Retitle { priority, words }),
        2 => (0..20usize, period, 0..=100u8).prop_map(|(measure, period, value)| Write::Read { measure, period, value }),
    ];
    prop::collection::vec(write, 3..8)
}

/// What a reader saw at one instant.
struct Seen {
    at: String,
    summary: Value,
    tree: Value,
    /// The plan's readings, by id.
    readings: BTreeSet<String>,
}

async fn look(demo: &Demo, plan: &str) -> Seen {
    let at = instant().await;
    Seen {
        summary: demo.json(&format!("/api/v1/plans/{plan}/summary")).await,
        tree: demo
            .json(&format!("/api/v1/plans/{plan}?include=tree"))
            .await["tree"]
            .clone(),
        readings: demo
            .all(&format!("/api/v1/readings?plan_id={plan}&limit=200"))
            .await
            .iter()
            .map(|r| r["id"].to_string())
            .collect(),
        at,
    }
}

async fn ids(demo: &Demo, path: &str) -> Vec<String> {
    demo.all(path)
        .await
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

fn pick(list: &[String], n: usize) -> Option<&String> {
    (!list.is_empty()).then(|| &list[n % list.len()])
}

async fn perform(demo: &Demo, plan: &str, write: &Write, serial: usize) {
    let app = &demo.app;
    let actions = ids(demo, &format!("/api/v1/plans/{plan}/actions?limit=200")).await;
    let status = match write {
        Write::Report { action, brag } => {
            let Some(id) = pick(&actions, *action) else {
                return;
            };
            app.post(
                &format!("/api/v1/actions/{id}/status-updates"),
                &json!({"brag": brag, "narrative": format!("Report {serial}")}),
            )
            .await
            .status()
        }
        Write::Describe { action, words } => {
            let Some(id) = pick(&actions, *action) else {
                return;
            };
            app.patch(
                &format!("/api/v1/actions/{id}"),
                &json!({"description": format!("{words} {serial}")}),
            )
            .await
            .status()
        }
        Write::Add { outcome } => {
            let outcomes = ids(demo, &format!("/api/v1/plans/{plan}/outcomes?limit=200")).await;
            let Some(id) = pick(&outcomes, *outcome) else {
                return;
            };
            app.post(
                &format!("/api/v1/plans/{plan}/actions"),
                &json!({"outcome_id": id, "ref": format!("P{serial}"), "description": "Added by the property"}),
            )
            .await
            .status()
        }
        Write::Delete { action } => {
            let Some(id) = pick(&actions, *action) else {
                return;
            };
            let status = app.delete(&format!("/api/v1/actions/{id}")).await.status();
            assert!(
                status == 204 || status == 409,
                "deleting an action: {status}"
            );
            return;
        }
        Write::Read {
            measure,
            period,
            value,
        } => {
            let measures: Vec<String> = demo
                .all(&format!("/api/v1/plans/{plan}/measures?limit=200"))
                .await
                .iter()
                .filter(|m| m["kind"] == "quantitative")
                .map(|m| m["id"].as_str().unwrap().to_string())
                .collect();
            let Some(id) = pick(&measures, *measure) else {
                return;
            };
            let status = app
                .post(
                    &format!("/api/v1/measures/{id}/readings"),
                    &json!({"period": period, "cohort": "All", "value": value}),
                )
                .await
                .status();
            assert!(status == 201 || status == 409, "a reading: {status}");
            return;
        }
        Write::Retitle { priority, words } => {
            let priorities = ids(demo, &format!("/api/v1/plans/{plan}/priorities?limit=200")).await;
            let Some(id) = pick(&priorities, *priority) else {
                return;
            };
            app.patch(
                &format!("/api/v1/priorities/{id}"),
                &json!({"title": format!("{words} {serial}")}),
            )
            .await
            .status()
        }
    };
    assert!(status.is_success(), "{write:?}: {status}");
}

#[tokio::test]
async fn the_summary_the_tree_and_the_changes_agree_with_what_was_read_at_each_instant() {
    let demo = Demo::start().await;
    let plan = demo.plan_id(SEND).await;
    let mut runner = TestRunner::default();
    let mut serial = 0;
    for case in 0..8 {
        let sequence = writes().new_tree(&mut runner).unwrap().current();
        eprintln!("case {case}: {sequence:?}");
        let mut seen = vec![look(&demo, &plan).await];
        for write in &sequence {
            serial += 1;
            perform(&demo, &plan, write, serial).await;
            seen.push(look(&demo, &plan).await);
        }
        for (i, then) in seen.iter().enumerate() {
            let summary = demo
                .json(&format!("/api/v1/plans/{plan}/summary?as_of={}", then.at))
                .await;
            assert_eq!(
                (&summary["totals"], &summary["groups"]),
                (&then.summary["totals"], &then.summary["groups"]),
                "case {case}, instant {i} of {sequence:?}: the summary as of then is the one read then"
            );
            let mut tree = tree_at(&demo, &plan, &then.at).await;
            let mut known = BTreeSet::new();
            for measure in tree["measures"].as_array_mut().unwrap() {
                // Only a tree as of an instant lists the readings known then.
                let readings = measure.as_object_mut().unwrap().remove("readings").unwrap();
                known.extend(
                    readings
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["id"].to_string()),
                );
            }
            assert_eq!(
                tree, then.tree,
                "case {case}, instant {i} of {sequence:?}: the tree as of then"
            );
            assert_eq!(
                known, then.readings,
                "case {case}, instant {i} of {sequence:?}: the readings known then"
            );
            for later in &seen[i + 1..] {
                let between = changes(&demo, &plan, &then.at, &later.at).await;
                assert_eq!(
                    apply(flatten(&then.tree), &between),
                    flatten(&later.tree),
                    "case {case}, from instant {i} of {sequence:?}: from + changes = to; changes {between}"
                );
            }
        }
    }
}

//! Black-box tests: each starts the real service and talks HTTP to it. They run on
//! SQLite by default and on PostgreSQL when `WAYMARK_TEST_DATABASE_URL` is set.

// A failed assumption in a test is a failed test; the fault tests signal and
// limit the processes they start.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unsafe_code)]

mod access_matrix;
mod as_of;
mod balancer;
mod bodies;
mod bundles;
mod cli;
mod crash;
mod csv;
mod dates;
mod demo;
mod errors;
mod exposure;
mod external_refs;
mod facts_best_start;
mod facts_children_families_2015;
mod facts_early_help;
mod facts_send_inspection;
mod facts_send_strategy;
mod first_minutes;
mod helpers;
mod history_properties;
mod idempotency;
mod limits;
mod measures;
mod meetings;
mod migrations;
mod names;
mod openapi;
mod operations;
mod organisations;
mod outage;
mod owners;
mod pair;
mod plan_changes;
mod plan_items;
mod plan_summary;
mod plans;
mod process;
mod queries;
mod rate_limit;
mod reading_batches;
mod reporting;
mod scope;
mod status_updates;
mod storage;
mod tokens;
mod versioning;
mod view_cache;
mod webhooks;
mod writers;

//! Black-box tests: each starts the real service and talks HTTP to it. They run on
//! SQLite by default and on PostgreSQL when `WAYMARK_TEST_DATABASE_URL` is set.

mod access_matrix;
mod bodies;
mod bundles;
mod cli;
mod crash;
mod csv;
mod demo;
mod errors;
mod exposure;
mod external_refs;
mod facts_best_start;
mod facts_children_families_2015;
mod facts_early_help;
mod facts_send_inspection;
mod facts_send_strategy;
mod helpers;
mod idempotency;
mod limits;
mod measures;
mod migrations;
mod openapi;
mod operations;
mod organisations;
mod outage;
mod owners;
mod plan_items;
mod plans;
mod process;
mod rate_limit;
mod reading_batches;
mod scope;
mod status_updates;
mod tokens;
mod versioning;
mod webhooks;

//! HTTP entry points: request and response types and thin handlers, a file per
//! resource. Handlers extract, call the store once, and map to a view.

pub mod actions;
mod audit;
pub mod bodies;
pub mod body;
pub mod bundles;
pub mod changes;
pub mod conditional;
pub(crate) mod crud;
pub mod csv;
pub mod csv_lists;
mod endpoints;
pub mod exposure;
pub mod filters;
pub mod history;
pub mod idempotency;
pub mod measures;
mod merge_patch;
pub mod nul;
pub mod operations;
pub mod organisations;
pub mod outcomes;
pub mod owners;
pub mod pagination;
pub mod plans;
pub mod priorities;
pub mod problems;
pub mod query_rules;
pub mod rate_limit;
pub mod reading_batches;
pub mod readings;
pub mod risks;
pub(crate) mod rules;
pub mod status_updates;
pub mod tree;
pub mod webhooks;

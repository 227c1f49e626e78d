//! Waymark: a partnership's shared plans as a versioned REST/JSON API.
//!
//! A request flows: `telemetry::middleware` (request id, metrics, access log) →
//! `routes` (the one route table, each route with its access rule, enforced by
//! `auth::access` before the handler) → a handler in `api` (parse and validate
//! the input, then one call into `db::Store`, where `auth::scope` checks the
//! caller's organisation against the object) → `db` (queries on SQLite or PostgreSQL,
//! writes in one transaction) → a view serialised as JSON, or an `error::ApiError`
//! rendered as RFC 9457 problem+json.

/// The HTTP handlers and their request and response types.
pub mod api;
/// Bearer tokens, roles, organisation scope and each route's access rule.
pub mod auth;
/// Plan bundles: a plan whole as one JSON document, imported and exported.
pub mod bundles;
/// Command line: subcommands and `--help`.
pub mod cli;
/// Environment variables, parsed once at start.
pub mod config;
/// Everything that touches the database.
pub mod db;
/// Closed sets of values and rules that do not depend on HTTP or SQL.
pub mod domain;
/// The one error type and its problem+json rendering.
pub mod error;
/// glibc allocator settings for a long-running server.
pub mod memory;
/// The OpenAPI document.
pub mod openapi;
/// Property tests (proptest) of the code that reads untrusted text.
#[cfg(test)]
mod properties;
/// Highlight reports: drafted from history, rendered for boards.
pub mod reports;
/// The route table.
pub mod routes;
/// The partnership's five plans, embedded as demo data.
pub mod seed;
/// Assembling the server from configuration.
pub mod startup;
/// Request ids, access log and metrics.
pub mod telemetry;
/// Change-feed events sent to subscribers' URLs, signed and retried.
pub mod webhooks;

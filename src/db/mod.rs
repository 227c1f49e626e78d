//! Persistence: the connection type for both backends, embedded migrations, the
//! read and write paths every resource goes through, and per-resource queries.

pub mod action_batch;
pub mod actions;
pub mod as_of;
mod audit;
pub mod between;
pub mod bodies;
mod connection;
mod error;
pub mod external_refs;
pub mod highlight_reports;
pub mod history;
pub mod idempotency;
pub mod keys;
pub mod links;
pub mod locks;
pub mod measures;
pub mod meetings;
pub mod migrations;
pub mod names;
pub mod organisations;
pub mod outcomes;
pub mod owners;
pub mod plans;
mod prepared;
pub mod priorities;
pub mod reading_batch;
pub mod readings;
pub mod risks;
pub mod schema;
pub mod scope;
pub mod status_updates;
mod store;
pub mod tree;
pub mod webhooks;

pub use connection::{build_pool, prepare_sqlite, DatabaseUrl, DbConnection, Pool};
pub use error::{refuse_if_referenced, removed, StoreError};
pub use migrations::refresh_statistics;
pub use store::{now, Actor, Page, PageRequest, Store, WriteTx};

/// Runs `$body` with `$c` bound to the backend's own connection: statements
/// diesel cannot run through the two-backend connection (multi-row INSERTs)
/// run on either backend this way.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// The text of a JSON column (an agenda, a report's sections), for either backend.
pub fn json_text(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Internal(e.to_string()))
}

/// A new opaque id. UUID v7 ids sort by creation time, which keyset pagination
/// relies on for a stable order.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

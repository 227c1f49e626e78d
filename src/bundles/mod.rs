//! Plan bundles: a plan whole, with everything it refers to, as one JSON
//! document: its format (`model`), the checks that name every bad element
//! (`parse`), and its import and export, one transaction each. Not HTTP:
//! `api::bundles` serves them, and the demo plans are loaded through them.

mod convert;
mod export;
mod import;
pub mod model;
mod parse;
mod references;

pub use import::{import, Counts, ImportReport};
pub use model::Bundle;
pub use parse::parse;

use crate::error::ApiError;
pub use export::export;

/// The most entries one bundle may hold (`WAYMARK_BUNDLE_MAX_ENTRIES`): an
/// import is one transaction, and every other writer waits for it.
#[derive(Debug, Clone, Copy)]
pub struct EntryLimit(pub usize);

impl EntryLimit {
    /// Counts the objects held in arrays anywhere in the body: each is a row
    /// the import writes (a priority, an action, a reading, a target …).
    pub fn check(&self, body: &serde_json::Value) -> Result<(), ApiError> {
        fn entries(value: &serde_json::Value) -> usize {
            match value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|item| usize::from(item.is_object()) + entries(item))
                    .sum(),
                serde_json::Value::Object(map) => map.values().map(entries).sum(),
                _ => 0,
            }
        }
        let held = entries(body);
        if held <= self.0 {
            return Ok(());
        }
        Err(ApiError::invalid(
            "",
            "too_many_entries",
            format!(
                "a bundle may hold at most {} entries (WAYMARK_BUNDLE_MAX_ENTRIES); this one \
                 holds {held}: import the plan in parts, or ask the operator to raise the limit",
                self.0
            ),
        ))
    }
}

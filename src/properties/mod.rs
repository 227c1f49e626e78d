//! Property tests of everything that reads text a caller controls: date wording,
//! cursors, list filters and plan bundles. Each runs `PROPTEST_CASES` cases (256
//! by default, as in CI); the README gives the longer run.

mod bundles;
mod cursors;
mod filters;
mod wording;

//! What the service tells its operators: request ids, the access log and metrics.

pub mod metrics;
pub mod middleware;

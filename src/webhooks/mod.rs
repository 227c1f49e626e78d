//! Webhooks: change-feed events sent to the URLs admins registered, signed as the
//! Standard Webhooks specification says, retried with backoff until the receiver
//! takes them. Everything a delivery needs lives in the database (see
//! `db::webhooks`), so a restart loses nothing and several processes can share
//! the work.

pub mod events;
pub mod policy;
pub mod schedule;
pub mod signature;
pub mod worker;

use std::{sync::Arc, time::Duration};

pub use policy::UrlPolicy;
pub use schedule::Backoff;

/// How webhooks are sent, from `WAYMARK_WEBHOOK_*`.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub policy: Arc<UrlPolicy>,
    /// Whether this process sends deliveries (it always accepts subscriptions).
    pub deliver: bool,
    /// How long a receiver has to answer.
    pub timeout: Duration,
    /// How often the worker looks for new events and due retries when idle.
    pub poll: Duration,
    pub backoff: Backoff,
    /// How long a delivery is retried before it is given up.
    pub retry_for: Duration,
    /// How long delivered and failed deliveries stay in the log.
    pub keep_log: Duration,
}

impl WebhookSettings {
    /// How long a process holds a delivery it is sending: longer than any answer
    /// can take, so another process never sends the same attempt.
    pub fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(30)
    }
}

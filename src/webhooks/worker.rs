//! The delivery worker, one per process. Each turn it turns new change-feed
//! events into deliveries for the subscriptions that want them, takes as many
//! due deliveries as it has room for in flight, and records, in one transaction,
//! what the receivers that have answered said. Sending never waits for a turn to
//! end, so a receiver that is slow to answer holds only its own deliveries (at
//! most `PER_SUBSCRIPTION` of them), not everyone's.
//!
//! Delivery is at least once: a process that stops between sending and
//! recording leaves its lease to run out, and the attempt is sent again with the
//! same `webhook-id`, which receivers use to skip what they already have.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{NaiveDateTime, Utc};
use futures_util::{stream::FuturesUnordered, FutureExt, StreamExt};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use url::Url;

use super::{
    events::{event_type, payload, Interest},
    policy::PolicyResolver,
    schedule::{jitter, retry_after},
    signature::sign,
    WebhookSettings,
};
use crate::db::{
    history::{self, EventRow, FeedFilter},
    now, organisations,
    webhooks::{self as query, Answered, Due, NewDelivery, Next, Outcome, Stamp, SubscriptionRow},
    DbConnection, Store, StoreError,
};

/// Events read from the feed per subscription and round.
const FAN_OUT_BATCH: i64 = 500;
/// Deliveries in flight at once.
const IN_FLIGHT: usize = 64;
/// Deliveries of one subscription in flight at once.
const PER_SUBSCRIPTION: usize = 16;
/// How long answers are gathered after the first, to record them together.
const LINGER: Duration = Duration::from_millis(5);
/// Answers gathered before they are recorded, at most (more may be ready).
const RECORD_BATCH: usize = 32;
/// The wait after a turn that failed (the database is away).
const AFTER_ERROR: Duration = Duration::from_secs(5);
/// How often old deliveries are pruned from the log.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Recorded as `updated_by` when the worker disables a subscription.
const WORKER: &str = "webhook-worker";

pub struct Worker {
    store: Store,
    settings: WebhookSettings,
    client: reqwest::Client,
}

/// Sends deliveries until the future is dropped (when the server stops).
pub async fn run(store: Store, settings: WebhookSettings) {
    let worker = match Worker::new(store, settings) {
        Ok(worker) => worker,
        Err(e) => {
            log::error!("webhooks will not be delivered: {e}");
            return std::future::pending().await;
        }
    };
    let mut in_flight = FuturesUnordered::new();
    // Deliveries in flight per subscription.
    let mut busy: HashMap<String, usize> = HashMap::new();
    let mut next_prune = Instant::now();
    let mut next_look = Instant::now();
    let mut more_events = false;
    loop {
        if Instant::now() >= next_prune {
            worker.prune().await;
            next_prune = Instant::now() + PRUNE_EVERY;
        }
        let mut trouble = false;
        if more_events || Instant::now() >= next_look {
            next_look = Instant::now() + worker.settings.poll;
            match worker.fan_out().await {
                Ok(more) => more_events = more,
                Err(e) => {
                    log::warn!("could not read the change feed for webhooks: {e}");
                    (trouble, more_events) = (true, false);
                }
            }
        }
        let mut more_due = false;
        let room = IN_FLIGHT - in_flight.len();
        if room > 0 && !trouble {
            match worker.take_due(room, &busy).await {
                Ok((due, full)) => {
                    more_due = full;
                    for due in due {
                        *busy
                            .entry(due.delivery.subscription_id.clone())
                            .or_default() += 1;
                        in_flight.push(worker.send(due));
                    }
                }
                Err(e) => {
                    log::warn!("could not take webhook deliveries: {e}");
                    trouble = true;
                }
            }
        }
        // Wait for receivers' answers, or until the next look at the feed.
        let wait = match (trouble, more_events || more_due) {
            (true, _) => AFTER_ERROR,
            (false, true) => Duration::ZERO,
            (false, false) => next_look.saturating_duration_since(Instant::now()),
        };
        let answered = answers(&mut in_flight, wait).await;
        for (due, _) in &answered {
            let sub = &due.delivery.subscription_id;
            if let Some(n) = busy.get_mut(sub) {
                *n -= 1;
                if *n == 0 {
                    busy.remove(sub);
                }
            }
        }
        if !answered.is_empty() {
            worker.record(answered).await;
        }
    }
}

/// Waits up to `wait` for a first answer, then a few milliseconds for others,
/// so that one transaction records many.
async fn answers<F>(in_flight: &mut FuturesUnordered<F>, wait: Duration) -> Vec<(Due, Outcome)>
where
    F: std::future::Future<Output = (Due, Outcome)>,
{
    let mut answered = Vec::new();
    if in_flight.is_empty() {
        tokio::time::sleep(wait).await;
        return answered;
    }
    if let Ok(Some(first)) = tokio::time::timeout(wait, in_flight.next()).await {
        answered.push(first);
    }
    let until = tokio::time::Instant::now() + LINGER;
    while !answered.is_empty() && answered.len() < RECORD_BATCH && !in_flight.is_empty() {
        match tokio::time::timeout_at(until, in_flight.next()).await {
            Ok(Some(next)) => answered.push(next),
            _ => break,
        }
    }
    while let Some(Some(next)) = in_flight.next().now_or_never() {
        answered.push(next);
    }
    answered
}

impl Worker {
    pub fn new(store: Store, settings: WebhookSettings) -> Result<Self, String> {
        // Redirects are not followed: the policy checked this URL, not another.
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(PolicyResolver(settings.policy.clone())))
            .user_agent(concat!("Waymark-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Worker {
            store,
            settings,
            client,
        })
    }

    /// Drops delivered and failed deliveries older than the log keeps them.
    async fn prune(&self) {
        let keep = chrono::Duration::from_std(self.settings.keep_log)
            .unwrap_or(chrono::Duration::days(30));
        loop {
            let before = now() - keep;
            match self
                .store
                .transact(move |conn| query::prune(conn, before))
                .await
            {
                Ok(0) => return,
                Ok(n) => log::info!("pruned {n} old webhook deliveries from the log"),
                Err(e) => return log::warn!("could not prune the webhook delivery log: {e}"),
            }
        }
    }

    /// Turns the events after each enabled subscription's position into its
    /// deliveries; true when a subscription has more events waiting.
    async fn fan_out(&self) -> Result<bool, StoreError> {
        let subscriptions = self.store.read(query::enabled).await?;
        let retry_for = chrono::Duration::from_std(self.settings.retry_for)
            .unwrap_or(chrono::Duration::days(3));
        let mut more = false;
        for subscription in subscriptions {
            let (from, id) = (subscription.last_seq, subscription.id.clone());
            let (to, read, news) = self
                .store
                .read(move |conn| gather(conn, &subscription))
                .await?;
            if to == from {
                continue;
            }
            more |= read == FAN_OUT_BATCH;
            let at = now();
            self.store
                .transact(move |conn| {
                    query::relaxed_commit(conn)?;
                    // Another process that got here first has made these deliveries.
                    if query::advance(conn, &id, from, to)? {
                        query::insert_deliveries(conn, &news, at, at + retry_for)?;
                    }
                    Ok::<_, StoreError>(())
                })
                .await?;
        }
        Ok(more)
    }

    /// Leases up to `room` deliveries that are due and that no other process
    /// holds, leaving out subscriptions with `PER_SUBSCRIPTION` in flight; and
    /// whether more were due than were taken.
    async fn take_due(
        &self,
        room: usize,
        busy: &HashMap<String, usize>,
    ) -> Result<(Vec<Due>, bool), StoreError> {
        let at = now();
        let look = i64::try_from(room * 4).unwrap_or(i64::MAX);
        let candidates = self
            .store
            .read(move |conn| query::due(conn, at, look))
            .await?;
        let full = candidates.len() as i64 == look;
        let mut per_subscription = busy.clone();
        let chosen: Vec<String> = candidates
            .into_iter()
            .filter(|(_, subscription)| {
                let n = per_subscription.entry(subscription.clone()).or_default();
                *n += 1;
                *n <= PER_SUBSCRIPTION
            })
            .take(room)
            .map(|(id, _)| id)
            .collect();
        if chosen.is_empty() {
            return Ok((Vec::new(), false));
        }
        let lease =
            chrono::Duration::from_std(self.settings.lease()).unwrap_or(chrono::Duration::hours(1));
        let taken = self
            .store
            .transact(move |conn| {
                query::relaxed_commit(conn)?;
                query::claim(conn, &chosen, at, at + lease)
            })
            .await?;
        let full = full || taken.len() == room;
        Ok((taken, full))
    }

    /// Records answered attempts, all in one transaction; a subscription whose
    /// receiver answered 410 is disabled in it too.
    async fn record(&self, answered: Vec<(Due, Outcome)>) {
        for (due, outcome) in &answered {
            if outcome.next != Next::Delivered {
                log::info!(
                    "webhook delivery {} attempt {} to {}: {}",
                    due.delivery.id,
                    due.delivery.attempts,
                    due.url,
                    outcome
                        .error
                        .clone()
                        .or(outcome.status.map(|s| format!("status {s}")))
                        .unwrap_or_default()
                );
            }
        }
        let recorded = self
            .store
            .transact(move |conn| {
                query::relaxed_commit(conn)?;
                let rows: Vec<Answered<'_>> = answered
                    .iter()
                    .map(|(due, outcome)| Answered {
                        delivery_id: &due.delivery.id,
                        attempt: due.delivery.attempts,
                        outcome,
                    })
                    .collect();
                let recorded = query::record(conn, &rows)?;
                for ((due, outcome), recorded) in answered.iter().zip(recorded) {
                    if recorded && outcome.status == Some(410) {
                        let stamp = Stamp {
                            actor: WORKER,
                            now: outcome.at,
                        };
                        let reason = "the receiver answered 410 Gone";
                        query::disable(conn, &due.delivery.subscription_id, reason, &stamp)?;
                    }
                }
                Ok::<_, StoreError>(())
            })
            .await;
        if let Err(e) = recorded {
            // The leases run out and the attempts are made again.
            log::warn!("could not record webhook attempts: {e}");
        }
    }

    /// Sends one attempt; the delivery comes back with what became of it.
    async fn send(&self, due: Due) -> (Due, Outcome) {
        let at = now();
        let started = Instant::now();
        let answer = self.post(&due).await;
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let (status, error, next) = match answer {
            Ok((status, _)) if (200..300).contains(&status) => {
                (Some(status), None, Next::Delivered)
            }
            Ok((410, _)) => (Some(410), None, Next::GiveUp),
            Ok((status, asked)) => (Some(status), None, self.retry(&due, asked, at)),
            Err(error) => (None, Some(error), self.retry(&due, None, at)),
        };
        let outcome = Outcome {
            status,
            error,
            duration_ms,
            at,
            next,
        };
        (due, outcome)
    }

    /// When to try again, or to stop when that would be past the retry window.
    fn retry(&self, due: &Due, asked: Option<Duration>, at: NaiveDateTime) -> Next {
        let failures = u32::try_from(due.delivery.attempts).unwrap_or(1);
        let wait = self.settings.backoff.wait(failures, jitter(), asked);
        let next = at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1));
        if next > due.delivery.retry_until {
            Next::GiveUp
        } else {
            Next::RetryAt(next)
        }
    }

    /// POSTs the payload, signed; the receiver's status and `Retry-After`.
    async fn post(&self, due: &Due) -> Result<(i32, Option<Duration>), String> {
        let delivery = &due.delivery;
        let url = Url::parse(&due.url).map_err(|e| format!("the URL is invalid: {e}"))?;
        // Addresses in the URL are checked here; names by the client's resolver.
        self.settings.policy.check_url(&url)?;
        let timestamp = Utc::now().timestamp();
        let signature = sign(&due.secret, &delivery.id, timestamp, &delivery.payload)?;
        let response = self
            .client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", &delivery.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let asked = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, now()));
        Ok((i32::from(response.status().as_u16()), asked))
    }
}

/// Reads a subscription's next events and makes the deliveries it wants:
/// (the new position, how many events were read, the deliveries).
fn gather(
    conn: &mut DbConnection,
    subscription: &SubscriptionRow,
) -> Result<(i64, i64, Vec<NewDelivery>), StoreError> {
    let events = history::events_after(
        conn,
        subscription.last_seq,
        FAN_OUT_BATCH,
        &FeedFilter::default(),
    )?;
    let Some(last) = events.last().map(|e| e.seq) else {
        return Ok((subscription.last_seq, 0, Vec::new()));
    };
    let organisation = match &subscription.organisation_id {
        Some(id) => {
            let code = organisations::get(conn, id)?.code;
            let plans: HashSet<String> = query::partner_plans(conn, id)?.into_iter().collect();
            Some((id.clone(), code, plans))
        }
        None => None,
    };
    let interest = Interest::new(subscription, organisation);
    let read = events.len() as i64;
    let wanted: Vec<EventRow> = events.into_iter().filter(|e| interest.wants(e)).collect();
    let mut snapshots = history::snapshots(conn, wanted.iter().map(|e| e.seq))?;
    let news = wanted
        .into_iter()
        .map(|event| {
            let resource = snapshots
                .remove(&event.seq)
                .and_then(|s| serde_json::from_str(&s).ok());
            NewDelivery {
                subscription_id: subscription.id.clone(),
                seq: event.seq,
                event_type: event_type(&event.resource_type, event.operation),
                payload: payload(event, resource).to_string(),
            }
        })
        .collect();
    Ok((last, read, news))
}

/// An error with its causes: "error sending request: connection refused".
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

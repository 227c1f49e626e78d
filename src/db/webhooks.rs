//! Webhook subscriptions, their deliveries and the attempts to send them.
//!
//! Work is shared between processes through the rows themselves: a subscription's
//! `last_seq` only moves forward by compare-and-set, so one process turns an event
//! into a delivery; a delivery is leased for an attempt only while it is due and
//! free, which the database re-checks on the row it updates, so one process
//! sends each attempt.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    audit,
    schema::{
        links, webhook_attempts as attempts, webhook_deliveries as deliveries,
        webhook_subscriptions as subs,
    },
    DbConnection, Page, PageRequest, StoreError,
};
use crate::domain::links::Relation;

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subs)]
pub struct SubscriptionRow {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    /// JSON array of event type patterns.
    pub event_types: String,
    pub plan_id: Option<String>,
    pub organisation_id: Option<String>,
    pub secret: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub last_seq: i64,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// What an admin sets on a subscription.
#[derive(Debug, Clone)]
pub struct SubscriptionFields {
    pub url: String,
    pub description: Option<String>,
    pub event_types: String,
    pub plan_id: Option<String>,
    pub organisation_id: Option<String>,
    pub enabled: bool,
}

/// Lets the current transaction commit without waiting for PostgreSQL to flush
/// it to disk. For the delivery worker's bookkeeping only: a crash of the
/// database can then lose its last moments of it, which at worst sends an
/// attempt again (with the same `webhook-id`) or makes a delivery again from
/// the feed; it never loses an event, which its own write keeps durably.
pub fn relaxed_commit(conn: &mut DbConnection) -> Result<(), StoreError> {
    if matches!(conn, DbConnection::Postgres(_)) {
        diesel::sql_query("SET LOCAL synchronous_commit TO OFF").execute(conn)?;
    }
    Ok(())
}

/// Who changes a subscription, and when.
pub struct Stamp<'a> {
    pub actor: &'a str,
    pub now: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    fields: &SubscriptionFields,
    secret: &str,
    last_seq: i64,
    stamp: &Stamp<'_>,
) -> Result<SubscriptionRow, StoreError> {
    let id = super::new_id();
    diesel::insert_into(subs::table)
        .values((
            subs::id.eq(&id),
            subs::url.eq(&fields.url),
            subs::description.eq(&fields.description),
            subs::event_types.eq(&fields.event_types),
            subs::plan_id.eq(&fields.plan_id),
            subs::organisation_id.eq(&fields.organisation_id),
            subs::secret.eq(secret),
            subs::enabled.eq(fields.enabled),
            subs::last_seq.eq(last_seq),
            audit::created!(subs, stamp),
        ))
        .execute(conn)?;
    get(conn, &id)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<SubscriptionRow, StoreError> {
    Ok(subs::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(conn)?)
}

/// Subscriptions, oldest first.
pub fn list(
    conn: &mut DbConnection,
    page: &PageRequest,
) -> Result<Page<SubscriptionRow>, StoreError> {
    let mut query = subs::table
        .select(SubscriptionRow::as_select())
        .order(subs::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(subs::id.gt(after.clone()));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

/// Sets the fields; enabling a subscription clears why it was disabled.
pub fn update(
    conn: &mut DbConnection,
    current: &SubscriptionRow,
    fields: &SubscriptionFields,
    stamp: &Stamp<'_>,
) -> Result<SubscriptionRow, StoreError> {
    let reason = match fields.enabled {
        true => None,
        false => current.disabled_reason.clone(),
    };
    diesel::update(subs::table.find(&current.id))
        .set((
            subs::url.eq(&fields.url),
            subs::description.eq(&fields.description),
            subs::event_types.eq(&fields.event_types),
            subs::plan_id.eq(&fields.plan_id),
            subs::organisation_id.eq(&fields.organisation_id),
            subs::enabled.eq(fields.enabled),
            subs::disabled_reason.eq(reason),
            subs::version.eq(current.version + 1),
            subs::updated_at.eq(stamp.now),
            subs::updated_by.eq(stamp.actor),
        ))
        .execute(conn)?;
    get(conn, &current.id)
}

/// Stops deliveries to a subscription (its receiver answered 410 Gone). Pending
/// deliveries stay, and go out if an admin enables it again.
pub fn disable(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    stamp: &Stamp<'_>,
) -> Result<(), StoreError> {
    diesel::update(subs::table.find(id).filter(subs::enabled.eq(true)))
        .set((
            subs::enabled.eq(false),
            subs::disabled_reason.eq(reason),
            audit::updated!(subs, stamp),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes a subscription with its deliveries and their attempts.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    let of_sub: Vec<String> = deliveries::table
        .filter(deliveries::subscription_id.eq(id))
        .select(deliveries::id)
        .load(conn)?;
    for chunk in of_sub.chunks(500) {
        diesel::delete(attempts::table.filter(attempts::delivery_id.eq_any(chunk)))
            .execute(conn)?;
    }
    diesel::delete(deliveries::table.filter(deliveries::subscription_id.eq(id))).execute(conn)?;
    diesel::delete(subs::table.find(id)).execute(conn)?;
    Ok(())
}

pub fn enabled(conn: &mut DbConnection) -> Result<Vec<SubscriptionRow>, StoreError> {
    Ok(subs::table
        .filter(subs::enabled.eq(true))
        .select(SubscriptionRow::as_select())
        .order(subs::id)
        .load(conn)?)
}

/// How many subscriptions filter on an organisation (which then cannot be deleted).
pub fn filtering_on(conn: &mut DbConnection, organisation_id: &str) -> Result<i64, StoreError> {
    Ok(subs::table
        .filter(subs::organisation_id.eq(organisation_id))
        .count()
        .get_result(conn)?)
}

/// Deletes delivered and failed deliveries created before `before`, with their
/// attempts; returns how many went.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    let old: Vec<String> = deliveries::table
        .filter(deliveries::state.ne(PENDING))
        .filter(deliveries::created_at.lt(before))
        .select(deliveries::id)
        .limit(5000)
        .load(conn)?;
    for chunk in old.chunks(500) {
        diesel::delete(attempts::table.filter(attempts::delivery_id.eq_any(chunk)))
            .execute(conn)?;
        diesel::delete(deliveries::table.filter(deliveries::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(old.len())
}

/// Moves a subscription's feed position from `from` to `to`; false when another
/// process moved it first (then its deliveries are already made).
pub fn advance(conn: &mut DbConnection, id: &str, from: i64, to: i64) -> Result<bool, StoreError> {
    let moved = diesel::update(subs::table.find(id).filter(subs::last_seq.eq(from)))
        .set(subs::last_seq.eq(to))
        .execute(conn)?;
    Ok(moved == 1)
}

/// The plans an organisation is a partner in.
pub fn partner_plans(
    conn: &mut DbConnection,
    organisation_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(links::table
        .filter(links::relation.eq(Relation::PlanPartner.as_str()))
        .filter(links::target_id.eq(organisation_id))
        .select(links::parent_id)
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub subscription_id: String,
    pub seq: i64,
    pub event_type: String,
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub retry_until: NaiveDateTime,
    pub leased_until: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// An event to send to one subscription.
pub struct NewDelivery {
    pub subscription_id: String,
    pub seq: i64,
    pub event_type: String,
    pub payload: String,
}

/// Stores new deliveries, due at once.
pub fn insert_deliveries(
    conn: &mut DbConnection,
    news: &[NewDelivery],
    now: NaiveDateTime,
    retry_until: NaiveDateTime,
) -> Result<(), StoreError> {
    // One statement per row: diesel's batch insert does not span both backends.
    for new in news {
        diesel::insert_into(deliveries::table)
            .values((
                deliveries::id.eq(super::new_id()),
                deliveries::subscription_id.eq(&new.subscription_id),
                deliveries::seq.eq(new.seq),
                deliveries::event_type.eq(&new.event_type),
                deliveries::payload.eq(&new.payload),
                deliveries::state.eq(PENDING),
                deliveries::attempts.eq(0),
                deliveries::next_attempt_at.eq(now),
                deliveries::retry_until.eq(retry_until),
                deliveries::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A delivery due for an attempt, with where and how to send it.
#[derive(Debug, Clone)]
pub struct Due {
    pub delivery: DeliveryRow,
    pub url: String,
    pub secret: String,
}

/// A delivery that is due: (its id, its subscription's id).
pub type DueId = (String, String);

/// Pending deliveries of enabled subscriptions whose time has come and that no
/// process holds, oldest due first; ids only, as most are looked at and left.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<DueId>, StoreError> {
    Ok(deliveries::table
        .inner_join(subs::table)
        .filter(subs::enabled.eq(true))
        .filter(deliveries::state.eq(PENDING))
        .filter(deliveries::next_attempt_at.le(now))
        .filter(
            deliveries::leased_until
                .is_null()
                .or(deliveries::leased_until.lt(now)),
        )
        .order((deliveries::next_attempt_at, deliveries::id))
        .limit(limit)
        .select((deliveries::id, deliveries::subscription_id))
        .load(conn)?)
}

/// Takes those of `ids` that are still due and free for their next attempt,
/// holding them until `lease_until`; returns them as taken (their `attempts`
/// counting this one). A delivery another process took, or that is no longer
/// due, is left out: the database re-checks the condition on each row it
/// updates, so of two processes only one takes a row.
pub fn claim(
    conn: &mut DbConnection,
    ids: &[String],
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> Result<Vec<Due>, StoreError> {
    let token = super::new_id();
    diesel::update(
        deliveries::table
            .filter(deliveries::id.eq_any(ids))
            .filter(deliveries::state.eq(PENDING))
            .filter(deliveries::next_attempt_at.le(now))
            .filter(
                deliveries::leased_until
                    .is_null()
                    .or(deliveries::leased_until.lt(now)),
            ),
    )
    .set((
        deliveries::attempts.eq(deliveries::attempts + 1),
        deliveries::leased_until.eq(lease_until),
        deliveries::lease_token.eq(&token),
    ))
    .execute(conn)?;
    let rows: Vec<(DeliveryRow, String, String)> = deliveries::table
        .inner_join(subs::table)
        .filter(deliveries::id.eq_any(ids))
        .filter(deliveries::lease_token.eq(&token))
        .select((DeliveryRow::as_select(), subs::url, subs::secret))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(delivery, url, secret)| Due {
            delivery,
            url,
            secret,
        })
        .collect())
}

/// What became of an attempt.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub at: NaiveDateTime,
    pub next: Next,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    RetryAt(NaiveDateTime),
    GiveUp,
}

/// One answered attempt: the delivery, its attempt number and what became of it.
pub struct Answered<'a> {
    pub delivery_id: &'a str,
    pub attempt: i32,
    pub outcome: &'a Outcome,
}

/// Logs answered attempts and moves their deliveries on; returns which were
/// recorded. One whose delivery has been taken again since (its lease ran out)
/// or deleted changes nothing.
pub fn record(conn: &mut DbConnection, answered: &[Answered<'_>]) -> Result<Vec<bool>, StoreError> {
    let mut recorded = Vec::with_capacity(answered.len());
    for a in answered {
        let outcome = a.outcome;
        let (state, next_at, delivered_at) = match outcome.next {
            Next::Delivered => (DELIVERED, outcome.at, Some(outcome.at)),
            Next::RetryAt(at) => (PENDING, at, None),
            Next::GiveUp => (FAILED, outcome.at, None),
        };
        let moved = diesel::update(
            deliveries::table
                .find(a.delivery_id)
                .filter(deliveries::attempts.eq(a.attempt)),
        )
        .set((
            deliveries::state.eq(state),
            deliveries::next_attempt_at.eq(next_at),
            deliveries::leased_until.eq(None::<NaiveDateTime>),
            deliveries::lease_token.eq(None::<String>),
            deliveries::last_status.eq(outcome.status),
            deliveries::last_error.eq(&outcome.error),
            deliveries::last_attempt_at.eq(outcome.at),
            deliveries::delivered_at.eq(delivered_at),
        ))
        .execute(conn)?;
        if moved == 1 {
            diesel::insert_into(attempts::table)
                .values((
                    attempts::delivery_id.eq(a.delivery_id),
                    attempts::attempt.eq(a.attempt),
                    attempts::at.eq(outcome.at),
                    attempts::status.eq(outcome.status),
                    attempts::error.eq(&outcome.error),
                    attempts::duration_ms.eq(outcome.duration_ms),
                ))
                .execute(conn)?;
        }
        recorded.push(moved == 1);
    }
    Ok(recorded)
}

/// Filters of the delivery log.
#[derive(Debug, Default, Clone)]
pub struct LogFilter {
    pub state: Option<String>,
    pub seq: Option<i64>,
}

/// A subscription's deliveries, newest first.
pub fn log(
    conn: &mut DbConnection,
    subscription: &str,
    filter: &LogFilter,
    page: &PageRequest,
) -> Result<Page<DeliveryRow>, StoreError> {
    let mut query = deliveries::table
        .filter(deliveries::subscription_id.eq(subscription))
        .select(DeliveryRow::as_select())
        .order(deliveries::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(deliveries::id.lt(after.clone()));
    }
    if let Some(state) = &filter.state {
        query = query.filter(deliveries::state.eq(state.clone()));
    }
    if let Some(seq) = filter.seq {
        query = query.filter(deliveries::seq.eq(seq));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.id))
}

pub fn delivery(
    conn: &mut DbConnection,
    subscription: &str,
    id: &str,
) -> Result<DeliveryRow, StoreError> {
    Ok(deliveries::table
        .find(id)
        .filter(deliveries::subscription_id.eq(subscription))
        .select(DeliveryRow::as_select())
        .first(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attempts)]
pub struct AttemptRow {
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// How many of a delivery's attempts its detail shows: the latest.
pub const ATTEMPTS_SHOWN: i64 = 100;

/// The latest `ATTEMPTS_SHOWN` attempts of a delivery, oldest first.
pub fn attempts_of(conn: &mut DbConnection, delivery: &str) -> Result<Vec<AttemptRow>, StoreError> {
    let mut latest: Vec<AttemptRow> = attempts::table
        .filter(attempts::delivery_id.eq(delivery))
        .order(attempts::attempt.desc())
        .limit(ATTEMPTS_SHOWN)
        .select(AttemptRow::as_select())
        .load(conn)?;
    latest.reverse();
    Ok(latest)
}

/// Sends a delivery again from now, with a fresh retry window, whatever its state.
/// Puts a delivery back in the queue with a fresh retry window, unless an
/// attempt holds its lease: the count of rows changed (0 when it is leased or
/// does not exist). It writes before it reads, so that on SQLite the
/// transaction takes the write lock at once instead of failing to upgrade a
/// read lock when another connection has written meanwhile.
pub fn redeliver(
    conn: &mut DbConnection,
    subscription: &str,
    id: &str,
    now: NaiveDateTime,
    retry_until: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        deliveries::table
            .find(id)
            .filter(deliveries::subscription_id.eq(subscription))
            .filter(
                deliveries::leased_until
                    .is_null()
                    .or(deliveries::leased_until.le(now)),
            ),
    )
    .set((
        deliveries::state.eq(PENDING),
        deliveries::next_attempt_at.eq(now),
        deliveries::retry_until.eq(retry_until),
        deliveries::leased_until.eq(None::<NaiveDateTime>),
        deliveries::lease_token.eq(None::<String>),
    ))
    .execute(conn)?)
}

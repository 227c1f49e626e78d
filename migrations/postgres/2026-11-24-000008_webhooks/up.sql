-- Webhook subscriptions: where an admin asked for change-feed events to be sent.
-- They are configuration, not plan content: no revisions or feed events (a
-- revision would keep the signing secret).
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT,
    -- JSON array of event types ("action.updated", "action.*"); empty: all.
    event_types TEXT NOT NULL,
    plan_id TEXT,
    organisation_id TEXT REFERENCES organisations (id),
    -- whsec_ and base64 of the HMAC key; signs every delivery.
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    disabled_reason TEXT,
    -- Feed position up to which events have been turned into deliveries.
    last_seq BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

-- One event for one subscription: the message, sent until the receiver takes it.
-- Its id is the webhook-id header, the same on every attempt.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    -- The body sent, frozen when the event was taken from the feed.
    payload TEXT NOT NULL,
    -- pending, delivered or failed (retries ran out).
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    retry_until TIMESTAMP NOT NULL,
    -- A process sending an attempt holds the delivery until then; another
    -- process takes it only after the lease runs out. The token names the
    -- claim that took it.
    leased_until TIMESTAMP,
    lease_token TEXT,
    last_status INTEGER,
    last_error TEXT,
    last_attempt_at TIMESTAMP,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (subscription_id, seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id);

-- Every attempt to send a delivery, with what the receiver answered.
CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- The first answer to a POST sent with an Idempotency-Key, per caller and key, so
-- that a retry gets the same answer instead of doing the work again.
CREATE TABLE idempotency_keys (
    subject TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of the method, path, query and body: the same key with another
    -- request is refused.
    fingerprint TEXT NOT NULL,
    -- running while the first request is being served, then done.
    state TEXT NOT NULL,
    status INTEGER,
    -- JSON object of the headers worth repeating (Location, ETag, Content-Type).
    headers TEXT,
    body TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (subject, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Every write stores the full representation it produced (a revision) and appends
-- an event to the change feed, in the same transaction as the row. `seq` is taken
-- from write_lock.last_seq while the write holds that row, so feed order is commit
-- order and a rolled-back write leaves no gap.
CREATE TABLE revisions (
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    operation TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    seq BIGINT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (resource_type, resource_id, version)
);
CREATE INDEX revisions_at ON revisions (resource_type, resource_id, at);

CREATE TABLE events (
    seq BIGINT PRIMARY KEY NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    operation TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    plan_id TEXT
);
CREATE INDEX events_type ON events (resource_type, seq);
CREATE INDEX events_plan ON events (plan_id, seq);

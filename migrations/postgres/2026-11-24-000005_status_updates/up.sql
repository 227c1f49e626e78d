-- What a lead reports about an action: its BRAG with a narrative and evidence.
-- Posting one moves the action's current BRAG; the report itself never changes.
CREATE TABLE status_updates (
    id TEXT PRIMARY KEY NOT NULL,
    action_id TEXT NOT NULL REFERENCES actions (id),
    plan_id TEXT NOT NULL REFERENCES plans (id),
    brag TEXT NOT NULL,
    narrative TEXT,
    -- A JSON array of {"url", "title"}.
    evidence TEXT NOT NULL,
    -- The version of the action this update made.
    action_version BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    created_by_organisation TEXT,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX status_updates_action ON status_updates (action_id, id);
CREATE INDEX status_updates_plan ON status_updates (plan_id, id);

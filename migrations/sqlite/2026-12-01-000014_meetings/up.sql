-- A governance body's meetings and the highlight report of each plan on its
-- agenda. The agenda and the board's decisions are JSON arrays: they are read and
-- written whole with their meeting. A report's drafted content, written sections
-- and comments are JSON too; once published, `frozen` holds the report exactly as
-- presented and `content_hash` its SHA-256, and neither changes again.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    body_id TEXT NOT NULL REFERENCES governance_bodies (id),
    title TEXT,
    date DATE NOT NULL,
    papers_cutoff TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    plan_ids TEXT NOT NULL,
    decisions TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX meetings_body ON meetings (body_id, date);

CREATE TABLE highlight_reports (
    id TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    plan_id TEXT NOT NULL,
    status TEXT NOT NULL,
    sections TEXT NOT NULL,
    comments TEXT NOT NULL,
    content TEXT NOT NULL,
    frozen TEXT,
    content_hash TEXT,
    published_at TIMESTAMP,
    published_by TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (meeting_id, plan_id)
);
CREATE INDEX highlight_reports_plan ON highlight_reports (plan_id, status);

-- Every write transaction starts by bumping this one row, so writers queue on it
-- (SQLite takes its write lock at once instead of failing on a lock upgrade, and
-- PostgreSQL commits writes in the order they were numbered).
CREATE TABLE write_lock (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    last_seq BIGINT NOT NULL
);
INSERT INTO write_lock (id, last_seq) VALUES (1, 0);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    website TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE INDEX organisations_kind ON organisations (kind, id);

CREATE TABLE owners (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id) ON DELETE RESTRICT,
    email TEXT,
    description TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX owners_organisation_id ON owners (organisation_id);
CREATE INDEX owners_kind ON owners (kind, id);

CREATE TABLE owner_holders (
    owner_id TEXT NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    started_on DATE,
    ended_on DATE,
    PRIMARY KEY (owner_id, position)
);

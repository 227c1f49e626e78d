-- Partner systems' own ids for plans, actions, measures and owners: each id
-- names one resource of its kind within its system.
CREATE TABLE external_refs (
    resource_type TEXT NOT NULL,
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (resource_type, system, external_id)
);
CREATE INDEX external_refs_resource ON external_refs (resource_id, position);

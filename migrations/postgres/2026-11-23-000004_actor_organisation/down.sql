ALTER TABLE events DROP COLUMN actor_organisation;
ALTER TABLE revisions DROP COLUMN actor_organisation;

-- The organisation a writer's token named, beside its subject, in history and feed.
ALTER TABLE revisions ADD COLUMN actor_organisation TEXT;
ALTER TABLE events ADD COLUMN actor_organisation TEXT;

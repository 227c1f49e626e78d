DROP INDEX links_target;
CREATE INDEX links_target ON links (target_id, relation);

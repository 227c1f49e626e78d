-- Lists filtered by organisation or lead read every link from the organisation's
-- owners to what they lead; with the parent in the index that needs no table row.
DROP INDEX links_target;
CREATE INDEX links_target ON links (target_id, relation, parent_id);

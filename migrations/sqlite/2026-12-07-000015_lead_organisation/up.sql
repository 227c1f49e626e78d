-- The organisation of a link's owner, kept beside the link: one organisation's
-- actions are then read from one index, not through every owner it has.
ALTER TABLE links ADD COLUMN organisation_id TEXT;
UPDATE links SET organisation_id = (
    SELECT owners.organisation_id FROM owners WHERE owners.id = links.target_id
);
CREATE INDEX links_organisation ON links (relation, organisation_id, parent_id);

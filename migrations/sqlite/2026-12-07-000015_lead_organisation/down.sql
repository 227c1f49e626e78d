DROP INDEX links_organisation;
ALTER TABLE links DROP COLUMN organisation_id;

DROP INDEX actions_details_in;
ALTER TABLE actions DROP COLUMN details_in_id;
ALTER TABLE actions DROP COLUMN details_in_type;

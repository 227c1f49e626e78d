-- Where an action's wording sends the reader ("See Afl4.1 for details", "Actions
-- as per Af1.1"): an outcome or priority of the same plan, kept apart from the
-- wording, which stays as printed.
ALTER TABLE actions ADD COLUMN details_in_type TEXT;
ALTER TABLE actions ADD COLUMN details_in_id TEXT;
CREATE INDEX actions_details_in ON actions (details_in_id);

-- A plan's reporting cycle: how often its leads report (monthly, quarterly,
-- termly, or the periods ending on listed dates, a JSON array of ISO dates), the
-- day of a period's last month its updates are due by, and whether every change
-- of an action's BRAG must come with a narrative (a status update).
ALTER TABLE plans ADD COLUMN reporting_cadence TEXT;
ALTER TABLE plans ADD COLUMN reporting_dates TEXT;
ALTER TABLE plans ADD COLUMN reporting_cutoff_day INTEGER;
ALTER TABLE plans ADD COLUMN narrative_required BOOLEAN NOT NULL DEFAULT FALSE;

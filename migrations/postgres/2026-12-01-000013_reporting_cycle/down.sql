ALTER TABLE plans DROP COLUMN narrative_required;
ALTER TABLE plans DROP COLUMN reporting_cutoff_day;
ALTER TABLE plans DROP COLUMN reporting_dates;
ALTER TABLE plans DROP COLUMN reporting_cadence;

-- Which way a measure's latest readings of its main cohort move (improving,
-- worsening, steady), kept beside its target_status and refreshed with it.
ALTER TABLE measures ADD COLUMN trend TEXT;

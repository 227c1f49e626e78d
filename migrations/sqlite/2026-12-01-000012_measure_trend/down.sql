ALTER TABLE measures DROP COLUMN trend;

-- The change feed read from a time (?since=) finds its first event by time.
CREATE INDEX events_at ON events (at, seq);

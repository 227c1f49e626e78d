DROP TABLE events;
DROP TABLE revisions;

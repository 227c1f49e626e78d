DROP TABLE highlight_reports;
DROP TABLE meetings;

DROP TABLE owner_holders;
DROP TABLE owners;
DROP TABLE organisations;
DROP TABLE write_lock;

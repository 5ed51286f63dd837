DROP TABLE settings;
DROP TABLE accounts;
DROP TABLE sessions;
DROP TABLE users;

//! The persistence crate's integration tests in one binary, on SQLite and (with
//! `TEST_DATABASE_URL`, mandatory when `CI` is set) PostgreSQL: the order book, the runner's
//! ports and the store.

mod order_book;
mod ports;
mod store;
mod verifications;

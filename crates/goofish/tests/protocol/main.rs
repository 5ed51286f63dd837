//! The protocol crate's integration tests in one binary: cookie jar and ids, event
//! classification, LWP frames, mtop outcomes, property tests, QR login and the spec's test
//! vectors.

mod cookies_ids;
mod events;
mod frames;
mod mtop_outcome;
mod props;
mod qr;
mod vectors;

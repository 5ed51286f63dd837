//! The simulator's integration tests in one binary: lifecycle and the binary, the mtop
//! gateway and its order APIs, upload and passport, QR login, the slider captcha, and the
//! WebSocket core, faults and pushes.

mod common;
mod lifecycle;
mod listing;
mod mtop;
mod mtop_orders;
mod passport;
mod qr;
mod slider;
mod ws_core;
mod ws_faults;
mod ws_push;

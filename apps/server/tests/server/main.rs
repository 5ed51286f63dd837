//! The `xianyu` binary's integration tests in one binary: the offline commands and
//! `serve --demo`, each run as a child process.

mod cli;
mod demo;

//! One file per verb.

pub mod init;
pub mod revision;
pub mod runner;

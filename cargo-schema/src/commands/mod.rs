//! One file per verb.

pub mod init;
pub mod merge;
pub mod revision;
pub mod runner;

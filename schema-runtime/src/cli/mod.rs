//! The runner behind `cargo schema`: a migrations package's `migrate` binary calls
//! [`runner_main!`](crate::runner_main), and `cargo schema upgrade` builds and runs it.

pub mod args;
#[cfg(feature = "cli")]
pub mod json;
#[cfg(all(
    feature = "cli",
    any(feature = "postgres", feature = "sqlite", feature = "mysql")
))]
mod runner;
#[cfg(all(
    feature = "cli",
    any(feature = "postgres", feature = "sqlite", feature = "mysql")
))]
pub use runner::{database_url, main, main_with_models, script, snapshot, Project};

/// Documented exit codes of the runner and of `cargo schema`.
pub mod exit_codes {
    /// Everything went as asked.
    pub const SUCCESS: u8 = 0;
    /// A migration or a database operation failed.
    pub const MIGRATION_FAILED: u8 = 1;
    /// The command line was malformed (clap's code).
    pub const USAGE: u8 = 2;
    /// `check` found problems.
    pub const CHECK_FAILED: u8 = 3;
    /// The revisions or the target are invalid (unknown revision, several heads, ...).
    pub const INVALID_PLAN: u8 = 4;
    /// SIGINT or SIGTERM stopped the run at a statement boundary (128 + SIGINT, as shells
    /// report an interrupted command).
    pub const INTERRUPTED: u8 = 130;
}

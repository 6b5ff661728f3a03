//! Documented exit codes of `cargo schema`.
//!
//! The runner verbs exit with the runner's own code (the same constants, shared through
//! [`schema_runtime::cli::exit_codes`]); `cargo schema` adds [`BUILD_FAILED`] for a runner that
//! does not compile, with cargo's value.

pub use schema_runtime::cli::exit_codes::{
    CHECK_FAILED, INTERRUPTED, INVALID_PLAN, MIGRATION_FAILED, SUCCESS, USAGE,
};

/// The migrations runner could not be built (cargo's own exit code for a failed build), or
/// cargo could not be started.
pub const BUILD_FAILED: u8 = 101;

/// The table printed under `cargo schema --help`.
pub const HELP: &str = "\
Exit codes:
    0    success
    1    a migration or a database operation failed, or a file could not be read or written
    2    usage: bad arguments, or no migrations package could be selected
    3    `check` found problems
    4    invalid revisions or target (unknown revision, several heads, unparsable migration file)
  101    the migrations runner could not be built
  130    interrupted (SIGINT, SIGTERM): stopped at a statement boundary; run again to continue";

//! The `cargo schema` subcommand as a library: `main.rs` only calls [`main`].
//!
//! Verbs that read or write files (`init`, `revision`, `merge`) run here without compiling
//! anything; the runner's verbs (`upgrade`, `downgrade`, `current`, `history`, `heads`, `check`,
//! `lint`, `show`, `test`, `seed`, `reset`, ...) build the migrations package's runner binary with cargo
//! and run it with the same arguments. See [`workspace`] for how the migrations package is found, [`forward`] for what
//! the runner receives and [`exit_codes`] for how it ends.

#![warn(missing_docs)]

pub mod cli;
pub mod commands;
pub mod error;
pub mod exit_codes;
pub mod files;
pub mod forward;
pub mod manifest;
pub mod migration_files;
pub mod shell;
pub mod source;
pub mod workspace;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, Opts};
pub use crate::error::Error;

/// Runs `cargo schema` on a full command line (`cargo-schema schema <verb> ...`, as cargo
/// passes it; `cargo-schema <verb> ...` works too) and returns the documented exit code.
pub fn main<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // cargo runs `cargo-schema schema ...`; run by hand, the binary gets the verb first.
    if args.get(1).is_none_or(|arg| arg != "schema") {
        args.insert(args.len().min(1), "schema".into());
    }
    let opts = match Cli::try_parse_from(&args) {
        Ok(Cli::Schema(opts)) => opts,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(exit_codes::USAGE));
        }
    };
    shell::init_color(shell::color_choice(opts.cargo.color));
    shell::set_quiet(opts.global.quiet);
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(source) => {
            let error = Error::Read {
                path: ".".into(),
                source,
            };
            shell::error(&error);
            return ExitCode::from(error.exit_code());
        }
    };
    let after_schema = args.get(2..).unwrap_or_default().to_vec();
    match run(&opts, after_schema, &cwd) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            shell::error(&error);
            ExitCode::from(error.exit_code())
        }
    }
}

/// Runs a parsed command from `cwd`; `after_schema` is the command line after `schema`, from
/// which the runner's arguments are taken. Returns the exit code.
pub fn run(opts: &Opts, after_schema: Vec<OsString>, cwd: &Path) -> Result<u8, Error> {
    match &opts.command {
        Command::Init(args) => commands::init::run(opts, args, cwd),
        Command::Revision(args) => commands::revision::run(opts, args, cwd),
        Command::Merge(args) => commands::merge::run(opts, args, cwd),
        Command::Adopt(args) => commands::revision::adopt(opts, args, cwd),
        Command::Runner(_) => commands::runner::run(opts, forward::runner_args(after_schema), cwd),
    }
}

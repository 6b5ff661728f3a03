//! The runner's verbs (`upgrade`, `downgrade`, `current`, `history`, `heads`, `check`, `lint`,
//! `show`, `test`, `seed`, `reset`, ...): build the migrations package's runner binary with cargo, then
//! hand it the command line.
//! A built runner is fresh for cargo, so repeated commands cost a no-op build.

use std::ffi::OsString;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cargo_metadata::{Message, TargetKind};

use crate::cli::{CargoArgs, Color, Opts};
use crate::error::Error;
use crate::workspace::{cargo_program, MigrationsPackage, Workspace};

/// Builds the runner and runs it with `forwarded` (the user's arguments minus cargo-schema's
/// own); returns the runner's exit code.
pub fn run(opts: &Opts, forwarded: Vec<OsString>, cwd: &Path) -> Result<u8, Error> {
    let workspace = Workspace::load(&opts.cargo, cwd)?;
    let package = workspace.migrations_package(&opts.cargo)?;
    if !package.has_runner_bin {
        return Err(Error::MissingRunner {
            package: package.name,
            runner: package.runner,
        });
    }
    // Files the collector skips would silently not run: say so before building.
    if let Ok(listing) = crate::migration_files::list(&package.migrations_dir()) {
        crate::migration_files::warn_skipped(&listing);
    }
    let executable = build(&package, &opts.cargo, opts.global.quiet, cwd)?;
    execute(&executable, &package, forwarded, opts.cargo.color)
}

/// The options that say which database (and PostgreSQL schema) a verb that `cargo schema`
/// runs on the user's behalf (adopt's stamp, autogenerate --from-db) connects to.
pub(crate) fn connection_args(global: &schema_runtime::cli::args::GlobalArgs) -> Vec<String> {
    let mut args = Vec::new();
    for url in &global.database_url {
        args.extend(["--database-url".to_owned(), url.clone()]);
    }
    if let Some(schema) = &global.schema {
        args.extend(["--schema".to_owned(), schema.clone()]);
    }
    args
}

/// Builds the runner, runs it with `args`, and returns what it printed on stdout (its stderr
/// goes to the terminal); a non-zero exit is [`Error::RunnerFailed`].
pub(crate) fn capture(opts: &Opts, args: &[&str], cwd: &Path) -> Result<String, Error> {
    let workspace = Workspace::load(&opts.cargo, cwd)?;
    let package = workspace.migrations_package(&opts.cargo)?;
    if !package.has_runner_bin {
        return Err(Error::MissingRunner {
            package: package.name,
            runner: package.runner,
        });
    }
    let executable = build(&package, &opts.cargo, opts.global.quiet, cwd)?;
    let mut command = Command::new(&executable);
    command.args(connection_args(&opts.global));
    command.args(exclude_args(&package));
    if opts.global.quiet {
        command.arg("--quiet");
    }
    command
        .args(args)
        .current_dir(&package.dir)
        .env("CARGO_SCHEMA", "1")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    let output = command
        .output()
        .map_err(|source| Error::RunnerNotRunnable {
            path: executable.clone(),
            source,
        })?;
    if !output.status.success() {
        let code = output
            .status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(crate::exit_codes::MIGRATION_FAILED);
        return Err(Error::RunnerFailed { code });
    }
    String::from_utf8(output.stdout).map_err(|e| Error::RunnerOutput(e.to_string()))
}

/// `--exclude PATTERN` for each of the package's `exclude` patterns (global runner options, so
/// they go before the verb).
fn exclude_args(package: &MigrationsPackage) -> Vec<String> {
    package
        .exclude
        .iter()
        .flat_map(|p| ["--exclude".to_owned(), p.clone()])
        .collect()
}

/// `cargo build -p <package> --bin <runner> [--release | --profile P] [--quiet]`: cargo's progress and
/// rendered diagnostics go to stderr as usual; its JSON messages on stdout tell where the
/// executable is.
fn build(
    package: &MigrationsPackage,
    args: &CargoArgs,
    quiet: bool,
    cwd: &Path,
) -> Result<PathBuf, Error> {
    let cargo = cargo_program();
    let mut command = Command::new(&cargo);
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(&package.manifest_path)
        .args(["-p", &package.name, "--bin", &package.runner])
        .arg("--message-format=json-render-diagnostics")
        // cargo reads `.cargo/config.toml` from where the user stands, as `cargo build` would.
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if args.release {
        command.arg("--release");
    }
    if quiet {
        command.arg("--quiet");
    }
    if let Some(profile) = &args.profile {
        command.args(["--profile", profile]);
    }
    if let Some(color) = args.color {
        command.args(["--color", color.as_str()]);
    }
    let not_runnable = |source| Error::CargoNotRunnable {
        cargo: cargo.display().to_string(),
        source,
    };
    let mut child = command.spawn().map_err(not_runnable)?;
    let mut executable = None;
    if let Some(stdout) = child.stdout.take() {
        for message in Message::parse_stream(BufReader::new(stdout)) {
            match message {
                Ok(Message::CompilerArtifact(artifact))
                    if artifact.target.name == package.runner
                        && artifact.target.kind.contains(&TargetKind::Bin) =>
                {
                    executable = artifact.executable.map(|e| e.into_std_path_buf());
                }
                // Anything cargo printed that is not a message (a build script's stray output).
                Ok(Message::TextLine(line)) => eprintln!("{line}"),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    let status = child.wait().map_err(not_runnable)?;
    match executable {
        Some(executable) if status.success() => Ok(executable),
        _ => Err(Error::BuildFailed {
            package: package.name.clone(),
            runner: package.runner.clone(),
        }),
    }
}

/// Runs the runner in the package's folder with the terminal's stdio. On Unix the runner
/// replaces this process, as `cargo run` does, so signals and exit codes are the runner's own.
fn execute(
    executable: &Path,
    package: &MigrationsPackage,
    forwarded: Vec<OsString>,
    color: Option<Color>,
) -> Result<u8, Error> {
    let mut command = Command::new(executable);
    command
        .args(exclude_args(package))
        .args(forwarded)
        .current_dir(&package.dir)
        // Inside the package, the runner may fall back to the package's SQLite file.
        .env("CARGO_SCHEMA", "1");
    if let Some(color) = color {
        command.env("CARGO_TERM_COLOR", color.as_str());
    }
    let not_runnable = |source| Error::RunnerNotRunnable {
        path: executable.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(not_runnable(command.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(not_runnable)?;
        Ok(status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .unwrap_or(crate::exit_codes::MIGRATION_FAILED))
    }
}

//! The runner behind `cargo schema`: a migrations package's `migrate` binary calls
//! [`runner_main!`](crate::runner_main), and `cargo schema upgrade` builds and runs it.
//! One verb family per file: `migrate.rs` (upgrade, downgrade, stamp, repair, offline SQL),
//! `inspect.rs` (current, history, heads, branches, show), `check.rs`, `lint.rs`,
//! `snapshot.rs`, `round_trip.rs` (test), `devdata.rs` (seed, reset).

mod autogen;
mod check;
mod devdata;
mod fleet;
mod inspect;
mod lint;
mod migrate;
mod output;
mod progress;
mod round_trip;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

pub use self::migrate::script;
use super::args::{Format, RunnerCli, RunnerCommand};
use super::exit_codes;
use crate::migrator::{Direction, MigrateError, Migrator};
use crate::Migrations;

/// Where the migrations package lives, for `.env` and the default SQLite file.
#[derive(Debug, Clone, Copy)]
pub struct Project {
    /// The package's directory (`env!("CARGO_MANIFEST_DIR")`).
    pub dir: &'static str,
    /// The package's name (`env!("CARGO_PKG_NAME")`).
    pub name: &'static str,
}

impl Project {
    /// `sqlite:<dir>/<name>.db`: the database used when no URL is configured.
    pub fn default_database_url(&self) -> String {
        let file: PathBuf = Path::new(self.dir).join(format!("{}.db", self.name));
        format!("sqlite:{}", file.display())
    }
}

/// Resolves the database URL: `--database-url`, then `DATABASE_URL` in the environment, then
/// `DATABASE_URL` in `.env` of the working directory. Only under `cargo schema` (which sets
/// `CARGO_SCHEMA=1` and runs the runner in the package) does it fall back to the package's
/// SQLite file (when the SQLite driver is compiled in), and it says so; a runner started on its
/// own without a URL has none.
pub fn database_url(explicit: Option<&str>, project: &Project) -> Option<String> {
    if let Some(url) = explicit {
        return Some(url.to_owned());
    }
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Some(url);
    }
    if let Ok(iter) = dotenvy::from_path_iter(Path::new(".env")) {
        for (key, value) in iter.flatten() {
            if key == "DATABASE_URL" {
                return Some(value);
            }
        }
    }
    if cfg!(feature = "sqlite") && std::env::var_os("CARGO_SCHEMA").is_some_and(|v| v == "1") {
        return Some(project.default_database_url());
    }
    None
}

/// What every verb gets.
#[derive(Clone)]
struct Context<'a> {
    migrator: &'a Migrator,
    migrations: &'a Migrations,
    project: &'a Project,
    models: Option<&'a crate::model::ModelSet>,
    url: Option<&'a str>,
    json: bool,
    connect: crate::migrator::ConnectOptions,
    /// `--exclude` patterns: tables that reading the database leaves out.
    exclude: &'a [String],
    /// PostgreSQL: the schema of this run (`--schema`, or the fleet target's); else the
    /// migrations' own on a PostgreSQL URL.
    schema: Option<&'a str>,
    /// `--jobs` and `--fail-fast`, for a fleet.
    jobs: usize,
    fail_fast: bool,
}

impl Context<'_> {
    /// The database URL, or the error that says where to give one.
    fn url(&self) -> Result<&str, MigrateError> {
        self.url.ok_or(MigrateError::NoDatabaseUrl)
    }

    /// Connects to the run's database with the run's timeouts.
    async fn connect(&self) -> Result<crate::migrator::Database, MigrateError> {
        let url = self.url()?;
        if url == self.project.default_database_url() {
            output::note(
                "Using",
                format!(
                    "{url}: no --database-url, DATABASE_URL or .env names a database (the package's development database)"
                ),
            );
        }
        crate::migrator::Database::connect_with(url, &self.connect_options()).await
    }

    /// The run's connect options, with its schema (created by the verbs that write).
    fn connect_options(&self) -> crate::migrator::ConnectOptions {
        let package = self.url.and_then(|url| self.migrator.schema_for(url));
        self.connect
            .clone()
            .with_schema(self.schema.or(package).map(str::to_owned))
    }

    /// This context on another database of a fleet.
    fn on<'b>(&'b self, url: &'b str, schema: Option<&'b str>) -> Context<'b> {
        Context {
            url: Some(url),
            schema: schema.or(self.schema),
            ..self.clone()
        }
    }
}

/// The runner's `main`: parses the command line, runs the verb, prints in cargo's style.
pub fn main(migrations: &Migrations, project: Project) -> ExitCode {
    main_with_models(migrations, None, project)
}

/// [`main`] for a package that also describes its schema with models (autogenerate, `check`).
pub fn main_with_models(
    migrations: &Migrations,
    models: Option<&crate::model::ModelSet>,
    project: Project,
) -> ExitCode {
    output::init_color();
    let cli = RunnerCli::parse();
    output::set_quiet(cli.global.quiet);
    let migrator = match Migrator::from_migrations(migrations) {
        Ok(m) => m,
        Err(e) => {
            output::error(e);
            return ExitCode::from(exit_codes::INVALID_PLAN);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            output::error(format!("cannot start the async runtime: {e}"));
            return ExitCode::from(exit_codes::MIGRATION_FAILED);
        }
    };
    let fleet = cli.global.database_url.len() > 1
        || cli.global.databases.is_some()
        || !cli.global.schemas.is_empty();
    let url = match cli.global.database_url.as_slice() {
        [one] => Some(one.clone()),
        _ => database_url(None, &project),
    };
    let cx = Context {
        migrator: &migrator,
        migrations,
        project: &project,
        models,
        url: url.as_deref(),
        json: cli.global.format == Format::Json,
        connect: crate::migrator::ConnectOptions::default()
            .with_connect_timeout(Duration::from_secs_f64(cli.global.connect_timeout))
            .with_statement_timeout(cli.global.statement_timeout.map(Duration::from_secs_f64))
            .with_busy_timeout(Duration::from_secs_f64(cli.global.busy_timeout))
            .with_create_schema(writes(&cli.command)),
        exclude: &cli.global.exclude,
        schema: cli.global.schema.as_deref(),
        jobs: usize::from(cli.global.jobs),
        fail_fast: cli.global.fail_fast,
    };
    let work = async {
        if fleet {
            let targets = fleet::targets(&cx, &cli.global).await?;
            fleet::run(&cx, &targets, &cli.command).await
        } else {
            run(&cx, &cli.command).await
        }
    };
    let code = match runtime.block_on(work) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            output::error(&e);
            ExitCode::from(match e {
                MigrateError::Plan(_) | MigrateError::UnsupportedUrl(_) => exit_codes::INVALID_PLAN,
                MigrateError::NoDatabaseUrl | MigrateError::Usage(_) => exit_codes::USAGE,
                MigrateError::Cancelled { .. } => exit_codes::INTERRUPTED,
                _ => exit_codes::MIGRATION_FAILED,
            })
        }
    };
    // The process ends here: freeing every loaded revision one by one (a few ms at 1,000 in a
    // debug build) would only delay the exit.
    std::mem::forget(migrator);
    code
}

/// Whether `command` writes to the database, and so may create the run's PostgreSQL schema.
fn writes(command: &RunnerCommand) -> bool {
    matches!(
        command,
        RunnerCommand::Upgrade(_)
            | RunnerCommand::Stamp(_)
            | RunnerCommand::Seed(_)
            | RunnerCommand::Reset(_)
    )
}

async fn run(cx: &Context<'_>, command: &RunnerCommand) -> Result<u8, MigrateError> {
    match command {
        RunnerCommand::Upgrade(args) => migrate::move_to(cx, args, Direction::Up).await,
        RunnerCommand::Downgrade(args) => migrate::move_to(cx, args, Direction::Down).await,
        RunnerCommand::Stamp(args) => migrate::stamp(cx, args).await,
        RunnerCommand::Repair(args) => migrate::repair(cx, args).await,
        RunnerCommand::Current(args) => inspect::current(cx, args).await,
        RunnerCommand::History(args) => inspect::history(cx, args).await,
        RunnerCommand::Heads(args) => inspect::heads(cx, args),
        RunnerCommand::Branches(args) => inspect::branches(cx, args),
        RunnerCommand::Show(args) => inspect::show(cx, args),
        RunnerCommand::Check(args) => check::check(cx, args).await,
        RunnerCommand::Lint(args) => lint::lint(cx, args),
        RunnerCommand::Snapshot(args) => snapshot::snapshot(cx, args),
        RunnerCommand::Test(args) => round_trip::test(cx, args).await,
        RunnerCommand::Seed(args) => devdata::seed(cx, args).await,
        RunnerCommand::Reset(args) => devdata::reset(cx, args).await,
        RunnerCommand::Autogenerate(args) => autogen::autogenerate(cx, args).await,
    }
}

/// Defines `main` for a migrations runner binary.
///
/// ```ignore
/// static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("migrations");
/// schema_runtime::runner_main!(MIGRATIONS);
/// ```
#[macro_export]
macro_rules! runner_main {
    ($migrations:expr, models = $models:expr $(,)?) => {
        fn main() -> ::std::process::ExitCode {
            $crate::cli::main_with_models(
                &$migrations,
                ::core::option::Option::Some(&$models),
                $crate::cli::Project {
                    dir: ::core::env!("CARGO_MANIFEST_DIR"),
                    name: ::core::env!("CARGO_PKG_NAME"),
                },
            )
        }
    };
    ($migrations:expr) => {
        fn main() -> ::std::process::ExitCode {
            $crate::cli::main(
                &$migrations,
                $crate::cli::Project {
                    dir: ::core::env!("CARGO_MANIFEST_DIR"),
                    name: ::core::env!("CARGO_PKG_NAME"),
                },
            )
        }
    };
}

//! The command line, modeled as cargo runs it: `cargo schema <verb>` executes
//! `cargo-schema schema <verb>`, so the parser's binary is `cargo` and `schema` its only
//! subcommand (as `cargo-sqlx` does).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use schema_runtime::cli::args::{GlobalArgs, RunnerCommand};

/// What cargo hands to `cargo-schema`.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, propagate_version = true)]
pub enum Cli {
    /// Alembic-class database migrations: write revisions, apply them, inspect the database.
    Schema(Opts),
}

/// `cargo schema [OPTIONS] <COMMAND>`.
#[derive(Debug, Args)]
#[command(
    version,
    display_name = "cargo-schema",
    subcommand_required = true,
    arg_required_else_help = true,
    after_help = crate::exit_codes::HELP
)]
pub struct Opts {
    /// Options shared with the migrations runner (forwarded to it).
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Options that select the migrations package (not forwarded).
    #[command(flatten)]
    pub cargo: CargoArgs,
    /// The verb.
    #[command(subcommand)]
    pub command: Command,
}

/// Options with cargo's meaning; `cargo schema` consumes them and does not forward them.
#[derive(Debug, Clone, Default, Args)]
pub struct CargoArgs {
    /// Path to Cargo.toml of the workspace or of the migrations package.
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// The package that holds the migrations (default: the one with `[package.metadata.schema]`).
    #[arg(short = 'p', long, global = true, value_name = "SPEC")]
    pub package: Option<String>,
    /// Build the runner with the release profile (applying long histories at the database's
    /// own speed, as in CI and deployments).
    #[arg(long, global = true, conflicts_with = "profile")]
    pub release: bool,
    /// Build the runner with this cargo profile.
    #[arg(long, global = true, value_name = "PROFILE-NAME")]
    pub profile: Option<String>,
    /// Coloring; defaults to $CARGO_TERM_COLOR, then auto.
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<Color>,
}

/// `--color` values, as cargo spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Color when writing to a terminal.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

impl Color {
    /// The spelling cargo and `CARGO_TERM_COLOR` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Auto => "auto",
            Color::Always => "always",
            Color::Never => "never",
        }
    }
}

/// The verbs: those that only read or write files, then the runner's verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up the current crate to hold migrations (folder, runner binary, build script, Cargo.toml).
    Init(InitArgs),
    /// Write a new revision file on top of the current head (no compilation).
    Revision(RevisionArgs),
    /// Write a merge revision that joins two or more heads into one (no compilation).
    Merge(MergeArgs),
    /// Describe an existing database (built by another tool) as a base revision and stamp it.
    Adopt(AdoptArgs),
    /// Verbs run by the package's compiled runner (`cargo build`, then `migrate <verb>`).
    #[command(flatten)]
    Runner(RunnerCommand),
}

/// `cargo schema init` arguments.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Folder for the revision files, relative to the package [default: migrations].
    #[arg(long, value_name = "DIR")]
    pub migrations: Option<String>,
    /// The databases the project uses; only their drivers are compiled [default: detected from
    /// DATABASE_URL, .env and the package's sqlx/diesel/sea-orm features, else asked, else sqlite].
    #[arg(long = "database", value_name = "DB", value_delimiter = ',')]
    pub drivers: Vec<Driver>,
}

/// A database driver of the runtime (a cargo feature of `schema-runtime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Driver {
    /// PostgreSQL.
    #[value(alias = "postgresql", alias = "pg")]
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL 8 and MariaDB.
    #[value(alias = "mariadb")]
    Mysql,
}

impl Driver {
    /// The runtime's feature.
    pub fn feature(self) -> &'static str {
        match self {
            Driver::Postgres => "postgres",
            Driver::Sqlite => "sqlite",
            Driver::Mysql => "mysql",
        }
    }

    /// The driver a database URL names, by its scheme.
    pub fn from_url(url: &str) -> Option<Driver> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "postgres" | "postgresql" => Some(Driver::Postgres),
            "sqlite" => Some(Driver::Sqlite),
            "mysql" | "mariadb" => Some(Driver::Mysql),
            _ => None,
        }
    }
}

/// `cargo schema revision` arguments.
#[derive(Debug, Clone, Args)]
pub struct RevisionArgs {
    /// What the revision does, one line; also the end of its id.
    #[arg(short, long, value_name = "MSG")]
    pub message: String,
    /// The revision to build on when there are several heads (id or unique prefix).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// The new revision's id instead of `YYYYMMDD_HHMMSS_<message>` (letters, digits, `_`).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Fill the revision with the ops that take the migrations' head to the models (builds the runner).
    #[arg(long)]
    pub autogenerate: bool,
    /// With --autogenerate: compare the models with the live database instead of the migrations.
    #[arg(long, requires = "autogenerate")]
    pub from_db: bool,
}

/// `cargo schema adopt` arguments.
#[derive(Debug, Clone, Args)]
pub struct AdoptArgs {
    /// What the base revision is, one line (e.g. "schema as built by the old tool").
    #[arg(short, long, value_name = "MSG")]
    pub message: String,
    /// The revision's id instead of `YYYYMMDD_HHMMSS_<message>`.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Leave out the tables matching this glob pattern (repeatable), e.g. 'tmp_*'.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Keep the migration tables of other tools (alembic_version, django_migrations,
    /// flyway_schema_history, _sqlx_migrations, ...), which are left out by default.
    #[arg(long)]
    pub keep_tool_tables: bool,
    /// Write and stamp the baseline even when it cannot describe everything the database holds
    /// (each loss is a `// NOTE:` in the file).
    #[arg(long)]
    pub allow_lossy: bool,
}

/// `cargo schema merge` arguments.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The revisions to join: ids or unique prefixes, or `heads` for every head.
    #[arg(required = true, value_name = "REV")]
    pub revisions: Vec<String>,
    /// What the merge is for, one line; also the end of its id.
    #[arg(short, long, value_name = "MSG")]
    pub message: String,
    /// The merge revision's id instead of `YYYYMMDD_HHMMSS_<message>` (letters, digits, `_`).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Also merge revisions that are not heads (that other revisions already revise).
    #[arg(long)]
    pub force: bool,
}

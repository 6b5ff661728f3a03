//! The verbs of the migrations runner, shared with `cargo schema` so both parse alike.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::Dialect;

/// Options every runner verb takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Database URL; defaults to $DATABASE_URL, then `.env`, then a SQLite file in the project.
    /// Repeat it to run on several databases (a fleet: see --jobs).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Vec<String>,
    /// A file of database URLs, one per line (`#` comments; `${VAR}` is read from the
    /// environment, so no secret sits in the file; ` schema=NAME` after a PostgreSQL URL):
    /// upgrade, downgrade, current, stamp and check --database run on each (a fleet).
    #[arg(long, global = true, value_name = "FILE")]
    pub databases: Option<std::path::PathBuf>,
    /// PostgreSQL: the schema to work in for this run (the version table, the log and every
    /// unqualified name live there; created by upgrade). Default: the migrations' own
    /// (`Migrations::in_schema`), else the server's search_path.
    #[arg(long, global = true, value_name = "NAME", env = "SCHEMA_PG_SCHEMA")]
    pub schema: Option<String>,
    /// PostgreSQL: run on each of these schemas of every database given, as a fleet: names
    /// and glob patterns of existing schemas, comma-separated (`--schemas 'tenant_*'`).
    #[arg(
        long,
        global = true,
        value_name = "NAMES",
        value_delimiter = ',',
        conflicts_with = "schema"
    )]
    pub schemas: Vec<String>,
    /// Fleet: how many targets run at a time.
    #[arg(short, long, global = true, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    /// Fleet: start no further target once one has failed (they are reported skipped).
    #[arg(long, global = true)]
    pub fail_fast: bool,
    /// Output format: `json` prints one document on stdout (see the README's "JSON output").
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// No status lines or progress on stderr (warnings and errors are still printed).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Seconds connecting (TCP, TLS, authentication) may take.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 5.0, value_parser = seconds)]
    pub connect_timeout: f64,
    /// Seconds each statement may take before the run stops with an error (default: no bound).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds)]
    pub statement_timeout: Option<f64>,
    /// Seconds SQLite waits for another writer's lock.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60.0, value_parser = seconds)]
    pub busy_timeout: f64,
    /// Tables that reading the database leaves out (`check --database`, `autogenerate
    /// --from-db`, `--adopt`): a glob pattern, repeatable. Other tools' migration tables
    /// (alembic_version, django_migrations, ...) are always left out of drift checks.
    #[arg(long, global = true, value_name = "PATTERN")]
    pub exclude: Vec<String>,
}

/// A positive number of seconds.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() => Ok(s),
        _ => Err(format!(
            "`{text}` is not a positive number of seconds; write e.g. 5 or 0.5"
        )),
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Status lines in cargo's style.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// The verbs that need the compiled migrations.
#[derive(Debug, Clone, Subcommand)]
pub enum RunnerCommand {
    /// Apply revisions up to TARGET (default: head).
    Upgrade(MoveArgs),
    /// Revert revisions down to TARGET (a revision, -N, or base).
    Downgrade(MoveArgs),
    /// Show the revision(s) the database is at.
    Current(CurrentArgs),
    /// List revisions, newest first.
    History(HistoryArgs),
    /// Show the head revision(s).
    Heads(InspectArgs),
    /// Replay every revision without a database and report ops that do not fit or that a dialect cannot express.
    Check(CheckArgs),
    /// Review the revisions for ops that lock or rewrite a table in use or break running code (one rule each; --rules lists them); exit 3 on an error that no `allow_lint` allows.
    Lint(LintArgs),
    /// Write the SQL of every revision, upgrade and downgrade, per dialect as insta snapshots in migrations/snapshots/; --check compares instead.
    Snapshot(SnapshotArgs),
    /// Show one revision and its SQL.
    Show(ShowArgs),
    /// Show branch points (revisions with several children).
    Branches(InspectArgs),
    /// Set the version table to REVISION(S) without running any migration.
    Stamp(StampArgs),
    /// Accept the current SQL of applied revisions whose source was edited on purpose, and clear failed-step records.
    Repair(RepairArgs),
    /// Upgrade, downgrade and upgrade again each revision on a scratch database (created and dropped on the URL's server; SQLite: a temporary file), comparing the schema read from the catalogs each time.
    Test(TestArgs),
    /// Run the SQL files of seeds/ (next to the migrations folder) that have not run yet; development databases only.
    Seed(SeedArgs),
    /// Drop what the migrations created (or, with --all, everything), then upgrade to head again; development databases only.
    Reset(ResetArgs),
    /// Diff the models against the migrations (or a live database) and print the ops of a new revision.
    #[command(hide = true)]
    Autogenerate(AutogenerateArgs),
}

/// `test` arguments.
#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    /// The revisions to test, as `history -r` takes a range (`A:B`, `base:head`, `REV:`); a
    /// single revision is that one alone. The revisions they need are applied first, untested.
    /// Default: every revision.
    #[arg(value_name = "REV-RANGE", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Also compare the number of rows of every table (data migrations that leave rows behind).
    #[arg(long)]
    pub data: bool,
}

/// `lint` arguments.
#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// The revisions to lint, as `history -r` takes a range (`A:B`, `base:head`, `REV:`); a
    /// single revision is that one alone. The revisions before them are replayed, not linted.
    /// Default: every revision.
    #[arg(value_name = "REV-RANGE", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Dialects to lint for (default: those whose drivers the runner was built with).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub dialect: Vec<Dialect>,
    /// List the rules (id, severity, dialects, why, what instead, examples) instead of linting.
    #[arg(long, conflicts_with = "range")]
    pub rules: bool,
}

/// `seed` arguments.
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// Seed a database that does not count as development (a host other than localhost,
    /// 127.0.0.1, ::1 or a Unix socket, or SCHEMA_ENV=production).
    #[arg(long)]
    pub force: bool,
    /// Run again the seeds whose file changed since they ran (else a changed seed stops the
    /// run before anything runs).
    #[arg(long)]
    pub rerun_changed: bool,
    /// The seeds folder [default: seeds/ next to the migrations folder].
    #[arg(long, value_name = "DIR")]
    pub seeds_dir: Option<std::path::PathBuf>,
}

/// `reset` arguments.
#[derive(Debug, Clone, Args)]
pub struct ResetArgs {
    /// Drop every table, view, sequence and type of the database (SQLite: of the file), not
    /// only what the migrations created: for a database the downgrade to base cannot empty.
    #[arg(long)]
    pub all: bool,
    /// Run the seeds after the upgrade.
    #[arg(long)]
    pub seed: bool,
    /// Reset a database that does not count as development (a host other than localhost,
    /// 127.0.0.1, ::1 or a Unix socket, or SCHEMA_ENV=production).
    #[arg(long)]
    pub force: bool,
    /// With --seed: the seeds folder [default: seeds/ next to the migrations folder].
    #[arg(long, value_name = "DIR")]
    pub seeds_dir: Option<std::path::PathBuf>,
}

/// `current` arguments.
#[derive(Debug, Clone, Args)]
pub struct CurrentArgs {
    /// Show messages too.
    #[arg(short, long)]
    pub verbose: bool,
    /// Exit non-zero unless the database is at every head.
    #[arg(long)]
    pub check_heads: bool,
}

/// `stamp` arguments.
#[derive(Debug, Clone, Args)]
pub struct StampArgs {
    /// Revision(s) to record: ids, prefixes, head, heads or base.
    #[arg(required = true, allow_negative_numbers = true)]
    pub revisions: Vec<String>,
    /// Replace the version table's rows whatever they are (else the move must follow the graph).
    #[arg(long)]
    pub purge: bool,
    /// Print the SQL instead of running it.
    #[arg(long)]
    pub sql: bool,
    /// Dialect of the printed SQL.
    #[arg(long, value_enum)]
    pub dialect: Option<Dialect>,
}

/// `repair` arguments.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["accept_edit", "resolved", "progress"])))]
pub struct RepairArgs {
    /// The revisions (with --accept-edit, default: every applied revision whose checksum changed).
    pub revisions: Vec<String>,
    /// Accept an intended edit of applied revisions: record their current checksum (the
    /// database must already match the edit). Refused for a revision that is not edited.
    #[arg(long)]
    pub accept_edit: bool,
    /// Mark a failed step resolved after fixing the database by hand. Refused for a revision
    /// without an unresolved failure.
    #[arg(long)]
    pub resolved: bool,
    /// Record that the first N statements of the named revision's part-way step have run
    /// (for a statement the catalog could not settle); the next run resumes after them.
    #[arg(long, value_name = "N")]
    pub progress: Option<usize>,
}

/// `upgrade` / `downgrade` arguments.
#[derive(Debug, Clone, Args)]
pub struct MoveArgs {
    /// head, heads, base, a revision id or unique prefix, +N or -N, LABEL@head; with --sql,
    /// [FROM:]TO where FROM may be `current` (read from the database).
    #[arg(allow_negative_numbers = true)]
    pub target: Option<String>,
    /// Print the SQL instead of running it (no connection needed).
    #[arg(long)]
    pub sql: bool,
    /// Dialect of the printed SQL (default: the database URL's).
    #[arg(long, value_enum)]
    pub dialect: Option<Dialect>,
    /// Run every migration of this run in one transaction (all or nothing where DDL is transactional).
    #[arg(long)]
    pub single_transaction: bool,
    /// Print each statement as it runs (Alembic's `-v`), on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Seconds a statement may wait for a table lock before giving up (PostgreSQL
    /// `lock_timeout`, MySQL `lock_wait_timeout`); default: the server's. A revision's
    /// `lock_timeout` wins.
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub lock_timeout: Option<f64>,
    /// How many times a revision that gave up waiting for a lock is tried again.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub lock_retries: u32,
}

/// Arguments of read-only verbs.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// Show messages and parents too.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `history` arguments.
#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// Show messages and parents too.
    #[arg(short, long)]
    pub verbose: bool,
    /// Mark the revisions the database is at (connects to it).
    #[arg(short = 'i', long)]
    pub indicate_current: bool,
    /// Only revisions in the range `A:B` (either end may be omitted or relative: `-3:`, `base:head`).
    #[arg(short = 'r', long, value_name = "A:B", allow_hyphen_values = true)]
    pub rev_range: Option<String>,
}

/// `check` arguments.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Also compare the live database with the revision it records (drift).
    #[arg(long)]
    pub database: bool,
    /// Dialects to check (default: those whose drivers the runner was built with).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub dialect: Vec<Dialect>,
}

/// `snapshot` arguments.
#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// Compare instead of writing: a missing or differing snapshot gets a `.snap.new` next to it (for `cargo insta review`), its diff is printed, and the exit code is 3.
    #[arg(long)]
    pub check: bool,
    /// Dialects to snapshot (default: those whose drivers the runner was built with).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub dialect: Vec<Dialect>,
}

/// `show` arguments.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// Revision id or unique prefix.
    pub revision: String,
    /// Dialect of the SQL shown.
    #[arg(long, value_enum, default_value = "sqlite")]
    pub dialect: Dialect,
}

/// `autogenerate` arguments (run by `cargo schema revision --autogenerate`).
#[derive(Debug, Clone, Args)]
pub struct AutogenerateArgs {
    /// Compare the models with the live database instead of the replayed migrations.
    #[arg(long)]
    pub from_db: bool,
    /// Describe the live database itself as a base revision (adopting a database another tool built).
    #[arg(long, conflicts_with = "from_db")]
    pub adopt: bool,
    /// With --adopt: keep the migration tables of other tools (alembic_version,
    /// django_migrations, flyway_schema_history, ...), which are left out by default.
    #[arg(long, requires = "adopt")]
    pub keep_tool_tables: bool,
}

/// The runner's whole command line, `migrate [OPTIONS] <VERB>`: what a migrations package's
/// runner parses, and what `cargo schema` asks (through `clap::CommandFactory`) which options
/// it must forward with their values.
#[derive(Debug, Parser)]
#[command(
    name = "migrate",
    about = "Apply and inspect this package's migrations",
    version
)]
pub struct RunnerCli {
    /// Options every verb takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The verb.
    #[command(subcommand)]
    pub command: RunnerCommand,
}

//! The runner's verbs, executed against a database.

pub mod output;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use super::args::{Format, GlobalArgs, MoveArgs, RunnerCommand};
use super::exit_codes;
use crate::migrator::{Database, Direction, MigrateError, Migrator, StepEvent, VersionTable};
use crate::{Dialect, Migrations};

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

#[derive(Debug, Parser)]
#[command(
    name = "migrate",
    about = "Apply and inspect this package's migrations",
    version
)]
struct RunnerCli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: RunnerCommand,
}

/// Resolves the database URL: `--database-url`, then `DATABASE_URL` (the environment, then
/// `.env` in the project), then the project's default SQLite file.
pub fn database_url(explicit: Option<&str>, project: &Project) -> String {
    if let Some(url) = explicit {
        return url.to_owned();
    }
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return url;
    }
    if let Ok(iter) = dotenvy::from_path_iter(Path::new(project.dir).join(".env")) {
        for (key, value) in iter.flatten() {
            if key == "DATABASE_URL" {
                return value;
            }
        }
    }
    project.default_database_url()
}

/// The runner's `main`: parses the command line, runs the verb, prints in cargo's style.
pub fn main(migrations: &Migrations, project: Project) -> ExitCode {
    output::init_color();
    let cli = RunnerCli::parse();
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
    let url = database_url(cli.global.database_url.as_deref(), &project);
    match runtime.block_on(run(&migrator, &cli.global, &cli.command, &url)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            output::error(&e);
            ExitCode::from(match e {
                MigrateError::Plan(_) | MigrateError::UnsupportedUrl(_) => exit_codes::INVALID_PLAN,
                _ => exit_codes::MIGRATION_FAILED,
            })
        }
    }
}

async fn run(
    migrator: &Migrator,
    global: &GlobalArgs,
    command: &RunnerCommand,
    url: &str,
) -> Result<u8, MigrateError> {
    let json = global.format == Format::Json;
    match command {
        RunnerCommand::Upgrade(args) => move_to(migrator, args, Direction::Up, url, json).await,
        RunnerCommand::Downgrade(args) => move_to(migrator, args, Direction::Down, url, json).await,
        RunnerCommand::Current(args) => {
            let mut db = Database::connect(url).await?;
            let heads = migrator.current(&mut db).await?;
            if json {
                output::data(json_array(heads.iter().map(|h| json_string(h))));
            } else if heads.is_empty() {
                output::data("base (no revision applied)");
            }
            if !json {
                let graph_heads = migrator.graph().heads();
                for head in &heads {
                    let mark = if graph_heads.contains(&head.as_str()) {
                        " (head)"
                    } else {
                        ""
                    };
                    match migrator.revision(head) {
                        Some(rev) if args.verbose => {
                            output::data(format!("{head}{mark}\n    {}", rev.message))
                        }
                        Some(_) => output::data(format!("{head}{mark}")),
                        None => output::data(format!(
                            "{head} (unknown to this build: applied by a newer version?)"
                        )),
                    }
                }
            }
            Ok(exit_codes::SUCCESS)
        }
        RunnerCommand::History(args) => {
            let current = if args.indicate_current {
                let mut db = Database::connect(url).await?;
                migrator.current(&mut db).await?
            } else {
                Vec::new()
            };
            history(migrator, args.verbose, &current, json);
            Ok(exit_codes::SUCCESS)
        }
        RunnerCommand::Heads(args) => {
            let heads = migrator.graph().heads();
            if json {
                output::data(json_array(heads.iter().map(|h| json_string(h))));
            }
            for head in heads.iter().filter(|_| !json) {
                let rev = migrator.revision(head).expect("graph ids are revisions");
                if args.verbose {
                    output::data(format!("{head} (head)\n    {}", rev.message));
                } else {
                    output::data(format!("{head} (head)"));
                }
            }
            Ok(exit_codes::SUCCESS)
        }
        RunnerCommand::Check(args) => {
            let dialects: Vec<Dialect> = if args.dialect.is_empty() {
                Dialect::ALL.to_vec()
            } else {
                args.dialect.iter().map(|&d| d.into()).collect()
            };
            let errors = migrator.check(&dialects);
            for e in &errors {
                output::error(e);
            }
            if errors.is_empty() {
                output::status(
                    "Checked",
                    format!(
                        "{} revisions on {}: no problems",
                        migrator.graph().len(),
                        dialects
                            .iter()
                            .map(|d| d.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                Ok(exit_codes::SUCCESS)
            } else {
                Ok(exit_codes::CHECK_FAILED)
            }
        }
        RunnerCommand::Show(args) => {
            let id = migrator
                .graph()
                .resolve(&args.revision)
                .map_err(crate::PlanError::from)?
                .to_owned();
            let rev = migrator.revision(&id).expect("resolved ids exist");
            let dialect: Dialect = args.dialect.into();
            output::data(format!("Revision: {id}"));
            output::data(format!(
                "Parents:  {}",
                if rev.parents.is_empty() {
                    "<base>".into()
                } else {
                    rev.parents.join(", ")
                }
            ));
            output::data(format!("Message:  {}", rev.message));
            let before: Vec<String> = rev.parents.clone();
            let steps = migrator.plan_upgrade(dialect, &before, &id)?;
            if let Some(step) = steps.iter().find(|s| s.revision == id) {
                output::data(format!("\n-- upgrade ({})", dialect.name()));
                for sql in &step.statements {
                    output::data(format!("{sql};"));
                }
            }
            Ok(exit_codes::SUCCESS)
        }
    }
}

async fn move_to(
    migrator: &Migrator,
    args: &MoveArgs,
    direction: Direction,
    url: &str,
    json: bool,
) -> Result<u8, MigrateError> {
    let default_target = match direction {
        Direction::Up => "head",
        Direction::Down => {
            if args.target.is_none() {
                return Err(MigrateError::from(crate::PlanError::Graph(
                    crate::graph::GraphError::InvalidTarget(
                        "(missing): downgrade needs a target such as -1, a revision or base".into(),
                    ),
                )));
            }
            ""
        }
    };
    let target = args.target.as_deref().unwrap_or(default_target);
    if args.sql {
        let dialect = match args.dialect {
            Some(d) => d.into(),
            None => {
                Dialect::from_url(url).ok_or_else(|| MigrateError::UnsupportedUrl(url.into()))?
            }
        };
        offline_sql(migrator, dialect, direction, target)?;
        return Ok(exit_codes::SUCCESS);
    }
    let mut db = Database::connect(url).await?;
    let verb = match direction {
        Direction::Up => "Upgrading",
        Direction::Down => "Downgrading",
    };
    if !json {
        output::status(
            verb,
            format!("{} to {target}", crate::migrator::redact_url(url)),
        );
    }
    let clock = std::time::Instant::now();
    let observe = |event: StepEvent<'_>| {
        if let (StepEvent::Finished(step, duration), false) = (event, json) {
            let done = match step.direction {
                Direction::Up => "Applied",
                Direction::Down => "Reverted",
            };
            output::status(
                done,
                format!(
                    "{} ({}) in {}",
                    step.revision,
                    step.message,
                    output::duration(duration)
                ),
            );
        }
    };
    let steps = match direction {
        Direction::Up => migrator.upgrade_with(&mut db, target, observe).await?,
        Direction::Down => migrator.downgrade_with(&mut db, target, observe).await?,
    };
    if json {
        output::data(json_array(steps.iter().map(|s| {
            format!(
                "{{\"revision\":{},\"direction\":\"{}\",\"duration_ms\":{:.3}}}",
                json_string(&s.revision),
                s.direction.as_str(),
                s.duration.as_secs_f64() * 1000.0
            )
        })));
    } else if steps.is_empty() {
        output::note("Fresh", "nothing to do: the database is already there");
    } else {
        output::status(
            "Finished",
            format!(
                "{} revision(s) in {}",
                steps.len(),
                output::duration(clock.elapsed())
            ),
        );
    }
    Ok(exit_codes::SUCCESS)
}

/// Prints the SQL script of a range for a DBA: version tables, then each revision in a transaction.
fn offline_sql(
    migrator: &Migrator,
    d: Dialect,
    direction: Direction,
    range: &str,
) -> Result<(), MigrateError> {
    let (from, to) = match range.split_once(':') {
        Some((from, to)) => (Some(from), to),
        None => (None, range),
    };
    let current: Vec<String> = match from {
        None | Some("base") | Some("") => Vec::new(),
        Some(rev) => vec![migrator
            .graph()
            .resolve(rev)
            .map_err(crate::PlanError::from)?
            .to_owned()],
    };
    if direction == Direction::Down && from.is_none() {
        return Err(MigrateError::from(crate::PlanError::Graph(
            crate::graph::GraphError::InvalidTarget(format!(
                "{range}: offline downgrade needs FROM:TO, e.g. head:base"
            )),
        )));
    }
    let current = if from == Some("head") || from == Some("heads") {
        migrator
            .graph()
            .heads()
            .into_iter()
            .map(String::from)
            .collect()
    } else {
        current
    };
    let steps = match direction {
        Direction::Up => migrator.plan_upgrade(d, &current, to)?,
        Direction::Down => migrator.plan_downgrade(d, &current, to)?,
    };
    print!("{}", script(migrator.version_table(), d, &steps));
    Ok(())
}

/// The offline script of `steps`.
pub fn script(table: &VersionTable, d: Dialect, steps: &[crate::Step]) -> String {
    let mut out = String::new();
    for sql in table.create_sql(d) {
        out.push_str(&sql);
        out.push_str(";\n\n");
    }
    for step in steps {
        out.push_str(&format!(
            "-- {} {} ({})\n",
            step.direction.as_str(),
            step.revision,
            step.message
        ));
        let fk_off = step.foreign_keys_off && d == Dialect::Sqlite;
        if fk_off {
            out.push_str("PRAGMA foreign_keys = OFF;\n");
        }
        out.push_str("BEGIN;\n");
        let bookkeeping = table.update_sql(d, &step.heads_before, &step.heads_after);
        for sql in step.statements.iter().chain(&bookkeeping) {
            out.push_str(sql);
            out.push_str(";\n");
        }
        if fk_off {
            out.push_str("PRAGMA foreign_key_check;\n");
        }
        out.push_str("COMMIT;\n");
        if fk_off {
            out.push_str("PRAGMA foreign_keys = ON;\n");
        }
        out.push('\n');
    }
    out
}

fn history(migrator: &Migrator, verbose: bool, current: &[String], json: bool) {
    let heads = migrator.graph().heads();
    let revisions = migrator.history();
    if json {
        output::data(json_array(revisions.iter().map(|r| {
            format!(
                "{{\"id\":{},\"parents\":{},\"message\":{},\"head\":{}}}",
                json_string(&r.id),
                json_array(r.parents.iter().map(|p| json_string(p))),
                json_string(&r.message),
                heads.contains(&r.id.as_str())
            )
        })));
        return;
    }
    for rev in revisions {
        let parents = if rev.parents.is_empty() {
            "<base>".to_owned()
        } else {
            rev.parents.join(", ")
        };
        let mut marks = Vec::new();
        if heads.contains(&rev.id.as_str()) {
            marks.push("head");
        }
        if current.contains(&rev.id) {
            marks.push("current");
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(" ({})", marks.join(", "))
        };
        if verbose {
            output::data(format!(
                "Rev: {}{marks}\nParent: {parents}\n\n    {}\n",
                rev.id, rev.message
            ));
        } else {
            output::data(format!("{parents} -> {}{marks}, {}", rev.id, rev.message));
        }
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_array(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(","))
}

/// Defines `main` for a migrations runner binary.
///
/// ```ignore
/// static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("migrations");
/// schema_runtime::runner_main!(MIGRATIONS);
/// ```
#[macro_export]
macro_rules! runner_main {
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

//! `seed` and `reset`: development data from `seeds/`, and starting a development database
//! over. Both refuse a database that does not count as development unless `--force`
//! ([`development_database`]).

use std::path::{Path, PathBuf};

use super::{exit_codes, output, Context};
use crate::cli::args::{ResetArgs, SeedArgs};
use crate::cli::json::{ResetDocument, SeedDocument, SeedReport};
use crate::migrator::{
    development_database, drop_everything, read_seeds, redact_url, Cancel, Database, Direction,
    MigrateError, RunOptions, Seed, SeedResult, SeedStatus, StepEvent,
};

/// Refuses `verb` on a database that is not for development, unless `force`.
fn guard(cx: &Context<'_>, verb: &str, force: bool) -> Result<(), MigrateError> {
    let url = cx.url()?;
    let env = std::env::var("SCHEMA_ENV").ok();
    match development_database(url, env.as_deref()) {
        Ok(_) => Ok(()),
        Err(why) if force => {
            output::note(
                "Forced",
                format!("{verb} on {} ({why}): --force", redact_url(url)),
            );
            Ok(())
        }
        Err(why) => Err(MigrateError::Usage(format!(
            "refusing to {verb} {}: it does not count as a development database ({why}); nothing was done. \
             If it is one, run with SCHEMA_ENV=development; to {verb} it anyway, pass --force",
            redact_url(url)
        ))),
    }
}

/// `--seeds-dir`, else `seeds/` next to the migrations folder.
fn seeds_dir(cx: &Context<'_>, explicit: Option<&Path>) -> PathBuf {
    match explicit {
        Some(dir) => dir.to_path_buf(),
        None => {
            let migrations =
                super::snapshot::migrations_dir(cx.migrations, Path::new(cx.project.dir));
            migrations
                .parent()
                .map(|p| p.join("seeds"))
                .unwrap_or_else(|| PathBuf::from("seeds"))
        }
    }
}

/// A path as messages show it: relative to the package when inside it.
fn shown(cx: &Context<'_>, path: &Path) -> String {
    path.strip_prefix(cx.project.dir)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn report(cx: &Context<'_>, r: &SeedResult) -> SeedReport {
    SeedReport {
        name: r.name.clone(),
        file: r.file.as_deref().map(|f| shown(cx, f)),
        status: r.status.as_str().to_owned(),
        checksum: r.checksum.clone(),
        duration_ms: output::ms(r.duration),
    }
}

/// Runs the seeds with a line per seed; a note first when the database is not at head.
async fn run_seeds(
    cx: &Context<'_>,
    db: &mut Database,
    seeds: &[Seed],
    dir: &Path,
    rerun_changed: bool,
) -> Result<Vec<SeedResult>, MigrateError> {
    let json = cx.json;
    if seeds.is_empty() {
        if !json {
            output::note(
                "Fresh",
                format!("no seeds: {} holds no .sql files", shown(cx, dir)),
            );
        }
        return Ok(Vec::new());
    }
    let current = cx.migrator.current(db).await?;
    if current.is_empty() {
        return Err(MigrateError::Usage(format!(
            "the database has no revision applied, and the seeds are written for the migrated schema; nothing ran. Run `cargo schema upgrade` first, or `cargo schema reset --seed` ({})",
            redact_url(cx.url()?)
        )));
    }
    let mut heads: Vec<String> = cx
        .migrator
        .graph()
        .heads()
        .into_iter()
        .map(String::from)
        .collect();
    heads.sort();
    let mut at = current.clone();
    at.sort();
    if at != heads && !json {
        output::note(
            "Note",
            format!(
                "the database is at {}, not at head ({}): seeds are written for the head's schema; `cargo schema upgrade` first if one fails",
                if current.is_empty() { "base".to_owned() } else { current.join(", ") },
                heads.join(", ")
            ),
        );
    }
    let dialect = db.dialect();
    cx.migrator
        .seed(db, seeds, rerun_changed, |r| {
            if json {
                return;
            }
            let file = r.file.as_deref().map(|f| shown(cx, f)).unwrap_or_default();
            let took = output::duration(r.duration);
            match r.status {
                SeedStatus::Applied => {
                    output::status("Seeded", format!("{} ({file}) in {took}", r.name))
                }
                SeedStatus::Rerun => output::status(
                    "Reseeded",
                    format!("{} ({file}, changed since it ran) in {took}", r.name),
                ),
                SeedStatus::Unchanged => output::note(
                    "Unchanged",
                    format!("{} ({file}): ran before with this content", r.name),
                ),
                SeedStatus::NoFile => output::note(
                    "Skipped",
                    format!(
                        "{}: no {}.sql or {}.{}.sql for {}",
                        r.name,
                        r.name,
                        r.name,
                        dialect.name(),
                        dialect.name()
                    ),
                ),
            }
        })
        .await
}

pub(super) async fn seed(cx: &Context<'_>, args: &SeedArgs) -> Result<u8, MigrateError> {
    guard(cx, "seed", args.force)?;
    let mut db = cx.connect().await?;
    let dir = seeds_dir(cx, args.seeds_dir.as_deref());
    let seeds = read_seeds(&dir, db.dialect())?;
    let results = run_seeds(cx, &mut db, &seeds, &dir, args.rerun_changed).await?;
    if cx.json {
        output::data(
            serde_json::to_string_pretty(&SeedDocument {
                seeds_dir: shown(cx, &dir),
                seeds: results.iter().map(|r| report(cx, r)).collect(),
            })
            .unwrap_or_default(),
        );
    } else if !results.is_empty() {
        let ran = results
            .iter()
            .filter(|r| matches!(r.status, SeedStatus::Applied | SeedStatus::Rerun))
            .count();
        output::status(
            "Finished",
            format!("{ran} seed(s) ran, {} already had", results.len() - ran),
        );
    }
    Ok(exit_codes::SUCCESS)
}

pub(super) async fn reset(cx: &Context<'_>, args: &ResetArgs) -> Result<u8, MigrateError> {
    guard(cx, "reset", args.force)?;
    let mut db = cx.connect().await?;
    let json = cx.json;
    // The seeds are read before anything is dropped: a folder that cannot be read stops here.
    let dir = seeds_dir(cx, args.seeds_dir.as_deref());
    let seeds = if args.seed {
        read_seeds(&dir, db.dialect())?
    } else {
        Vec::new()
    };
    let cancel = Cancel::on_signals();
    let options = || {
        RunOptions::default()
            .with_statement_timeout(cx.connect.statement_timeout)
            .with_cancel(cancel.clone())
    };
    let observe = |event: StepEvent<'_>| {
        if let (StepEvent::Finished(step, duration), false) = (event, json) {
            output::step_finished(step, duration);
        }
    };
    let mut document = ResetDocument {
        mode: if args.all { "all" } else { "migrations" }.to_owned(),
        dropped: Vec::new(),
        reverted: Vec::new(),
        applied: Vec::new(),
        seeds: Vec::new(),
    };
    if !json {
        output::status(
            "Resetting",
            format!(
                "{}: {}",
                redact_url(cx.url()?),
                if args.all {
                    "dropping every table, view, sequence and type"
                } else {
                    "downgrading to base and dropping the bookkeeping tables"
                }
            ),
        );
    }
    if args.all {
        document.dropped = drop_everything(&mut db).await?;
        if !json {
            output::status(
                "Dropped",
                if document.dropped.is_empty() {
                    "nothing: the database was empty".to_owned()
                } else {
                    format!(
                        "{} object(s): {}",
                        document.dropped.len(),
                        document.dropped.join(", ")
                    )
                },
            );
        }
    } else {
        let reverted = match cx
            .migrator
            .migrate(&mut db, Direction::Down, "base", options(), observe)
            .await
        {
            Ok(steps) => steps,
            Err(e) => {
                if !json {
                    output::note(
                        "Hint",
                        "`cargo schema reset --all` drops every table, view, sequence and type instead of downgrading",
                    );
                }
                return Err(e);
            }
        };
        document.reverted = reverted.into_iter().map(|s| s.revision).collect();
        cx.migrator.drop_bookkeeping(&mut db).await?;
    }
    let applied = cx
        .migrator
        .migrate(&mut db, Direction::Up, "head", options(), observe)
        .await?;
    document.applied = applied.into_iter().map(|s| s.revision).collect();
    if args.seed {
        let results = run_seeds(cx, &mut db, &seeds, &dir, false).await?;
        document.seeds = results.iter().map(|r| report(cx, r)).collect();
    }
    if json {
        output::data(serde_json::to_string_pretty(&document).unwrap_or_default());
    } else {
        output::status(
            "Finished",
            format!(
                "reset: {} revision(s) applied{}",
                document.applied.len(),
                if args.seed {
                    format!(
                        ", {} seed(s) ran",
                        document
                            .seeds
                            .iter()
                            .filter(|s| s.status == "applied")
                            .count()
                    )
                } else {
                    String::new()
                }
            ),
        );
    }
    Ok(exit_codes::SUCCESS)
}

//! The verbs that change the database: `upgrade`, `downgrade`, `stamp`, `repair`, and their
//! offline SQL (`--sql`) for a DBA to review and run.

use super::progress::{Mode, Progress};
use super::{exit_codes, output, Context};
use crate::cli::args::{MoveArgs, RepairArgs, StampArgs};
use crate::cli::json::{
    AcceptedEdit, MoveDocument, RecordedProgress, RepairDocument, ResolvedFailure, SqlDocument,
    StampDocument, StepReport,
};
use crate::migrator::{
    Cancel, Direction, MigrateError, Migrator, RunOptions, StepEvent, VersionTable,
};
use crate::{Dialect, PlanError, Step};

fn dialect_of(cx: &Context<'_>, explicit: Option<Dialect>) -> Result<Dialect, MigrateError> {
    match explicit {
        Some(d) => Ok(d),
        None => {
            let url = cx.url()?;
            Dialect::from_url(url)
                .ok_or_else(|| MigrateError::UnsupportedUrl(crate::migrator::redact_url(url)))
        }
    }
}

/// An offline script: as is, or as a [`SqlDocument`] with `--format json`.
fn print_sql(cx: &Context<'_>, d: Dialect, sql: String) {
    if cx.json {
        output::json(&SqlDocument {
            dialect: d.name().to_owned(),
            sql,
        });
    } else {
        print!("{sql}");
    }
}

pub(super) async fn move_to(
    cx: &Context<'_>,
    args: &MoveArgs,
    direction: Direction,
) -> Result<u8, MigrateError> {
    let target = match (direction, args.target.as_deref()) {
        (_, Some(target)) => target,
        (Direction::Up, None) => "head",
        (Direction::Down, None) => {
            return Err(MigrateError::Usage(
                "downgrade needs a target: -1 (one step; -N for N), a revision id or a unique prefix of one, LABEL@base or LABEL@-N, or base (everything)".into(),
            ))
        }
    };
    if args.sql {
        let d = dialect_of(cx, args.dialect)?;
        // `current:TO` starts from the database's version rows (read, nothing written).
        let current = match target.split_once(':') {
            Some(("current", _)) => {
                let mut db = cx.connect().await?;
                Some(cx.migrator.current(&mut db).await?)
            }
            _ => None,
        };
        let sql = offline_sql(cx.migrator, d, direction, target, current.as_deref())?;
        print_sql(cx, d, sql);
        return Ok(exit_codes::SUCCESS);
    }
    let mut db = cx.connect().await?;
    if !cx.json {
        let verb = if direction == Direction::Up {
            "Upgrading"
        } else {
            "Downgrading"
        };
        output::status(
            verb,
            format!("{} to {target}", crate::migrator::redact_url(cx.url()?)),
        );
    }
    let clock = std::time::Instant::now();
    let mode = Mode::detect(cx.json);
    // The bar's length: the plan from the version rows (the run plans again under its lock).
    let planned = if mode == Mode::Bar {
        planned_steps(cx, &mut db, direction, target).await
    } else {
        None
    };
    let progress = Progress::start(mode, args.verbose, planned);
    let mut from: Option<Vec<String>> = None;
    let observe = |event: StepEvent<'_>| {
        if let (StepEvent::Started(step), None) = (event, &from) {
            from = Some(step.heads_before.clone());
        }
        progress.observe(event);
    };
    let options = RunOptions::default()
        .with_single_transaction(args.single_transaction)
        .with_ddl_lock_timeout(args.lock_timeout.map(std::time::Duration::from_secs_f64))
        .with_statement_timeout(cx.connect.statement_timeout)
        .with_lock_retries(args.lock_retries)
        .with_cancel(Cancel::on_signals());
    let result = cx
        .migrator
        .migrate(&mut db, direction, target, options, observe)
        .await;
    drop(progress);
    let steps = result?;
    if cx.json {
        let to = cx.migrator.current(&mut db).await?;
        output::json(&MoveDocument {
            direction: direction.as_str().to_owned(),
            target: target.to_owned(),
            from: from.unwrap_or_else(|| to.clone()),
            to,
            steps: steps
                .iter()
                .map(|s| StepReport {
                    revision: s.revision.clone(),
                    message: s.message.clone(),
                    direction: s.direction.as_str().to_owned(),
                    duration_ms: output::ms(s.duration),
                })
                .collect(),
            duration_ms: output::ms(clock.elapsed()),
        });
    } else if steps.is_empty() {
        output::note(
            "Fresh",
            "nothing to do: the database is already at the target",
        );
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

/// How many steps a move to `target` takes from the database's version rows, if it plans.
async fn planned_steps(
    cx: &Context<'_>,
    db: &mut crate::migrator::Database,
    direction: Direction,
    target: &str,
) -> Option<usize> {
    let current = cx.migrator.current(db).await.ok()?;
    let d = db.dialect();
    let steps = match direction {
        Direction::Up => cx.migrator.plan_upgrade(d, &current, target),
        Direction::Down => cx.migrator.plan_downgrade(d, &current, target),
    };
    steps.ok().map(|s| s.len())
}

/// The heads a `FROM` end of an offline range stands for (`current`: the database's rows).
fn offline_from(
    migrator: &Migrator,
    from: Option<&str>,
    current: Option<&[String]>,
) -> Result<Vec<String>, MigrateError> {
    Ok(match from {
        None | Some("base") | Some("") => Vec::new(),
        Some("current") => current.map(<[String]>::to_vec).unwrap_or_default(),
        Some(other) => {
            let ids = migrator
                .graph()
                .resolve_targets(&[other.to_owned()])
                .map_err(PlanError::from)?;
            migrator
                .graph()
                .rows_for(&ids.into_iter().map(String::from).collect::<Vec<_>>())
                .map_err(PlanError::from)?
        }
    })
}

/// The SQL script of a range (`[FROM:]TO`) for a DBA: version tables, then each revision in a
/// transaction with its version-table update.
pub(super) fn offline_sql(
    migrator: &Migrator,
    d: Dialect,
    direction: Direction,
    range: &str,
    database_rows: Option<&[String]>,
) -> Result<String, MigrateError> {
    let (from, to) = match range.split_once(':') {
        Some((from, to)) => (Some(from), to),
        None => (None, range),
    };
    if direction == Direction::Down && from.is_none() {
        return Err(MigrateError::Usage(format!(
            "`{range}`: an offline downgrade needs FROM:TO, e.g. head:base, current:-1 or REV:base (the script cannot ask the database where it is)"
        )));
    }
    let current = offline_from(migrator, from, database_rows)?;
    let steps = match direction {
        Direction::Up => migrator.plan_upgrade(d, &current, to)?,
        Direction::Down => migrator.plan_downgrade(d, &current, to)?,
    };
    Ok(script(migrator.version_table(), d, &steps))
}

/// The offline script of `steps`.
pub fn script(table: &VersionTable, d: Dialect, steps: &[Step]) -> String {
    let mut out = String::new();
    let setup = d.bookkeeping().session_setup();
    if !setup.is_empty() {
        out.push_str("-- the session settings the runner uses online\n");
        for sql in setup {
            out.push_str(sql);
            out.push_str(";\n");
        }
        out.push('\n');
    }
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
        let guard = step
            .foreign_keys_off
            .then(|| d.bookkeeping().rebuild_guard())
            .flatten();
        if let Some(guard) = guard {
            out.push_str(guard.off);
            out.push_str(";\n");
        }
        let transactional = d.runs_in_transaction(step.transactional);
        if transactional {
            out.push_str("BEGIN;\n");
        }
        let bookkeeping = table.update_sql(d, &step.heads_before, &step.heads_after);
        for sql in step.statements.iter().chain(&bookkeeping) {
            out.push_str(sql);
            out.push_str(";\n");
        }
        if let Some(guard) = guard {
            // Online the runner reads the check and rolls back; a script must fail instead.
            out.push_str(
                d.bookkeeping()
                    .offline_foreign_key_check()
                    .unwrap_or(guard.check),
            );
            out.push_str(";\n");
        }
        if transactional {
            out.push_str("COMMIT;\n");
        }
        if let Some(guard) = guard {
            out.push_str(guard.on);
            out.push_str(";\n");
        }
        out.push('\n');
    }
    out
}

pub(super) async fn stamp(cx: &Context<'_>, args: &StampArgs) -> Result<u8, MigrateError> {
    if args.sql {
        let d = dialect_of(cx, args.dialect)?;
        let mut out = String::new();
        for sql in cx.migrator.version_table().create_sql(d) {
            out.push_str(&format!("{sql};\n\n"));
        }
        for sql in cx.migrator.stamp_sql(d, &[], &args.revisions, args.purge)? {
            out.push_str(&format!("{sql};\n"));
        }
        print_sql(cx, d, out);
        return Ok(exit_codes::SUCCESS);
    }
    let mut db = cx.connect().await?;
    let before = cx.migrator.current(&mut db).await?;
    let after = cx
        .migrator
        .stamp(&mut db, &args.revisions, args.purge)
        .await?;
    let show = |rows: &[String]| {
        if rows.is_empty() {
            "base".to_owned()
        } else {
            rows.join(", ")
        }
    };
    if cx.json {
        output::json(&StampDocument { before, after });
    } else {
        output::status(
            "Stamped",
            format!("{} -> {} (no migration ran)", show(&before), show(&after)),
        );
    }
    Ok(exit_codes::SUCCESS)
}

pub(super) async fn repair(cx: &Context<'_>, args: &RepairArgs) -> Result<u8, MigrateError> {
    let mut db = cx.connect().await?;
    if let Some(done) = args.progress {
        let [revision] = args.revisions.as_slice() else {
            output::error("--progress N records the progress of one part-way revision: `cargo schema repair REV --progress N`");
            return Ok(exit_codes::USAGE);
        };
        let p = cx.migrator.record_progress(&mut db, revision, done).await?;
        if cx.json {
            output::json(&RepairDocument {
                mode: "progress".into(),
                accepted: Vec::new(),
                resolved: None,
                progress: Some(RecordedProgress {
                    revision: p.revision.clone(),
                    done: p.done,
                    total: p.total,
                }),
            });
        } else {
            output::status(
                "Recorded",
                format!(
                    "{}: {} of {} statements ran; the next run resumes at statement {}",
                    p.revision,
                    p.done,
                    p.total,
                    p.done + 1
                ),
            );
        }
        return Ok(exit_codes::SUCCESS);
    }
    if args.resolved {
        let [revision] = args.revisions.as_slice() else {
            return Err(MigrateError::Usage(
                "--resolved marks the failure of one revision resolved: `cargo schema repair --resolved REV`".into(),
            ));
        };
        let failure = cx.migrator.resolve_failure(&mut db, revision).await?;
        if cx.json {
            output::json(&RepairDocument {
                mode: "resolved".into(),
                accepted: Vec::new(),
                resolved: Some(ResolvedFailure {
                    revision: failure.revision.clone(),
                    failed_at: failure.started_at.clone(),
                    error: failure.error.clone(),
                }),
                progress: None,
            });
        } else {
            output::status(
                "Resolved",
                format!(
                    "{}: its failure of {} ({}) is marked resolved; the version table is unchanged, and the next run plans from it",
                    failure.revision,
                    failure.started_at,
                    failure.error.as_deref().unwrap_or("no error recorded")
                ),
            );
        }
        return Ok(exit_codes::SUCCESS);
    }
    let accepted = cx.migrator.accept_edits(&mut db, &args.revisions).await?;
    if cx.json {
        output::json(&RepairDocument {
            mode: "accept-edit".into(),
            accepted: accepted
                .iter()
                .map(|c| AcceptedEdit {
                    revision: c.revision.clone(),
                    recorded: c.recorded.clone(),
                    now: c.current.clone(),
                })
                .collect(),
            resolved: None,
            progress: None,
        });
    } else if accepted.is_empty() {
        output::note(
            "Fresh",
            "nothing to accept: every applied revision matches its recorded checksum",
        );
    } else {
        for c in &accepted {
            output::status(
                "Accepted",
                format!(
                    "{}: recorded its current checksum {} (was {})",
                    c.revision,
                    &c.current[..12.min(c.current.len())],
                    &c.recorded[..12.min(c.recorded.len())]
                ),
            );
        }
    }
    Ok(exit_codes::SUCCESS)
}

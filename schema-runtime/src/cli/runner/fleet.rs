//! Several databases (or PostgreSQL schemas) in one run: `--database-url` repeated,
//! `--databases FILE`, `--schemas 'tenant_*'`. Upgrade and downgrade share one plan per state
//! ([`Migrator::migrate_fleet`](crate::Migrator::migrate_fleet)); `current` shows where each
//! target stands; stamp, check --database, repair, seed and reset run their single-database
//! verb on each target, its lines prefixed with the target. `--jobs N` targets at a time; a
//! failed target never stops the others (unless `--fail-fast`); a summary ends the run (a
//! table, or one JSON document with `--format json`).

use std::time::{Duration, Instant};

use super::{exit_codes, output, Context};
use crate::cli::args::{GlobalArgs, MoveArgs, RunnerCommand};
use crate::cli::json::{FleetDocument as Summary, FleetTargetReport as TargetLine};
use crate::migrator::{
    for_each_target, read_targets, redact_url, schemas_matching, Cancel, Direction, FleetOptions,
    FleetTarget, MigrateError, RunOptions, TargetOutcome,
};

/// The targets the command line names: every `--database-url`, then the lines of
/// `--databases`; with `--schemas`, each PostgreSQL database once per schema named or matched.
pub(super) async fn targets(
    cx: &Context<'_>,
    global: &GlobalArgs,
) -> Result<Vec<FleetTarget>, MigrateError> {
    let mut targets: Vec<FleetTarget> = global
        .database_url
        .iter()
        .map(|url| FleetTarget::new(url.clone()))
        .collect();
    if let Some(path) = &global.databases {
        targets.extend(read_targets(path).map_err(MigrateError::Usage)?);
    }
    if targets.is_empty() {
        // `--schemas` alone: the one database of DATABASE_URL / .env.
        targets.push(FleetTarget::new(cx.url()?.to_owned()));
    }
    if !global.schemas.is_empty() {
        let mut expanded = Vec::new();
        for target in targets {
            for schema in schemas_matching(&target.url, &global.schemas, &cx.connect).await? {
                expanded.push(target.clone().in_schema(schema));
            }
        }
        targets = expanded;
    }
    Ok(targets)
}

/// A fresh line for `target`, failed until told otherwise.
fn line_for(target: &FleetTarget) -> TargetLine {
    {
        TargetLine {
            target: target.to_string(),
            url: redact_url(&target.url),
            schema: target.schema.clone(),
            from: None,
            to: None,
            applied: Vec::new(),
            duration_ms: 0.0,
            outcome: "failed".into(),
            error: None,
        }
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn heads(rows: &Option<Vec<String>>) -> String {
    match rows {
        None => "?".into(),
        Some(rows) if rows.is_empty() => "<base>".into(),
        Some(rows) => rows.join(","),
    }
}

/// Runs `command` on every target.
pub(super) async fn run(
    cx: &Context<'_>,
    targets: &[FleetTarget],
    command: &RunnerCommand,
) -> Result<u8, MigrateError> {
    let clock = Instant::now();
    let (verb, lines) = match command {
        RunnerCommand::Upgrade(args) => ("upgrade", migrate(cx, targets, args, Direction::Up).await?),
        RunnerCommand::Downgrade(args) => {
            ("downgrade", migrate(cx, targets, args, Direction::Down).await?)
        }
        RunnerCommand::Current(_) => ("current", current(cx, targets).await),
        RunnerCommand::Stamp(args) if !args.sql => ("stamp", each(cx, targets, command).await),
        RunnerCommand::Check(args) if args.database => ("check", each(cx, targets, command).await),
        RunnerCommand::Repair(_) => ("repair", each(cx, targets, command).await),
        RunnerCommand::Seed(_) => ("seed", each(cx, targets, command).await),
        RunnerCommand::Reset(_) => ("reset", each(cx, targets, command).await),
        _ => {
            return Err(MigrateError::Usage(
                "several databases (--databases, --schemas, --database-url repeated) are for upgrade, downgrade, current, stamp, check --database, repair, seed and reset; this verb reads the migrations or one database: give it one --database-url".into(),
            ))
        }
    };
    let mut outcomes = std::collections::BTreeMap::new();
    for line in &lines {
        *outcomes.entry(line.outcome.clone()).or_insert(0) += 1;
    }
    let bad = lines
        .iter()
        .any(|l| matches!(l.outcome.as_str(), "failed" | "skipped"));
    let behind = lines.iter().any(|l| l.outcome == "behind");
    let summary = Summary {
        verb: verb.to_owned(),
        targets: lines,
        outcomes,
        duration_ms: ms(clock.elapsed()),
    };
    if cx.json {
        output::json(&summary);
    } else {
        print_table(&summary, clock.elapsed());
    }
    Ok(if bad {
        exit_codes::MIGRATION_FAILED
    } else if behind {
        exit_codes::CHECK_FAILED
    } else {
        exit_codes::SUCCESS
    })
}

/// The summary table on stdout, the errors after it, a status line on stderr.
fn print_table(summary: &Summary, elapsed: Duration) {
    let rows: Vec<[String; 5]> = summary
        .targets
        .iter()
        .map(|l| {
            [
                l.target.clone(),
                heads(&l.from),
                heads(&l.to),
                output::duration(Duration::from_secs_f64(l.duration_ms / 1000.0)),
                l.outcome.to_owned(),
            ]
        })
        .collect();
    let header = ["TARGET", "FROM", "TO", "TIME", "OUTCOME"].map(str::to_owned);
    // Verbs that do not move the version rows have no FROM / TO.
    let heads_known = summary.targets.iter().any(|l| l.from.is_some());
    let keep = |i: usize| heads_known || !(1..=2).contains(&i);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, (cell, w))| format!("{cell:<w$}"))
            .collect();
        output::data(cells.join("  ").trim_end());
    }
    if summary.verb != "upgrade" && summary.verb != "downgrade" {
        // (upgrade and downgrade said each error as its target finished)
        for line in &summary.targets {
            if let Some(error) = &line.error {
                output::error(format!("{}: {error}", line.target));
            }
        }
    }
    let counts: Vec<String> = summary
        .outcomes
        .iter()
        .map(|(outcome, n)| format!("{n} {outcome}"))
        .collect();
    output::status(
        "Finished",
        format!(
            "{} {} target(s): {} in {}",
            summary.verb,
            summary.targets.len(),
            counts.join(", "),
            output::duration(elapsed)
        ),
    );
}

/// upgrade / downgrade: the library's fleet run, one line per target as it finishes.
async fn migrate(
    cx: &Context<'_>,
    targets: &[FleetTarget],
    args: &MoveArgs,
    direction: Direction,
) -> Result<Vec<TargetLine>, MigrateError> {
    if args.sql {
        return Err(MigrateError::Usage(
            "--sql prints one script, the same for every target in the same state: give one --database-url (or none, with --dialect)".into(),
        ));
    }
    let goal = match (direction, args.target.as_deref()) {
        (_, Some(target)) => target,
        (Direction::Up, None) => "head",
        (Direction::Down, None) => {
            return Err(MigrateError::Usage(
                "downgrade needs a target: -1, a revision, LABEL@base or base".into(),
            ))
        }
    };
    let options = FleetOptions::default()
        .with_jobs(cx.jobs)
        .with_fail_fast(cx.fail_fast)
        .with_connect(cx.connect.clone())
        .with_run(
            RunOptions::default()
                .with_single_transaction(args.single_transaction)
                .with_ddl_lock_timeout(args.lock_timeout.map(Duration::from_secs_f64))
                .with_statement_timeout(cx.connect.statement_timeout)
                .with_lock_retries(args.lock_retries)
                .with_cancel(Cancel::on_signals()),
        );
    let migrator = cx.migrator.clone().with_plan_cache();
    let migrator = match cx.schema {
        Some(schema) => migrator.with_schema(Some(schema)),
        None => migrator,
    };
    if !cx.json {
        output::status(
            if direction == Direction::Up {
                "Upgrading"
            } else {
                "Downgrading"
            },
            format!(
                "{} target(s) to {goal}, {} at a time",
                targets.len(),
                cx.jobs
            ),
        );
    }
    let json = cx.json;
    let reports = migrator
        .migrate_fleet(targets, direction, goal, &options, |report| {
            if json {
                return;
            }
            let target = &report.target;
            match report.outcome {
                TargetOutcome::Migrated => output::status(
                    "Migrated",
                    format!(
                        "{target}: {} -> {} ({} revision(s) in {})",
                        heads(&report.from),
                        heads(&Some(report.to.clone())),
                        report.applied.len(),
                        output::duration(report.duration)
                    ),
                ),
                TargetOutcome::Unchanged => output::note(
                    "Unchanged",
                    format!("{target}: already at {}", heads(&Some(report.to.clone()))),
                ),
                TargetOutcome::Skipped => output::note(
                    "Skipped",
                    format!("{target}: an earlier target failed (--fail-fast)"),
                ),
                _ => output::error(format!(
                    "{target}: {}",
                    report
                        .error
                        .as_ref()
                        .map_or_else(String::new, ToString::to_string)
                )),
            }
        })
        .await;
    if !cx.json {
        output::note(
            "Planned",
            format!(
                "{} distinct plan(s) for {} target(s)",
                migrator.cached_plans(),
                targets.len()
            ),
        );
    }
    Ok(reports
        .into_iter()
        .map(|report| {
            let mut line = line_for(&report.target);
            line.from = report.from;
            line.to = report.error.is_none().then_some(report.to);
            line.applied = report.applied.into_iter().map(|s| s.revision).collect();
            line.duration_ms = ms(report.duration);
            line.outcome = report.outcome.name().to_owned();
            line.error = report.error.map(|e| e.to_string());
            line
        })
        .collect())
}

/// `current`: where each target stands.
async fn current(cx: &Context<'_>, targets: &[FleetTarget]) -> Vec<TargetLine> {
    let results = for_each_target(
        targets,
        cx.jobs,
        false,
        |target| async move {
            let cx = cx.on(&target.url, target.schema.as_deref());
            let mut db = cx.connect().await?;
            let current = cx.migrator.current(&mut db).await;
            let part_way = cx.migrator.part_way(&mut db).await;
            let _ = db.close().await;
            let (current, part_way) = (current?, part_way?);
            cx.migrator.check_version_rows(&current)?;
            let applied = cx.migrator.graph().applied(&current).unwrap_or_default();
            let at_heads = part_way.is_empty()
                && cx
                    .migrator
                    .graph()
                    .heads()
                    .iter()
                    .all(|h| applied.contains(h));
            Ok::<_, MigrateError>((current, at_heads))
        },
        |_, _, _| {},
    )
    .await;
    targets
        .iter()
        .zip(results)
        .map(|(target, result)| {
            let mut line = line_for(target);
            if let Some((result, duration)) = result {
                line.duration_ms = ms(duration);
                match result {
                    Ok((current, at_heads)) => {
                        line.outcome = if at_heads { "at-head" } else { "behind" }.to_owned();
                        line.from = Some(current.clone());
                        line.to = Some(current);
                    }
                    Err(e) => line.error = Some(e.to_string()),
                }
            }
            line
        })
        .collect()
}

/// Any other verb: its single-database form on each target, lines prefixed with the target.
async fn each(
    cx: &Context<'_>,
    targets: &[FleetTarget],
    command: &RunnerCommand,
) -> Vec<TargetLine> {
    let results = for_each_target(
        targets,
        cx.jobs,
        cx.fail_fast,
        |target| async move {
            let mut single = cx.on(&target.url, target.schema.as_deref());
            single.json = false;
            let label = target.to_string();
            let code = output::TARGET
                .scope(label, async { super::run(&single, command).await })
                .await?;
            if code == exit_codes::SUCCESS {
                Ok(())
            } else {
                Err(MigrateError::Usage(format!(
                    "exit code {code} (see its lines above)"
                )))
            }
        },
        |_, _, _| {},
    )
    .await;
    targets
        .iter()
        .zip(results)
        .map(|(target, result)| {
            let mut line = line_for(target);
            match result {
                None => line.outcome = "skipped".into(),
                Some((result, duration)) => {
                    line.duration_ms = ms(duration);
                    match result {
                        Ok(()) => line.outcome = "ok".into(),
                        Err(e) => line.error = Some(e.to_string()),
                    }
                }
            }
            line
        })
        .collect()
}

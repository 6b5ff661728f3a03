//! `test`: every revision up, down and up again on a scratch database, the schema compared
//! after each move (see [`Migrator::round_trip`](crate::Migrator::round_trip)).

use super::{exit_codes, output, Context};
use crate::cli::args::TestArgs;
use crate::cli::json::{
    SchemaDifference as DifferenceReport, TestDocument as Report, TestedRevision as RevisionReport,
};
use crate::migrator::{
    redact_url, Cancel, Database, Difference, MigrateError, Outcome, RevisionResult,
    RoundTripOptions, RunOptions, ScratchDatabase, Stage,
};

impl From<&Difference> for DifferenceReport {
    fn from(d: &Difference) -> Self {
        DifferenceReport {
            kind: d.kind.to_owned(),
            table: d.table.clone(),
            name: d.name.clone(),
            expected: d.expected.clone(),
            found: d.found.clone(),
        }
    }
}

impl From<&RevisionResult> for RevisionReport {
    fn from(r: &RevisionResult) -> Self {
        let (status, stage, differences, error) = match &r.outcome {
            Outcome::Same => ("passed", None::<&str>, Vec::new(), None),
            Outcome::Applied => ("applied", None, Vec::new(), None),
            Outcome::Differs { stage, differences } => (
                "differs",
                Some(stage.as_str()),
                differences.iter().map(Into::into).collect(),
                None,
            ),
            Outcome::Failed { stage, error } => (
                "failed",
                Some(stage.as_str()),
                Vec::new(),
                Some(error.clone()),
            ),
        };
        RevisionReport {
            revision: r.revision.clone(),
            message: r.message.clone(),
            status: status.to_owned(),
            stage: stage.map(str::to_owned),
            differences,
            error,
            duration_ms: output::ms(r.duration),
        }
    }
}

/// The human line(s) of one revision.
fn print(result: &RevisionResult) {
    let what = format!("{} ({})", result.revision, result.message);
    match &result.outcome {
        Outcome::Same => output::status(
            "Passed",
            format!(
                "{what}: up, down, up in {}",
                output::duration(result.duration)
            ),
        ),
        Outcome::Applied => {
            output::note("Applied", format!("{what} (below the range, not tested)"))
        }
        Outcome::Differs { stage, differences } => {
            let (after, than, hint) = match stage {
                Stage::SecondUpgrade => (
                    "its upgrade, downgrade and second upgrade",
                    "after its first upgrade",
                    "its downgrade leaves something that changes what the upgrade does the second time",
                ),
                _ => (
                    "its upgrade and downgrade",
                    "before its upgrade",
                    "its downgrade does not undo everything its upgrade did: fix the downgrade (the `.reverse(..)` of its raw SQL, or its `downgrade = fn`)",
                ),
            };
            let mut text = format!(
                "revision `{}` ({}) does not round-trip: after {after} the database differs from {than}:",
                result.revision, result.message
            );
            for d in differences {
                text.push_str(&format!("\n    {d}"));
            }
            text.push_str(&format!("\n  {hint}"));
            output::error(text);
        }
        Outcome::Failed { stage, error } => output::error(format!(
            "revision `{}` ({}): its {} failed in the round trip:\n  {error}",
            result.revision,
            result.message,
            stage.as_str()
        )),
    }
}

pub(super) async fn test(cx: &Context<'_>, args: &TestArgs) -> Result<u8, MigrateError> {
    let url = cx.url()?;
    // Signals are caught from here on, so that Ctrl-C still drops the scratch database.
    let options = RoundTripOptions::default()
        .with_range(args.range.clone())
        .with_data(args.data)
        .with_run_options(
            RunOptions::default()
                .with_statement_timeout(cx.connect.statement_timeout)
                .with_cancel(Cancel::on_signals()),
        );
    let scratch = ScratchDatabase::create(url, &cx.connect).await?;
    let shown = redact_url(scratch.url());
    if !cx.json {
        output::status(
            "Testing",
            format!(
                "{} on a scratch database {shown} (dropped afterwards)",
                args.range.as_deref().unwrap_or("every revision")
            ),
        );
    }
    let json = cx.json;
    let ran = async {
        let mut db = Database::connect_with(scratch.url(), &cx.connect).await?;
        let results = cx
            .migrator
            .round_trip(&mut db, &options, |r| {
                if !json {
                    print(r);
                }
            })
            .await;
        let _ = db.close().await;
        results
    }
    .await;
    // Dropped whatever happened; a failure to drop is said, after the run's own error.
    let dialect = scratch.dialect();
    let dropped = scratch.drop_database(&cx.connect).await;
    let results = match (ran, dropped) {
        (Ok(results), Ok(())) => results,
        (Ok(_), Err(e)) => return Err(e),
        (Err(e), dropped) => {
            if let Err(drop_error) = dropped {
                output::error(drop_error);
            }
            return Err(e);
        }
    };
    let first_failure = results
        .iter()
        .find(|r| !matches!(r.outcome, Outcome::Same | Outcome::Applied));
    let tested = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Same))
        .count();
    if json {
        output::data(
            serde_json::to_string_pretty(&Report {
                dialect: dialect.name().to_owned(),
                scratch_database: shown,
                passed: first_failure.is_none(),
                first_failure: first_failure.map(|r| r.revision.clone()),
                revisions: results.iter().map(Into::into).collect(),
            })
            .unwrap_or_default(),
        );
    } else if first_failure.is_none() {
        output::status(
            "Finished",
            format!(
                "{tested} revision(s) went up, down and up again on {} with the same schema{}; the scratch database is dropped",
                dialect.name(),
                if args.data { " and row counts" } else { "" }
            ),
        );
    }
    Ok(match first_failure.map(|r| &r.outcome) {
        None => exit_codes::SUCCESS,
        Some(Outcome::Differs { .. }) => exit_codes::CHECK_FAILED,
        Some(_) => exit_codes::MIGRATION_FAILED,
    })
}

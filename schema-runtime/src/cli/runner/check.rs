//! `check`: replay every revision without a database, on each dialect.

use super::{exit_codes, output, Context};
use crate::cli::args::CheckArgs;
use crate::migrator::MigrateError;
use crate::Dialect;

pub(super) async fn check(cx: &Context<'_>, args: &CheckArgs) -> Result<u8, MigrateError> {
    let dialects: Vec<Dialect> = if args.dialect.is_empty() {
        Dialect::ALL.to_vec()
    } else {
        args.dialect.clone()
    };
    let mut errors: Vec<String> = cx
        .migrator
        .check(&dialects)
        .iter()
        .map(ToString::to_string)
        .collect();
    // The models can only be compared with migrations that replay.
    if errors.is_empty() {
        match super::autogen::model_drift(cx) {
            Ok(drift) => errors.extend(drift),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if args.database {
        let mut db = cx.connect().await?;
        for p in cx.migrator.part_way(&mut db).await? {
            errors.push(format!("revision {}", super::inspect::part_way_line(&p)));
        }
        drop(db);
        errors.extend(super::autogen::database_drift(cx).await?);
    }
    let names = dialects
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(", ");
    if cx.json {
        output::data(
            serde_json::json!({ "revisions": cx.migrator.graph().len(), "dialects": names, "problems": errors }),
        );
    } else {
        for e in &errors {
            output::error(e);
        }
        if errors.is_empty() {
            output::status(
                "Checked",
                format!(
                    "{} revisions on {names}: no problems",
                    cx.migrator.graph().len()
                ),
            );
        }
    }
    Ok(if errors.is_empty() {
        exit_codes::SUCCESS
    } else {
        exit_codes::CHECK_FAILED
    })
}

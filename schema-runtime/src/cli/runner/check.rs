//! `check`: replay every revision without a database, on each dialect.

use super::{exit_codes, output, Context};
use crate::cli::args::CheckArgs;
use crate::migrator::MigrateError;
use crate::Dialect;

pub(super) fn check(cx: &Context<'_>, args: &CheckArgs) -> Result<u8, MigrateError> {
    let dialects: Vec<Dialect> = if args.dialect.is_empty() {
        Dialect::ALL.to_vec()
    } else {
        args.dialect.iter().map(|&d| d.into()).collect()
    };
    let errors = cx.migrator.check(&dialects);
    let names = dialects
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(", ");
    if cx.json {
        let problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
        output::data(
            serde_json::json!({ "revisions": cx.migrator.graph().len(), "dialects": names, "problems": problems }),
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

//! `autogenerate`: the ops that take the migrations' head schema to the models' schema, as the
//! body of a new revision. `cargo schema revision --autogenerate` runs it and writes the file.

use serde_json::json;

use super::{exit_codes, output, Context};
use crate::autogen::{diff, render_ops, DiffOptions};
use crate::cli::args::AutogenerateArgs;
use crate::migrator::MigrateError;

const NO_MODELS: &str = "this package registers no models: pass them to the runner with \
`schema_runtime::runner_main!(MIGRATIONS, models = MODELS)` in src/bin/migrate.rs, where \
`static MODELS: schema_runtime::model::ModelSet = schema_runtime::models![User, Post];`";

pub(super) async fn autogenerate(
    cx: &Context<'_>,
    _args: &AutogenerateArgs,
) -> Result<u8, MigrateError> {
    let Some(models) = cx.models else {
        output::error(NO_MODELS);
        return Ok(exit_codes::USAGE);
    };
    let target = match models.schema() {
        Ok(schema) => schema,
        Err(e) => {
            output::error(format!("the models do not form a schema: {e}"));
            return Ok(exit_codes::CHECK_FAILED);
        }
    };
    let heads: Vec<String> = cx
        .migrator
        .graph()
        .heads()
        .into_iter()
        .map(String::from)
        .collect();
    let current = cx.migrator.schema_at(&heads)?;
    let changes = diff(&current, &target, &DiffOptions::default());
    let body = render_ops(&changes, cx.migrator.naming());
    if cx.json {
        let notes: Vec<&str> = changes.iter().filter_map(|c| c.note.as_deref()).collect();
        output::data(
            json!({ "changes": changes.len(), "heads": heads, "body": body, "notes": notes }),
        );
    } else if changes.is_empty() {
        output::note(
            "Fresh",
            "the models match the migrations: nothing to generate",
        );
    } else {
        print!("{body}");
    }
    Ok(exit_codes::SUCCESS)
}

/// Differences between the models and the migrations' head, as messages (empty when they agree).
pub(super) fn model_drift(cx: &Context<'_>) -> Result<Vec<String>, MigrateError> {
    let Some(models) = cx.models else {
        return Ok(Vec::new());
    };
    let target = match models.schema() {
        Ok(schema) => schema,
        Err(e) => return Ok(vec![format!("the models do not form a schema: {e}")]),
    };
    let heads: Vec<String> = cx
        .migrator
        .graph()
        .heads()
        .into_iter()
        .map(String::from)
        .collect();
    let current = cx.migrator.schema_at(&heads)?;
    Ok(diff(&current, &target, &DiffOptions::default())
        .into_iter()
        .map(|c| {
            format!(
                "the models and the migrations disagree: the migrations lack {}; write it with `cargo schema revision --autogenerate -m \"...\"`",
                c.op.describe()
            )
        })
        .collect())
}

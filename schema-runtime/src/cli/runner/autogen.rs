//! `autogenerate`: the ops that take the migrations' head schema (or a live database) to the
//! models' schema, as the body of a new revision; `--adopt` describes a live database as a base
//! revision. `cargo schema revision --autogenerate` and `cargo schema adopt` run it and write
//! the file.

use serde_json::json;

use super::{exit_codes, output, Context};
use crate::autogen::{adopt, diff, render_ops, without_tool_tables, Adoption, Change, DiffOptions};
use crate::cli::args::AutogenerateArgs;
use crate::introspect::{comparable, introspect_with_stats, other_tool_table};
use crate::migrator::MigrateError;
use crate::Schema;

const NO_MODELS: &str = "this package registers no models: pass them to the runner with \
`schema_runtime::runner_main!(MIGRATIONS, models = MODELS)` in src/bin/migrate.rs, where \
`static MODELS: schema_runtime::model::ModelSet = schema_runtime::models![User, Post];`";

/// The live schema, without the version tables, the tables `--exclude` names and other tools'
/// migration tables: what drift is measured against.
async fn live_schema(cx: &Context<'_>) -> Result<(Schema, crate::Dialect), MigrateError> {
    let mut db = cx.connect().await?;
    let (schema, d, _) = read_live(cx, &mut db).await?;
    Ok((without_tool_tables(&schema).0, d))
}

/// The live schema without the version tables and the tables `--exclude` names, and what the
/// reading could not represent.
async fn read_live(
    cx: &Context<'_>,
    db: &mut crate::Database,
) -> Result<(Schema, crate::Dialect, Vec<String>), MigrateError> {
    let options = cx.migrator.introspect_options(cx.exclude);
    let (schema, stats) = introspect_with_stats(db, &options)
        .await
        .map_err(|e| MigrateError::Introspect(e.to_string()))?;
    Ok((schema, db.dialect(), stats.notes))
}

/// A live database to adopt, and Alembic's revision when `alembic_version` was there (for the
/// baseline's message, so the hand-over is traceable).
struct Adopted {
    adoption: Adoption,
    alembic: Vec<String>,
}

async fn adopted(cx: &Context<'_>, args: &AutogenerateArgs) -> Result<Adopted, MigrateError> {
    let mut db = cx.connect().await?;
    let (live, d, notes) = read_live(cx, &mut db).await?;
    let mut alembic = Vec::new();
    if let Some(table) = live
        .tables()
        .map(|t| t.def.name.as_str())
        .find(|name| other_tool_table(name) == Some("Alembic"))
    {
        alembic = db
            .raw()
            .fetch_strings(&format!(
                "SELECT version_num FROM {} ORDER BY version_num",
                d.quote(table)
            ))
            .await
            .map_err(|e| MigrateError::Introspect(format!("reading {table}: {e}")))?;
    }
    Ok(Adopted {
        adoption: adopt(&live, args.keep_tool_tables, notes),
        alembic,
    })
}

fn models_schema(cx: &Context<'_>) -> Result<Result<Schema, String>, u8> {
    let Some(models) = cx.models else {
        output::error(NO_MODELS);
        return Err(exit_codes::USAGE);
    };
    Ok(models
        .schema()
        .map_err(|e| format!("the models do not form a schema: {e}")))
}

pub(super) async fn autogenerate(
    cx: &Context<'_>,
    args: &AutogenerateArgs,
) -> Result<u8, MigrateError> {
    let mut adoption = None;
    let changes: Vec<Change> = if args.adopt {
        let adopted = adopted(cx, args).await?;
        let changes = adopted.adoption.changes.clone();
        adoption = Some(adopted);
        changes
    } else {
        let target = match models_schema(cx) {
            Err(code) => return Ok(code),
            Ok(Err(message)) => {
                output::error(message);
                return Ok(exit_codes::CHECK_FAILED);
            }
            Ok(Ok(target)) => target,
        };
        if args.from_db {
            let (live, d) = live_schema(cx).await?;
            let options = DiffOptions {
                dialect: Some(d),
                ..DiffOptions::default()
            };
            diff(&comparable(&live, d), &comparable(&target, d), &options)
        } else {
            let heads: Vec<String> = cx
                .migrator
                .graph()
                .heads()
                .into_iter()
                .map(String::from)
                .collect();
            let current = cx.migrator.schema_at(&heads)?;
            diff(&current, &target, &DiffOptions::default())
        }
    };
    let mut body = render_ops(&changes, cx.migrator.naming());
    // What the introspection could not represent heads the baseline, each a `// NOTE:` line.
    let notes: Vec<String> = match &adoption {
        Some(a) => {
            let unrepresented =
                a.adoption.notes.len() - changes.iter().filter(|c| c.note.is_some()).count();
            let lines: String = a.adoption.notes[..unrepresented]
                .iter()
                .map(|n| format!("    // NOTE: {n}\n"))
                .collect();
            body.insert_str(0, &lines);
            a.adoption.notes.clone()
        }
        None => changes.iter().filter_map(|c| c.note.clone()).collect(),
    };
    if cx.json {
        let heads: Vec<&str> = cx.migrator.graph().heads();
        let left_out: Vec<_> = adoption
            .as_ref()
            .map(|a| {
                a.adoption
                    .left_out
                    .iter()
                    .map(|(table, tool)| json!({ "table": table, "tool": tool }))
                    .collect()
            })
            .unwrap_or_default();
        let alembic = adoption
            .as_ref()
            .map(|a| a.alembic.clone())
            .unwrap_or_default();
        output::data(json!({
            "changes": changes.len(),
            "heads": heads,
            "body": body,
            "notes": notes,
            "left_out": left_out,
            "alembic_revisions": alembic,
        }));
    } else if changes.is_empty() {
        output::note("Fresh", "nothing to generate: no difference");
    } else {
        if let Some(a) = &adoption {
            for (table, tool) in &a.adoption.left_out {
                output::note(
                    "Left out",
                    format!("{table} ({tool}'s migration table; --keep-tool-tables keeps it)"),
                );
            }
        }
        for note in &notes {
            output::warning(note);
        }
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

/// Differences between the live database and the revision its version table records.
pub(super) async fn database_drift(cx: &Context<'_>) -> Result<Vec<String>, MigrateError> {
    let mut db = cx.connect().await?;
    let drift = cx.migrator.drift_details(&mut db, cx.exclude).await?;
    if drift.is_empty() {
        return Ok(Vec::new());
    }
    // Read again only to name it: a database without drift costs no extra query.
    let current = cx.migrator.current(&mut db).await?;
    let at = if current.is_empty() {
        "base".to_owned()
    } else {
        current.join(", ")
    };
    Ok(drift
        .into_iter()
        .map(|drift| format!("the database has drifted from {at}: {}", drift.detail))
        .collect())
}

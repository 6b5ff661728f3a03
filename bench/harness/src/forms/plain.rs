//! The plain SQL form: our own statements (planned by the migrator, printed by the runner's
//! offline-script writer), one transaction and one version-table update per revision where the
//! dialect has transactional DDL. What a database client runs from it is the floor.
//!
//! A second script adds, after each version update, the `schema_log` row our migrator writes
//! in the same transaction: the floor of what our tool sends, which tells the cost of the
//! applied-log apart from the cost of the tool.

use std::fs;
use std::path::Path;

use schema_runtime::{Dialect, Migrator, Step, Value};

use crate::BenchError;

/// The upgrade plan of `migrator` from empty to head on `d`.
fn plan(migrator: &Migrator, d: Dialect) -> Result<Vec<Step>, BenchError> {
    migrator
        .plan_upgrade(d, &[], "head")
        .map_err(|e| BenchError::new(format!("planning the chain for {d}: {e}")))
}

/// Writes `migrator`'s offline upgrade script for `d` to `path`.
pub fn write_script(migrator: &Migrator, d: Dialect, path: &Path) -> Result<(), BenchError> {
    let steps = plan(migrator, d)?;
    fs::write(
        path,
        schema_runtime::cli::script(migrator.version_table(), d, &steps),
    )?;
    Ok(())
}

/// Writes the offline script with our applied-log row after each version update.
pub fn write_script_with_log(
    migrator: &Migrator,
    d: Dialect,
    path: &Path,
) -> Result<(), BenchError> {
    let steps = plan(migrator, d)?;
    let table = migrator.version_table();
    let mut script = schema_runtime::cli::script(table, d, &steps);
    for step in &steps {
        let Some(last) = table
            .update_sql(d, &step.heads_before, &step.heads_after)
            .pop()
        else {
            continue;
        };
        let log = format!(
            "INSERT INTO {} (revision, direction, checksum, started_at, finished_at, duration_ms, success, error) \
             VALUES ({}, 'up', {}, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1, {}, NULL)",
            d.quote(&table.log),
            d.literal(&step.revision),
            d.literal(&step.checksum),
            d.render_value(&Value::Bool(true)),
        );
        let anchor = format!("{last};\n");
        if !script.contains(&anchor) {
            return Err(BenchError::new(format!(
                "no version update for {} in the script",
                step.revision
            )));
        }
        script = script.replacen(&anchor, &format!("{anchor}{log};\n"), 1);
    }
    fs::write(path, script)?;
    Ok(())
}

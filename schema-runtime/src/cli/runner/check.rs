//! `check`: replay every revision without a database, on each dialect.

use super::{exit_codes, output, Context};
use crate::cli::args::CheckArgs;
use crate::cli::json::{CheckDocument, Problem};
use crate::migrator::{Edit, MigrateError};
use crate::Dialect;
use similar::{ChangeTag, TextDiff};

pub(super) async fn check(cx: &Context<'_>, args: &CheckArgs) -> Result<u8, MigrateError> {
    let dialects: Vec<Dialect> = if args.dialect.is_empty() {
        Dialect::enabled()
    } else {
        args.dialect.clone()
    };
    let problem = |kind: &str, message: String| Problem {
        kind: kind.to_owned(),
        message,
    };
    let mut errors: Vec<Problem> = cx
        .migrator
        .check(&dialects)
        .iter()
        .map(|e| problem("replay", e.to_string()))
        .collect();
    // The models can only be compared with migrations that replay.
    if errors.is_empty() {
        match super::autogen::model_drift(cx) {
            Ok(drift) => errors.extend(drift.into_iter().map(|m| problem("models", m))),
            Err(e) => errors.push(problem("models", e.to_string())),
        }
    }
    if args.database {
        let mut db = cx.connect().await?;
        for p in cx.migrator.part_way(&mut db).await? {
            errors.push(problem(
                "part-way",
                format!("revision {}", super::inspect::part_way_line(&p)),
            ));
        }
        for edit in cx.migrator.edits(&mut db).await? {
            errors.push(problem("edited", edited(&edit)));
        }
        drop(db);
        let drift = super::autogen::database_drift(cx).await?;
        errors.extend(drift.into_iter().map(|m| problem("drift", m)));
    }
    let names: Vec<String> = dialects.iter().map(|d| d.name().to_owned()).collect();
    if cx.json {
        output::json(&CheckDocument {
            revisions: cx.migrator.graph().len(),
            dialects: names,
            database: args.database,
            passed: errors.is_empty(),
            problems: errors.clone(),
        });
    } else {
        for e in &errors {
            output::error(&e.message);
        }
        if errors.is_empty() {
            output::status(
                "Checked",
                format!(
                    "{} revisions on {}: no problems{}",
                    cx.migrator.graph().len(),
                    names.join(", "),
                    if args.database {
                        ", and the database matches its revision"
                    } else {
                        ""
                    }
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

/// An applied revision edited since it ran, with the ops that differ (`-` as recorded, `+` now,
/// each with its position in the revision).
pub(super) fn edited(edit: &Edit) -> String {
    let c = &edit.change;
    let short = |checksum: &str| checksum[..12.min(checksum.len())].to_owned();
    let mut text = format!(
        "revision `{}` was edited after it ran (recorded checksum {}, now {})",
        c.revision,
        short(&c.recorded),
        short(&c.current)
    );
    let Some(recorded) = &edit.recorded_ops else {
        text.push_str(
            "; its ops as they ran are not recorded (applied by an offline script or an earlier \
             version): compare the file with its version control history",
        );
        return text;
    };
    text.push(':');
    let header = |ops: &str| {
        ops.lines()
            .take_while(|l| l.starts_with("cargo-schema ops ") || l.starts_with("transactional="))
            .count()
    };
    let (old_header, new_header) = (header(recorded), header(&edit.current_ops));
    let diff = TextDiff::from_lines(recorded.as_str(), edit.current_ops.as_str());
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n');
        let place = |index: Option<usize>, header: usize| match index {
            Some(i) if i >= header => format!("op {}", i - header + 1),
            _ => "header".to_owned(),
        };
        match change.tag() {
            ChangeTag::Delete => text.push_str(&format!(
                "\n    - {}: {line}",
                place(change.old_index(), old_header)
            )),
            ChangeTag::Insert => text.push_str(&format!(
                "\n    + {}: {line}",
                place(change.new_index(), new_header)
            )),
            ChangeTag::Equal => {}
        }
    }
    text.push_str(&format!(
        "\n  if the edit is intended, record it with `cargo schema repair --accept-edit {}`; \
         otherwise restore the revision as it ran and put the change in a new revision",
        c.revision
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrator::ChecksumChange;

    fn edit(recorded: Option<&str>, current: &str) -> Edit {
        Edit {
            change: ChecksumChange {
                revision: "0002".into(),
                recorded: "AAAAAAAAAAAAAAAAAAAA".into(),
                current: "BBBBBBBBBBBBBBBBBBBB".into(),
            },
            recorded_ops: recorded.map(str::to_owned),
            current_ops: current.to_owned(),
        }
    }

    #[test]
    fn an_edit_is_shown_op_by_op() {
        let text = edited(&edit(
            Some("cargo-schema ops 1\nadd_column a\ncreate_index i\ndrop_table t\n"),
            "cargo-schema ops 1\ntransactional=false\nadd_column a\ncreate_index j\ndrop_table t\n",
        ));
        assert_eq!(
            text,
            "revision `0002` was edited after it ran (recorded checksum AAAAAAAAAAAA, now BBBBBBBBBBBB):\n    \
             + header: transactional=false\n    \
             - op 2: create_index i\n    \
             + op 2: create_index j\n  \
             if the edit is intended, record it with `cargo schema repair --accept-edit 0002`; \
             otherwise restore the revision as it ran and put the change in a new revision"
        );
        let unknown = edited(&edit(None, "cargo-schema ops 1\n"));
        assert!(
            unknown.contains("its ops as they ran are not recorded"),
            "{unknown}"
        );
    }
}

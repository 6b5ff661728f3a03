//! The read-only verbs: `current`, `history`, `heads`, `branches`, `show`.

use super::{exit_codes, output, Context};
use crate::cli::args::{CurrentArgs, HistoryArgs, InspectArgs, ShowArgs};
use crate::cli::json::{
    BranchPoint, BranchesDocument, CurrentDocument, HeadsDocument, HistoryDocument, HistoryEntry,
    PartWay, RevisionInfo, ShowDocument,
};
use crate::migrator::{MigrateError, Progress};
use crate::{Dialect, PlanError, Revision};

fn marks(cx: &Context<'_>, id: &str, current: &[String]) -> String {
    let mut marks = Vec::new();
    if cx.migrator.graph().heads().contains(&id) {
        marks.push("head");
    }
    if cx.migrator.graph().branch_points().contains(&id) {
        marks.push("branchpoint");
    }
    if cx.migrator.graph().parents(id).len() > 1 {
        marks.push("mergepoint");
    }
    if current.iter().any(|c| c == id) {
        marks.push("current");
    }
    let labels: Vec<&str> = cx
        .migrator
        .graph()
        .labels()
        .into_iter()
        .filter(|(_, r)| *r == id)
        .map(|(l, _)| l)
        .collect();
    let labels = if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", labels.join(", "))
    };
    if marks.is_empty() {
        labels
    } else {
        format!("{labels} ({})", marks.join(", "))
    }
}

fn describe(cx: &Context<'_>, rev: &Revision) -> RevisionInfo {
    let graph = cx.migrator.graph();
    RevisionInfo {
        id: rev.id.clone(),
        parents: rev.parents.clone(),
        depends_on: rev.depends_on.clone(),
        branch_labels: rev.branch_labels.clone(),
        message: rev.message.clone(),
        transactional: rev.transactional,
        head: graph.heads().contains(&rev.id.as_str()),
        branch_point: graph.branch_points().contains(&rev.id.as_str()),
        merge_point: rev.parents.len() > 1,
    }
}

fn part_way_of(p: &Progress) -> PartWay {
    PartWay {
        revision: p.revision.clone(),
        direction: p.direction.clone(),
        done: p.done,
        total: p.total,
        failed: p.failed,
    }
}

fn verbose_block(cx: &Context<'_>, rev: &Revision, current: &[String]) -> String {
    let parents = if rev.parents.is_empty() {
        "<base>".to_owned()
    } else {
        rev.parents.join(", ")
    };
    let mut text = format!(
        "Rev: {}{}\nParent: {parents}\n",
        rev.id,
        marks(cx, &rev.id, current)
    );
    if !rev.depends_on.is_empty() {
        text.push_str(&format!("Depends on: {}\n", rev.depends_on.join(", ")));
    }
    let children = cx.migrator.graph().children(&rev.id);
    if children.len() > 1 {
        text.push_str(&format!("Branches into: {}\n", children.join(", ")));
    }
    text.push_str(&format!("\n    {}\n", rev.message));
    text
}

fn line(cx: &Context<'_>, rev: &Revision, current: &[String]) -> String {
    let parents = if rev.parents.is_empty() {
        "<base>".to_owned()
    } else {
        rev.parents.join(", ")
    };
    format!(
        "{parents} -> {}{}, {}",
        rev.id,
        marks(cx, &rev.id, current),
        rev.message
    )
}

/// `REV (up, 5 of 9 statements ran; `cargo schema upgrade` resumes it)`.
pub(super) fn part_way_line(p: &Progress) -> String {
    let (verb, target) = if p.direction == "down" {
        ("downgrade", format!("{}-1", p.revision))
    } else {
        ("upgrade", p.revision.clone())
    };
    format!(
        "{} is part-way ({}, {} of {} statements ran{}); `cargo schema {verb} {target}` resumes it",
        p.revision,
        p.direction,
        p.done,
        p.total,
        if p.failed {
            ", the next one failed"
        } else {
            ""
        }
    )
}

pub(super) async fn current(cx: &Context<'_>, args: &CurrentArgs) -> Result<u8, MigrateError> {
    let mut db = cx.connect().await?;
    let current = cx.migrator.current(&mut db).await?;
    let part_way = cx.migrator.part_way(&mut db).await?;
    let edited = if cx.migrator.check_version_rows(&current).is_ok() {
        cx.migrator.edited(&mut db).await?
    } else {
        Vec::new()
    };
    let heads = cx.migrator.graph().heads();
    // At head when every head is applied (a dependency's own row goes away, as in Alembic).
    let applied = cx.migrator.graph().applied(&current).unwrap_or_default();
    let at_heads = heads.iter().all(|h| applied.contains(h));
    if cx.json {
        output::json(&CurrentDocument {
            current: current.clone(),
            heads: heads.iter().map(|h| (*h).to_owned()).collect(),
            at_heads,
            part_way: part_way.iter().map(part_way_of).collect(),
            edited: edited.iter().map(|c| c.revision.clone()).collect(),
        });
    } else if current.is_empty() {
        output::data("base (no revision applied)");
    }
    if !cx.json {
        for p in &part_way {
            output::data(part_way_line(p));
        }
    }
    if !cx.json {
        for id in &current {
            match cx.migrator.header(id) {
                Some(rev) if args.verbose => output::data(verbose_block(cx, rev, &current)),
                Some(_) => output::data(format!("{id}{}", marks(cx, id, &[]))),
                None => output::data(format!(
                    "{id} (unknown to this build: applied by a newer version of the migrations?)"
                )),
            }
        }
    }
    if !edited.is_empty() {
        output::error(MigrateError::ChecksumMismatch(edited.clone()));
        return Ok(exit_codes::CHECK_FAILED);
    }
    if let Err(e) = cx.migrator.check_version_rows(&current) {
        output::error(&e);
        if args.check_heads {
            return Ok(exit_codes::CHECK_FAILED);
        }
    }
    if args.check_heads && !part_way.is_empty() {
        output::error("the database is not at head: a revision is part-way (see above)");
        return Ok(exit_codes::CHECK_FAILED);
    }
    if args.check_heads && !at_heads {
        output::error(format!(
            "the database is not at head: it is at {}, the head is {}; run `cargo schema upgrade heads`",
            if current.is_empty() { "base".to_owned() } else { current.join(", ") },
            heads.join(", ")
        ));
        return Ok(exit_codes::CHECK_FAILED);
    }
    Ok(exit_codes::SUCCESS)
}

pub(super) async fn history(cx: &Context<'_>, args: &HistoryArgs) -> Result<u8, MigrateError> {
    let needs_db = args.indicate_current
        || args
            .rev_range
            .as_deref()
            .is_some_and(|r| r.contains("current") || r.contains(['-', '+']));
    let (current, part_way) = if needs_db {
        let mut db = cx.connect().await?;
        (
            cx.migrator.current(&mut db).await?,
            cx.migrator.part_way(&mut db).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let ids: Vec<String> = match &args.rev_range {
        Some(range) => cx
            .migrator
            .graph()
            .range(range, &current)
            .map_err(PlanError::from)?
            .into_iter()
            .map(String::from)
            .collect(),
        None => cx
            .migrator
            .history()
            .into_iter()
            .map(|r| r.id.clone())
            .collect(),
    };
    let revisions: Vec<&Revision> = ids.iter().filter_map(|id| cx.migrator.header(id)).collect();
    if cx.json {
        output::json(&HistoryDocument {
            range: args.rev_range.clone(),
            current: needs_db.then(|| current.clone()),
            revisions: revisions
                .iter()
                .map(|rev| HistoryEntry {
                    revision: describe(cx, rev),
                    current: args.indicate_current && current.contains(&rev.id),
                    part_way: part_way
                        .iter()
                        .find(|p| p.revision == rev.id)
                        .map(part_way_of),
                })
                .collect(),
        });
        return Ok(exit_codes::SUCCESS);
    }
    let shown: &[String] = if args.indicate_current { &current } else { &[] };
    for rev in revisions {
        let part_way = part_way
            .iter()
            .find(|p| p.revision == rev.id)
            .map(|p| format!(" (part-way: {} of {} statements ran)", p.done, p.total))
            .unwrap_or_default();
        if args.verbose {
            output::data(format!("{}{part_way}", verbose_block(cx, rev, shown)));
        } else {
            output::data(format!("{}{part_way}", line(cx, rev, shown)));
        }
    }
    Ok(exit_codes::SUCCESS)
}

pub(super) fn heads(cx: &Context<'_>, args: &InspectArgs) -> Result<u8, MigrateError> {
    let heads = cx.migrator.graph().heads();
    if cx.json {
        output::json(&HeadsDocument {
            heads: heads
                .iter()
                .map(|h| describe(cx, cx.migrator.header(h).expect("graph ids are revisions")))
                .collect(),
        });
        return Ok(exit_codes::SUCCESS);
    }
    for head in heads {
        let rev = cx.migrator.header(head).expect("graph ids are revisions");
        if args.verbose {
            output::data(verbose_block(cx, rev, &[]));
        } else {
            output::data(format!("{head}{}", marks(cx, head, &[])));
        }
    }
    Ok(exit_codes::SUCCESS)
}

pub(super) fn branches(cx: &Context<'_>, args: &InspectArgs) -> Result<u8, MigrateError> {
    let graph = cx.migrator.graph();
    let points = graph.branch_points();
    if cx.json {
        output::json(&BranchesDocument {
            branch_points: points
                .iter()
                .map(|p| BranchPoint {
                    revision: describe(cx, cx.migrator.header(p).expect("graph ids are revisions")),
                    children: graph.children(p).iter().map(|c| (*c).to_owned()).collect(),
                })
                .collect(),
        });
        return Ok(exit_codes::SUCCESS);
    }
    for point in points {
        let rev = cx
            .migrator
            .revision(point)
            .expect("graph ids are revisions");
        if args.verbose {
            output::data(verbose_block(cx, rev, &[]));
        } else {
            output::data(format!("{point}{}, {}", marks(cx, point, &[]), rev.message));
        }
        for child in graph.children(point) {
            output::data(format!("    -> {child}{}", marks(cx, child, &[])));
        }
    }
    Ok(exit_codes::SUCCESS)
}

pub(super) fn show(cx: &Context<'_>, args: &ShowArgs) -> Result<u8, MigrateError> {
    let id = cx
        .migrator
        .graph()
        .resolve(&args.revision)
        .map_err(PlanError::from)?
        .to_owned();
    let rev = cx.migrator.header(&id).expect("resolved ids exist");
    let dialect: Dialect = args.dialect;
    let before = cx
        .migrator
        .graph()
        .applied(&rev.parents)
        .map_err(PlanError::from)?;
    // Everything the revision needs (parents and dependencies), then the revision itself.
    let mut needed: Vec<String> = before.into_iter().map(String::from).collect();
    needed.extend(rev.depends_on.iter().cloned());
    let rows = cx
        .migrator
        .graph()
        .rows_for(&needed)
        .map_err(PlanError::from)?;
    let up = cx.migrator.plan_upgrade(dialect, &rows, &id)?;
    let up = up
        .iter()
        .find(|s| s.revision == id)
        .map(|s| s.statements.clone())
        .unwrap_or_default();
    let mut after = rows.clone();
    after.retain(|r| !rev.parents.contains(r));
    after.push(id.clone());
    let down = match cx.migrator.plan_downgrade(dialect, &after, "base") {
        Ok(steps) => Ok(steps
            .into_iter()
            .find(|s| s.revision == id)
            .map(|s| s.statements)
            .unwrap_or_default()),
        Err(e) => Err(e.to_string()),
    };
    if cx.json {
        let (downgrade, downgrade_error) = match down {
            Ok(sql) => (Some(sql), None),
            Err(e) => (None, Some(e)),
        };
        output::json(&ShowDocument {
            revision: describe(cx, rev),
            dialect: dialect.name().to_owned(),
            upgrade: up,
            downgrade,
            downgrade_error,
        });
        return Ok(exit_codes::SUCCESS);
    }
    output::data(verbose_block(cx, rev, &[]));
    output::data(format!("-- upgrade ({})", dialect.name()));
    for sql in &up {
        output::data(format!("{sql};"));
    }
    output::data(format!("\n-- downgrade ({})", dialect.name()));
    match down {
        Ok(sql) => sql.iter().for_each(|s| output::data(format!("{s};"))),
        Err(e) => output::data(format!("-- {e}")),
    }
    Ok(exit_codes::SUCCESS)
}

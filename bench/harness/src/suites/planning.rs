//! Planning on a large graph (item 3): 10,000 revisions in blocks of 50 — a fork, a branch of 10
//! revisions beside the main line, and a merge revision joining them — built in memory. Times
//! loading (`Migrator::new`), `heads`, and planning `upgrade heads` from empty and at head.

use std::fmt::Write as _;
use std::time::Duration;

use schema_runtime::prelude::*;
use schema_runtime::{Dialect, Migrator, Revision};

use crate::context::Context;
use crate::measure::{time_in_process, Human, Samples};
use crate::BenchError;

/// Revisions in the graph.
const REVISIONS: usize = 10_000;
/// A branch starts every this many revisions...
const BLOCK: usize = 50;
/// ...and is merged after this many revisions.
const BRANCH_LEN: usize = 10;

/// The graph: in every block of 50, a fork revision, a branch of 10, 38 more on the main line,
/// and a merge of the two tips. `table_per_revision` gives each revision one small
/// `create_table` (so planning renders SQL), otherwise revisions have no ops.
pub fn branched_revisions(table_per_revision: bool) -> Vec<Revision> {
    let mut revisions = Vec::with_capacity(REVISIONS);
    let mut tip: Option<String> = None;
    let mut next = 0usize;
    let mut make = |parents: Vec<String>| {
        next += 1;
        let id = format!("g{next:05}");
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        let revision = Revision::new(&id, &parents, "graph", |op| {
            if table_per_revision {
                op.create_table(&format!("x{next}"), |t| {
                    t.column("id", Type::BigInt).primary_key();
                });
            }
        });
        (id, revision)
    };
    while revisions.len() < REVISIONS {
        let (fork, rev) = make(tip.iter().cloned().collect());
        revisions.push(rev);
        let mut branch = fork.clone();
        for _ in 0..BRANCH_LEN {
            let (id, rev) = make(vec![branch]);
            revisions.push(rev);
            branch = id;
        }
        let mut main = fork;
        for _ in 0..BLOCK - BRANCH_LEN - 2 {
            let (id, rev) = make(vec![main]);
            revisions.push(rev);
            main = id;
        }
        let (merge, rev) = make(vec![main, branch]);
        revisions.push(rev);
        tip = Some(merge);
    }
    revisions
}

/// Runs the suite and adds its section and target to the report.
pub fn run(cx: &mut Context) -> Result<(), BenchError> {
    let reps = cx.options.in_process;
    let mut body = format!(
        "{REVISIONS} revisions in memory: every {BLOCK} a branch of {BRANCH_LEN} revisions forks \
         off the main line and is merged back ({} branches, {} merges). In process, release build, \
         medians of {reps} ({} with ops).\n\n| what | no ops | one `create_table` per revision |\n| --- | --- | --- |\n",
        REVISIONS / BLOCK,
        REVISIONS / BLOCK,
        reps.min(5)
    );
    let mut rows: Vec<(&str, Vec<Samples>)> = vec![
        (
            "build the revisions (`Revision::new` × 10,000: the ops builders run)",
            vec![],
        ),
        (
            "load: `Migrator::new(revisions)` (graph, checks, topological order)",
            vec![],
        ),
        ("`migrator.graph().heads()`", vec![]),
        (
            "plan `upgrade heads` from empty (`plan_upgrade(Sqlite, &[], \"heads\")`)",
            vec![],
        ),
        (
            "plan `upgrade heads` at head (nothing to do: the start-up case)",
            vec![],
        ),
    ];
    let mut plan_with_ops = Duration::ZERO;
    let mut plan_no_ops = Duration::ZERO;
    for with_ops in [false, true] {
        // Rendering 10,000 tables takes seconds while the state check is quadratic: fewer reps.
        let reps = if with_ops { reps.min(5) } else { reps };
        let build = time_in_process(reps, || branched_revisions(with_ops));
        let revisions = branched_revisions(with_ops);
        // `Migrator::new` consumes its revisions: time it on clones made outside the clock.
        let mut load_only = Samples::default();
        for _ in 0..reps {
            let copy = revisions.clone();
            let clock = std::time::Instant::now();
            let migrator = Migrator::new(copy);
            load_only.push(clock.elapsed());
            drop(std::hint::black_box(migrator));
        }
        let migrator = Migrator::new(revisions)
            .map_err(|e| BenchError::new(format!("the branched graph is invalid: {e}")))?;
        let heads: Vec<String> = migrator
            .graph()
            .heads()
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        if heads.len() != 1 {
            return Err(BenchError::new(format!(
                "expected one head, found {}",
                heads.len()
            )));
        }
        let heads_time = time_in_process(reps, || migrator.graph().heads().len());
        let plan = time_in_process(reps, || {
            migrator
                .plan_upgrade(Dialect::Sqlite, &[], "heads")
                .map_or(0, |steps| steps.len())
        });
        let steps = migrator
            .plan_upgrade(Dialect::Sqlite, &[], "heads")
            .map_err(|e| BenchError::new(format!("planning the branched graph: {e}")))?;
        if steps.len() != REVISIONS {
            return Err(BenchError::new(format!(
                "planned {} steps, expected {REVISIONS}",
                steps.len()
            )));
        }
        let at_head = time_in_process(reps, || {
            migrator
                .plan_upgrade(Dialect::Sqlite, &heads, "heads")
                .map_or(0, |steps| steps.len())
        });
        if with_ops {
            plan_with_ops = plan.median();
        } else {
            plan_no_ops = plan.median();
        }
        for (row, s) in rows
            .iter_mut()
            .zip([build, load_only, heads_time, plan, at_head])
        {
            row.1.push(s);
        }
    }
    for (what, samples) in &rows {
        let _ = writeln!(
            body,
            "| {what} | {} | {} |",
            samples[0].summary(),
            samples[1].summary()
        );
    }
    let target = Duration::from_millis(20);
    cx.report.target(
        "plan 10,000 revisions with branches (no ops): < 20 ms",
        format!(
            "`plan_upgrade` from empty {}; load {}; heads {}",
            Human(plan_no_ops),
            Human(rows[1].1[0].median()),
            Human(rows[2].1[0].median())
        ),
        plan_no_ops < target,
    );
    cx.report.target(
        "plan 10,000 revisions with branches, rendering one `CREATE TABLE` each: < 20 ms",
        format!(
            "`plan_upgrade` from empty {}; load {}",
            Human(plan_with_ops),
            Human(rows[1].1[1].median())
        ),
        plan_with_ops < target,
    );
    cx.report
        .section(crate::suites::Suite::Planning.title(), body);
    Ok(())
}

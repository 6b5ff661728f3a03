//! Steps that run outside a transaction (every step on MySQL and MariaDB, whose DDL commits
//! statement by statement, and non-transactional revisions elsewhere), made resumable.
//!
//! Each such step has a row in the progress table while it runs: how many of its statements
//! have run. A data statement (`INSERT`, `UPDATE`, `DELETE`) commits in one transaction with
//! its progress, so it runs exactly once. A DDL statement commits by itself, and its progress
//! is recorded right after it; a run cut off between the two leaves one statement in doubt,
//! which the next run settles from the catalog: the replayed schema says what the tables it
//! touches look like before and after it, and introspection says which the database holds.
//! Only where the catalog cannot tell (raw SQL whose effect the replay does not know, the
//! middle of an op that takes several statements) does the run stop, naming the statement and
//! the command that records the answer. The version rows, the log row and the removal of the
//! progress row commit together at the end.

use std::collections::BTreeSet;
use std::time::Instant;

use super::error::MigrateError;
use super::plan::{checksum, Direction, Step};
use super::run::StepError;
use super::version_table::Progress;
use super::{Cancel, Database, Migrator};
use crate::introspect::{comparable, introspect, IntrospectOptions};
use crate::ops::Op;
use crate::state::Schema;
use crate::Dialect;

/// Whether `sql` changes rows, not schema: a statement InnoDB (and every other database here)
/// can run in a transaction with its progress record. Anything else is treated as DDL.
pub(crate) fn is_data_statement(sql: &str) -> bool {
    let keyword = first_keyword(sql).to_ascii_uppercase();
    matches!(
        keyword.as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT"
    )
}

/// The first word of `sql`, past whitespace, comments and opening parentheses.
fn first_keyword(sql: &str) -> &str {
    let mut rest = sql;
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(comment) = trimmed.strip_prefix("--") {
            rest = comment.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            rest = comment.split_once("*/").map_or("", |(_, r)| r);
        } else {
            let end = trimmed
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(trimmed.len());
            return &trimmed[..end];
        }
    }
}

/// A test-only crash: with the `failpoints` feature, the run aborts the process (as `kill -9`
/// would) at the N-th failpoint it passes when `SCHEMA_FAILPOINT=N`, and lists every failpoint
/// it passes on stderr when `SCHEMA_FAILPOINT=list`. Without the feature it compiles to nothing.
#[cfg(feature = "failpoints")]
pub(crate) fn failpoint(name: &str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PASSED: AtomicUsize = AtomicUsize::new(0);
    let Ok(spec) = std::env::var("SCHEMA_FAILPOINT") else {
        return;
    };
    let n = PASSED.fetch_add(1, Ordering::SeqCst) + 1;
    if spec == "list" {
        eprintln!("failpoint {n}: {name}");
    } else if spec.parse::<usize>() == Ok(n) {
        eprintln!("failpoint {n}: {name}: aborting");
        std::process::abort();
    }
}

#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub(crate) fn failpoint(_name: &str) {}

/// Whether a statement in doubt ran, as the catalog tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ran,
    NotRun,
    CannotTell,
}

impl Migrator {
    /// The steps under way outside a transaction (at most one, as runs hold the lock).
    pub async fn part_way(&self, db: &mut Database) -> Result<Vec<Progress>, MigrateError> {
        if !db.table_exists(&self.version_table.progress).await? {
            return Ok(Vec::new());
        }
        let d = db.dialect();
        let rows = db
            .fetch_rows(&self.version_table.progress_select_sql(d), 8)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Progress {
                revision: r[0].clone(),
                direction: r[1].clone(),
                checksum: r[2].clone(),
                done: r[3].parse().unwrap_or(0),
                done_checksum: r[4].clone(),
                total: r[5].parse().unwrap_or(0),
                failed: r[6] == "failed",
                started_at: r[7].clone(),
            })
            .collect())
    }

    /// Where the first planned step resumes, given the progress row of a step cut off or
    /// failed part-way; `Ok(None)` when nothing is part-way.
    pub(super) async fn resume_point(
        &self,
        db: &mut Database,
        steps: &[Step],
    ) -> Result<Option<usize>, MigrateError> {
        let part_way = self.part_way(db).await?;
        let Some(p) = part_way.first() else {
            return Ok(None);
        };
        let Some(step) = steps
            .first()
            .filter(|s| s.revision == p.revision && s.direction.as_str() == p.direction)
        else {
            return Err(MigrateError::PartWay {
                revision: p.revision.clone(),
                direction: p.direction.clone(),
                done: p.done,
                total: p.total,
            });
        };
        let total = step.statements.len();
        if p.done > total || checksum(&step.statements[..p.done]) != p.done_checksum {
            return Err(MigrateError::EditedPartWay {
                revision: p.revision.clone(),
                done: p.done,
            });
        }
        if p.done == total {
            return Ok(Some(p.done));
        }
        // An interrupted or failed concurrent index build leaves an invalid index behind.
        self.drop_invalid_index(db, step, p.done).await?;
        if p.failed {
            return Ok(Some(p.done));
        }
        let statement = &step.statements[p.done];
        // A data statement commits with its progress: not recorded means not run.
        if is_data_statement(statement) {
            return Ok(Some(p.done));
        }
        match self.statement_ran(db, step, p.done).await? {
            Verdict::Ran => {
                let d = db.dialect();
                let done_checksum = checksum(&step.statements[..=p.done]);
                db.execute(&self.version_table.progress_update_sql(
                    d,
                    &step.revision,
                    p.done + 1,
                    &done_checksum,
                    false,
                ))
                .await?;
                Ok(Some(p.done + 1))
            }
            Verdict::NotRun => Ok(Some(p.done)),
            Verdict::CannotTell => Err(MigrateError::CannotTell {
                revision: step.revision.clone(),
                direction: step.direction,
                index: p.done + 1,
                total,
                statement: statement.clone(),
            }),
        }
    }

    /// Records by hand how many statements of the part-way step of `revision` have run, for
    /// the case the catalog cannot settle ([`MigrateError::CannotTell`]).
    pub async fn record_progress(
        &self,
        db: &mut Database,
        revision: &str,
        done: usize,
    ) -> Result<Progress, MigrateError> {
        self.lock(db).await?;
        let result = self.record_progress_locked(db, revision, done).await;
        self.unlock(db, result).await
    }

    async fn record_progress_locked(
        &self,
        db: &mut Database,
        revision: &str,
        done: usize,
    ) -> Result<Progress, MigrateError> {
        let d = db.dialect();
        let part_way = self.part_way(db).await?;
        let Some(p) = part_way.into_iter().find(|p| p.revision == revision) else {
            return Err(MigrateError::NotPartWay(revision.to_owned()));
        };
        let current = self.current(db).await?;
        let steps = match p.direction.as_str() {
            "down" => self.plan_downgrade(d, &current, &format!("{revision}-1"))?,
            _ => self.plan_upgrade(d, &current, revision)?,
        };
        let step = steps
            .into_iter()
            .find(|s| s.revision == revision)
            .ok_or_else(|| MigrateError::NotPartWay(revision.to_owned()))?;
        if done > step.statements.len() {
            return Err(MigrateError::NotPartWay(format!(
                "{revision} has {} statements, not {done}",
                step.statements.len()
            )));
        }
        let done_checksum = checksum(&step.statements[..done]);
        db.execute(&self.version_table.progress_update_sql(
            d,
            revision,
            done,
            &done_checksum,
            false,
        ))
        .await?;
        Ok(Progress {
            done,
            done_checksum,
            failed: false,
            ..p
        })
    }

    /// Runs the statements of `step` from `start` outside a transaction, recording each.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn run_tracked(
        &self,
        db: &mut Database,
        step: &Step,
        start: Option<usize>,
        started_at: &str,
        clock: Instant,
        cancel: &Cancel,
        observe: &mut dyn FnMut(super::StepEvent<'_>),
    ) -> Result<(), StepError> {
        let d = db.dialect();
        let total = step.statements.len();
        let start = match start {
            Some(start) => start,
            None => {
                let row = Progress {
                    revision: step.revision.clone(),
                    direction: step.direction.as_str().to_owned(),
                    checksum: step.checksum.clone(),
                    done: 0,
                    done_checksum: checksum(&[]),
                    total,
                    failed: false,
                    started_at: started_at.to_owned(),
                };
                db.execute(&self.version_table.progress_insert_sql(d, &row))
                    .await?;
                0
            }
        };
        for (i, statement) in step.statements.iter().enumerate().skip(start) {
            if cancel.is_cancelled() {
                if i == 0 {
                    // Nothing ran: no progress to keep.
                    db.execute(&self.version_table.progress_delete_sql(d, &step.revision))
                        .await?;
                    return Err(StepError::Cancelled(None));
                }
                return Err(StepError::Cancelled(Some(i)));
            }
            failpoint("before a statement");
            observe(super::StepEvent::Statement(step, i));
            tracing::debug!(revision = %step.revision, statement = i + 1, sql = %statement, "running a statement");
            let record = self.version_table.progress_update_sql(
                d,
                &step.revision,
                i + 1,
                &checksum(&step.statements[..=i]),
                false,
            );
            let ran = if is_data_statement(statement) {
                // The rows and the progress commit together: a cut-off run never repeats them.
                let batch = format!("BEGIN;\n{statement};\n{record};\nCOMMIT");
                match db.execute(&batch).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let _ = db.execute("ROLLBACK").await;
                        Err(e)
                    }
                }
            } else {
                match db.execute(statement).await {
                    Ok(()) => {
                        failpoint("after a DDL statement, before its progress");
                        db.execute(&record).await?;
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            };
            let Err(source) = ran else { continue };
            // The statement did not run (DDL is atomic on every database here; data statements
            // were rolled back): record that, so the next run retries it without doubt.
            let failed = self.version_table.progress_update_sql(
                d,
                &step.revision,
                i,
                &checksum(&step.statements[..i]),
                true,
            );
            db.execute(&failed).await?;
            return Err(StepError::Failed(
                self.record_failure(db, step, i, &source, started_at, clock, false)
                    .await?
                    .into_error(source),
            ));
        }
        Ok(())
    }

    /// A `CREATE INDEX CONCURRENTLY` cut off leaves an invalid index behind (PostgreSQL):
    /// dropped, so the statement runs again.
    async fn drop_invalid_index(
        &self,
        db: &mut Database,
        step: &Step,
        index: usize,
    ) -> Result<(), MigrateError> {
        let d = db.dialect();
        let Some(sql) = d.bookkeeping().invalid_indexes_sql() else {
            return Ok(());
        };
        let invalid = db.fetch_strings(&sql).await?;
        let Some((ops, spans, _)) = self.step_ops(d, step) else {
            return Ok(());
        };
        let Some(Op::CreateIndex { index: def, .. }) = op_of_statement(&ops, &spans, index) else {
            return Ok(());
        };
        if invalid.contains(&def.name) {
            db.execute(&d.bookkeeping().drop_invalid_index_sql(&def.name))
                .await?;
            eprintln!(
                "note: dropped the invalid index `{}` that an interrupted or failed CREATE INDEX CONCURRENTLY of revision `{}` left behind; it is built again",
                def.name, step.revision
            );
        }
        Ok(())
    }

    /// The ops of `step`, how many statements each rendered, and the schema before each op
    /// (plus the one after the last); `None` when they do not line up with the step's
    /// statements.
    fn step_ops(&self, d: Dialect, step: &Step) -> Option<(Vec<Op>, Vec<usize>, Vec<Schema>)> {
        let rev = self.runnable(&step.revision)?;
        let before = self.schema_at(&step.heads_before).ok()?;
        let ops = match step.direction {
            Direction::Up => rev.upgrade.clone(),
            Direction::Down => {
                let without = self.schema_at(&step.heads_after).ok()?;
                self.downgrade_ops(&rev, &without).ok()?
            }
        };
        let mut schema = before;
        let mut spans = Vec::with_capacity(ops.len());
        let mut states = vec![schema.clone()];
        for op in &ops {
            spans.push(d.render(op, &schema).ok()?.len());
            schema.apply(op).ok()?;
            states.push(schema.clone());
        }
        (spans.iter().sum::<usize>() == step.statements.len()).then_some((ops, spans, states))
    }

    /// The table the op behind statement `index` (0-based) of `step` changes, if one.
    pub(super) fn table_of_statement(
        &self,
        d: Dialect,
        step: &Step,
        index: usize,
    ) -> Option<String> {
        let (ops, spans, _) = self.step_ops(d, step)?;
        op_of_statement(&ops, &spans, index)?
            .table()
            .map(str::to_owned)
    }

    /// Whether statement `index` (0-based) of `step` ran, judged from the catalog: the tables
    /// its op touches must match the replayed schema before or after that statement.
    async fn statement_ran(
        &self,
        db: &mut Database,
        step: &Step,
        index: usize,
    ) -> Result<Verdict, MigrateError> {
        let d = db.dialect();
        let Some((ops, spans, states)) = self.step_ops(d, step) else {
            return Ok(Verdict::CannotTell);
        };
        let mut first = 0;
        let mut found = None;
        for (j, n) in spans.iter().enumerate() {
            if index < first + n {
                found = Some((j, index - first, *n));
                break;
            }
            first += n;
        }
        let Some((j, local, count)) = found else {
            return Ok(Verdict::CannotTell);
        };
        let op = &ops[j];
        let before = &states[j];
        let Some(after_each) = d.sql().statement_states(op, before, count) else {
            return Ok(Verdict::CannotTell);
        };
        let not_run = if local == 0 {
            before
        } else {
            &after_each[local - 1]
        };
        let ran = &after_each[local];
        let Some(tables) = touched_tables(op, before, &states[j + 1]) else {
            return Ok(Verdict::CannotTell);
        };
        let options =
            IntrospectOptions::excluding(&self.version_table).with_naming(self.naming().clone());
        let live = introspect(db, &options)
            .await
            .map_err(|e| MigrateError::Introspect(e.to_string()))?;
        let view = |schema: &Schema| comparable(&only(schema, &tables), d);
        let live = view(&live);
        Ok(match (live == view(ran), live == view(not_run)) {
            (true, false) => Verdict::Ran,
            (false, true) => Verdict::NotRun,
            _ => Verdict::CannotTell,
        })
    }
}

/// The op that rendered statement `index`.
fn op_of_statement<'a>(ops: &'a [Op], spans: &[usize], index: usize) -> Option<&'a Op> {
    let mut first = 0;
    for (op, n) in ops.iter().zip(spans) {
        if index < first + n {
            return Some(op);
        }
        first += n;
    }
    None
}

/// The tables `op` changes, looked up in the schema before and after it; `None` when the op's
/// effect is not known to the replay (raw SQL).
fn touched_tables(op: &Op, before: &Schema, after: &Schema) -> Option<BTreeSet<String>> {
    let mut tables = BTreeSet::new();
    match op {
        Op::Sql(_) => return None,
        Op::RenameTable { from, to } => {
            tables.insert(from.clone());
            tables.insert(to.clone());
        }
        Op::DropIndex { name, table, .. } => {
            tables.extend(
                before
                    .index_on(table.as_deref(), name)
                    .ok()
                    .map(|i| i.table.clone()),
            );
        }
        Op::CreateEnum(_)
        | Op::DropEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RenameEnumValue { .. }
        | Op::DropEnumValue { .. } => {
            // Enum changes restate the columns that use the type, wherever they are.
            tables.extend(before.tables().map(|t| t.def.name.clone()));
            tables.extend(after.tables().map(|t| t.def.name.clone()));
        }
        _ => tables.extend(op.table().map(str::to_owned)),
    }
    Some(tables)
}

/// `schema` with only `tables` (and every enum type and sequence).
fn only(schema: &Schema, tables: &BTreeSet<String>) -> Schema {
    let mut out = schema.without_tables();
    for table in schema.tables().filter(|t| tables.contains(&t.def.name)) {
        out.insert_table(table.clone());
    }
    out
}

/// What [`Migrator::record_failure`] returns: the error to give the caller.
pub(super) struct Recorded {
    pub revision: String,
    pub direction: Direction,
    pub index: usize,
    pub total: usize,
    pub statement: String,
    pub rolled_back: bool,
}

impl Recorded {
    pub(super) fn into_error(self, source: sqlx::Error) -> MigrateError {
        MigrateError::Statement {
            revision: self.revision,
            direction: self.direction,
            index: self.index,
            total: self.total,
            statement: self.statement,
            source,
            rolled_back: self.rolled_back,
        }
    }
}

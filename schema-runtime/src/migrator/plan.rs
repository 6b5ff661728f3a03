//! Planning: which revisions run, in which order, with which SQL. Pure; the same plan is
//! executed online or printed as offline SQL.

use sha2::{Digest, Sha256};

use super::Migrator;
use crate::graph::GraphError;
use crate::ops::{Op, ReverseError};
use crate::revision::Revision;
use crate::state::{Schema, StateError};
use crate::{Dialect, RenderError};

/// Up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Applying a revision.
    Up,
    /// Reverting a revision.
    Down,
}

impl Direction {
    /// `up` or `down`, as the applied-log stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// One revision applied or reverted: its SQL and the version rows around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Revision id.
    pub revision: String,
    /// Revision message.
    pub message: String,
    /// Up or down.
    pub direction: Direction,
    /// The statements of the revision, in order (version-table statements not included).
    pub statements: Vec<String>,
    /// The revision's checksum (canonical form of its ops; see [`crate::ops::canonical`]).
    pub checksum: String,
    /// The canonical form the checksum is the hash of, recorded with it (upgrade steps) so that
    /// a later edit can be shown op by op.
    pub canonical: String,
    /// Whether the step runs in a transaction.
    pub transactional: bool,
    /// SQLite table rebuilds: foreign key enforcement is switched off around the step and
    /// `PRAGMA foreign_key_check` runs before commit.
    pub foreign_keys_off: bool,
    /// Version rows before the step.
    pub heads_before: Vec<String>,
    /// Version rows after the step.
    pub heads_after: Vec<String>,
    /// The revision's own bound on waiting for a lock (overrides the run's).
    pub lock_timeout: Option<std::time::Duration>,
    /// The revision's own bound on each statement (overrides the run's).
    pub statement_timeout: Option<std::time::Duration>,
}

/// A plan that cannot be made, naming the revision and the op.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A graph problem (unknown target, several heads, ...).
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// An op does not fit the schema that the earlier revisions built.
    #[error("revision `{revision}`: {op}: {source}")]
    State {
        /// Revision id.
        revision: String,
        /// The op.
        op: String,
        /// What does not fit.
        #[source]
        source: StateError,
    },
    /// An op the dialect cannot express.
    #[error("revision `{revision}`: {source}")]
    Render {
        /// Revision id.
        revision: String,
        /// The dialect's reason and hint.
        #[source]
        source: RenderError,
    },
    /// The revision cannot be reverted.
    #[error("revision `{revision}` cannot be downgraded: {reason}")]
    Irreversible {
        /// Revision id.
        revision: String,
        /// Why, and what to do.
        reason: String,
    },
}

/// Hex SHA-256 of the statements, as recorded in the applied-log.
pub fn checksum(statements: &[String]) -> String {
    let mut hasher = Sha256::new();
    for (i, s) in statements.iter().enumerate() {
        if i > 0 {
            hasher.update(b"\n;\n");
        }
        hasher.update(s.as_bytes());
    }
    // The digest formats itself as lower-case hex in one allocation (this is on the planning
    // path: a `format!` per byte once dominated it).
    format!("{:x}", hasher.finalize())
}

impl Migrator {
    fn rev(&self, id: &str) -> &Revision {
        self.revision(id).expect("graph ids are revision ids")
    }

    /// The revision with its rows, to render it.
    fn run_rev(&self, id: &str) -> std::borrow::Cow<'_, Revision> {
        self.runnable(id).expect("graph ids are revision ids")
    }

    /// Folds the upgrade ops of `ids` (in order) over `schema`.
    fn fold(&self, schema: &mut Schema, ids: &[&str]) -> Result<(), PlanError> {
        for id in ids {
            for op in &self.rev(id).upgrade {
                apply(schema, id, op)?;
            }
        }
        Ok(())
    }

    /// The schema once every revision up to the current `heads` has run.
    pub fn schema_at(&self, heads: &[String]) -> Result<Schema, PlanError> {
        let mut schema = Schema::default();
        self.fold(&mut schema, &self.graph.applied(heads)?)?;
        Ok(schema)
    }

    /// Replays every revision over an empty schema and renders it for each of `dialects`,
    /// returning every problem found (an op on a missing table, a duplicate name, an op a
    /// dialect cannot express). Needs no database.
    pub fn check(&self, dialects: &[Dialect]) -> Vec<PlanError> {
        let mut errors = Vec::new();
        for &d in dialects {
            let mut schema = Schema::default();
            for id in self.graph.topological() {
                let rev = self.run_rev(id);
                if let Err(e) = d.render_ops(&rev.upgrade, &mut schema) {
                    let e = render_error(id, e);
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                    // Keep what fits, so one mistake does not cascade through later revisions.
                    for op in &rev.upgrade {
                        let _ = schema.apply(op);
                    }
                }
            }
        }
        errors
    }

    /// The checksum of every revision applied at `current` heads, in the order they ran: the
    /// SHA-256 of its ops' canonical form ([`canonical`](crate::ops::canonical)), the same on
    /// every dialect and whatever the renderers' version.
    pub fn applied_checksums(
        &self,
        current: &[String],
    ) -> Result<Vec<(String, String)>, PlanError> {
        Ok(self
            .graph
            .applied(current)?
            .into_iter()
            .map(|id| (id.to_owned(), self.checksum_of(id)))
            .collect())
    }

    /// The checksum of revision `id` (see [`applied_checksums`](Self::applied_checksums)).
    pub fn checksum_of(&self, id: &str) -> String {
        let rev = self.rev(id);
        crate::ops::canonical::checksum(&rev.upgrade, rev.transactional)
    }

    /// The canonical form of revision `id`'s upgrade ops, which its checksum hashes.
    pub fn canonical_of(&self, id: &str) -> String {
        let rev = self.rev(id);
        crate::ops::canonical::text(&rev.upgrade, rev.transactional)
    }

    /// The checksums an earlier version recorded: SHA-256 of the SQL the revisions rendered to
    /// on `d`. Only for moving a database's records to the canonical form.
    pub(crate) fn rendered_checksums(
        &self,
        d: Dialect,
        current: &[String],
    ) -> Result<Vec<(String, String)>, PlanError> {
        let mut schema = Schema::default();
        let mut out = Vec::new();
        for id in self.graph.applied(current)? {
            let rendered = d
                .render_ops(&self.run_rev(id).upgrade, &mut schema)
                .map_err(|e| render_error(id, e))?;
            out.push((id.to_owned(), checksum(&rendered.statements)));
        }
        Ok(out)
    }

    /// The steps that take a database at `current` heads to `target`.
    pub fn plan_upgrade(
        &self,
        d: Dialect,
        current: &[String],
        target: &str,
    ) -> Result<Vec<Step>, PlanError> {
        let ids = self.graph.upgrade_plan(current, target)?;
        // Nothing to do (an application starting at head): no replay needed.
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut schema = self.schema_at(current)?;
        let mut heads = current.to_vec();
        let mut steps = Vec::with_capacity(ids.len());
        for id in ids {
            let rev = self.run_rev(id);
            let heads_after = self.graph.heads_after_upgrade(&heads, id);
            let heads_before = std::mem::replace(&mut heads, heads_after.clone());
            steps.push(step(
                d,
                &rev,
                Direction::Up,
                &rev.upgrade,
                &mut schema,
                heads_before,
                heads_after,
            )?);
        }
        Ok(steps)
    }

    /// The steps that take a database at `current` heads down to `target`.
    pub fn plan_downgrade(
        &self,
        d: Dialect,
        current: &[String],
        target: &str,
    ) -> Result<Vec<Step>, PlanError> {
        let undo = self.graph.downgrade_plan(current, target)?;
        self.plan_reverting(d, current, undo)
    }

    /// The step that reverts exactly revision `id`, which no applied revision builds on.
    pub fn plan_revert(
        &self,
        d: Dialect,
        current: &[String],
        id: &str,
    ) -> Result<Vec<Step>, PlanError> {
        let undo = self.graph.revert_plan(current, id)?;
        self.plan_reverting(d, current, undo)
    }

    /// The steps that revert `undo` (newest first) from `current` heads.
    fn plan_reverting(
        &self,
        d: Dialect,
        current: &[String],
        undo: Vec<&str>,
    ) -> Result<Vec<Step>, PlanError> {
        if undo.is_empty() {
            return Ok(Vec::new());
        }
        // Replay what stays first, then what goes (deriving each reverted revision's downgrade
        // from the state just before it, as it ran), then render the downgrades from the top.
        let applied = self.graph.applied(current)?;
        let undone: std::collections::HashSet<&str> = undo.iter().copied().collect();
        let kept: Vec<&str> = applied
            .iter()
            .copied()
            .filter(|id| !undone.contains(id))
            .collect();
        let mut schema = Schema::default();
        self.fold(&mut schema, &kept)?;
        let mut downgrades = Vec::with_capacity(undo.len());
        for id in undo.iter().rev() {
            downgrades.push(self.fold_with_downgrade(&self.run_rev(id), &mut schema)?);
        }
        downgrades.reverse();
        let mut heads = current.to_vec();
        let mut steps = Vec::with_capacity(undo.len());
        for (id, ops) in undo.iter().zip(downgrades) {
            let rev = self.rev(id);
            let heads_after = self.graph.heads_after_downgrade(&heads, id)?;
            let heads_before = std::mem::replace(&mut heads, heads_after.clone());
            steps.push(step(
                d,
                rev,
                Direction::Down,
                &ops,
                &mut schema,
                heads_before,
                heads_after,
            )?);
        }
        Ok(steps)
    }

    /// The ops that revert `rev`, given the schema before it ran: the explicit downgrade, or
    /// the reverse of each upgrade op in reverse order.
    pub fn downgrade_ops(&self, rev: &Revision, before: &Schema) -> Result<Vec<Op>, PlanError> {
        if rev.irreversible {
            return Err(PlanError::Irreversible {
                revision: rev.id.clone(),
                reason:
                    "it is declared irreversible; restore a backup or stamp the database instead"
                        .into(),
            });
        }
        let mut schema = before.clone();
        self.fold_with_downgrade(rev, &mut schema)
    }

    /// Applies `rev`'s upgrade to `schema` (the state before it) and returns the ops that revert
    /// it: its explicit downgrade, or each op's reverse, computed as the op is applied.
    fn fold_with_downgrade(
        &self,
        rev: &Revision,
        schema: &mut Schema,
    ) -> Result<Vec<Op>, PlanError> {
        if rev.irreversible {
            return Err(PlanError::Irreversible {
                revision: rev.id.clone(),
                reason:
                    "it is declared irreversible; restore a backup or stamp the database instead"
                        .into(),
            });
        }
        if let Some(down) = &rev.downgrade {
            self.fold(schema, &[&rev.id])?;
            return Ok(down.clone());
        }
        let mut reversed = Vec::new();
        // Dropping a table the revision created drops its indexes, keys and columns too;
        // undoing those one by one first is redundant, and MySQL refuses to drop an index a
        // foreign key of the table still needs.
        let created: Vec<&str> = rev
            .upgrade
            .iter()
            .filter_map(|op| match op {
                Op::CreateTable {
                    def,
                    if_not_exists: false,
                } => Some(def.name.as_str()),
                _ => None,
            })
            .collect();
        for op in &rev.upgrade {
            let goes_with_its_table = match op {
                Op::CreateIndex { index, .. } => created.contains(&index.table.as_str()),
                Op::AddConstraint { table, .. } | Op::AddColumn { table, .. } => {
                    created.contains(&table.as_str())
                }
                _ => false,
            };
            if goes_with_its_table {
                apply(schema, &rev.id, op)?;
                continue;
            }
            let undo = op.reverse(schema).map_err(|e| match e {
                ReverseError::Irreversible { .. } => PlanError::Irreversible {
                    revision: rev.id.clone(),
                    reason: e.to_string(),
                },
                ReverseError::State { op, source } => PlanError::State {
                    revision: rev.id.clone(),
                    op,
                    source,
                },
            })?;
            reversed.push(undo);
            apply(schema, &rev.id, op)?;
        }
        Ok(reversed.into_iter().rev().flatten().collect())
    }
}

fn apply(schema: &mut Schema, id: &str, op: &Op) -> Result<(), PlanError> {
    schema.apply(op).map_err(|source| PlanError::State {
        revision: id.to_owned(),
        op: op.describe(),
        source,
    })
}

/// Renders `ops` of `rev` (applying them to `schema`) as one step in `direction`.
fn step(
    d: Dialect,
    rev: &Revision,
    direction: Direction,
    ops: &[Op],
    schema: &mut Schema,
    heads_before: Vec<String>,
    heads_after: Vec<String>,
) -> Result<Step, PlanError> {
    check_concurrently(d, rev, ops)?;
    let rendered = d
        .render_ops(ops, schema)
        .map_err(|e| render_error(&rev.id, e))?;
    let canonical = crate::ops::canonical::text(ops, rev.transactional);
    Ok(Step {
        revision: rev.id.clone(),
        message: rev.message.clone(),
        direction,
        checksum: crate::ops::canonical::checksum_of_text(&canonical),
        canonical,
        statements: rendered.statements,
        transactional: rev.transactional,
        foreign_keys_off: rendered.foreign_keys_off,
        heads_before,
        heads_after,
        lock_timeout: rev.lock_timeout,
        statement_timeout: rev.statement_timeout,
    })
}

fn render_error(id: &str, e: RenderError) -> PlanError {
    match e {
        RenderError::State { op, source } => PlanError::State {
            revision: id.to_owned(),
            op,
            source,
        },
        source => PlanError::Render {
            revision: id.to_owned(),
            source,
        },
    }
}

/// `CREATE INDEX CONCURRENTLY` cannot run inside a transaction on PostgreSQL.
fn check_concurrently(d: Dialect, rev: &Revision, ops: &[Op]) -> Result<(), PlanError> {
    let concurrent = ops.iter().find(|op| {
        matches!(
            op,
            Op::CreateIndex {
                concurrently: true,
                ..
            } | Op::DropIndex {
                concurrently: true,
                ..
            }
        )
    });
    match concurrent {
        Some(op) if d.sql().concurrent_index_builds() && rev.transactional => Err(PlanError::Render {
            revision: rev.id.clone(),
            source: RenderError::Unsupported {
                op: op.describe(),
                dialect: d,
                hint: "CONCURRENTLY cannot run inside a transaction; mark the migration `transactional = false`".into(),
            },
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::checksum;

    #[test]
    fn checksum_is_lower_case_hex_sha256_of_the_statements_joined() {
        // SHA-256("abc"), the FIPS 180-2 test vector.
        assert_eq!(
            checksum(&["abc".to_owned()]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            checksum(&["a".to_owned(), "b".to_owned()]),
            checksum(&["a\n;\nb".to_owned()])
        );
    }
}

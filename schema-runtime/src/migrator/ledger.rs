//! The applied-log as a ledger: what ran with which checksum, what failed, and the operations
//! that correct it without running migrations (`stamp`, `repair`).

use std::collections::HashMap;

use super::error::{ChecksumChange, MigrateError};
use super::version_table::LogRow;
use super::{Database, Migrator};
use crate::ops::canonical;
use crate::Dialect;

/// One row of the applied-log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Revision id.
    pub revision: String,
    /// `up`, `down`, `stamp` or `repair`.
    pub direction: String,
    /// SHA-256 of the step's SQL.
    pub checksum: String,
    /// UTC start time.
    pub started_at: String,
    /// Whether it succeeded.
    pub success: bool,
    /// The error of a failed step.
    pub error: Option<String>,
}

/// An applied revision edited since it ran ([`Migrator::edits`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Edit {
    /// The revision and its recorded and current checksums.
    pub change: ChecksumChange,
    /// Its ops in canonical form as recorded when it ran; `None` when the database did not keep
    /// them (recorded by an offline script or an earlier version of cargo-schema).
    pub recorded_ops: Option<String>,
    /// Its ops in canonical form now.
    pub current_ops: String,
}

pub(super) fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%d %H:%M:%S%.6f")
        .to_string()
}

impl Migrator {
    /// The current version rows (empty when nothing was applied or the table does not exist).
    pub async fn current(&self, db: &mut Database) -> Result<Vec<String>, MigrateError> {
        if !db.table_exists(&self.version_table.version).await? {
            return Ok(Vec::new());
        }
        Ok(db
            .fetch_strings(&self.version_table.select_heads_sql(db.dialect()))
            .await?)
    }

    /// Checks the version rows: each names a revision of this build, and none is an ancestor
    /// of another (the table lists heads only).
    pub fn check_version_rows(&self, current: &[String]) -> Result<(), MigrateError> {
        let unknown: Vec<String> = current
            .iter()
            .filter(|h| !self.graph.contains(h))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(MigrateError::UnknownVersion(unknown));
        }
        for descendant in current {
            let below = self
                .graph
                .applied(std::slice::from_ref(descendant))
                .map_err(crate::PlanError::from)?;
            if let Some(ancestor) = current
                .iter()
                .find(|a| *a != descendant && below.contains(&a.as_str()))
            {
                return Err(MigrateError::RedundantVersion {
                    ancestor: ancestor.clone(),
                    descendant: descendant.clone(),
                });
            }
        }
        Ok(())
    }

    /// The applied-log, oldest first.
    pub async fn log(&self, db: &mut Database) -> Result<Vec<LogEntry>, MigrateError> {
        if !db.table_exists(&self.version_table.log).await? {
            return Ok(Vec::new());
        }
        let d = db.dialect();
        let text = d.bookkeeping().text_cast();
        let sql = format!(
            "SELECT revision, direction, checksum, CAST(started_at AS {text}), CAST(success AS {text}), COALESCE(error, '') FROM {} ORDER BY id",
            d.quote(&self.version_table.log),
        );
        let rows = db.fetch_rows(&sql, 6).await?;
        Ok(rows
            .into_iter()
            .map(|mut r| LogEntry {
                error: Some(std::mem::take(&mut r[5])).filter(|e| !e.is_empty()),
                success: matches!(r[4].as_str(), "1" | "true" | "t"),
                started_at: std::mem::take(&mut r[3]),
                checksum: std::mem::take(&mut r[2]),
                direction: std::mem::take(&mut r[1]),
                revision: std::mem::take(&mut r[0]),
            })
            .collect())
    }

    /// The checksum each revision was last recorded with (by a successful up, a stamp, a
    /// repair, or the move to canonical checksums).
    fn recorded_checksums(log: &[LogEntry]) -> HashMap<&str, &str> {
        let mut recorded = HashMap::new();
        for entry in log.iter().filter(|e| {
            e.success && matches!(e.direction.as_str(), "up" | "stamp" | "repair" | "rehash")
        }) {
            recorded.insert(entry.revision.as_str(), entry.checksum.as_str());
        }
        recorded
    }

    /// Applied revisions whose ops differ from what the log recorded, and the records to move
    /// to canonical checksums: a revision last recorded by an earlier version (the SHA-256 of
    /// its SQL) is compared as that version would, by rendering it, once, and recorded anew.
    pub(super) fn verify_checksums(
        &self,
        d: Dialect,
        current: &[String],
        log: &[LogEntry],
    ) -> Result<Verified, MigrateError> {
        let recorded = Self::recorded_checksums(log);
        let mut verified = Verified::default();
        if recorded.is_empty() {
            return Ok(verified);
        }
        let legacy = recorded.values().any(|c| !canonical::is_canonical(c));
        let rendered: HashMap<String, String> = if legacy {
            self.rendered_checksums(d, current)?.into_iter().collect()
        } else {
            HashMap::new()
        };
        for (revision, now) in self.applied_checksums(current)? {
            let Some(was) = recorded.get(revision.as_str()) else {
                continue;
            };
            if canonical::is_canonical(was) {
                if *was != now {
                    verified.changed.push(ChecksumChange {
                        revision,
                        recorded: (*was).to_owned(),
                        current: now,
                    });
                }
                continue;
            }
            if rendered.get(&revision).is_some_and(|sql| sql != *was) {
                verified.notices.push(format!(
                    "revision `{revision}`: its SQL as this version renders it differs from what an earlier version recorded (a renderer change, or an edit before this upgrade of cargo-schema); recorded its checksum in the new form: `cargo schema check --database` shows any drift"
                ));
            }
            verified.rehash.push((revision, now));
        }
        Ok(verified)
    }

    /// A failed step that a non-transactional database kept half-applied and nobody resolved.
    pub(super) fn unresolved_failure(
        &self,
        d: Dialect,
        current: &[String],
        log: &[LogEntry],
    ) -> Option<MigrateError> {
        let mut latest: HashMap<&str, &LogEntry> = HashMap::new();
        for entry in log.iter().filter(|e| e.direction != "rehash") {
            latest.insert(entry.revision.as_str(), entry);
        }
        // A failure left something half-applied when nothing rolled it back: on a database
        // without transactional DDL, or in a revision that runs outside a transaction.
        let half_applied = |e: &LogEntry| {
            !d.runs_in_transaction(self.revision(&e.revision).is_none_or(|r| r.transactional))
        };
        let mut failed: Vec<&&LogEntry> = latest
            .values()
            .filter(|e| !e.success && half_applied(e))
            .collect();
        failed.sort_by(|a, b| a.started_at.cmp(&b.started_at));
        failed.last().map(|e| MigrateError::UnresolvedFailure {
            revision: e.revision.clone(),
            direction: e.direction.clone(),
            failed_at: e.started_at.clone(),
            error: e.error.clone().unwrap_or_default(),
            heads: if current.is_empty() {
                "base".into()
            } else {
                current.join(", ")
            },
        })
    }

    /// Applied revisions edited since they ran (read-only: records of an earlier version are
    /// compared but not moved).
    pub async fn edited(&self, db: &mut Database) -> Result<Vec<ChecksumChange>, MigrateError> {
        let current = self.current(db).await?;
        if current.is_empty() {
            return Ok(Vec::new());
        }
        let log = self.log(db).await?;
        Ok(self.verify_checksums(db.dialect(), &current, &log)?.changed)
    }

    /// Applied revisions edited since they ran, each with its ops as recorded when it ran (when
    /// the database kept them: runs of this version, not offline scripts or earlier versions)
    /// and as they are now, in canonical form (one line per op) for an op-level diff.
    pub async fn edits(&self, db: &mut Database) -> Result<Vec<Edit>, MigrateError> {
        let changed = self.edited(db).await?;
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let mut recorded: HashMap<String, String> = HashMap::new();
        if db.table_exists(&self.version_table.ops).await? {
            let checksums: Vec<&str> = changed.iter().map(|c| c.recorded.as_str()).collect();
            let sql = self.version_table.ops_select_sql(db.dialect(), &checksums);
            for row in db.fetch_rows(&sql, 2).await? {
                if let Ok([checksum, ops]) = <[String; 2]>::try_from(row) {
                    recorded.insert(checksum, ops);
                }
            }
        }
        Ok(changed
            .into_iter()
            .map(|change| Edit {
                recorded_ops: recorded.get(&change.recorded).cloned(),
                current_ops: self.canonical_of(&change.revision),
                change,
            })
            .collect())
    }

    /// Records `(revision, checksum)` rows of the move to canonical checksums, in one
    /// transaction.
    pub(super) async fn record_rehash(
        &self,
        db: &mut Database,
        rehash: &[(String, String)],
    ) -> Result<(), MigrateError> {
        if rehash.is_empty() {
            return Ok(());
        }
        // At head nothing has created the table of recorded ops yet.
        self.ensure_tables(db).await?;
        let d = db.dialect();
        let sql: Vec<String> = rehash
            .iter()
            .flat_map(|(revision, checksum)| {
                [
                    self.bookkeeping_row(d, revision, "rehash", checksum),
                    self.recorded_ops_sql(d, revision, checksum),
                ]
            })
            .collect();
        self.run_in_transaction(db, &sql).await
    }

    /// Records the canonical ops of `revision` as they are now, behind `checksum`.
    pub(super) fn recorded_ops_sql(&self, d: Dialect, revision: &str, checksum: &str) -> String {
        self.version_table
            .ops_insert_sql(d, checksum, &self.canonical_of(revision))
    }

    pub(super) fn bookkeeping_row(
        &self,
        d: Dialect,
        revision: &str,
        direction: &str,
        checksum: &str,
    ) -> String {
        let at = now();
        self.version_table.log_sql(
            d,
            &LogRow {
                revision,
                direction,
                checksum,
                started_at: &at,
                finished_at: &at,
                duration_ms: 0,
                success: true,
                error: None,
            },
        )
    }

    /// The statements that set the version table to `targets` without running migrations.
    /// Without `purge`, version rows of branches unrelated to the targets stay.
    pub fn stamp_sql(
        &self,
        d: Dialect,
        current: &[String],
        targets: &[String],
        purge: bool,
    ) -> Result<Vec<String>, MigrateError> {
        let graph = &self.graph;
        let resolved: Vec<String> = graph
            .resolve_targets(targets)
            .map_err(crate::PlanError::from)?
            .into_iter()
            .map(String::from)
            .collect();
        let unknown: Vec<&String> = current.iter().filter(|h| !graph.contains(h)).collect();
        if !purge && !unknown.is_empty() {
            return Err(MigrateError::UnknownVersion(
                unknown.into_iter().cloned().collect(),
            ));
        }
        let mut wanted = resolved.clone();
        // `stamp base` empties the table; other targets keep the rows of unrelated branches.
        if !purge && !resolved.is_empty() {
            let related = |a: &str, b: &str| {
                graph
                    .applied(&[a.to_owned()])
                    .is_ok_and(|anc| anc.contains(&b))
                    || graph
                        .applied(&[b.to_owned()])
                        .is_ok_and(|anc| anc.contains(&a))
            };
            wanted.extend(
                current
                    .iter()
                    .filter(|h| graph.contains(h) && !resolved.iter().any(|t| related(h, t)))
                    .cloned(),
            );
        }
        let rows = graph.rows_for(&wanted).map_err(crate::PlanError::from)?;
        let known: Vec<String> = current
            .iter()
            .filter(|h| graph.contains(h))
            .cloned()
            .collect();
        let mut sql = Vec::new();
        if purge || known.len() != current.len() {
            sql.push(format!(
                "DELETE FROM {}",
                d.quote(&self.version_table.version)
            ));
            sql.extend(self.version_table.update_sql(d, &[], &rows));
        } else {
            sql.extend(self.version_table.update_sql(d, current, &rows));
        }
        // Record the checksums of revisions that are now taken as applied, so later edits show.
        let before: Vec<String> = graph
            .applied(&known)
            .map_err(crate::PlanError::from)?
            .into_iter()
            .map(String::from)
            .collect();
        for (revision, checksum) in self.applied_checksums(&rows)? {
            if !before.contains(&revision) {
                sql.push(self.bookkeeping_row(d, &revision, "stamp", &checksum));
                sql.push(self.recorded_ops_sql(d, &revision, &checksum));
            }
        }
        Ok(sql)
    }

    /// Sets the version table to `targets` without running any migration (`cargo schema stamp`).
    /// Returns the new version rows.
    pub async fn stamp(
        &self,
        db: &mut Database,
        targets: &[String],
        purge: bool,
    ) -> Result<Vec<String>, MigrateError> {
        self.lock(db).await?;
        let result = self.stamp_locked(db, targets, purge).await;
        self.unlock(db, result).await
    }

    async fn stamp_locked(
        &self,
        db: &mut Database,
        targets: &[String],
        purge: bool,
    ) -> Result<Vec<String>, MigrateError> {
        self.ensure_tables(db).await?;
        let current = self.current(db).await?;
        let sql = self.stamp_sql(db.dialect(), &current, targets, purge)?;
        self.run_in_transaction(db, &sql).await?;
        self.current(db).await
    }

    /// Accepts edits of applied revisions: records their current checksum (for every applied
    /// revision whose checksum changed when `revisions` is empty). A named revision that is not
    /// applied, or matches its record, is refused: nothing is recorded then.
    pub async fn accept_edits(
        &self,
        db: &mut Database,
        revisions: &[String],
    ) -> Result<Vec<ChecksumChange>, MigrateError> {
        self.lock(db).await?;
        let result = self.accept_edits_locked(db, revisions).await;
        self.unlock(db, result).await
    }

    async fn accept_edits_locked(
        &self,
        db: &mut Database,
        revisions: &[String],
    ) -> Result<Vec<ChecksumChange>, MigrateError> {
        let d = db.dialect();
        self.ensure_tables(db).await?;
        let current = self.current(db).await?;
        let log = self.log(db).await?;
        let wanted = self.resolve_all(revisions)?;
        let changed = self.verify_checksums(d, &current, &log)?.changed;
        for w in &wanted {
            if !changed.iter().any(|c| &c.revision == w) {
                return Err(MigrateError::NotEdited(w.clone()));
            }
        }
        let accepted: Vec<ChecksumChange> = changed
            .into_iter()
            .filter(|c| wanted.is_empty() || wanted.contains(&c.revision))
            .collect();
        let sql: Vec<String> = accepted
            .iter()
            .flat_map(|c| {
                [
                    self.bookkeeping_row(d, &c.revision, "repair", &c.current),
                    self.recorded_ops_sql(d, &c.revision, &c.current),
                ]
            })
            .collect();
        self.run_in_transaction(db, &sql).await?;
        Ok(accepted)
    }

    /// Marks the unresolved failure of `revision` (a step that failed outside a transaction,
    /// recorded by an earlier version without progress) resolved, after a manual fix. Refused
    /// when the revision has no such failure, or is part-way (use
    /// [`record_progress`](Self::record_progress) then).
    pub async fn resolve_failure(
        &self,
        db: &mut Database,
        revision: &str,
    ) -> Result<LogEntry, MigrateError> {
        self.lock(db).await?;
        let result = self.resolve_failure_locked(db, revision).await;
        self.unlock(db, result).await
    }

    async fn resolve_failure_locked(
        &self,
        db: &mut Database,
        revision: &str,
    ) -> Result<LogEntry, MigrateError> {
        let d = db.dialect();
        self.ensure_tables(db).await?;
        let revision = self
            .graph
            .resolve(revision)
            .map_err(crate::PlanError::from)?
            .to_owned();
        if self
            .part_way(db)
            .await?
            .iter()
            .any(|p| p.revision == revision)
        {
            return Err(MigrateError::Usage(format!(
                "revision `{revision}` is part-way, not failed: the next run resumes it; to record how far it got by hand use `cargo schema repair {revision} --progress N`"
            )));
        }
        let current = self.current(db).await?;
        let log = self.log(db).await?;
        let failure = match self.unresolved_failure(d, &current, &log) {
            Some(MigrateError::UnresolvedFailure { revision: r, .. }) if r == revision => log
                .iter()
                .rev()
                .find(|e| e.revision == revision && !e.success)
                .cloned(),
            _ => None,
        };
        let Some(failure) = failure else {
            return Err(MigrateError::NotFailed(revision));
        };
        let sql = [self.bookkeeping_row(d, &revision, "resolved", &failure.checksum)];
        self.run_in_transaction(db, &sql).await?;
        Ok(failure)
    }

    /// The exact ids of `revisions` (prefixes resolved).
    fn resolve_all(&self, revisions: &[String]) -> Result<Vec<String>, MigrateError> {
        revisions
            .iter()
            .map(|r| self.graph.resolve(r).map(String::from))
            .collect::<Result<_, _>>()
            .map_err(|e| crate::PlanError::from(e).into())
    }

    async fn run_in_transaction(
        &self,
        db: &mut Database,
        sql: &[String],
    ) -> Result<(), MigrateError> {
        if sql.is_empty() {
            return Ok(());
        }
        db.execute("BEGIN").await?;
        for statement in sql {
            if let Err(e) = db.execute(statement).await {
                db.execute("ROLLBACK").await?;
                return Err(e.into());
            }
        }
        db.execute("COMMIT").await?;
        Ok(())
    }
}

/// What [`Migrator::verify_checksums`] found.
#[derive(Debug, Default)]
pub(super) struct Verified {
    /// Applied revisions edited since they were recorded.
    pub changed: Vec<ChecksumChange>,
    /// Revisions whose records move to canonical checksums: `(revision, checksum)`.
    pub rehash: Vec<(String, String)>,
    /// Things to tell the user about the move.
    pub notices: Vec<String>,
}

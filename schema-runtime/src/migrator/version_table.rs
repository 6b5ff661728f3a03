//! The version table (one row per current head, as Alembic's) and the applied-log table.

use crate::Dialect;

/// Names of the bookkeeping tables.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VersionTable {
    /// One row per current head.
    pub version: String,
    /// One row per applied or failed step.
    pub log: String,
    /// One row per step under way outside a transaction: how many of its statements have run,
    /// so that a run cut off part-way resumes at the next statement.
    pub progress: String,
    /// One row per recorded checksum: the canonical form of the ops it is the hash of, so that
    /// `check --database` shows what an edit changed, op by op. Keyed by checksum, so migrators
    /// with their own version tables can share it.
    pub ops: String,
    /// One row per applied development seed (`cargo schema seed`): its name and the checksum
    /// of the file that ran.
    pub seeds: String,
}

impl Default for VersionTable {
    fn default() -> Self {
        VersionTable::named("schema_version", "schema_log", "schema_progress")
    }
}

/// A step under way outside a transaction, as its progress row records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Revision id.
    pub revision: String,
    /// `up` or `down`.
    pub direction: String,
    /// Checksum of the step's whole SQL when it started.
    pub checksum: String,
    /// How many of its statements have run (and are recorded as run).
    pub done: usize,
    /// Checksum of those statements, so an edit of what already ran is noticed.
    pub done_checksum: String,
    /// How many statements the step has.
    pub total: usize,
    /// Statement `done + 1` failed (and so did not run); otherwise the step was cut off, and
    /// statement `done + 1` may or may not have run.
    pub failed: bool,
    /// UTC start time.
    pub started_at: String,
}

/// One row of the applied-log, as SQL literals are made from it.
#[cfg_attr(
    not(any(feature = "postgres", feature = "sqlite", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) struct LogRow<'a> {
    pub revision: &'a str,
    pub direction: &'a str,
    pub checksum: &'a str,
    pub started_at: &'a str,
    pub finished_at: &'a str,
    pub duration_ms: i64,
    pub success: bool,
    pub error: Option<&'a str>,
}

impl VersionTable {
    /// Bookkeeping tables with these names.
    pub fn named(version: &str, log: &str, progress: &str) -> Self {
        VersionTable {
            version: version.into(),
            log: log.into(),
            progress: progress.into(),
            ops: "schema_ops".into(),
            seeds: "schema_seeds".into(),
        }
    }

    /// Keeps the canonical ops of recorded checksums in `table` instead of `schema_ops`.
    pub fn with_ops_table(mut self, table: &str) -> Self {
        self.ops = table.into();
        self
    }

    /// Records applied seeds in `table` instead of `schema_seeds`.
    pub fn with_seeds_table(mut self, table: &str) -> Self {
        self.seeds = table.into();
        self
    }

    /// Every bookkeeping table, the seeds' included: what reading a schema leaves out and what
    /// `cargo schema reset` drops after the downgrade to base.
    pub fn all(&self) -> [&str; 5] {
        [
            &self.version,
            &self.log,
            &self.progress,
            &self.ops,
            &self.seeds,
        ]
    }

    /// `CREATE TABLE IF NOT EXISTS` for the table of recorded ops.
    fn ops_create_sql(&self, d: Dialect) -> String {
        // MySQL's TEXT stops at 64 KiB; a revision's ops can be longer (raw SQL, many columns).
        let text = if d.is_mysql_family() {
            "LONGTEXT"
        } else {
            "TEXT"
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    checksum CHAR(64) NOT NULL,\n    ops {text} NOT NULL,\n    CONSTRAINT {} PRIMARY KEY (checksum)\n)",
            d.quote(&self.ops),
            d.quote(&format!("{}_pkc", self.ops)),
        )
    }

    /// Records the canonical ops behind `checksum`; nothing when they are already there.
    pub(crate) fn ops_insert_sql(&self, d: Dialect, checksum: &str, ops: &str) -> String {
        let on_conflict = if d.is_mysql_family() {
            "ON DUPLICATE KEY UPDATE checksum = checksum"
        } else {
            "ON CONFLICT (checksum) DO NOTHING"
        };
        format!(
            "INSERT INTO {} (checksum, ops) VALUES ({}, {}) {on_conflict}",
            d.quote(&self.ops),
            d.literal(checksum),
            d.literal(ops),
        )
    }

    /// `SELECT checksum, ops` of the recorded ops behind `checksums`.
    pub(crate) fn ops_select_sql(&self, d: Dialect, checksums: &[&str]) -> String {
        let list: Vec<String> = checksums.iter().map(|c| d.literal(c)).collect();
        format!(
            "SELECT checksum, ops FROM {} WHERE checksum IN ({})",
            d.quote(&self.ops),
            list.join(", ")
        )
    }

    /// `CREATE TABLE IF NOT EXISTS` for the four tables.
    pub fn create_sql(&self, d: Dialect) -> Vec<String> {
        let id = d.bookkeeping().log_id_column();
        let ts = d.bookkeeping().log_timestamp_type();
        let boolean = d.render_type(&crate::Type::Boolean);
        vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\n    version_num VARCHAR(128) NOT NULL,\n    CONSTRAINT {} PRIMARY KEY (version_num)\n)",
                d.quote(&self.version),
                d.quote(&format!("{}_pkc", self.version)),
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\n    id {id},\n    revision VARCHAR(128) NOT NULL,\n    direction VARCHAR(8) NOT NULL,\n    checksum CHAR(64) NOT NULL,\n    started_at {ts} NOT NULL,\n    finished_at {ts} NOT NULL,\n    duration_ms BIGINT NOT NULL,\n    success {boolean} NOT NULL,\n    error TEXT\n)",
                d.quote(&self.log),
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\n    revision VARCHAR(128) NOT NULL,\n    direction VARCHAR(8) NOT NULL,\n    checksum CHAR(64) NOT NULL,\n    done INTEGER NOT NULL,\n    done_checksum CHAR(64) NOT NULL,\n    total INTEGER NOT NULL,\n    state VARCHAR(8) NOT NULL,\n    started_at {ts} NOT NULL,\n    CONSTRAINT {} PRIMARY KEY (revision)\n)",
                d.quote(&self.progress),
                d.quote(&format!("{}_pkc", self.progress)),
            ),
            self.ops_create_sql(d),
        ]
    }

    /// The progress row of a step that starts outside a transaction.
    pub(crate) fn progress_insert_sql(&self, d: Dialect, p: &Progress) -> String {
        format!(
            "INSERT INTO {} (revision, direction, checksum, done, done_checksum, total, state, started_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            d.quote(&self.progress),
            d.literal(&p.revision),
            d.literal(&p.direction),
            d.literal(&p.checksum),
            p.done,
            d.literal(&p.done_checksum),
            p.total,
            d.literal(if p.failed { "failed" } else { "running" }),
            d.literal(&p.started_at),
        )
    }

    /// Records that the first `done` statements of `revision`'s step have run, and whether
    /// the next one failed.
    pub(crate) fn progress_update_sql(
        &self,
        d: Dialect,
        revision: &str,
        done: usize,
        done_checksum: &str,
        failed: bool,
    ) -> String {
        format!(
            "UPDATE {} SET done = {done}, done_checksum = {}, state = {} WHERE revision = {}",
            d.quote(&self.progress),
            d.literal(done_checksum),
            d.literal(if failed { "failed" } else { "running" }),
            d.literal(revision),
        )
    }

    /// Removes the progress row of a step that finished (sent with its bookkeeping).
    pub(crate) fn progress_delete_sql(&self, d: Dialect, revision: &str) -> String {
        format!(
            "DELETE FROM {} WHERE revision = {}",
            d.quote(&self.progress),
            d.literal(revision),
        )
    }

    /// `SELECT` of every progress row, as text.
    pub(crate) fn progress_select_sql(&self, d: Dialect) -> String {
        let text = d.bookkeeping().text_cast();
        format!(
            "SELECT revision, direction, checksum, CAST(done AS {text}), done_checksum, CAST(total AS {text}), state, CAST(started_at AS {text}) FROM {} ORDER BY started_at",
            d.quote(&self.progress),
        )
    }

    /// `SELECT` of the current heads.
    pub fn select_heads_sql(&self, d: Dialect) -> String {
        format!(
            "SELECT version_num FROM {} ORDER BY version_num",
            d.quote(&self.version)
        )
    }

    /// The statements that turn the version rows `before` into `after` (Alembic's bookkeeping:
    /// an UPDATE when one head moves, INSERT / DELETE when branches appear or merge).
    pub fn update_sql(&self, d: Dialect, before: &[String], after: &[String]) -> Vec<String> {
        let table = d.quote(&self.version);
        let removed: Vec<&String> = before.iter().filter(|h| !after.contains(h)).collect();
        let added: Vec<&String> = after.iter().filter(|h| !before.contains(h)).collect();
        let mut sql = Vec::new();
        let mut removed = removed.into_iter();
        let mut added = added.into_iter();
        loop {
            match (removed.next(), added.next()) {
                (Some(old), Some(new)) => sql.push(format!(
                    "UPDATE {table} SET version_num = {} WHERE version_num = {}",
                    d.literal(new),
                    d.literal(old)
                )),
                (Some(old), None) => sql.push(format!(
                    "DELETE FROM {table} WHERE version_num = {}",
                    d.literal(old)
                )),
                (None, Some(new)) => sql.push(format!(
                    "INSERT INTO {table} (version_num) VALUES ({})",
                    d.literal(new)
                )),
                (None, None) => break,
            }
        }
        sql
    }

    #[cfg_attr(
        not(any(feature = "postgres", feature = "sqlite", feature = "mysql")),
        allow(dead_code)
    )]
    pub(crate) fn log_sql(&self, d: Dialect, row: &LogRow<'_>) -> String {
        format!(
            "INSERT INTO {} (revision, direction, checksum, started_at, finished_at, duration_ms, success, error) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            d.quote(&self.log),
            d.literal(row.revision),
            d.literal(row.direction),
            d.literal(row.checksum),
            d.literal(row.started_at),
            d.literal(row.finished_at),
            row.duration_ms,
            d.render_value(&crate::Value::Bool(row.success)),
            row.error.map(|e| d.literal(e)).unwrap_or_else(|| "NULL".into()),
        )
    }
}

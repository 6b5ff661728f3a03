//! The version table (one row per current head, as Alembic's) and the applied-log table.

use crate::Dialect;

/// Names of the bookkeeping tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTable {
    /// One row per current head.
    pub version: String,
    /// One row per applied or failed step.
    pub log: String,
}

impl Default for VersionTable {
    fn default() -> Self {
        VersionTable {
            version: "schema_version".into(),
            log: "schema_log".into(),
        }
    }
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
    /// `CREATE TABLE IF NOT EXISTS` for both tables.
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
        ]
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

//! How a dialect runs a migration, as SQL the migrator sends: the per-database lock, how a
//! revision's transaction begins, the guard around SQLite table rebuilds, and the column types
//! of the version and log tables. The migrator (`migrator/run.rs`) holds the algorithm once;
//! each dialect implements [`Bookkeeping`] beside its renderer, overriding what differs.

#![cfg_attr(
    not(any(feature = "postgres", feature = "sqlite", feature = "mysql")),
    allow(dead_code)
)]

use std::time::Duration;

use super::SqlDialect;

/// The advisory-lock key of PostgreSQL: the bytes of "cgschema" as a big-endian i64.
pub(crate) const LOCK_KEY: i64 = 0x6367_7363_6865_6d61;

/// Execution and bookkeeping SQL of one dialect.
pub(crate) trait Bookkeeping: SqlDialect {
    /// A query whose rows are the names of the tables called `table` in the current schema.
    fn table_exists_sql(&self, table: &str) -> String;

    /// A query that tries to take the migration lock, returning one text value that
    /// [`lock_granted`](Self::lock_granted) reads; `None` where the lock is the transaction
    /// itself (SQLite).
    fn try_lock_sql(&self, _timeout: Duration) -> Option<String> {
        None
    }

    /// Whether the value [`try_lock_sql`](Self::try_lock_sql) returned means the lock is held.
    fn lock_granted(&self, value: &str) -> bool {
        value == "1" || value == "true"
    }

    /// The statement that releases the migration lock.
    fn unlock_sql(&self) -> Option<String> {
        None
    }

    /// The statement that opens a revision's transaction.
    fn begin_sql(&self) -> &'static str {
        "BEGIN"
    }

    /// The transaction is the lock (SQLite): after `BEGIN`, the version rows must be checked
    /// again, since another migrator may have moved them since the plan.
    fn transaction_is_lock(&self) -> bool {
        false
    }

    /// Statements that switch foreign key enforcement off and on around a table rebuild, and
    /// the query whose rows name the tables with violations afterwards (SQLite).
    fn rebuild_guard(&self) -> Option<RebuildGuard> {
        None
    }

    /// Session settings every connection (and the top of every offline script) pins, so SQL
    /// means the same online and offline whatever the server's defaults (MySQL: no
    /// `NO_BACKSLASH_ESCAPES`, `||` concatenates, UTC, utf8mb4).
    fn session_setup(&self) -> &'static [&'static str] {
        &[]
    }

    /// A statement that fails, naming the check, when a table rebuild left rows whose foreign
    /// keys point at nothing: what an offline script runs where the online run queries
    /// [`RebuildGuard::check`] itself.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    fn offline_foreign_key_check(&self) -> Option<&'static str> {
        None
    }

    /// Statements that set the session's bounds on waiting for a lock and on each statement
    /// (`None`: none), or nothing where the dialect has no such setting.
    fn timeouts_sql(&self, _lock: Option<Duration>, _statement: Option<Duration>) -> Vec<String> {
        Vec::new()
    }

    /// A query naming the sessions that hold locks on `table` (or, where the catalog cannot
    /// tell by table, every session in an open transaction): one text row each.
    fn lock_holders_sql(&self, _table: Option<&str>) -> Option<String> {
        None
    }

    /// A query listing the indexes an interrupted concurrent build left invalid (PostgreSQL).
    fn invalid_indexes_sql(&self) -> Option<String> {
        None
    }

    /// Drops an invalid index left by an interrupted concurrent build.
    fn drop_invalid_index_sql(&self, name: &str) -> String {
        format!("DROP INDEX IF EXISTS {}", self.quote(name))
    }

    /// The id column of the log table.
    fn log_id_column(&self) -> &'static str;

    /// The type of the log table's timestamps.
    fn log_timestamp_type(&self) -> &'static str {
        "TIMESTAMP"
    }

    /// The type to `CAST` a value to, to read it as text.
    fn text_cast(&self) -> &'static str {
        "TEXT"
    }
}

/// What guards a table rebuild: see [`Bookkeeping::rebuild_guard`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RebuildGuard {
    /// Switches enforcement off (outside a transaction).
    pub off: &'static str,
    /// Switches it back on.
    pub on: &'static str,
    /// Lists violations: the first column of each row names a table.
    pub check: &'static str,
}

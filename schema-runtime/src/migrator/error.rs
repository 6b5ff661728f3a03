//! What can go wrong while migrating, each with what a person needs to act.

use super::plan::{Direction, PlanError};

/// What went wrong while migrating.
///
/// `Debug` prints the same text as `Display`, so `fn main() -> Result<(), MigrateError>` and
/// `?` in an application's start-up show the message a person acts on, not the enum's fields.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The URL names no supported database.
    #[error("unsupported database URL `{0}`; use postgres://, sqlite: or mysql:// (mariadb://)")]
    UnsupportedUrl(String),
    /// A command-line form the verb does not take.
    #[error("{0}")]
    Usage(String),
    /// The runner was started without a database URL.
    #[error("no database URL: pass --database-url URL, set DATABASE_URL, or put DATABASE_URL=... in a .env file in the working directory (only `cargo schema` inside the package falls back to its development SQLite file)")]
    NoDatabaseUrl,
    /// The database cannot be reached.
    #[error("cannot connect to {endpoint} ({url}): {}", connect_cause(source))]
    Connect {
        /// URL without password.
        url: String,
        /// `host:port`, or the SQLite file.
        endpoint: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The server did not finish the connection in time.
    #[error("cannot connect to {endpoint} ({url}): no answer within {seconds:.1}s (the server accepts the connection but does not respond: is it stopped, overloaded, or not a database server?); raise --connect-timeout if it is just slow")]
    ConnectTimeout {
        /// URL without password.
        url: String,
        /// `host:port`.
        endpoint: String,
        /// The bound.
        seconds: f64,
    },
    /// No plan can be made.
    #[error(transparent)]
    Plan(Box<PlanError>),
    /// A statement of a revision failed.
    #[error(
        "revision `{revision}` ({direction}) failed at statement {index} of {total}:\n    {statement}\n  {source}\n  {state}",
        direction = direction.as_str(),
        state = if *rolled_back {
            "the revision was rolled back; the database and the version table are as they were before it"
        } else {
            "this revision runs outside a transaction: the statements before it stay applied and are recorded, and the version table still names the previous revision; fix the cause, then run again: the run resumes at this statement"
        }
    )]
    Statement {
        /// Revision id.
        revision: String,
        /// Up or down.
        direction: Direction,
        /// 1-based statement number.
        index: usize,
        /// Statements in the revision.
        total: usize,
        /// The failing SQL.
        statement: String,
        /// The database's error.
        #[source]
        source: sqlx::Error,
        /// Whether the revision's earlier statements were rolled back.
        rolled_back: bool,
    },
    /// A SQLite table rebuild left rows whose foreign keys point at nothing.
    #[error(
        "revision `{revision}` was rolled back: after its table rebuild, rows in {} reference missing rows (PRAGMA foreign_key_check); fix the data or the foreign key, then run again",
        tables.join(", ")
    )]
    ForeignKeyCheck {
        /// Revision id.
        revision: String,
        /// Tables with violating rows.
        tables: Vec<String>,
    },
    /// Applied revisions whose SQL changed since they ran.
    #[error(
        "{} applied to this database changed since it ran: {}\n  nothing was run. Applied migrations must not change: revert the edit and put the change in a new revision (`cargo schema revision -m ...`); if the edit is intended and the database already matches it, accept it with `cargo schema repair --accept-edit {}`",
        if .0.len() == 1 { "a revision" } else { "revisions" },
        .0.iter().map(|c| format!("`{}` (recorded {}, now {})", c.revision, &c.recorded[..12.min(c.recorded.len())], &c.current[..12.min(c.current.len())])).collect::<Vec<_>>().join(", "),
        .0.iter().map(|c| c.revision.as_str()).collect::<Vec<_>>().join(" ")
    )]
    ChecksumMismatch(Vec<ChecksumChange>),
    /// A failed step that nothing rolled back (no transactional DDL, or a non-transactional
    /// revision) and that nobody resolved.
    #[error(
        "revision `{revision}` ({direction}) failed at {failed_at} without a rollback: {error}\n  the statements before the failing one stayed applied, while the version table still says {heads}.\n  nothing was run. Either undo those statements by hand (`cargo schema show {revision}` lists them) or finish the revision by hand and `cargo schema stamp {revision}`; then clear this failure with `cargo schema repair --resolved {revision}` and run again"
    )]
    UnresolvedFailure {
        /// Revision id.
        revision: String,
        /// `up` or `down`.
        direction: String,
        /// When it failed (UTC).
        failed_at: String,
        /// The recorded error (statement number and message).
        error: String,
        /// The version rows now, as text.
        heads: String,
    },
    /// A step that ran outside a transaction was cut off or failed part-way, and the run asked
    /// for something else first.
    #[error(
        "revision `{revision}` ({direction}) is part-way: {done} of its {total} statements ran and are recorded; finish it first with `cargo schema {verb} {target}`, then run again",
        verb = if direction == "down" { "downgrade" } else { "upgrade" },
        target = if direction == "down" { format!("{revision}-1") } else { revision.clone() }
    )]
    PartWay {
        /// Revision id.
        revision: String,
        /// `up` or `down`.
        direction: String,
        /// Statements that ran.
        done: usize,
        /// Statements of the step.
        total: usize,
    },
    /// A revision changed in statements that already ran while its step is part-way.
    #[error(
        "revision `{revision}` changed in its first {done} statements, which already ran on this database (its step is part-way); revert the edit, finish the step, and put the change in a new revision"
    )]
    EditedPartWay {
        /// Revision id.
        revision: String,
        /// Statements that ran.
        done: usize,
    },
    /// A run was cut off right after a statement the catalog cannot tell ran or not.
    #[error(
        "revision `{revision}` ({direction}) was cut off at statement {index} of {total}, and the catalog cannot tell whether it ran:\n    {statement}\n  check the database; if the statement took effect run `cargo schema repair {revision} --progress {index}`, if it did not run `cargo schema repair {revision} --progress {before}`; then run again, which resumes after the statements recorded",
        direction = direction.as_str(),
        before = index - 1
    )]
    CannotTell {
        /// Revision id.
        revision: String,
        /// Up or down.
        direction: Direction,
        /// 1-based statement number.
        index: usize,
        /// Statements in the step.
        total: usize,
        /// The statement in doubt.
        statement: String,
    },
    /// A statement gave up waiting for a lock, on every attempt.
    #[error("{0}")]
    LockWait(Box<LockWait>),
    /// The run was cancelled (SIGINT, SIGTERM, or [`Cancel`](super::Cancel)) and stopped at a
    /// statement boundary.
    #[error(
        "interrupted: {}{}{}; run again to continue",
        if applied.is_empty() { "no revision finished".to_owned() } else { format!("applied {}", applied.join(", ")) },
        match (part_way, rolled_back) {
            (Some((revision, done, total)), _) => format!("; `{revision}` stopped after {done} of {total} statements (recorded: the next run resumes there)"),
            (None, Some(revision)) => format!("; `{revision}`, under way, was rolled back"),
            (None, None) => String::new(),
        },
        if remaining.is_empty() { String::new() } else { format!("; not applied: {}", remaining.join(", ")) }
    )]
    Cancelled {
        /// Revisions that finished before the interruption.
        applied: Vec<String>,
        /// The revision that stopped part-way outside a transaction: `(revision, statements
        /// run, statements)`.
        part_way: Option<(String, usize, usize)>,
        /// The revision under way, rolled back.
        rolled_back: Option<String>,
        /// Revisions not applied (the one under way first).
        remaining: Vec<String>,
    },
    /// `repair --accept-edit` named a revision that is not edited.
    #[error("revision `{0}` is not edited (it matches its recorded checksum, or is not applied): nothing to accept; `repair --resolved` clears a failed step, `repair REV --progress N` records a part-way one")]
    NotEdited(String),
    /// `repair --resolved` named a revision without an unresolved failure.
    #[error("revision `{0}` has no unresolved failure: nothing to resolve; `repair --accept-edit` accepts an edit, `repair REV --progress N` records a part-way step")]
    NotFailed(String),
    /// `repair --progress` named a revision that is not part-way.
    #[error("revision `{0}` is not part-way; nothing to record")]
    NotPartWay(String),
    /// The version table names revisions this build does not know.
    #[error("the version table holds {}, which no revision of this build has: a newer build migrated this database (deploy that build), or the row was written by hand; nothing was run. `cargo schema stamp <revision> --purge` replaces the rows", .0.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))]
    UnknownVersion(Vec<String>),
    /// The version table holds a revision together with one of its descendants.
    #[error("the version table holds `{ancestor}` and its descendant `{descendant}`, but it lists only heads: a hand edit or another tool wrote the extra row; nothing was run. `cargo schema stamp {descendant} --purge` keeps the descendant alone")]
    RedundantVersion {
        /// The row that an applied descendant makes redundant.
        ancestor: String,
        /// Its descendant.
        descendant: String,
    },
    /// The migration lock could not be taken in time.
    #[error("another migrator has held the migration lock for more than {seconds}s; wait for it to finish or stop it, then run again")]
    LockTimeout {
        /// How long we waited.
        seconds: u64,
    },
    /// The run cannot be made one transaction.
    #[error("--single-transaction: {0}")]
    SingleTransaction(String),
    /// Another migrator moved the database during a relative move.
    #[error(
        "another migrator changed this database while `{target}` was being applied; run again"
    )]
    Concurrent {
        /// The relative target.
        target: String,
    },
    /// Reading the live schema failed.
    #[error("cannot read the database's schema: {0}")]
    Introspect(String),
    /// Seeds that ran have changed files since (`cargo schema seed`); nothing ran.
    #[error(
        "{} changed since {} ran: {}; nothing ran. Run `cargo schema seed --rerun-changed` to run {} again as {} now (its statements must not clash with the rows it added before), or `cargo schema reset --seed` to rebuild the database with the current seeds",
        if .0.len() == 1 { "a seed file" } else { "seed files" },
        if .0.len() == 1 { "it" } else { "they" },
        .0.iter().map(|c| format!("{} (recorded checksum {}, now {})", c.name, &c.recorded[..12.min(c.recorded.len())], &c.current[..12.min(c.current.len())])).collect::<Vec<_>>().join(", "),
        if .0.len() == 1 { "it" } else { "them" },
        if .0.len() == 1 { "it is" } else { "they are" },
    )]
    SeedsChanged(Vec<super::devdata::ChangedSeed>),
    /// A seed's SQL failed; its transaction was rolled back.
    #[error("seed `{name}` ({file}) failed: {source}; it was rolled back (on MySQL/MariaDB, DDL in it stays) and is not recorded, and the seeds after it did not run")]
    Seed {
        /// The seed.
        name: String,
        /// Its file.
        file: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A bookkeeping query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// An applied revision whose SQL changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecksumChange {
    /// Revision id.
    pub revision: String,
    /// Checksum recorded when it ran.
    pub recorded: String,
    /// Checksum of its SQL now.
    pub current: String,
}

impl From<PlanError> for MigrateError {
    fn from(e: PlanError) -> Self {
        MigrateError::Plan(Box::new(e))
    }
}

/// The cause of a failed connection, in words a person acts on.
fn connect_cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                "connection refused: no server listens there; check the host and port, and that the server runs".into()
            }
            std::io::ErrorKind::TimedOut => format!("timed out: {io}"),
            _ if io.to_string().contains("lookup") || io.to_string().contains("resolve") => {
                format!("the host name does not resolve: {io}")
            }
            _ if io.to_string().contains("certificate") || io.to_string().contains("tls") => {
                format!("TLS failed: {io}; check sslmode / sslrootcert (ssl-mode / ssl-ca on MySQL): verify-full also checks the host name against the certificate")
            }
            _ => io.to_string(),
        },
        sqlx::Error::Tls(tls) => format!("TLS failed: {tls}; check sslmode / sslrootcert (ssl-mode / ssl-ca on MySQL)"),
        sqlx::Error::Database(db) => format!("the server refused: {db}"),
        other => other.to_string(),
    }
}

impl std::fmt::Debug for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// A statement that gave up waiting for a lock on every attempt: see [`MigrateError::LockWait`].
#[derive(Debug, thiserror::Error)]
#[error(
    "revision `{revision}` waited for a lock at statement {index} of {total} and gave up after {attempts} attempt(s):\n    {statement}\n  {source}\n  {}nothing of the revision stays but what ran and is recorded; once that session is done, run again (a longer wait: --lock-timeout, or `lock_timeout` on the revision)",
    if holders.is_empty() { "the catalog names no session holding it; ".to_owned() } else { format!("held by {}; ", holders.join("; ")) }
)]
#[non_exhaustive]
pub struct LockWait {
    /// Revision id.
    pub revision: String,
    /// 1-based statement number.
    pub index: usize,
    /// Statements of the step.
    pub total: usize,
    /// The statement that waited.
    pub statement: String,
    /// How many times the step was tried.
    pub attempts: u32,
    /// The sessions holding the lock, as the catalog shows them.
    pub holders: Vec<String>,
    /// The database's error.
    #[source]
    pub source: sqlx::Error,
}

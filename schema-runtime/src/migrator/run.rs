//! Applying plans to a database: one transaction per revision where the dialect allows, the
//! version rows and the applied-log written in the same transaction as the revision.

use std::time::{Duration, Instant};

use super::plan::{Direction, PlanError, Step};
use super::version_table::LogRow;
use super::{Database, Migrator};
use crate::Dialect;

/// What went wrong while migrating.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The URL names no supported database.
    #[error("unsupported database URL `{0}`; use postgres://, sqlite: or mysql:// (mariadb://)")]
    UnsupportedUrl(String),
    /// The database cannot be reached.
    #[error("cannot connect to {url}: {source}")]
    Connect {
        /// URL without password.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
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
            "this database has no transactional DDL: the statements before it stay applied and the version table still names the previous revision; repair by hand, then run again"
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
    /// A bookkeeping query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<PlanError> for MigrateError {
    fn from(e: PlanError) -> Self {
        MigrateError::Plan(Box::new(e))
    }
}

/// A step that finished, as [`Migrator::upgrade`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedStep {
    /// Revision id.
    pub revision: String,
    /// Revision message.
    pub message: String,
    /// Up or down.
    pub direction: Direction,
    /// Wall time of the step.
    pub duration: Duration,
}

/// What the observer of a run hears about each step.
#[derive(Debug, Clone, Copy)]
pub enum StepEvent<'a> {
    /// The step is about to run.
    Started(&'a Step),
    /// The step finished.
    Finished(&'a Step, Duration),
}

/// One row of the applied-log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Revision id.
    pub revision: String,
    /// `up` or `down`.
    pub direction: String,
    /// SHA-256 of the step's SQL.
    pub checksum: String,
    /// UTC start time.
    pub started_at: String,
    /// Whether it succeeded.
    pub success: bool,
}

fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%d %H:%M:%S%.6f")
        .to_string()
}

impl Migrator {
    /// Connects to `url` and upgrades it to `head`: the one call an application makes at start-up.
    ///
    /// ```no_run
    /// # async fn start() -> Result<(), schema_runtime::MigrateError> {
    /// static MIGRATIONS: schema_runtime::Migrations = schema_runtime::Migrations::from_static(&[]);
    /// let migrator = schema_runtime::Migrator::from_migrations(&MIGRATIONS).expect("valid graph");
    /// migrator.run("sqlite:app.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn run(&self, url: &str) -> Result<Vec<AppliedStep>, MigrateError> {
        let mut db = Database::connect(url).await?;
        self.upgrade(&mut db, "head").await
    }

    /// The current version rows (empty when nothing was applied or the table does not exist).
    pub async fn current(&self, db: &mut Database) -> Result<Vec<String>, MigrateError> {
        if !db.table_exists(&self.version_table.version).await? {
            return Ok(Vec::new());
        }
        Ok(db
            .fetch_strings(&self.version_table.select_heads_sql(db.dialect()))
            .await?)
    }

    /// The applied-log, oldest first.
    pub async fn log(&self, db: &mut Database) -> Result<Vec<LogEntry>, MigrateError> {
        if !db.table_exists(&self.version_table.log).await? {
            return Ok(Vec::new());
        }
        let d = db.dialect();
        let sql = format!(
            "SELECT revision, direction, checksum, CAST(started_at AS {text}), CAST(success AS {text}) FROM {} ORDER BY id",
            d.quote(&self.version_table.log),
            text = if d == Dialect::Mysql { "CHAR" } else { "TEXT" },
        );
        let rows = db.fetch_rows(&sql, 5).await?;
        Ok(rows
            .into_iter()
            .map(|mut r| LogEntry {
                success: matches!(r[4].as_str(), "1" | "true" | "t"),
                started_at: std::mem::take(&mut r[3]),
                checksum: std::mem::take(&mut r[2]),
                direction: std::mem::take(&mut r[1]),
                revision: std::mem::take(&mut r[0]),
            })
            .collect())
    }

    /// Upgrades `db` to `target` (`head`, `heads`, a revision, `+N`).
    pub async fn upgrade(
        &self,
        db: &mut Database,
        target: &str,
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.upgrade_with(db, target, |_| {}).await
    }

    /// [`Migrator::upgrade`], telling `observe` about each step.
    pub async fn upgrade_with(
        &self,
        db: &mut Database,
        target: &str,
        observe: impl FnMut(StepEvent<'_>),
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.locked(db, Direction::Up, target, observe).await
    }

    /// Downgrades `db` to `target` (`base`, a revision, `-N`).
    pub async fn downgrade(
        &self,
        db: &mut Database,
        target: &str,
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.downgrade_with(db, target, |_| {}).await
    }

    /// [`Migrator::downgrade`], telling `observe` about each step.
    pub async fn downgrade_with(
        &self,
        db: &mut Database,
        target: &str,
        observe: impl FnMut(StepEvent<'_>),
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.locked(db, Direction::Down, target, observe).await
    }

    async fn locked(
        &self,
        db: &mut Database,
        direction: Direction,
        target: &str,
        observe: impl FnMut(StepEvent<'_>),
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        db.lock().await?;
        let result = self.migrate(db, direction, target, observe).await;
        let unlocked = db.unlock().await;
        let steps = result?;
        unlocked?;
        Ok(steps)
    }

    async fn migrate(
        &self,
        db: &mut Database,
        direction: Direction,
        target: &str,
        mut observe: impl FnMut(StepEvent<'_>),
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        let d = db.dialect();
        let current = self.current(db).await?;
        let steps = match direction {
            Direction::Up => self.plan_upgrade(d, &current, target)?,
            Direction::Down => self.plan_downgrade(d, &current, target)?,
        };
        if steps.is_empty() {
            return Ok(Vec::new());
        }
        for sql in self.version_table.create_sql(d) {
            db.execute(&sql).await?;
        }
        let mut done = Vec::with_capacity(steps.len());
        for step in &steps {
            observe(StepEvent::Started(step));
            let duration = self.apply_step(db, step).await?;
            observe(StepEvent::Finished(step, duration));
            done.push(AppliedStep {
                revision: step.revision.clone(),
                message: step.message.clone(),
                direction: step.direction,
                duration,
            });
        }
        Ok(done)
    }

    async fn apply_step(&self, db: &mut Database, step: &Step) -> Result<Duration, MigrateError> {
        let d = db.dialect();
        let begin = if d == Dialect::Sqlite {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN"
        };
        let started_at = now();
        let clock = Instant::now();
        // Where DDL is transactional the revision and its bookkeeping commit together.
        let in_transaction = step.transactional && d.transactional_ddl();
        // SQLite rebuilds copy rows between tables: foreign keys must not fire (an implicit
        // DELETE of the old table would cascade), and the pragma only works outside a transaction.
        let fk_off = step.foreign_keys_off && d == Dialect::Sqlite;
        if fk_off {
            db.execute("PRAGMA foreign_keys = OFF").await?;
        }
        let result = self
            .apply_statements(db, step, &started_at, clock, in_transaction, begin)
            .await;
        if fk_off {
            db.execute("PRAGMA foreign_keys = ON").await?;
        }
        result
    }

    async fn apply_statements(
        &self,
        db: &mut Database,
        step: &Step,
        started_at: &str,
        clock: Instant,
        in_transaction: bool,
        begin: &str,
    ) -> Result<Duration, MigrateError> {
        let d = db.dialect();
        if in_transaction {
            db.execute(begin).await?;
        }
        for (i, statement) in step.statements.iter().enumerate() {
            if let Err(source) = db.execute(statement).await {
                if in_transaction {
                    db.execute("ROLLBACK").await?;
                }
                let error = format!("statement {} of {}: {source}", i + 1, step.statements.len());
                let finished_at = now();
                let row = log_row(
                    step,
                    started_at,
                    &finished_at,
                    clock.elapsed(),
                    false,
                    Some(&error),
                );
                db.execute(&self.version_table.log_sql(d, &row)).await?;
                return Err(MigrateError::Statement {
                    revision: step.revision.clone(),
                    direction: step.direction,
                    index: i + 1,
                    total: step.statements.len(),
                    statement: statement.clone(),
                    source,
                    rolled_back: in_transaction,
                });
            }
        }
        if step.foreign_keys_off && d == Dialect::Sqlite {
            let violations = db.fetch_rows("PRAGMA foreign_key_check", 1).await?;
            if !violations.is_empty() {
                if in_transaction {
                    db.execute("ROLLBACK").await?;
                }
                let mut tables: Vec<String> = violations.into_iter().flatten().collect();
                tables.dedup();
                return Err(MigrateError::ForeignKeyCheck {
                    revision: step.revision.clone(),
                    tables,
                });
            }
        }
        if !in_transaction {
            db.execute(begin).await?;
        }
        let duration = clock.elapsed();
        let mut bookkeeping =
            self.version_table
                .update_sql(d, &step.heads_before, &step.heads_after);
        bookkeeping.push(
            self.version_table
                .log_sql(d, &log_row(step, started_at, &now(), duration, true, None)),
        );
        for sql in &bookkeeping {
            if let Err(e) = db.execute(sql).await {
                db.execute("ROLLBACK").await?;
                return Err(e.into());
            }
        }
        db.execute("COMMIT").await?;
        Ok(duration)
    }
}

fn log_row<'a>(
    step: &'a Step,
    started_at: &'a str,
    finished_at: &'a str,
    duration: Duration,
    success: bool,
    error: Option<&'a str>,
) -> LogRow<'a> {
    LogRow {
        revision: &step.revision,
        direction: step.direction.as_str(),
        checksum: &step.checksum,
        started_at,
        finished_at,
        duration_ms: i64::try_from(duration.as_millis()).unwrap_or(i64::MAX),
        success,
        error,
    }
}

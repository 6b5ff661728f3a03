//! Applying plans to a database: under a per-database lock, after checking that applied
//! revisions are unchanged and that no half-applied step is pending; one transaction per
//! revision where the dialect allows (or one for the whole run), with the version rows and the
//! applied-log written in the same transaction as the revision.

use std::time::{Duration, Instant};

use super::error::{LockWait, MigrateError};
use super::ledger::now;
use super::plan::{Direction, Step};
use super::progress::{failpoint, Recorded};
use super::version_table::LogRow;
use super::{Cancel, Database, Migrator};
use crate::dialect::bookkeeping::RebuildGuard;
use crate::graph::Target;
use crate::Dialect;

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
#[non_exhaustive]
pub enum StepEvent<'a> {
    /// The step is about to run.
    Started(&'a Step),
    /// The step finished.
    Finished(&'a Step, Duration),
    /// Statement `index` (0-based) of the step is about to run.
    Statement(&'a Step, usize),
    /// Something worth telling that is not an error.
    Notice(&'a str),
    /// The version rows the run starts from, read under the lock before anything is planned.
    Current(&'a [String]),
}

/// How a run applies its steps.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunOptions {
    /// One transaction for the whole run instead of one per revision.
    pub single_transaction: bool,
    /// How long to wait for another migrator's lock.
    pub lock_timeout: Duration,
    /// Stops the run at the next statement boundary when cancelled.
    pub cancel: Cancel,
    /// How long a statement may wait for a table lock before it gives up (PostgreSQL
    /// `lock_timeout`, MySQL/MariaDB `lock_wait_timeout`), so a migration never queues all
    /// traffic on a table behind a long transaction; `None`: the server's setting. A revision's
    /// own `lock_timeout` wins.
    pub ddl_lock_timeout: Option<Duration>,
    /// How long each statement may run (PostgreSQL `statement_timeout`); `None`: the server's
    /// setting. A revision's own `statement_timeout` wins.
    pub statement_timeout: Option<Duration>,
    /// How many times a step whose statement gave up waiting for a lock is tried again (after
    /// 1 s, 2 s, 4 s, ...) before the run stops, naming the sessions that hold the lock.
    pub lock_retries: u32,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            single_transaction: false,
            lock_timeout: Duration::from_secs(600),
            cancel: Cancel::new(),
            ddl_lock_timeout: None,
            statement_timeout: None,
            lock_retries: 3,
        }
    }
}

impl RunOptions {
    /// Statements wait at most `timeout` for a table lock (see [`RunOptions::ddl_lock_timeout`]).
    pub fn with_ddl_lock_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.ddl_lock_timeout = timeout;
        self
    }

    /// Each statement runs at most `timeout` (see [`RunOptions::statement_timeout`]).
    pub fn with_statement_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// Tries a step that gave up waiting for a lock `retries` more times.
    pub fn with_lock_retries(mut self, retries: u32) -> Self {
        self.lock_retries = retries;
        self
    }

    /// Stops the run at the next statement boundary once `cancel` is cancelled.
    pub fn with_cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = cancel;
        self
    }

    /// One transaction for the whole run instead of one per revision.
    pub fn with_single_transaction(mut self, single: bool) -> Self {
        self.single_transaction = single;
        self
    }

    /// How long to wait for another migrator's lock.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }
}

/// Where a run goes: a target as `upgrade` and `downgrade` take it, or one revision reverted.
#[derive(Debug, Clone, Copy)]
enum Goal<'a> {
    Target(&'a str),
    Revert(&'a str),
}

impl std::fmt::Display for Goal<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Goal::Target(target) => f.write_str(target),
            Goal::Revert(id) => write!(f, "revert {id}"),
        }
    }
}

/// Why a step did not apply.
pub(super) enum StepError {
    /// Another migrator moved the version table (SQLite, where the lock is per transaction).
    Moved,
    /// The run was cancelled at a statement boundary: the step was rolled back (`None`), or
    /// ran outside a transaction and stopped with this many statements run and recorded.
    Cancelled(Option<usize>),
    Failed(MigrateError),
}

impl From<MigrateError> for StepError {
    fn from(e: MigrateError) -> Self {
        StepError::Failed(e)
    }
}

impl From<sqlx::Error> for StepError {
    fn from(e: sqlx::Error) -> Self {
        StepError::Failed(e.into())
    }
}

impl Migrator {
    /// Connects to `url` and upgrades it to `head`: the one call an application makes at
    /// start-up (in the migrations' PostgreSQL schema, created if missing, when they name one).
    ///
    /// ```no_run
    /// # async fn start() -> Result<(), schema_runtime::MigrateError> {
    /// static MIGRATIONS: schema_runtime::Migrations = schema_runtime::Migrations::from_static(&[]);
    /// let migrator = schema_runtime::Migrator::from_migrations(&MIGRATIONS).expect("valid graph");
    /// migrator.run("sqlite:app.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn run(&self, url: &str) -> Result<Vec<AppliedStep>, MigrateError> {
        let options = super::ConnectOptions::default()
            .with_schema(self.schema_for(url).map(str::to_owned))
            .with_create_schema(true);
        let mut db = Database::connect_with(url, &options).await?;
        self.upgrade(&mut db, "head").await
    }

    /// Upgrades `db` to `target` (`head`, `heads`, a revision, `+N`, `LABEL@head`, ...).
    pub async fn upgrade(
        &self,
        db: &mut Database,
        target: &str,
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.migrate(db, Direction::Up, target, RunOptions::default(), |_| {})
            .await
    }

    /// Downgrades `db` to `target` (`base`, a revision, `-N`, `LABEL@base`, ...).
    pub async fn downgrade(
        &self,
        db: &mut Database,
        target: &str,
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.migrate(db, Direction::Down, target, RunOptions::default(), |_| {})
            .await
    }

    /// Moves `db` to `target` in `direction` with `options`, telling `observe` about each step.
    pub async fn migrate(
        &self,
        db: &mut Database,
        direction: Direction,
        target: &str,
        options: RunOptions,
        observe: impl FnMut(StepEvent<'_>),
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.lock_with(db, options.lock_timeout).await?;
        let result = self
            .migrate_locked(db, direction, Goal::Target(target), options, observe)
            .await;
        self.unlock(db, result).await
    }

    /// Reverts exactly revision `id` (an id or unique prefix), which must be applied with no
    /// applied revision building on it, whatever other branches are applied beside it.
    pub async fn revert(
        &self,
        db: &mut Database,
        id: &str,
        options: RunOptions,
        observe: impl FnMut(StepEvent<'_>),
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        self.lock_with(db, options.lock_timeout).await?;
        let result = self
            .migrate_locked(db, Direction::Down, Goal::Revert(id), options, observe)
            .await;
        self.unlock(db, result).await
    }

    /// Takes the per-database migration lock (PostgreSQL advisory lock polled with try-lock so a
    /// `CREATE INDEX CONCURRENTLY` never waits on a blocked migrator; MySQL `GET_LOCK`). SQLite
    /// serialises each step with an immediate write transaction instead.
    pub(super) async fn lock(&self, db: &mut Database) -> Result<(), MigrateError> {
        self.lock_with(db, RunOptions::default().lock_timeout).await
    }

    async fn lock_with(&self, db: &mut Database, timeout: Duration) -> Result<(), MigrateError> {
        // A wrapped MySQL-protocol connection learns its flavour before anything is planned.
        db.detect_flavour().await?;
        let clock = Instant::now();
        loop {
            if db.try_lock(timeout).await? {
                return Ok(());
            }
            if clock.elapsed() >= timeout {
                return Err(MigrateError::LockTimeout {
                    seconds: timeout.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Releases the lock, keeping the first error.
    pub(super) async fn unlock<T>(
        &self,
        db: &mut Database,
        result: Result<T, MigrateError>,
    ) -> Result<T, MigrateError> {
        let unlocked = db.unlock().await;
        let value = result?;
        unlocked?;
        Ok(value)
    }

    pub(super) async fn ensure_tables(&self, db: &mut Database) -> Result<(), MigrateError> {
        for sql in self.version_table.create_sql(db.dialect()) {
            db.execute(&sql).await?;
        }
        Ok(())
    }

    fn plan(
        &self,
        d: Dialect,
        direction: Direction,
        current: &[String],
        goal: Goal<'_>,
    ) -> Result<Vec<Step>, MigrateError> {
        let goal_key = match goal {
            Goal::Target(target) => target.to_owned(),
            Goal::Revert(id) => format!("revert {id}"),
        };
        self.cached_plan((d, direction, current, &goal_key), || {
            Ok(match (goal, direction) {
                (Goal::Target(target), Direction::Up) => self.plan_upgrade(d, current, target)?,
                (Goal::Target(target), Direction::Down) => {
                    self.plan_downgrade(d, current, target)?
                }
                (Goal::Revert(id), _) => self.plan_revert(d, current, id)?,
            })
        })
    }

    async fn migrate_locked(
        &self,
        db: &mut Database,
        direction: Direction,
        goal: Goal<'_>,
        options: RunOptions,
        mut observe: impl FnMut(StepEvent<'_>),
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        let d = db.dialect();
        let current = self.current(db).await?;
        observe(StepEvent::Current(&current));
        self.check_version_rows(&current)?;
        let mut steps = self.plan(d, direction, &current, goal)?;
        if steps.is_empty() {
            // Nothing to run, but an applied revision edited since is still an error: an edit
            // noticed only once something is pending would surface at the worst moment.
            if !current.is_empty() {
                let log = self.log(db).await?;
                let verified = self.verify_checksums(d, &current, &log)?;
                if !verified.changed.is_empty() {
                    return Err(MigrateError::ChecksumMismatch(verified.changed));
                }
                if !verified.rehash.is_empty() {
                    self.record_rehash(db, &verified.rehash).await?;
                }
                for notice in &verified.notices {
                    observe(StepEvent::Notice(notice));
                }
            }
            return Ok(Vec::new());
        }
        if options.single_transaction {
            Self::check_single_transaction(d, &steps)?;
        }
        self.ensure_tables(db).await?;
        let log = self.log(db).await?;
        let mut resume = self.resume_point(db, &steps).await?;
        if resume.is_none() {
            if let Some(failure) = self.unresolved_failure(d, &current, &log) {
                return Err(failure);
            }
        }
        let verified = self.verify_checksums(d, &current, &log)?;
        if !verified.changed.is_empty() {
            return Err(MigrateError::ChecksumMismatch(verified.changed));
        }
        self.record_rehash(db, &verified.rehash).await?;
        for notice in &verified.notices {
            observe(StepEvent::Notice(notice));
        }
        if options.single_transaction {
            return self
                .apply_in_one_transaction(db, &steps, observe, &options.cancel)
                .await;
        }
        let relative = match goal {
            Goal::Target(target) => matches!(
                Target::parse(target),
                Ok(Target::Relative(_) | Target::FromRevision(..))
            ),
            Goal::Revert(_) => true,
        };
        let mut done = Vec::with_capacity(steps.len());
        let mut i = 0;
        // The bounds the session has now: the server's until a step asks for others.
        let mut session_bounds = (None, None);
        let mut attempts = 0;
        while i < steps.len() {
            let step = &steps[i];
            if options.cancel.is_cancelled() {
                return Err(cancelled(&done, &steps[i..], Stop::Between));
            }
            let bounds = (
                step.lock_timeout.or(options.ddl_lock_timeout),
                step.statement_timeout.or(options.statement_timeout),
            );
            if bounds != session_bounds {
                for sql in d.bookkeeping().timeouts_sql(bounds.0, bounds.1) {
                    db.execute(&sql).await?;
                }
                // The server ends a slow statement first; the client's bound stays behind it.
                db.set_statement_bound(bounds.1.map(|t| t + Duration::from_secs(5)));
                session_bounds = bounds;
            }
            observe(StepEvent::Started(step));
            tracing::info!(
                revision = %step.revision,
                direction = step.direction.as_str(),
                statements = step.statements.len(),
                "applying a revision"
            );
            match self
                .apply_step(db, step, resume.take(), &options.cancel, &mut observe)
                .await
            {
                Ok(duration) => {
                    attempts = 0;
                    tracing::info!(
                        revision = %step.revision,
                        direction = step.direction.as_str(),
                        statements = step.statements.len(),
                        duration_ms = duration.as_secs_f64() * 1000.0,
                        "revision applied"
                    );
                    observe(StepEvent::Finished(step, duration));
                    done.push(AppliedStep {
                        revision: step.revision.clone(),
                        message: step.message.clone(),
                        direction: step.direction,
                        duration,
                    });
                    i += 1;
                }
                // Another process applied steps meanwhile: plan again from where it left the database.
                Err(StepError::Moved) if relative => {
                    return Err(MigrateError::Concurrent {
                        target: goal.to_string(),
                    })
                }
                Err(StepError::Moved) => {
                    let current = self.current(db).await?;
                    steps = self.plan(d, direction, &current, goal)?;
                    i = 0;
                }
                Err(StepError::Cancelled(stopped)) => {
                    let stop = stopped.map_or(Stop::RolledBack, Stop::PartWay);
                    return Err(cancelled(&done, &steps[i..], stop));
                }
                Err(StepError::Failed(e)) if waited_for_a_lock(&e) => {
                    let holders = self.lock_holders(db, step, &e).await;
                    if attempts < options.lock_retries {
                        attempts += 1;
                        let pause = Duration::from_secs(1 << (attempts - 1).min(5));
                        let notice = format!(
                            "revision `{}` gave up waiting for a lock{}; trying again in {} s ({attempts} of {})",
                            step.revision,
                            holders_text(&holders),
                            pause.as_secs(),
                            options.lock_retries
                        );
                        tracing::warn!(revision = %step.revision, attempt = attempts, "{notice}");
                        observe(StepEvent::Notice(&notice));
                        tokio::time::sleep(pause).await;
                        // Outside a transaction the step resumes at the statement that waited.
                        resume = self.resume_point(db, &steps[i..]).await?;
                        continue;
                    }
                    let MigrateError::Statement {
                        revision,
                        index,
                        total,
                        statement,
                        source,
                        ..
                    } = e
                    else {
                        return Err(e);
                    };
                    return Err(MigrateError::LockWait(Box::new(LockWait {
                        revision,
                        index,
                        total,
                        statement,
                        attempts: attempts + 1,
                        holders,
                        source,
                    })));
                }
                Err(StepError::Failed(e)) => {
                    tracing::error!(revision = %step.revision, direction = step.direction.as_str(), error = %e, "revision failed");
                    return Err(e);
                }
            }
        }
        Ok(done)
    }

    async fn apply_step(
        &self,
        db: &mut Database,
        step: &Step,
        resume: Option<usize>,
        cancel: &Cancel,
        observe: &mut dyn FnMut(StepEvent<'_>),
    ) -> Result<Duration, StepError> {
        // Table rebuilds copy rows between tables: foreign keys must not fire (an implicit
        // DELETE of the old table would cascade), and the switch only works outside a transaction.
        let guard = rebuild_guard(db.dialect(), std::slice::from_ref(step));
        if let Some(guard) = guard {
            db.execute(guard.off).await?;
        }
        let result = self
            .apply_statements(db, step, resume, cancel, observe)
            .await;
        if let Some(guard) = guard {
            db.execute(guard.on).await?;
        }
        result
    }

    /// `BEGIN`, and where the transaction is the lock (SQLite) the check that nobody moved the
    /// version rows since the plan.
    async fn begin(&self, db: &mut Database, step: &Step) -> Result<(), StepError> {
        let bookkeeping = db.dialect().bookkeeping();
        db.execute(bookkeeping.begin_sql()).await?;
        if !bookkeeping.transaction_is_lock() {
            return Ok(());
        }
        let mut now = self.current(db).await?;
        let mut expected = step.heads_before.clone();
        now.sort();
        expected.sort();
        if now != expected {
            db.execute("ROLLBACK").await?;
            return Err(StepError::Moved);
        }
        Ok(())
    }

    async fn apply_statements(
        &self,
        db: &mut Database,
        step: &Step,
        resume: Option<usize>,
        cancel: &Cancel,
        observe: &mut dyn FnMut(StepEvent<'_>),
    ) -> Result<Duration, StepError> {
        let d = db.dialect();
        let started_at = now();
        let clock = Instant::now();
        // Where DDL is transactional the revision and its bookkeeping commit together;
        // elsewhere each statement's progress is recorded as it runs.
        let in_transaction = d.runs_in_transaction(step.transactional);
        if in_transaction {
            self.begin(db, step).await?;
            self.run_statements(db, step, &started_at, clock, cancel, observe)
                .await?;
            if let Err(e) = self.check_foreign_keys(db, step).await {
                db.execute("ROLLBACK").await?;
                return Err(StepError::Failed(e));
            }
        } else {
            self.run_tracked(db, step, resume, &started_at, clock, cancel, observe)
                .await?;
        }
        // A step that ran outside a transaction records itself in one: where the transaction
        // is the lock, behind it and its check, elsewhere a `BEGIN` sent with the bookkeeping.
        let transaction_is_lock = d.bookkeeping().transaction_is_lock();
        let begin = !in_transaction && !transaction_is_lock;
        if !in_transaction && transaction_is_lock {
            self.begin(db, step).await?;
        }
        let duration = clock.elapsed();
        let record = Record {
            begin,
            commit: true,
            progress: !in_transaction,
        };
        self.record_success(db, step, &started_at, duration, record)
            .await?;
        Ok(duration)
    }

    /// Runs the step's statements inside its transaction; on a failure rolls back, records the
    /// failure in the applied-log and names the statement.
    async fn run_statements(
        &self,
        db: &mut Database,
        step: &Step,
        started_at: &str,
        clock: Instant,
        cancel: &Cancel,
        observe: &mut dyn FnMut(StepEvent<'_>),
    ) -> Result<(), StepError> {
        for (i, statement) in step.statements.iter().enumerate() {
            if cancel.is_cancelled() {
                db.execute("ROLLBACK").await?;
                return Err(StepError::Cancelled(None));
            }
            failpoint("before a statement");
            observe(StepEvent::Statement(step, i));
            tracing::debug!(revision = %step.revision, statement = i + 1, sql = %statement, "running a statement");
            let Err(source) = db.execute(statement).await else {
                continue;
            };
            db.execute("ROLLBACK").await?;
            return Err(StepError::Failed(
                self.record_failure(db, step, i, &source, started_at, clock, true)
                    .await?
                    .into_error(source),
            ));
        }
        Ok(())
    }

    /// Writes the applied-log row of statement `i` of `step` failing with `source`.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn record_failure(
        &self,
        db: &mut Database,
        step: &Step,
        i: usize,
        source: &sqlx::Error,
        started_at: &str,
        clock: Instant,
        rolled_back: bool,
    ) -> Result<Recorded, MigrateError> {
        let total = step.statements.len();
        let statement = &step.statements[i];
        let error = format!(
            "statement {} of {total} `{}`: {source}",
            i + 1,
            excerpt(statement)
        );
        let finished_at = now();
        let row = log_row(
            step,
            started_at,
            &finished_at,
            clock.elapsed(),
            false,
            Some(&error),
        );
        db.execute(&self.version_table.log_sql(db.dialect(), &row))
            .await?;
        Ok(Recorded {
            revision: step.revision.clone(),
            direction: step.direction,
            index: i + 1,
            total,
            statement: statement.clone(),
            rolled_back,
        })
    }

    /// The version rows and the applied-log row of a step that ran, inside its transaction, sent
    /// as one batch with the `COMMIT` (one round trip instead of three per revision).
    async fn record_success(
        &self,
        db: &mut Database,
        step: &Step,
        started_at: &str,
        duration: Duration,
        record: Record,
    ) -> Result<(), MigrateError> {
        let d = db.dialect();
        let mut batch = Vec::with_capacity(6);
        if record.begin {
            batch.push("BEGIN".to_owned());
        }
        batch.extend(
            self.version_table
                .update_sql(d, &step.heads_before, &step.heads_after),
        );
        batch.push(
            self.version_table
                .log_sql(d, &log_row(step, started_at, &now(), duration, true, None)),
        );
        if step.direction == Direction::Up {
            batch.push(
                self.version_table
                    .ops_insert_sql(d, &step.checksum, &step.canonical),
            );
        }
        if record.progress {
            batch.push(self.version_table.progress_delete_sql(d, &step.revision));
        }
        if record.commit {
            batch.push("COMMIT".to_owned());
        }
        failpoint("before the bookkeeping of a step");
        let sent = db.execute(&batch.join(";\n")).await;
        failpoint("after the bookkeeping of a step");
        if let Err(e) = sent {
            // The batch stops at its first error. The transaction may still be open (SQLite keeps
            // it after a failed COMMIT) or already gone (PostgreSQL): roll back either way, and
            // report the error that stopped the batch.
            let _ = db.execute("ROLLBACK").await;
            return Err(e.into());
        }
        Ok(())
    }

    async fn check_foreign_keys(&self, db: &mut Database, step: &Step) -> Result<(), MigrateError> {
        let Some(guard) = rebuild_guard(db.dialect(), std::slice::from_ref(step)) else {
            return Ok(());
        };
        let mut tables: Vec<String> = db
            .fetch_rows(guard.check, 1)
            .await?
            .into_iter()
            .flatten()
            .collect();
        if tables.is_empty() {
            return Ok(());
        }
        tables.dedup();
        Err(MigrateError::ForeignKeyCheck {
            revision: step.revision.clone(),
            tables,
        })
    }

    /// Every step and its bookkeeping in one transaction: all or nothing.
    async fn apply_in_one_transaction(
        &self,
        db: &mut Database,
        steps: &[Step],
        mut observe: impl FnMut(StepEvent<'_>),
        cancel: &Cancel,
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        let d = db.dialect();
        Self::check_single_transaction(d, steps)?;
        let guard = rebuild_guard(d, steps);
        if let Some(guard) = guard {
            db.execute(guard.off).await?;
        }
        let result = self.apply_all(db, steps, &mut observe, cancel).await;
        if let Some(guard) = guard {
            db.execute(guard.on).await?;
        }
        result
    }

    fn check_single_transaction(d: Dialect, steps: &[Step]) -> Result<(), MigrateError> {
        if !d.transactional_ddl() {
            return Err(MigrateError::SingleTransaction(format!(
                "{d} commits DDL statement by statement, so a run cannot be one transaction; run without it"
            )));
        }
        if let Some(step) = steps.iter().find(|s| !s.transactional) {
            return Err(MigrateError::SingleTransaction(format!(
                "revision `{}` must run outside any transaction; run without --single-transaction",
                step.revision
            )));
        }
        Ok(())
    }

    async fn apply_all(
        &self,
        db: &mut Database,
        steps: &[Step],
        observe: &mut impl FnMut(StepEvent<'_>),
        cancel: &Cancel,
    ) -> Result<Vec<AppliedStep>, MigrateError> {
        match self.begin(db, &steps[0]).await {
            Ok(()) => {}
            Err(StepError::Cancelled(_)) => return Err(cancelled(&[], steps, Stop::Between)),
            Err(StepError::Moved) => {
                return Err(MigrateError::Concurrent {
                    target: "the run".into(),
                })
            }
            Err(StepError::Failed(e)) => return Err(e),
        }
        let mut done = Vec::with_capacity(steps.len());
        for step in steps {
            observe(StepEvent::Started(step));
            let started_at = now();
            let clock = Instant::now();
            match self
                .run_statements(db, step, &started_at, clock, cancel, observe)
                .await
            {
                Ok(()) => {}
                // The whole run was one transaction: nothing of it stays.
                Err(StepError::Cancelled(_)) => {
                    return Err(cancelled(&[], steps, Stop::RolledBack))
                }
                Err(StepError::Failed(e)) => return Err(e),
                Err(StepError::Moved) => {
                    return Err(MigrateError::Concurrent {
                        target: "the run".into(),
                    })
                }
            }
            let duration = clock.elapsed();
            let record = Record {
                begin: false,
                commit: false,
                progress: false,
            };
            self.record_success(db, step, &started_at, duration, record)
                .await?;
            observe(StepEvent::Finished(step, duration));
            done.push(AppliedStep {
                revision: step.revision.clone(),
                message: step.message.clone(),
                direction: step.direction,
                duration,
            });
        }
        if let Some(step) = steps.iter().find(|s| s.foreign_keys_off) {
            if let Err(e) = self.check_foreign_keys(db, step).await {
                db.execute("ROLLBACK").await?;
                return Err(e);
            }
        }
        db.execute("COMMIT").await?;
        Ok(done)
    }
}

/// Whether `e` is a statement that gave up waiting for a lock.
fn waited_for_a_lock(e: &MigrateError) -> bool {
    matches!(e, MigrateError::Statement { source, .. } if super::database::is_lock_timeout(source))
}

/// `: held by ...` for a message, or nothing when the catalog named no one.
fn holders_text(holders: &[String]) -> String {
    if holders.is_empty() {
        String::new()
    } else {
        format!(" (held by {})", holders.join("; "))
    }
}

impl Migrator {
    /// The sessions holding locks the failed statement of `step` waited for, as the catalog
    /// shows them (nothing where it cannot tell).
    async fn lock_holders(&self, db: &mut Database, step: &Step, e: &MigrateError) -> Vec<String> {
        let MigrateError::Statement { index, .. } = e else {
            return Vec::new();
        };
        let table = self.table_of_statement(db.dialect(), step, index - 1);
        let Some(sql) = db
            .dialect()
            .bookkeeping()
            .lock_holders_sql(table.as_deref())
        else {
            return Vec::new();
        };
        db.fetch_strings(&sql).await.unwrap_or_default()
    }
}

/// Where a cancelled run stopped.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// Between two steps.
    Between,
    /// Inside the first remaining step, which was rolled back.
    RolledBack,
    /// Inside the first remaining step, outside a transaction, after this many statements.
    PartWay(usize),
}

/// The error of a run cancelled before `remaining[0]` finished.
fn cancelled(applied: &[AppliedStep], remaining: &[Step], stop: Stop) -> MigrateError {
    let first = remaining.first();
    MigrateError::Cancelled {
        applied: applied.iter().map(|s| s.revision.clone()).collect(),
        part_way: match stop {
            Stop::PartWay(done) => first.map(|s| (s.revision.clone(), done, s.statements.len())),
            Stop::Between | Stop::RolledBack => None,
        },
        rolled_back: match stop {
            Stop::RolledBack => first.map(|s| s.revision.clone()),
            Stop::Between | Stop::PartWay(_) => None,
        },
        remaining: remaining.iter().map(|s| s.revision.clone()).collect(),
    }
}

/// The guard around table rebuilds, when any of `steps` rebuilds a table on a dialect that needs one.
fn rebuild_guard(d: Dialect, steps: &[Step]) -> Option<RebuildGuard> {
    if steps.iter().any(|s| s.foreign_keys_off) {
        d.bookkeeping().rebuild_guard()
    } else {
        None
    }
}

/// What [`Migrator::record_success`] sends around the bookkeeping.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// Open the transaction first (the step ran outside one).
    begin: bool,
    /// Commit after it (one transaction per revision).
    commit: bool,
    /// Remove the step's progress row (it ran outside a transaction).
    progress: bool,
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

/// One line of at most 300 characters of `sql`, for the applied-log.
fn excerpt(sql: &str) -> String {
    let line: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(300) {
        Some((at, _)) => format!("{}...", &line[..at]),
        None => line,
    }
}

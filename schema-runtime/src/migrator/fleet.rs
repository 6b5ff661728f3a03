//! Many databases and PostgreSQL schemas in one run: a fleet of targets (a database per tenant,
//! a schema per tenant, the shards of one service).
//!
//! One plan serves every target in the same state (the migrator's plan cache), a bounded
//! number of targets run at a time, each under its own lock and transaction rules exactly as a
//! single run, and a failure on one target is reported without stopping the others.
//!
//! ```no_run
//! # async fn start() -> Result<(), Box<dyn std::error::Error>> {
//! use schema_runtime::migrator::{FleetOptions, FleetTarget};
//! static MIGRATIONS: schema_runtime::Migrations = schema_runtime::Migrations::from_static(&[]);
//! let migrator = schema_runtime::Migrator::from_migrations(&MIGRATIONS)?;
//! let tenants: Vec<FleetTarget> = ["acme", "globex"]
//!     .iter()
//!     .map(|t| FleetTarget::new("postgres://app@db/app").in_schema(*t))
//!     .collect();
//! let reports = migrator
//!     .upgrade_fleet(&tenants, &FleetOptions::default(), |report| {
//!         println!("{}: {:?} -> {:?}", report.target, report.from, report.to);
//!     })
//!     .await;
//! assert!(reports.iter().all(|r| r.error.is_none()));
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};

use super::database::{endpoint, redact};
use super::{
    AppliedStep, ConnectOptions, Database, Direction, MigrateError, Migrator, RunOptions, StepEvent,
};

/// One database (and, on PostgreSQL, one schema in it) of a fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetTarget {
    /// Its URL.
    pub url: String,
    /// PostgreSQL: the schema to work in (`None`: the migrations' own, else the server's
    /// default).
    pub schema: Option<String>,
}

impl FleetTarget {
    /// The database at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        FleetTarget {
            url: url.into(),
            schema: None,
        }
    }

    /// The same database, schema `schema` (PostgreSQL).
    pub fn in_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }
}

/// `host:port/database` (the file, for SQLite), and the schema: no password, short enough for
/// a table.
///
/// ```
/// use schema_runtime::migrator::FleetTarget;
/// let t = FleetTarget::new("postgres://app:secret@db:5433/app?sslmode=require").in_schema("acme");
/// assert_eq!(t.to_string(), "db:5433/app schema acme");
/// assert_eq!(FleetTarget::new("sqlite:tenants/a.db").to_string(), "tenants/a.db");
/// ```
impl fmt::Display for FleetTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = endpoint(&self.url);
        match self.url.split_once("://") {
            Some((_, rest)) => {
                let database = rest
                    .split('?')
                    .next()
                    .and_then(|r| r.split_once('/'))
                    .map_or("", |(_, db)| db);
                write!(f, "{host}/{database}")?;
            }
            None => f.write_str(&host)?,
        }
        if let Some(schema) = &self.schema {
            write!(f, " schema {schema}")?;
        }
        Ok(())
    }
}

/// How a fleet runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FleetOptions {
    /// Targets under way at a time (at least 1).
    pub jobs: usize,
    /// Start no further target once one has failed (those not started are reported skipped).
    pub fail_fast: bool,
    /// How each target is connected to (its schema comes from the target).
    pub connect: ConnectOptions,
    /// How each target's steps run (one [`Cancel`](super::Cancel) stops every target).
    pub run: RunOptions,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            jobs: 4,
            fail_fast: false,
            connect: ConnectOptions::default(),
            run: RunOptions::default(),
        }
    }
}

impl FleetOptions {
    /// At most `jobs` targets at a time.
    pub fn with_jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// Stop starting targets after the first failure.
    pub fn with_fail_fast(mut self, fail_fast: bool) -> Self {
        self.fail_fast = fail_fast;
        self
    }

    /// Connect each target with `connect`.
    pub fn with_connect(mut self, connect: ConnectOptions) -> Self {
        self.connect = connect;
        self
    }

    /// Run each target's steps with `run`.
    pub fn with_run(mut self, run: RunOptions) -> Self {
        self.run = run;
        self
    }
}

/// How one target of a fleet ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetOutcome {
    /// Already where the run goes: nothing ran.
    Unchanged,
    /// Steps ran and the target is where the run goes.
    Migrated,
    /// The target failed (its error says why); steps before the failure stay applied.
    Failed,
    /// Not started: an earlier target failed under `fail_fast`.
    Skipped,
}

impl TargetOutcome {
    /// `unchanged`, `migrated`, `failed`, `skipped`.
    pub fn name(self) -> &'static str {
        match self {
            TargetOutcome::Unchanged => "unchanged",
            TargetOutcome::Migrated => "migrated",
            TargetOutcome::Failed => "failed",
            TargetOutcome::Skipped => "skipped",
        }
    }
}

/// What happened on one target.
#[derive(Debug)]
pub struct TargetReport {
    /// The target.
    pub target: FleetTarget,
    /// Its heads before the run (as the run read them under its lock); `None` when they could
    /// not be read (the target failed before).
    pub from: Option<Vec<String>>,
    /// Its heads after the run (empty when it could not be read).
    pub to: Vec<String>,
    /// The steps that ran.
    pub applied: Vec<AppliedStep>,
    /// Wall time on this target, connecting included.
    pub duration: Duration,
    /// How it ended.
    pub outcome: TargetOutcome,
    /// Why it failed.
    pub error: Option<MigrateError>,
}

/// Runs `work` on every target, at most `jobs` at a time, and hands each result to `done` as it
/// comes (in completion order); returns the results in the targets' order, `None` for those
/// skipped after a failure under `fail_fast`. A failure never stops the other targets.
pub async fn for_each_target<'a, T, E, F, Fut>(
    targets: &'a [FleetTarget],
    jobs: usize,
    fail_fast: bool,
    work: F,
    mut done: impl FnMut(&FleetTarget, &Result<T, E>, Duration),
) -> Vec<Option<(Result<T, E>, Duration)>>
where
    F: Fn(&'a FleetTarget) -> Fut,
    Fut: std::future::Future<Output = Result<T, E>> + 'a,
{
    let failed = AtomicBool::new(false);
    let failed = &failed;
    let work = &work;
    let mut results: Vec<Option<(Result<T, E>, Duration)>> = targets.iter().map(|_| None).collect();
    let mut finished = stream::iter(targets.iter().enumerate())
        .map(|(i, target)| async move {
            if fail_fast && failed.load(Ordering::SeqCst) {
                return (i, None);
            }
            let clock = Instant::now();
            let result = work(target).await;
            if result.is_err() {
                failed.store(true, Ordering::SeqCst);
            }
            (i, Some((result, clock.elapsed())))
        })
        .buffer_unordered(jobs.max(1));
    while let Some((i, result)) = finished.next().await {
        if let Some((result, duration)) = &result {
            done(&targets[i], result, *duration);
        }
        results[i] = result;
    }
    results
}

/// Reads a fleet file: one URL per line; blank lines and `#` comments skipped; `${VAR}` is
/// replaced by the environment variable `VAR`, so no secret sits in the file. A line may end
/// with ` schema=NAME` to name a PostgreSQL schema.
///
/// ```
/// use schema_runtime::migrator::parse_targets;
/// std::env::set_var("TENANT_B_PASSWORD", "s3cret");
/// let targets = parse_targets(
///     "# tenants\nsqlite:a.db\n\npostgres://b:${TENANT_B_PASSWORD}@db/b  # EU\npostgres://db/c schema=acme\n",
///     "fleet.txt",
/// ).unwrap();
/// assert_eq!(targets[1].url, "postgres://b:s3cret@db/b");
/// assert_eq!(targets[2].schema.as_deref(), Some("acme"));
/// assert!(parse_targets("postgres://${NOPE_NOT_SET}@db/x", "fleet.txt").unwrap_err().contains("fleet.txt:1"));
/// ```
pub fn parse_targets(text: &str, origin: &str) -> Result<Vec<FleetTarget>, String> {
    let mut targets = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = match line.find(" #").or_else(|| line.find("\t#")) {
            Some(at) => &line[..at],
            None => line,
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |problem: String| format!("{origin}:{}: {problem}", n + 1);
        let mut words = line.split_whitespace();
        let url = expand_env(words.next().unwrap_or_default()).map_err(at)?;
        let mut target = FleetTarget::new(url);
        for word in words {
            match word.strip_prefix("schema=") {
                Some(schema) if !schema.is_empty() => target.schema = Some(schema.to_owned()),
                _ => {
                    return Err(at(format!(
                        "`{word}` after the URL: only `schema=NAME` may follow it"
                    )))
                }
            }
        }
        targets.push(target);
    }
    Ok(targets)
}

/// Reads the fleet file at `path` (see [`parse_targets`]).
pub fn read_targets(path: &Path) -> Result<Vec<FleetTarget>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the fleet file {}: {e}", path.display()))?;
    let targets = parse_targets(&text, &path.display().to_string())?;
    if targets.is_empty() {
        return Err(format!(
            "the fleet file {} names no database: write one URL per line",
            path.display()
        ));
    }
    Ok(targets)
}

/// `${VAR}` replaced from the environment.
fn expand_env(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("`${{` without its `}}` in `{}`", redact(text)));
        };
        let name = &after[..end];
        match std::env::var(name) {
            Ok(value) => out.push_str(&value),
            Err(_) => {
                return Err(format!(
                    "the environment variable `{name}` is not set (the URL `{}` uses it)",
                    redact(text)
                ))
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The PostgreSQL schemas of the database at `url` that `patterns` name: a glob pattern
/// (`tenant_*`) matches existing schemas; a plain name is taken as is (an upgrade creates it).
/// System schemas (`pg_*`, `information_schema`) never match.
pub async fn schemas_matching(
    url: &str,
    patterns: &[String],
    connect: &ConnectOptions,
) -> Result<Vec<String>, MigrateError> {
    let options = ConnectOptions {
        schema: None,
        ..connect.clone()
    };
    let mut db = Database::connect_with(url, &options).await?;
    if db.dialect() != crate::Dialect::Postgres {
        return Err(MigrateError::Usage(format!(
            "--schemas is PostgreSQL's: {} is {}, whose schemas are databases (list their URLs with --databases)",
            redact(url),
            db.dialect().name()
        )));
    }
    let existing = db
        .fetch_strings(
            "SELECT CAST(nspname AS TEXT) FROM pg_catalog.pg_namespace \
             WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1",
        )
        .await?;
    let _ = db.close().await;
    let mut chosen: Vec<String> = Vec::new();
    for pattern in patterns {
        if pattern.contains(['*', '?', '[']) {
            let glob = glob::Pattern::new(pattern).map_err(|e| {
                MigrateError::Usage(format!("--schemas `{pattern}` is not a glob pattern: {e}"))
            })?;
            let matched: Vec<&String> = existing.iter().filter(|s| glob.matches(s)).collect();
            if matched.is_empty() {
                return Err(MigrateError::Usage(format!(
                    "no schema of {} matches `{pattern}`",
                    redact(url)
                )));
            }
            chosen.extend(matched.into_iter().cloned());
        } else {
            chosen.push(pattern.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    chosen.retain(|s| seen.insert(s.clone()));
    Ok(chosen)
}

impl Migrator {
    /// Upgrades every target to `head` (see [`Migrator::migrate_fleet`]).
    pub async fn upgrade_fleet(
        &self,
        targets: &[FleetTarget],
        options: &FleetOptions,
        on_report: impl FnMut(&TargetReport),
    ) -> Vec<TargetReport> {
        self.migrate_fleet(targets, Direction::Up, "head", options, on_report)
            .await
    }

    /// Moves every target to `goal` in `direction`, `options.jobs` at a time, each exactly as
    /// [`Migrator::migrate`] would (its own connection, lock, transactions and checks), with
    /// one plan per distinct state of the targets. Every target gets a report, handed to
    /// `on_report` as it finishes (completion order) and returned in the targets' order; a
    /// failed target does not stop the others (unless `fail_fast`).
    pub async fn migrate_fleet(
        &self,
        targets: &[FleetTarget],
        direction: Direction,
        goal: &str,
        options: &FleetOptions,
        mut on_report: impl FnMut(&TargetReport),
    ) -> Vec<TargetReport> {
        let cached;
        let migrator = if self.plans.is_some() {
            self
        } else {
            cached = self.clone().with_plan_cache();
            &cached
        };
        let on_report = std::cell::RefCell::new(&mut on_report);
        let results = for_each_target(
            targets,
            options.jobs,
            options.fail_fast,
            |target| migrator.migrate_one(target, direction, goal, options),
            |_, result, _| {
                let (Ok(report) | Err(report)) = result;
                (on_report.borrow_mut())(report);
            },
        )
        .await;
        targets
            .iter()
            .zip(results)
            .map(|(target, result)| match result {
                Some((Ok(report) | Err(report), _)) => report,
                None => {
                    let report = TargetReport {
                        target: target.clone(),
                        from: None,
                        to: Vec::new(),
                        applied: Vec::new(),
                        duration: Duration::ZERO,
                        outcome: TargetOutcome::Skipped,
                        error: None,
                    };
                    (on_report.borrow_mut())(&report);
                    report
                }
            })
            .collect()
    }

    /// One target of a fleet: connect (creating its schema on the way up), read where it is,
    /// migrate, read where it ended.
    async fn migrate_one(
        &self,
        target: &FleetTarget,
        direction: Direction,
        goal: &str,
        options: &FleetOptions,
    ) -> Result<TargetReport, TargetReport> {
        let clock = Instant::now();
        let mut from = None;
        let connect = ConnectOptions {
            schema: (target.schema.as_deref())
                .or_else(|| self.schema_for(&target.url))
                .map(str::to_owned),
            create_schema: direction == Direction::Up,
            ..options.connect.clone()
        };
        let mut to: Option<Vec<String>> = None;
        let result = async {
            let mut db = Database::connect_with(&target.url, &connect).await?;
            // Where it starts and ends, as the run itself reads and moves the version rows:
            // no query of its own.
            let observe = |event: StepEvent<'_>| match event {
                StepEvent::Current(heads) if from.is_none() => from = Some(heads.to_vec()),
                StepEvent::Finished(step, _) => to = Some(step.heads_after.clone()),
                _ => {}
            };
            let moved = self
                .migrate(&mut db, direction, goal, options.run.clone(), observe)
                .await;
            let _ = db.close().await;
            moved
        }
        .await;
        let mut report = TargetReport {
            target: target.clone(),
            from,
            to: Vec::new(),
            applied: Vec::new(),
            duration: Duration::ZERO,
            outcome: TargetOutcome::Failed,
            error: None,
        };
        report.duration = clock.elapsed();
        match result {
            Ok(applied) => {
                let to = to.or_else(|| report.from.clone()).unwrap_or_default();
                report.outcome = if applied.is_empty() {
                    TargetOutcome::Unchanged
                } else {
                    TargetOutcome::Migrated
                };
                report.applied = applied;
                report.to = to;
                Ok(report)
            }
            Err(error) => {
                report.error = Some(error);
                Err(report)
            }
        }
    }

    /// How many distinct plans the plan cache holds (0 without one): a fleet of targets in the
    /// same state makes one.
    pub fn cached_plans(&self) -> usize {
        self.plans
            .as_ref()
            .map_or(0, |c| c.lock().unwrap_or_else(|e| e.into_inner()).len())
    }
}

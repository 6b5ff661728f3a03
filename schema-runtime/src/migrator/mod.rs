//! The migrator: plans steps over the revision graph (pure, no I/O) and applies them to a
//! database (`run.rs`, through sqlx).

#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod cancel;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod database;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod devdata;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod drift;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod error;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod fleet;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod ledger;
mod plan;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod progress;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod round_trip;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod run;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod url;
mod version_table;

#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use cancel::Cancel;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use database::{endpoint, redact as redact_url, ConnectOptions, Database, Raw};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use devdata::{
    development_database, drop_everything, read_seeds, ChangedSeed, Seed, SeedResult, SeedStatus,
};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use drift::Drift;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use error::{ChecksumChange, LockWait, MigrateError};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use fleet::{
    for_each_target, parse_targets, read_targets, schemas_matching, FleetOptions, FleetTarget,
    TargetOutcome, TargetReport,
};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use ledger::{Edit, LogEntry};
pub use plan::{Direction, PlanError, Step};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use round_trip::{
    Difference, Outcome, RevisionResult, RoundTripOptions, ScratchDatabase, Stage,
};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use run::{AppliedStep, RunOptions, StepEvent};
pub use version_table::{Progress, VersionTable};

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::graph::RevisionGraph;
use crate::ops::DataMode;
use crate::revision::{Migrations, Revision, RevisionDef};
use crate::NamingConvention;

/// Plans and applies revisions.
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::{Dialect, Migrator, Revision};
///
/// let migrator = Migrator::new(vec![
///     Revision::new("0001", &[], "users", |op| {
///         op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key(); });
///     }),
///     Revision::new("0002", &["0001"], "email", |op| {
///         op.add_column("users", "email", Type::String(255));
///     }),
/// ]).unwrap();
/// let steps = migrator.plan_upgrade(Dialect::Postgres, &[], "head").unwrap();
/// assert_eq!(steps[1].statements, [r#"ALTER TABLE "users" ADD COLUMN "email" VARCHAR(255)"#]);
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    entries: Vec<Entry>,
    by_id: foldhash::HashMap<String, usize>,
    graph: RevisionGraph,
    version_table: VersionTable,
    naming: NamingConvention,
    /// The PostgreSQL schema the migrations live in ([`Migrations::in_schema`]).
    schema: Option<String>,
    /// Plans already made, by dialect, direction, current heads and goal: a fleet of targets
    /// in the same state shares one plan ([`Migrator::with_plan_cache`]).
    plans: Option<std::sync::Arc<PlanCache>>,
}

/// Plans by (dialect, direction, sorted current heads, goal).
type PlanCache = std::sync::Mutex<
    foldhash::HashMap<(crate::Dialect, Direction, Vec<String>, String), Vec<Step>>,
>;

/// One revision: its header always, its ops once something needs them.
///
/// A revision embedded by [`migrations!`](crate::migrations) is loaded lazily: verbs that read
/// only the graph never run its function, and replay and checksums load it with its literal
/// rows digested ([`DataMode::Digest`](crate::ops::DataMode)); only a step about to be rendered
/// runs it again keeping its rows. So a revision that seeds a million rows costs nothing to the
/// commands that do not apply it.
#[derive(Debug, Clone)]
struct Entry {
    /// Id, parents, message, flags; no ops.
    header: Revision,
    /// The registered functions, for a revision from `migrations!`.
    def: Option<RevisionDef>,
    /// The revision with its ops (rows digested for a registered one).
    loaded: OnceLock<Revision>,
}

impl Migrator {
    /// A migrator over `revisions`; fails on duplicate ids, unknown parents and cycles.
    pub fn new(revisions: Vec<Revision>) -> Result<Self, crate::graph::GraphError> {
        let entries = revisions
            .into_iter()
            .map(|r| Entry {
                header: header_of(&r),
                def: None,
                loaded: OnceLock::from(r),
            })
            .collect();
        Self::from_entries(entries, NamingConvention::default())
    }

    /// A migrator over the revisions that [`migrations!`](crate::migrations) embedded; their
    /// functions run only when their ops are needed.
    pub fn from_migrations(migrations: &Migrations) -> Result<Self, crate::graph::GraphError> {
        let naming = migrations.naming().clone();
        let entries = migrations
            .defs()
            .iter()
            .map(|d| Entry {
                header: d.header(),
                def: Some(*d),
                loaded: OnceLock::new(),
            })
            .collect();
        let mut migrator = Self::from_entries(entries, naming)?;
        migrator.schema = migrations.schema().map(str::to_owned);
        Ok(migrator)
    }

    fn from_entries(
        entries: Vec<Entry>,
        naming: NamingConvention,
    ) -> Result<Self, crate::graph::GraphError> {
        let graph = RevisionGraph::from_specs(entries.iter().map(|e| crate::graph::NodeSpec {
            id: &e.header.id,
            parents: &e.header.parents,
            depends_on: &e.header.depends_on,
            branch_labels: &e.header.branch_labels,
        }))?;
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.header.id.clone(), i))
            .collect();
        Ok(Migrator {
            entries,
            by_id,
            graph,
            version_table: VersionTable::default(),
            naming,
            schema: None,
            plans: None,
        })
    }

    /// Works in PostgreSQL schema `schema` (see [`Migrations::in_schema`]); `None`: the
    /// connection's default.
    pub fn with_schema(mut self, schema: Option<&str>) -> Self {
        self.schema = schema.map(str::to_owned);
        self
    }

    /// The PostgreSQL schema the migrations live in, if they name one.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The schema a connection to `url` works in: the migrations' own on PostgreSQL, none
    /// elsewhere (so a package kept in a PostgreSQL schema still runs on SQLite in
    /// development).
    pub fn schema_for(&self, url: &str) -> Option<&str> {
        match crate::Dialect::from_url(url) {
            Some(crate::Dialect::Postgres) => self.schema(),
            _ => None,
        }
    }

    /// Keeps every plan made, so that targets in the same state share one (a fleet run):
    /// the first target at a given set of heads renders the SQL, the others reuse it.
    pub fn with_plan_cache(mut self) -> Self {
        self.plans = Some(std::sync::Arc::default());
        self
    }

    /// `plan()` once per distinct key when a plan cache is on.
    #[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
    fn cached_plan<E>(
        &self,
        key: (crate::Dialect, Direction, &[String], &str),
        plan: impl FnOnce() -> Result<Vec<Step>, E>,
    ) -> Result<Vec<Step>, E> {
        let Some(cache) = &self.plans else {
            return plan();
        };
        let mut heads = key.2.to_vec();
        heads.sort();
        let key = (key.0, key.1, heads, key.3.to_owned());
        if let Some(steps) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(steps.clone());
        }
        let steps = plan()?;
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, steps.clone());
        Ok(steps)
    }

    /// Uses other names for the version and log tables.
    pub fn with_version_table(mut self, table: VersionTable) -> Self {
        self.version_table = table;
        self
    }

    /// The naming convention the revisions were loaded with.
    pub fn naming(&self) -> &NamingConvention {
        &self.naming
    }

    /// The version and log tables.
    pub fn version_table(&self) -> &VersionTable {
        &self.version_table
    }

    /// The revision graph.
    pub fn graph(&self) -> &RevisionGraph {
        &self.graph
    }

    /// The revision with this exact id, with its ops (literal rows of a revision from
    /// `migrations!` digested, not kept: see [`Rows`](crate::Rows)).
    pub fn revision(&self, id: &str) -> Option<&Revision> {
        let entry = &self.entries[*self.by_id.get(id)?];
        Some(entry.loaded.get_or_init(|| match &entry.def {
            Some(def) => def.load_with(&self.naming, DataMode::Digest),
            // A built revision is loaded at construction.
            None => entry.header.clone(),
        }))
    }

    /// The id, parents, message and flags of the revision with this id, without running it
    /// (its `upgrade` and `downgrade` are empty).
    pub fn header(&self, id: &str) -> Option<&Revision> {
        Some(&self.entries[*self.by_id.get(id)?].header)
    }

    /// The revision with its literal rows kept, to render and run it.
    pub(crate) fn runnable(&self, id: &str) -> Option<Cow<'_, Revision>> {
        let entry = &self.entries[*self.by_id.get(id)?];
        Some(match &entry.def {
            Some(def) => Cow::Owned(def.load_with(&self.naming, DataMode::Keep)),
            None => Cow::Borrowed(self.revision(id)?),
        })
    }

    /// Every revision's header, newest first (as `history` prints them); see [`header`](Self::header).
    pub fn history(&self) -> Vec<&Revision> {
        let mut ids = self.graph.topological();
        ids.reverse();
        ids.into_iter().filter_map(|id| self.header(id)).collect()
    }
}

/// `r` without its ops.
fn header_of(r: &Revision) -> Revision {
    Revision {
        id: r.id.clone(),
        parents: r.parents.clone(),
        depends_on: r.depends_on.clone(),
        branch_labels: r.branch_labels.clone(),
        message: r.message.clone(),
        upgrade: Vec::new(),
        downgrade: None,
        irreversible: r.irreversible,
        transactional: r.transactional,
        lock_timeout: r.lock_timeout,
        statement_timeout: r.statement_timeout,
        allow_lint: r.allow_lint.clone(),
    }
}

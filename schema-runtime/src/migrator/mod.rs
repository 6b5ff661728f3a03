//! The migrator: plans steps over the revision graph (pure, no I/O) and applies them to a
//! database (`run.rs`, through sqlx).

#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod cancel;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod database;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod error;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod ledger;
mod plan;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod progress;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod run;
mod version_table;

#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use cancel::Cancel;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use database::{endpoint, redact as redact_url, ConnectOptions, Database, Raw};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use error::{ChecksumChange, MigrateError};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use ledger::LogEntry;
pub use plan::{Direction, PlanError, Step};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use run::{AppliedStep, RunOptions, StepEvent};
pub use version_table::{Progress, VersionTable};

use crate::graph::RevisionGraph;
use crate::revision::{Migrations, Revision};
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
    revisions: Vec<Revision>,
    by_id: foldhash::HashMap<String, usize>,
    graph: RevisionGraph,
    version_table: VersionTable,
    naming: NamingConvention,
}

impl Migrator {
    /// A migrator over `revisions`; fails on duplicate ids, unknown parents and cycles.
    pub fn new(revisions: Vec<Revision>) -> Result<Self, crate::graph::GraphError> {
        let graph = RevisionGraph::from_specs(revisions.iter().map(|r| crate::graph::NodeSpec {
            id: &r.id,
            parents: &r.parents,
            depends_on: &r.depends_on,
            branch_labels: &r.branch_labels,
        }))?;
        let by_id = revisions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Ok(Migrator {
            revisions,
            by_id,
            graph,
            version_table: VersionTable::default(),
            naming: NamingConvention::default(),
        })
    }

    /// A migrator over the revisions that [`migrations!`](crate::migrations) embedded.
    pub fn from_migrations(migrations: &Migrations) -> Result<Self, crate::graph::GraphError> {
        let mut migrator = Self::new(migrations.load(migrations.naming()))?;
        migrator.naming = migrations.naming().clone();
        Ok(migrator)
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

    /// The revision with this exact id.
    pub fn revision(&self, id: &str) -> Option<&Revision> {
        self.by_id.get(id).map(|&i| &self.revisions[i])
    }

    /// Every revision, newest first (as `history` prints them).
    pub fn history(&self) -> Vec<&Revision> {
        let mut ids = self.graph.topological();
        ids.reverse();
        ids.into_iter().filter_map(|id| self.revision(id)).collect()
    }
}

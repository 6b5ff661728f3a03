//! Revisions: what `#[migration]` registers, and the loaded form the migrator works on.

use crate::ops::{DataMode, Op, Ops};
use crate::NamingConvention;

/// A revision as `#[migration]` registers it: static data and function pointers, built at
/// compile time. [`RevisionDef::load`] runs the functions to get the ops.
#[derive(Debug, Clone, Copy)]
pub struct RevisionDef {
    /// Unique id (`20250102_143000_create_users`).
    pub id: &'static str,
    /// Parent ids: none for a base, several for a merge.
    pub parents: &'static [&'static str],
    /// Revisions (usually of another branch) that must be applied first, without merging.
    pub depends_on: &'static [&'static str],
    /// Labels naming the branch this revision starts or belongs to (`LABEL@head`).
    pub branch_labels: &'static [&'static str],
    /// What the revision does, one line.
    pub message: &'static str,
    /// Builds the upgrade ops.
    pub upgrade: fn(&mut Ops),
    /// Builds the downgrade ops; `None` derives them by reversing the upgrade.
    pub downgrade: Option<fn(&mut Ops)>,
    /// Declared irreversible: downgrading past it is refused.
    pub irreversible: bool,
    /// Runs inside a transaction (false for `CREATE INDEX CONCURRENTLY` and friends).
    pub transactional: bool,
    /// `lock_timeout = "5s"`, in milliseconds.
    pub lock_timeout_ms: Option<u64>,
    /// `statement_timeout = "10min"`, in milliseconds.
    pub statement_timeout_ms: Option<u64>,
    /// `allow_lint = ["rule-id", ...]`: the `cargo schema lint` rules this revision may break
    /// (ids checked by `#[migration]`).
    pub allow_lint: &'static [&'static str],
    /// The source file, for messages.
    pub source: &'static str,
}

impl RevisionDef {
    /// Runs the migration functions and returns the revision with its ops.
    pub fn load(&self, naming: &NamingConvention) -> Revision {
        self.load_with(naming, DataMode::Keep)
    }

    /// [`load`](Self::load), keeping literal rows as `data` says.
    pub fn load_with(&self, naming: &NamingConvention, data: DataMode) -> Revision {
        let builder = || Ops::with_naming(naming.clone()).with_data_mode(data);
        let mut up = builder();
        (self.upgrade)(&mut up);
        let down = self.downgrade.map(|f| {
            let mut down = builder();
            f(&mut down);
            down.into_ops()
        });
        Revision {
            upgrade: up.into_ops(),
            downgrade: down,
            ..self.header()
        }
    }

    /// The revision without running its functions: id, parents, message, flags; no ops.
    pub fn header(&self) -> Revision {
        Revision {
            id: self.id.to_owned(),
            parents: self.parents.iter().map(|p| (*p).to_owned()).collect(),
            depends_on: self.depends_on.iter().map(|p| (*p).to_owned()).collect(),
            branch_labels: self.branch_labels.iter().map(|p| (*p).to_owned()).collect(),
            message: self.message.to_owned(),
            upgrade: Vec::new(),
            downgrade: None,
            irreversible: self.irreversible,
            transactional: self.transactional,
            lock_timeout: self.lock_timeout_ms.map(std::time::Duration::from_millis),
            statement_timeout: self
                .statement_timeout_ms
                .map(std::time::Duration::from_millis),
            allow_lint: self.allow_lint.iter().map(|r| (*r).to_owned()).collect(),
        }
    }
}

/// A revision with its ops.
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::Revision;
///
/// let rev = Revision::new("0001_users", &[], "create users", |op| {
///     op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key(); });
/// });
/// assert_eq!(rev.upgrade.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// Unique id.
    pub id: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Revisions that must be applied first, without merging their branch.
    pub depends_on: Vec<String>,
    /// Branch labels.
    pub branch_labels: Vec<String>,
    /// One-line description.
    pub message: String,
    /// Upgrade ops.
    pub upgrade: Vec<Op>,
    /// Explicit downgrade ops; `None` means derived from the upgrade.
    pub downgrade: Option<Vec<Op>>,
    /// Declared irreversible.
    pub irreversible: bool,
    /// Runs inside a transaction.
    pub transactional: bool,
    /// Its own bound on waiting for a lock (`lock_timeout` on PostgreSQL, `lock_wait_timeout` on
    /// MySQL/MariaDB); `None` takes the run's.
    pub lock_timeout: Option<std::time::Duration>,
    /// Its own bound on each statement (`statement_timeout` on PostgreSQL, and the client's
    /// bound everywhere); `None` takes the run's.
    pub statement_timeout: Option<std::time::Duration>,
    /// The [lint](crate::lint) rules this revision may break: their findings are reported as
    /// allowed and do not fail `cargo schema lint`.
    pub allow_lint: Vec<String>,
}

impl Revision {
    /// A transactional revision whose ops `build` creates and whose downgrade is derived.
    pub fn new(id: &str, parents: &[&str], message: &str, build: impl FnOnce(&mut Ops)) -> Self {
        let mut ops = Ops::new();
        build(&mut ops);
        Revision {
            id: id.to_owned(),
            parents: parents.iter().map(|p| (*p).to_owned()).collect(),
            depends_on: Vec::new(),
            branch_labels: Vec::new(),
            message: message.to_owned(),
            upgrade: ops.into_ops(),
            downgrade: None,
            irreversible: false,
            transactional: true,
            lock_timeout: None,
            statement_timeout: None,
            allow_lint: Vec::new(),
        }
    }

    /// Bounds how long this revision's statements wait for a lock (a migration that needs an
    /// exclusive lock must not queue all traffic behind a long transaction).
    pub fn lock_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.lock_timeout = Some(timeout);
        self
    }

    /// Bounds how long each of this revision's statements may run.
    pub fn statement_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// Allows the [lint](crate::lint) rules `ids` in this revision (what
    /// `#[migration(allow_lint = [...])]` declares).
    pub fn allow_lint(mut self, ids: &[&str]) -> Self {
        self.allow_lint = ids.iter().map(|p| (*p).to_owned()).collect();
        self
    }

    /// Makes the revision depend on `ids` (applied first, branches not merged).
    pub fn depends_on(mut self, ids: &[&str]) -> Self {
        self.depends_on = ids.iter().map(|p| (*p).to_owned()).collect();
        self
    }

    /// Labels the branch this revision belongs to.
    pub fn branch_labels(mut self, labels: &[&str]) -> Self {
        self.branch_labels = labels.iter().map(|p| (*p).to_owned()).collect();
        self
    }

    /// Runs the revision outside a transaction (for `CREATE INDEX CONCURRENTLY`).
    pub fn non_transactional(mut self) -> Self {
        self.transactional = false;
        self
    }

    /// Gives an explicit downgrade.
    pub fn with_downgrade(mut self, build: impl FnOnce(&mut Ops)) -> Self {
        let mut ops = Ops::new();
        build(&mut ops);
        self.downgrade = Some(ops.into_ops());
        self
    }
}

/// The migrations of a crate, as [`migrations!`](crate::migrations) embeds them.
///
/// ```
/// use schema_runtime::Migrations;
/// static MIGRATIONS: Migrations = Migrations::from_static(&[]);
/// assert!(MIGRATIONS.is_empty());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    defs: &'static [RevisionDef],
    naming: &'static NamingConvention,
    schema: Option<&'static str>,
}

static DEFAULT_NAMING: NamingConvention = NamingConvention::DEFAULT;

impl Migrations {
    /// Wraps the revisions that the collector gathered.
    pub const fn from_static(defs: &'static [RevisionDef]) -> Self {
        Migrations {
            defs,
            naming: &DEFAULT_NAMING,
            schema: None,
        }
    }

    /// Names unnamed indexes and constraints of these migrations with `naming`.
    pub const fn with_naming(self, naming: &'static NamingConvention) -> Self {
        Migrations { naming, ..self }
    }

    /// PostgreSQL: the migrations live in schema `schema` (created by the first `upgrade`):
    /// the runner sets `search_path` to it alone, so the version table, the log and every
    /// unqualified name are there, and introspection (`check --database`, `adopt`,
    /// autogenerate) reads it only. `--schema` overrides it for one run; other databases
    /// refuse a schema (name the database in the URL).
    ///
    /// ```
    /// use schema_runtime::Migrations;
    /// static MIGRATIONS: Migrations = Migrations::from_static(&[]).in_schema("app");
    /// assert_eq!(MIGRATIONS.schema(), Some("app"));
    /// ```
    pub const fn in_schema(self, schema: &'static str) -> Self {
        Migrations {
            schema: Some(schema),
            ..self
        }
    }

    /// The PostgreSQL schema of these migrations ([`Migrations::in_schema`]).
    pub fn schema(&self) -> Option<&'static str> {
        self.schema
    }

    /// The naming convention of these migrations.
    pub fn naming(&self) -> &'static NamingConvention {
        self.naming
    }

    /// The registered revisions, in file order.
    pub fn defs(&self) -> &'static [RevisionDef] {
        self.defs
    }

    /// True when no revision is registered.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Loads every revision (runs the migration functions) with `naming`.
    pub fn load(&self, naming: &NamingConvention) -> Vec<Revision> {
        self.defs.iter().map(|d| d.load(naming)).collect()
    }
}

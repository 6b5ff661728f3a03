//! Dialects: one implementation of [`SqlDialect`](sql) per database, each in its own module.
//!
//! `sql.rs` holds the generic SQL in the trait's default methods and the one exhaustive match
//! over ops; `postgres.rs`, `sqlite.rs` and `mysql.rs` (MySQL 8 and MariaDB, two flavours of
//! one family) override only what differs. [`Dialect`] names a dialect; [`Dialect::sql`] is the
//! only place that maps a name to its implementation. Renderers read the schema state, so no
//! migration spells out the existing definition of what it changes. What a dialect cannot
//! express is a [`RenderError::Unsupported`] that says what to do instead.

pub(crate) mod bookkeeping;
pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sql;
pub(crate) mod sqlite;

use std::fmt;
use std::str::FromStr;

pub(crate) use bookkeeping::Bookkeeping;
pub(crate) use sql::SqlDialect;

use crate::ops::Op;
use crate::state::{Schema, StateError};
use crate::types::{Type, Value};

/// A database dialect. MySQL and MariaDB are two flavours of one family: online the server's
/// version string chooses, offline `--dialect mysql` (MySQL 8) or `--dialect mariadb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL 8 (8.0, 8.4 LTS).
    Mysql,
    /// MariaDB (10.6+, 11.x).
    Mariadb,
}

/// An op that a dialect cannot render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The dialect has no way to express the op.
    #[error("{op} is not supported on {dialect}: {hint}")]
    Unsupported {
        /// The op, as `alter_column(users.email)`.
        op: String,
        /// The dialect.
        dialect: Dialect,
        /// What to do instead.
        hint: String,
    },
    /// The op does not fit the schema before it.
    #[error("{op}: {source}")]
    State {
        /// The op.
        op: String,
        /// What does not fit.
        #[source]
        source: StateError,
    },
}

/// The SQL of a run of ops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Statements in order.
    pub statements: Vec<String>,
    /// The statements rebuild SQLite tables: foreign key enforcement must be off around them
    /// (it can only be switched outside a transaction) and `PRAGMA foreign_key_check` must pass
    /// before commit.
    pub foreign_keys_off: bool,
}

impl Dialect {
    /// Every dialect, in a stable order.
    pub const ALL: [Dialect; 4] = [
        Dialect::Postgres,
        Dialect::Sqlite,
        Dialect::Mysql,
        Dialect::Mariadb,
    ];

    /// The dialects this build of the runtime has a driver for (features `postgres`, `sqlite`,
    /// `mysql`; the last is MySQL 8 and MariaDB): what `check`, `snapshot` and
    /// `migration_tests!` verify by default, so that a SQLite-only project is not held to
    /// MariaDB's limits. Every dialect when no driver is compiled in (planning offline).
    pub fn enabled() -> Vec<Dialect> {
        let on: Vec<Dialect> = Dialect::ALL
            .into_iter()
            .filter(|d| match d {
                Dialect::Postgres => cfg!(feature = "postgres"),
                Dialect::Sqlite => cfg!(feature = "sqlite"),
                Dialect::Mysql | Dialect::Mariadb => cfg!(feature = "mysql"),
            })
            .collect();
        if on.is_empty() {
            Dialect::ALL.to_vec()
        } else {
            on
        }
    }

    /// The renderer of this dialect: the one dispatch from a name to its code.
    pub(crate) fn sql(self) -> &'static dyn SqlDialect {
        self.bookkeeping()
    }

    /// How this dialect runs a migration (lock, transactions, version tables).
    pub(crate) fn bookkeeping(self) -> &'static dyn Bookkeeping {
        match self {
            Dialect::Postgres => &postgres::Postgres,
            Dialect::Sqlite => &sqlite::Sqlite,
            Dialect::Mysql => &mysql::MYSQL,
            Dialect::Mariadb => &mysql::MARIADB,
        }
    }

    /// `postgres`, `sqlite`, `mysql` or `mariadb`.
    pub fn name(self) -> &'static str {
        self.sql().name()
    }

    /// Whether this is MySQL or MariaDB (one wire protocol, one server URL, two grammars).
    pub fn is_mysql_family(self) -> bool {
        self.sql().quote_char() == '`'
    }

    /// The dialect of a database URL (`postgres://`, `sqlite:`, `mysql://`, `mariadb://`).
    /// A `mysql://` server may turn out to be MariaDB: connecting reads the flavour from the
    /// server's version.
    ///
    /// ```
    /// use schema_runtime::Dialect;
    /// assert_eq!(Dialect::from_url("sqlite:app.db"), Some(Dialect::Sqlite));
    /// assert_eq!(Dialect::from_url("mariadb://root@localhost/app"), Some(Dialect::Mariadb));
    /// assert_eq!(Dialect::from_url("mysql://root@localhost/app"), Some(Dialect::Mysql));
    /// ```
    pub fn from_url(url: &str) -> Option<Dialect> {
        let scheme = url.split(':').next()?;
        Dialect::ALL
            .into_iter()
            .find(|d| d.sql().url_schemes().contains(&scheme))
    }

    /// The flavour a server's `SELECT VERSION()` names, within this dialect's family.
    ///
    /// ```
    /// use schema_runtime::Dialect;
    /// assert_eq!(Dialect::Mysql.with_server_version("10.11.6-MariaDB-0+deb12u1"), Dialect::Mariadb);
    /// assert_eq!(Dialect::Mariadb.with_server_version("8.4.3"), Dialect::Mysql);
    /// assert_eq!(Dialect::Postgres.with_server_version("16.2"), Dialect::Postgres);
    /// ```
    pub fn with_server_version(self, version: &str) -> Dialect {
        if !self.is_mysql_family() {
            return self;
        }
        if version.to_ascii_lowercase().contains("mariadb") {
            Dialect::Mariadb
        } else {
            Dialect::Mysql
        }
    }

    /// Whether DDL takes part in transactions (false on MySQL and MariaDB, where DDL commits
    /// implicitly).
    pub fn transactional_ddl(self) -> bool {
        self.sql().transactional_ddl()
    }

    /// Whether a revision runs inside a transaction here. SQLite always: its immediate
    /// transaction is the migration lock, and CONCURRENTLY, the reason for non-transactional
    /// revisions, does not exist there.
    pub fn runs_in_transaction(self, transactional: bool) -> bool {
        let d = self.sql();
        (transactional || d.always_transactional()) && d.transactional_ddl()
    }

    /// The longest identifier the dialect keeps intact, in bytes.
    pub fn max_identifier_len(self) -> Option<usize> {
        self.sql().max_identifier_len()
    }

    /// Quotes an identifier.
    ///
    /// ```
    /// use schema_runtime::Dialect;
    /// assert_eq!(Dialect::Postgres.quote("user"), "\"user\"");
    /// assert_eq!(Dialect::Mysql.quote("we`ird"), "`we``ird`");
    /// assert_eq!(Dialect::Sqlite.quote("say \"hi\""), r#""say ""hi""""#);
    /// ```
    pub fn quote(self, ident: &str) -> String {
        self.sql().quote(ident)
    }

    /// A string literal.
    pub fn literal(self, value: &str) -> String {
        self.sql().literal(value)
    }

    /// The native spelling of a portable type. Enum types need the schema: see
    /// [`Dialect::render`]; here MySQL's spells `ENUM` without values.
    pub fn render_type(self, ty: &Type) -> String {
        self.sql().render_type(ty, None)
    }

    /// A literal value.
    pub fn render_value(self, value: &Value) -> String {
        self.sql().render_value(value)
    }

    /// The SQL statements of `op`, given the schema `before` it.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Schema};
    ///
    /// let mut op = Ops::new();
    /// op.create_index("users", ["email"]).unique();
    /// let mut schema = Schema::default();
    /// let mut setup = Ops::new();
    /// setup.create_table("users", |t| { t.column("email", Type::String(255)); });
    /// schema.apply(&setup.ops()[0]).unwrap();
    /// let sql = Dialect::Mysql.render(&op.ops()[0], &schema).unwrap();
    /// assert_eq!(sql, ["CREATE UNIQUE INDEX `ix_users_email` ON `users` (`email`)"]);
    /// ```
    pub fn render(self, op: &Op, before: &Schema) -> Result<Vec<String>, RenderError> {
        let mut schema = before.clone();
        self.render_ops(std::slice::from_ref(op), &mut schema)
            .map(|r| r.statements)
    }

    /// Renders a run of ops, applying each to `schema` as it goes. On SQLite, consecutive
    /// changes to one table that need a rebuild share one rebuild.
    pub fn render_ops(self, ops: &[Op], schema: &mut Schema) -> Result<Rendered, RenderError> {
        self.sql().render_ops(ops, schema)
    }
}

/// `--dialect NAME` on the command line: the names and aliases of [`Dialect::ALL`].
#[cfg(feature = "cli-args")]
impl clap::ValueEnum for Dialect {
    fn value_variants<'a>() -> &'a [Self] {
        &Dialect::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(
            clap::builder::PossibleValue::new(self.name())
                .aliases(self.sql().aliases().iter().copied())
                .help(self.sql().title()),
        )
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql().title())
    }
}

impl FromStr for Dialect {
    type Err = String;

    /// A dialect by its name or an alias (`postgresql`, `pg`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.to_ascii_lowercase();
        Dialect::ALL
            .into_iter()
            .find(|d| d.name() == wanted || d.sql().aliases().contains(&wanted.as_str()))
            .ok_or_else(|| {
                let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
                format!(
                    "unknown dialect `{s}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

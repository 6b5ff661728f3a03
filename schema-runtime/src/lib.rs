//! Alembic-class database migrations for Rust.
//!
//! Migrations are Rust functions written against the typed op builder [`Ops`]; the
//! `#[migration]` attribute registers them as revisions, [`migrations!`] embeds a folder of
//! them, and the [`Migrator`] applies them through sqlx to PostgreSQL, SQLite and MySQL/MariaDB.

#![warn(missing_docs)]
// Without a driver (`cargo schema`'s own build: only the runner's clap definitions), the
// execution half of the dialects and the migrator is not reachable.
#![cfg_attr(
    not(any(feature = "postgres", feature = "sqlite", feature = "mysql")),
    allow(dead_code)
)]

// Macro-generated code names `::schema_runtime`; this makes that path work inside the crate too.
extern crate self as schema_runtime;

pub mod autogen;
#[cfg(feature = "cli-args")]
pub mod cli;
pub mod dialect;
pub mod graph;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub mod introspect;
pub mod lint;
pub mod migrator;
pub mod model;
pub mod naming;
pub mod ops;
pub mod revision;
pub mod state;
pub mod testing;
pub mod types;

pub use dialect::{Dialect, RenderError, Rendered};
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use migrator::{Database, MigrateError};
pub use migrator::{Direction, Migrator, PlanError, Step, VersionTable};
pub use naming::NamingConvention;
pub use ops::{
    AlterColumn, CheckDef, ColumnDef, Constraint, Deferrable, EnumDef, EnumPosition, FkAction,
    ForeignKeyDef, Generated, IdentityChanges, IdentityOptions, IndexDef, IndexKey, KeyDef,
    KeyPart, NullsOrder, Op, Ops, RawSql, ReverseError, Rows, SequenceChanges, SequenceDef,
    SequenceOptions, SetValue, SqlText, TableDef,
};
pub use revision::{Migrations, Revision, RevisionDef};
pub use state::{Schema, StateError, Table};
pub use types::{ServerDefault, Type, Value};

pub use schema_macros::{migration, migrations, Model, ModelEnum};

/// Paths that macro-generated code names; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::ops::Ops;
    pub use crate::revision::{Migrations, RevisionDef};
}

/// `name` as an identifier inside a CHECK, index, default or filter expression, portably: in
/// standard SQL quotes, which PostgreSQL and SQLite read as they are and which the MySQL/MariaDB
/// renderer turns into backticks (a column named `select`, `order`, or with capitals or
/// spaces).
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::{Dialect, Migrator, Revision};
/// let migrator = Migrator::new(vec![Revision::new("0001", &[], "votes", |op| {
///     op.create_table("votes", |t| {
///         t.column("select", Type::Integer).not_null();
///         t.check("select_nonnegative", &format!("{} >= 0", ident("select")));
///     });
/// })]).unwrap();
/// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
/// assert!(sql(Dialect::Postgres).contains(r#"CHECK ("select" >= 0)"#));
/// assert!(sql(Dialect::Mariadb).contains("CHECK (`select` >= 0)"));
/// ```
pub fn ident(name: &str) -> String {
    // Standard SQL quotes, as PostgreSQL writes every name.
    Dialect::Postgres.quote(name)
}

/// Everything a migration file needs: `use schema_runtime::prelude::*;`.
pub mod prelude {
    pub use crate::ident;
    pub use crate::ops::{Deferrable, FkAction, IndexKey, Ops, SqlText};
    pub use crate::row;
    pub use crate::types::{Type, Value};
    pub use schema_macros::migration;
    pub use schema_macros::{Model, ModelEnum};
}

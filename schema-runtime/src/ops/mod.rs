//! Operations: plain data that describe one schema change each and know their inverse.
//!
//! Migrations build ops with the typed builder [`Ops`]; dialects render them to SQL
//! ([`crate::Dialect`]); the schema state ([`crate::Schema`]) folds them to know the schema at
//! any revision, which is what lets [`Op::reverse`] invert a `drop_column`.

mod builder;
mod reverse;

pub use builder::{
    AddedColumn, AlterColumnBuilder, ColumnBuilder, IndexBuilder, Ops, SqlBuilder, TableBuilder,
    TableColumn,
};
pub use reverse::ReverseError;

use crate::types::{ServerDefault, Type};
use crate::Dialect;

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Portable type.
    pub ty: Type,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Server default, if any.
    pub default: Option<ServerDefault>,
    /// Identity / autoincrement.
    pub identity: bool,
}

impl ColumnDef {
    /// A nullable column without default.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        ColumnDef {
            name: name.into(),
            ty,
            nullable: true,
            default: None,
            identity: false,
        }
    }
}

/// A named constraint over some columns (primary key, unique).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDef {
    /// Constraint name (from the naming convention when not given).
    pub name: String,
    /// Columns in key order.
    pub columns: Vec<String>,
}

/// A table as `create_table` creates it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    /// Table name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<ColumnDef>,
    /// Primary key, if any.
    pub primary_key: Option<KeyDef>,
    /// Unique constraints.
    pub uniques: Vec<KeyDef>,
}

impl TableDef {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    /// Index name (from the naming convention when not given).
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// Indexed columns in order.
    pub columns: Vec<String>,
    /// Whether the index enforces uniqueness.
    pub unique: bool,
}

/// The changes of one `alter_column`; `None` leaves that aspect as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlterColumn {
    /// Table of the column.
    pub table: String,
    /// Column name before the change.
    pub column: String,
    /// New type.
    pub ty: Option<Type>,
    /// Cast expression for the type change (PostgreSQL `USING`).
    pub using: Option<String>,
    /// New nullability.
    pub nullable: Option<bool>,
    /// New server default: `Some(None)` drops it.
    pub default: Option<Option<ServerDefault>>,
    /// New name.
    pub rename: Option<String>,
}

impl AlterColumn {
    /// True when the alter changes nothing.
    pub fn is_empty(&self) -> bool {
        self.ty.is_none()
            && self.nullable.is_none()
            && self.default.is_none()
            && self.rename.is_none()
    }
}

/// SQL text, the same for every dialect or one variant per dialect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SqlText {
    /// Used where no dialect-specific variant is given.
    pub portable: Option<String>,
    /// PostgreSQL variant.
    pub postgres: Option<String>,
    /// SQLite variant.
    pub sqlite: Option<String>,
    /// MySQL / MariaDB variant.
    pub mysql: Option<String>,
}

impl SqlText {
    /// The same SQL for every dialect.
    pub fn portable(sql: impl Into<String>) -> Self {
        SqlText {
            portable: Some(sql.into()),
            ..SqlText::default()
        }
    }

    /// The text for `dialect`, if one was given.
    pub fn for_dialect(&self, dialect: Dialect) -> Option<&str> {
        let specific = match dialect {
            Dialect::Postgres => &self.postgres,
            Dialect::Sqlite => &self.sqlite,
            Dialect::Mysql => &self.mysql,
        };
        specific.as_deref().or(self.portable.as_deref())
    }
}

/// Raw SQL, with an optional inverse.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawSql {
    /// Runs on upgrade.
    pub up: SqlText,
    /// Runs on downgrade; without it the op is irreversible.
    pub down: Option<SqlText>,
}

/// One schema change.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `CREATE TABLE`.
    CreateTable(TableDef),
    /// `DROP TABLE`.
    DropTable {
        /// Table name.
        table: String,
    },
    /// `ALTER TABLE ... ADD COLUMN`, with an optional unique constraint of that name.
    AddColumn {
        /// Table name.
        table: String,
        /// The new column.
        column: ColumnDef,
        /// Name of a unique constraint on the new column.
        unique: Option<String>,
    },
    /// `ALTER TABLE ... DROP COLUMN`.
    DropColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// `ALTER TABLE ... ALTER COLUMN` (type, nullability, default, rename).
    AlterColumn(AlterColumn),
    /// `CREATE INDEX`.
    CreateIndex(IndexDef),
    /// `DROP INDEX`; the table is found in the schema state.
    DropIndex {
        /// Index name.
        name: String,
    },
    /// Adds a unique constraint.
    AddUnique {
        /// Table name.
        table: String,
        /// The constraint.
        key: KeyDef,
    },
    /// Drops a unique constraint by name.
    DropUnique {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// Raw SQL.
    Sql(RawSql),
}

impl Op {
    /// The builder method that makes this op, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::CreateTable(_) => "create_table",
            Op::DropTable { .. } => "drop_table",
            Op::AddColumn { .. } => "add_column",
            Op::DropColumn { .. } => "drop_column",
            Op::AlterColumn(_) => "alter_column",
            Op::CreateIndex(_) => "create_index",
            Op::DropIndex { .. } => "drop_index",
            Op::AddUnique { .. } => "create_unique",
            Op::DropUnique { .. } => "drop_unique",
            Op::Sql(_) => "execute",
        }
    }

    /// The object the op works on (`users`, `users.email`, `ix_users_email`), for messages.
    pub fn target(&self) -> String {
        match self {
            Op::CreateTable(t) => t.name.clone(),
            Op::DropTable { table } => table.clone(),
            Op::AddColumn { table, column, .. } => format!("{table}.{}", column.name),
            Op::DropColumn { table, column } => format!("{table}.{column}"),
            Op::AlterColumn(a) => format!("{}.{}", a.table, a.column),
            Op::CreateIndex(i) => i.name.clone(),
            Op::DropIndex { name } => name.clone(),
            Op::AddUnique { key, .. } => key.name.clone(),
            Op::DropUnique { name, .. } => name.clone(),
            Op::Sql(_) => "raw SQL".into(),
        }
    }

    /// `add_column(users.email)`: the op as messages name it.
    pub fn describe(&self) -> String {
        format!("{}({})", self.kind(), self.target())
    }
}

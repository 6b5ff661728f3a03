//! The typed builder that migrations call: `op.create_table(...)`, `op.add_column(...)`, ...

use std::marker::PhantomData;

use super::{AlterColumn, ColumnDef, IndexDef, KeyDef, Op, RawSql, SqlText, TableDef};
use crate::naming::NamingConvention;
use crate::types::{ServerDefault, Type, Value};

/// The op builder a migration function receives.
///
/// ```
/// use schema_runtime::prelude::*;
///
/// let mut op = Ops::new();
/// op.create_table("users", |t| {
///     t.column("id", Type::BigInt).primary_key().identity();
///     t.column("email", Type::String(255)).not_null().unique();
/// });
/// op.create_index("users", ["email"]);
/// assert_eq!(op.ops().len(), 2);
/// ```
#[derive(Debug, Default)]
pub struct Ops {
    ops: Vec<Op>,
    naming: NamingConvention,
}

impl Ops {
    /// An empty builder with the default naming convention.
    pub fn new() -> Self {
        Ops::default()
    }

    /// An empty builder that names indexes and constraints with `naming`.
    pub fn with_naming(naming: NamingConvention) -> Self {
        Ops {
            ops: Vec::new(),
            naming,
        }
    }

    /// The ops built so far.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The ops built, in order.
    pub fn into_ops(self) -> Vec<Op> {
        self.ops
    }

    /// Appends an op built elsewhere.
    pub fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// `CREATE TABLE name (...)`, with the columns `build` declares.
    pub fn create_table(&mut self, name: &str, build: impl FnOnce(&mut TableBuilder)) {
        let mut table = TableBuilder {
            name: name.to_owned(),
            columns: Vec::new(),
            primary_key_name: None,
        };
        build(&mut table);
        let def = table.finish(&self.naming);
        self.ops.push(Op::CreateTable(def));
    }

    /// `DROP TABLE name`. Reversible: the schema state knows the dropped definition.
    pub fn drop_table(&mut self, name: &str) {
        self.ops.push(Op::DropTable {
            table: name.to_owned(),
        });
    }

    /// `ALTER TABLE table ADD COLUMN name ty`; chain `.not_null()`, `.default(..)`, `.unique()`.
    pub fn add_column(
        &mut self,
        table: &str,
        name: &str,
        ty: Type,
    ) -> ColumnBuilder<'_, AddedColumn> {
        self.ops.push(Op::AddColumn {
            table: table.to_owned(),
            column: ColumnDef::new(name, ty),
            unique: None,
        });
        let naming = &self.naming;
        match self.ops.last_mut() {
            Some(Op::AddColumn {
                table,
                column,
                unique,
            }) => ColumnBuilder {
                column,
                flags: Flags::Added {
                    table: table.as_str(),
                    unique,
                    naming,
                },
                kind: PhantomData,
            },
            _ => unreachable!("the op pushed above is an AddColumn"),
        }
    }

    /// `ALTER TABLE table DROP COLUMN name`. Reversible through the schema state.
    pub fn drop_column(&mut self, table: &str, name: &str) {
        self.ops.push(Op::DropColumn {
            table: table.to_owned(),
            column: name.to_owned(),
        });
    }

    /// Alters a column: chain `.set_type(..)`, `.set_not_null()`, `.set_default(..)`, `.rename_to(..)`.
    pub fn alter_column(&mut self, table: &str, name: &str) -> AlterColumnBuilder<'_> {
        self.ops.push(Op::AlterColumn(AlterColumn {
            table: table.to_owned(),
            column: name.to_owned(),
            ..AlterColumn::default()
        }));
        match self.ops.last_mut() {
            Some(Op::AlterColumn(alter)) => AlterColumnBuilder { alter },
            _ => unreachable!("the op pushed above is an AlterColumn"),
        }
    }

    /// `CREATE INDEX` on `columns` of `table`, named by the naming convention unless `.name(..)`.
    pub fn create_index<I, S>(&mut self, table: &str, columns: I) -> IndexBuilder<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let columns: Vec<String> = columns.into_iter().map(Into::into).collect();
        let name = self.naming.index(table, &columns);
        self.ops.push(Op::CreateIndex(IndexDef {
            name,
            table: table.to_owned(),
            columns,
            unique: false,
        }));
        match self.ops.last_mut() {
            Some(Op::CreateIndex(index)) => IndexBuilder { index },
            _ => unreachable!("the op pushed above is a CreateIndex"),
        }
    }

    /// `DROP INDEX name`; the table comes from the schema state, so no dialect needs it spelled out.
    pub fn drop_index(&mut self, name: &str) {
        self.ops.push(Op::DropIndex {
            name: name.to_owned(),
        });
    }

    /// Adds a unique constraint on `columns` of `table`, named by the naming convention.
    pub fn create_unique<I, S>(&mut self, table: &str, columns: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let columns: Vec<String> = columns.into_iter().map(Into::into).collect();
        let name = self.naming.unique(table, &columns);
        self.ops.push(Op::AddUnique {
            table: table.to_owned(),
            key: KeyDef { name, columns },
        });
    }

    /// Drops the unique constraint `name` of `table`.
    pub fn drop_unique(&mut self, table: &str, name: &str) {
        self.ops.push(Op::DropUnique {
            table: table.to_owned(),
            name: name.to_owned(),
        });
    }

    /// Raw SQL, the same on every dialect. Irreversible unless `.reverse(..)` gives the inverse.
    pub fn execute(&mut self, sql: &str) -> SqlBuilder<'_> {
        self.sql(SqlText::portable(sql))
    }

    /// Raw SQL with one variant per dialect.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// let mut op = Ops::new();
    /// op.sql(SqlText {
    ///     postgres: Some("CREATE EXTENSION IF NOT EXISTS pgcrypto".into()),
    ///     portable: Some("SELECT 1".into()),
    ///     ..SqlText::default()
    /// });
    /// ```
    pub fn sql(&mut self, up: SqlText) -> SqlBuilder<'_> {
        self.ops.push(Op::Sql(RawSql { up, down: None }));
        match self.ops.last_mut() {
            Some(Op::Sql(raw)) => SqlBuilder { raw },
            _ => unreachable!("the op pushed above is a Sql"),
        }
    }
}

/// Declares the columns of a new table.
#[derive(Debug)]
pub struct TableBuilder {
    name: String,
    columns: Vec<ColumnSpec>,
    primary_key_name: Option<String>,
}

#[derive(Debug)]
struct ColumnSpec {
    def: ColumnDef,
    primary_key: bool,
    unique: bool,
}

impl TableBuilder {
    /// Adds a column; chain `.not_null()`, `.primary_key()`, `.default(..)`, ...
    pub fn column(&mut self, name: &str, ty: Type) -> ColumnBuilder<'_, TableColumn> {
        self.columns.push(ColumnSpec {
            def: ColumnDef::new(name, ty),
            primary_key: false,
            unique: false,
        });
        let spec = self.columns.last_mut().expect("a column was just pushed");
        ColumnBuilder {
            column: &mut spec.def,
            flags: Flags::Table {
                primary_key: &mut spec.primary_key,
                unique: &mut spec.unique,
            },
            kind: PhantomData,
        }
    }

    /// Names the primary key constraint instead of using the naming convention.
    pub fn primary_key_name(&mut self, name: &str) -> &mut Self {
        self.primary_key_name = Some(name.to_owned());
        self
    }

    fn finish(self, naming: &NamingConvention) -> TableDef {
        let pk_columns: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.def.name.clone())
            .collect();
        let primary_key = (!pk_columns.is_empty()).then(|| KeyDef {
            name: self
                .primary_key_name
                .clone()
                .unwrap_or_else(|| naming.primary_key(&self.name)),
            columns: pk_columns,
        });
        let uniques = self
            .columns
            .iter()
            .filter(|c| c.unique)
            .map(|c| KeyDef {
                name: naming.unique(&self.name, &[&c.def.name]),
                columns: vec![c.def.name.clone()],
            })
            .collect();
        let columns = self
            .columns
            .into_iter()
            .map(|mut c| {
                // A primary key column is NOT NULL on every dialect; say so in the state.
                if c.primary_key {
                    c.def.nullable = false;
                }
                c.def
            })
            .collect();
        TableDef {
            name: self.name,
            columns,
            primary_key,
            uniques,
        }
    }
}

/// Marker: a column declared inside `create_table` (may be part of the primary key).
#[derive(Debug)]
pub enum TableColumn {}

/// Marker: a column added by `add_column` (cannot join the primary key).
#[derive(Debug)]
pub enum AddedColumn {}

#[derive(Debug)]
enum Flags<'a> {
    Table {
        primary_key: &'a mut bool,
        unique: &'a mut bool,
    },
    Added {
        table: &'a str,
        unique: &'a mut Option<String>,
        naming: &'a NamingConvention,
    },
}

/// Sets the options of one column. `K` says where the column is declared, so that a
/// primary key can only be declared inside `create_table`: a compile error, not a runtime one.
#[derive(Debug)]
pub struct ColumnBuilder<'a, K> {
    column: &'a mut ColumnDef,
    flags: Flags<'a>,
    kind: PhantomData<K>,
}

impl<K> ColumnBuilder<'_, K> {
    /// `NOT NULL`.
    pub fn not_null(self) -> Self {
        self.column.nullable = false;
        self
    }

    /// `NULL` (the default).
    pub fn nullable(self) -> Self {
        self.column.nullable = true;
        self
    }

    /// A literal server default.
    pub fn default(self, value: impl Into<Value>) -> Self {
        self.column.default = Some(ServerDefault::Value(value.into()));
        self
    }

    /// Server default `CURRENT_TIMESTAMP`.
    pub fn default_now(self) -> Self {
        self.column.default = Some(ServerDefault::Now);
        self
    }

    /// A raw SQL server default expression, rendered verbatim.
    pub fn default_expr(self, sql: &str) -> Self {
        self.column.default = Some(ServerDefault::Expr(sql.to_owned()));
        self
    }

    /// Identity / autoincrement (`GENERATED BY DEFAULT AS IDENTITY`, `AUTO_INCREMENT`, `AUTOINCREMENT`).
    pub fn identity(self) -> Self {
        // Every dialect's identity column is NOT NULL.
        self.column.identity = true;
        self.column.nullable = false;
        self
    }

    /// A unique constraint on this column, named by the naming convention.
    pub fn unique(self) -> Self {
        match self.flags {
            Flags::Table {
                unique,
                primary_key,
            } => {
                *unique = true;
                ColumnBuilder {
                    column: self.column,
                    flags: Flags::Table {
                        primary_key,
                        unique,
                    },
                    kind: PhantomData,
                }
            }
            Flags::Added {
                table,
                unique,
                naming,
            } => {
                *unique = Some(naming.unique(table, &[&self.column.name]));
                ColumnBuilder {
                    column: self.column,
                    flags: Flags::Added {
                        table,
                        unique,
                        naming,
                    },
                    kind: PhantomData,
                }
            }
        }
    }
}

impl ColumnBuilder<'_, TableColumn> {
    /// Makes the column part of the table's primary key (and `NOT NULL`).
    pub fn primary_key(self) -> Self {
        match self.flags {
            Flags::Table {
                primary_key,
                unique,
            } => {
                *primary_key = true;
                self.column.nullable = false;
                ColumnBuilder {
                    column: self.column,
                    flags: Flags::Table {
                        primary_key,
                        unique,
                    },
                    kind: PhantomData,
                }
            }
            flags @ Flags::Added { .. } => ColumnBuilder {
                column: self.column,
                flags,
                kind: PhantomData,
            },
        }
    }
}

/// Sets what an `alter_column` changes.
#[derive(Debug)]
pub struct AlterColumnBuilder<'a> {
    alter: &'a mut AlterColumn,
}

impl AlterColumnBuilder<'_> {
    /// Changes the type.
    pub fn set_type(self, ty: Type) -> Self {
        self.alter.ty = Some(ty);
        self
    }

    /// Changes the type, converting existing values with `expr` (PostgreSQL `USING`).
    pub fn set_type_using(self, ty: Type, expr: &str) -> Self {
        self.alter.ty = Some(ty);
        self.alter.using = Some(expr.to_owned());
        self
    }

    /// `SET NOT NULL`.
    pub fn set_not_null(self) -> Self {
        self.alter.nullable = Some(false);
        self
    }

    /// `DROP NOT NULL`.
    pub fn set_nullable(self) -> Self {
        self.alter.nullable = Some(true);
        self
    }

    /// Sets a literal server default.
    pub fn set_default(self, value: impl Into<Value>) -> Self {
        self.alter.default = Some(Some(ServerDefault::Value(value.into())));
        self
    }

    /// Sets a raw SQL server default expression.
    pub fn set_default_expr(self, sql: &str) -> Self {
        self.alter.default = Some(Some(ServerDefault::Expr(sql.to_owned())));
        self
    }

    /// Sets the server default to `CURRENT_TIMESTAMP`.
    pub fn set_default_now(self) -> Self {
        self.alter.default = Some(Some(ServerDefault::Now));
        self
    }

    /// Drops the server default.
    pub fn drop_default(self) -> Self {
        self.alter.default = Some(None);
        self
    }

    /// Renames the column.
    pub fn rename_to(self, name: &str) -> Self {
        self.alter.rename = Some(name.to_owned());
        self
    }
}

/// Options of a new index.
#[derive(Debug)]
pub struct IndexBuilder<'a> {
    index: &'a mut IndexDef,
}

impl IndexBuilder<'_> {
    /// `CREATE UNIQUE INDEX`.
    pub fn unique(self) -> Self {
        self.index.unique = true;
        self
    }

    /// Gives the index an explicit name instead of the naming convention's.
    pub fn name(self, name: &str) -> Self {
        self.index.name = name.to_owned();
        self
    }
}

/// Options of a raw SQL op.
#[derive(Debug)]
pub struct SqlBuilder<'a> {
    raw: &'a mut RawSql,
}

impl SqlBuilder<'_> {
    /// The SQL that undoes this one, the same on every dialect; makes the op reversible.
    pub fn reverse(self, sql: &str) -> Self {
        self.raw.down = Some(SqlText::portable(sql));
        self
    }

    /// The SQL that undoes this one, one variant per dialect.
    pub fn reverse_with(self, down: SqlText) -> Self {
        self.raw.down = Some(down);
        self
    }
}
